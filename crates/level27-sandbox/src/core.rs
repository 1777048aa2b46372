//! Serves every declared `Entity`: list, create, get, PUT, PATCH and DELETE on its paths, with
//! the Symfony form semantics, the seed's answer shapes, parents, cascades and the asynchronous
//! status machine. Entity modules hold declarations only (see `entity`).

use std::collections::HashMap;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{StatusCode, Uri};
use axum::routing::{get, MethodRouter};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::entity::{Clock, Entity, OnParentDelete, Patch, Render, Slot, Type};
use crate::error::{ApiError, BLANK, INVALID, INVALID_CHOICE};
use crate::form::{json_object, Form};
use crate::list::ListQuery;
use crate::store::{now_ms, Phase, Record, State as Data};
use crate::Shared;

/// The key under which an asynchronous object keeps its last action.
const ASYNC: &str = "_async";

/// The last action of an asynchronous object: its status is computed from this on every read.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Action {
    phase: Phase,
    since_ms: u64,
    /// Made to fail by `POST /_sandbox/fail-next`: ends in `<phase>_failed`.
    #[serde(default)]
    failed: bool,
    /// The failed status of the object's kind it ends in instead (`transfer_failed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    failed_as: Option<String>,
}

/// What reading and rendering objects needs besides the state.
#[derive(Clone, Copy)]
pub(crate) struct Ctx<'a> {
    pub(crate) entities: &'a [&'static Entity],
    pub(crate) now_ms: u64,
    pub(crate) async_duration: Duration,
}

impl<'a> Ctx<'a> {
    pub(crate) fn of(app: &'a Shared) -> Self {
        Ctx {
            entities: app.entities,
            now_ms: now_ms(),
            async_duration: app.store.async_duration(),
        }
    }

    pub(crate) fn clock(&self) -> Clock {
        Clock {
            now_ms: self.now_ms,
            async_ms: u64::try_from(self.async_duration.as_millis()).unwrap_or(u64::MAX),
        }
    }

    pub(crate) fn entity_named(&self, kind: &str) -> Option<&'static Entity> {
        self.entity(kind)
    }

    fn entity(&self, kind: &str) -> Option<&'static Entity> {
        self.entities.iter().copied().find(|e| e.kind == kind)
    }

    fn action(record: &Record) -> Option<Action> {
        record.get(ASYNC).and_then(|v| Action::deserialize(v).ok())
    }

    fn action_done(&self, action: &Action) -> bool {
        let total = u64::try_from(self.async_duration.as_millis()).unwrap_or(u64::MAX);
        self.now_ms.saturating_sub(action.since_ms) >= total
    }

    /// The status of an object (`ok` for objects without a recorded action).
    pub(crate) fn status(&self, record: &Record) -> &'static str {
        match Self::action(record) {
            None => "ok",
            Some(a) => {
                let status = a
                    .phase
                    .status_at(self.now_ms.saturating_sub(a.since_ms), self.async_duration, a.failed);
                // A kind's own failed status (`transfer_failed`), looked up only for an action
                // made to fail with one.
                let own = a
                    .failed_as
                    .as_deref()
                    .filter(|_| status == a.phase.failed_status())
                    .and_then(|own| {
                        (self.entities.iter())
                            .filter_map(|e| e.lifecycle.and_then(|l| l.create_failure))
                            .find(|f| f.status == own)
                    });
                own.map_or(status, |f| f.status)
            }
        }
    }

    /// Whether the object still exists for the API: one whose delete finished is gone, unless
    /// its entity keeps deleted objects (status `deleted`).
    fn visible(&self, entity: &Entity, record: &Record) -> bool {
        match (entity.lifecycle, Self::action(record)) {
            (Some(life), Some(a)) if a.phase == Phase::Delete && !a.failed && !life.keep_deleted => {
                !self.action_done(&a)
            }
            _ => true,
        }
    }

    /// Whether a delete of the object has started (and not failed).
    fn deleting(&self, record: &Record) -> bool {
        Self::action(record).is_some_and(|a| a.phase == Phase::Delete && !a.failed)
    }

    /// Whether the object exists for the API (a finished delete is gone).
    pub(crate) fn exists(&self, data: &Data, entity: &Entity, id: u64) -> bool {
        self.find(data, entity, id).is_some()
    }

    pub(crate) fn find<'s>(&self, data: &'s Data, entity: &Entity, id: u64) -> Option<&'s Record> {
        data.get(entity, id).filter(|r| self.visible(entity, r))
    }
}

/// The list and item routes of one entity.
pub(crate) fn routes(e: &'static Entity) -> Router<Shared> {
    let collection =
        get(move |State(app): State<Shared>, uri: Uri, Query(q): Query<HashMap<String, String>>| list(e, app, uri, q))
            .post(move |State(app): State<Shared>, uri: Uri, body: Bytes| create(e, app, uri, body));
    let mut item: MethodRouter<Shared> = get(move |State(app): State<Shared>, uri: Uri| show(e, app, uri));
    if e.verbs.put {
        item = item.put(move |State(app): State<Shared>, uri: Uri, body: Bytes| {
            update(e, app, uri, body, (Mode::Put, e.update))
        });
    }
    if e.verbs.patch != Patch::None {
        let mode = Mode::Patch(e.verbs.patch == Patch::PartialWithRequired);
        let form = (mode, e.patch_form());
        item = item.patch(move |State(app): State<Shared>, uri: Uri, body: Bytes| update(e, app, uri, body, form));
    }
    if e.verbs.delete {
        item = item.delete(move |State(app): State<Shared>, uri: Uri| remove(e, app, uri));
    }
    Router::new().route(e.collection, collection).route(e.item, item)
}

async fn list(
    e: &'static Entity,
    app: Shared,
    uri: Uri,
    params: HashMap<String, String>,
) -> Result<Json<Value>, ApiError> {
    let query = ListQuery::parse(&params, e.sortable)?.with_own(e.kind, &params)?;
    let ctx = Ctx::of(&app);
    let (page, total) = app.store.read(|data| {
        let parent = resolve(&ctx, data, e, &path_ids(e.collection, uri.path()))?.pop();
        let listed = data
            .all(e)
            .filter(|(_, r)| in_parent(e, r, parent) && ctx.visible(e, r) && query.keeps_stored(r));
        if query.in_store_order() {
            // The store keeps objects by id: only the page asked for is rendered, so a client
            // reading 500 records and then an empty page does not pay for 1000 renders.
            let mut total = 0;
            let mut page = Vec::new();
            for (_, r) in listed {
                if total >= query.offset && page.len() < query.limit {
                    page.push(render(&ctx, data, e, r, e.shapes.list));
                }
                total += 1;
            }
            return Ok((page, total));
        }
        let items: Vec<Value> = listed.map(|(_, r)| render(&ctx, data, e, r, e.shapes.list)).collect();
        let total = query.total(&items);
        Ok((query.apply(items), total))
    })?;
    let mut answer = json!({ e.plural: page });
    if crate::LIST_TOTALS.contains(&e.kind) {
        answer["total"] = json!(total);
    }
    Ok(Json(answer))
}

async fn show(e: &'static Entity, app: Shared, uri: Uri) -> Result<Json<Value>, ApiError> {
    let ctx = Ctx::of(&app);
    let body = app.store.read(|data| {
        let id = own_id(&ctx, data, e, &uri)?;
        let record = ctx.find(data, e, id).ok_or_else(|| e.not_found())?;
        Ok(render(&ctx, data, e, record, e.shapes.item))
    })?;
    Ok(Json(envelope(e, body)))
}

async fn create(e: &'static Entity, app: Shared, uri: Uri, body: Bytes) -> Result<(StatusCode, Json<Value>), ApiError> {
    let body = form_body(e, &body)?;
    let ctx = Ctx::of(&app);
    let mut failing = None;
    let created = app.store.write(|data| {
        purge(&ctx, data);
        let parent = resolve(&ctx, data, e, &path_ids(e.collection, uri.path()))?.pop();
        let mut record = e.defaults();
        let mut form = Form::new(e.kind, &Entity::form_names(e.create), &body);
        read_form(
            &ctx,
            data,
            e,
            &mut form,
            &mut record,
            e.create,
            Mode::Create,
            (None, parent),
        );
        if let (Some(p), Some(parent)) = (e.parent, parent) {
            record.insert(p.field.to_string(), json!(parent));
        }
        if let Some(validate) = e.validate {
            validate(&mut form, &record, data);
        }
        if crate::team_links::family_of(e.kind).is_some() {
            let org = record.get("organisation").and_then(Value::as_u64);
            crate::team_links::check_auto_teams(&mut form, &record, data, ctx.entities, org);
        }
        form.finish()?;
        // Seed: the id is assigned only once the form is valid, so rejected creates leave no gap.
        let id = data.next_id(e);
        let mut stored = Record::new();
        stored.insert("id".into(), json!(id));
        stored.extend(record);
        for team in crate::team_links::auto_teams(&stored) {
            crate::team_links::add(data, &mut stored, team);
        }
        failing = begin(&app, &ctx, e, &mut stored, Phase::Create);
        let rendered = render(&ctx, data, e, &stored, e.shapes.created);
        data.collection(e).insert(id, stored);
        // Seed L12348: a certificate's `autoUrlLink` links urls once a create succeeds.
        if e.kind == "sslCertificate" && failing.is_none() {
            crate::apps::auto_link_urls(&ctx, data, id);
        }
        // Seed L8924: a url's `handleDns` makes the domain records of its host.
        if e.kind == "url" {
            crate::dns::sync_url_records(&ctx, data, id);
        }
        Ok(rendered)
    });
    settle(&app, failing, &created);
    Ok((StatusCode::CREATED, Json(envelope(e, created?))))
}

/// A single object's answer: `{kind: object}`, or the object itself for `bare` entities.
fn envelope(e: &Entity, body: Value) -> Value {
    if e.bare {
        body
    } else {
        json!({ e.kind: body })
    }
}

/// How an update form is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Create,
    /// A full replacement: omitted fields go back to their defaults.
    Put,
    /// Only present fields change; `true` when required fields stay required.
    Patch(bool),
}

/// PUT or PATCH, reading `form`: its mode and its fields.
async fn update(
    e: &'static Entity,
    app: Shared,
    uri: Uri,
    body: Bytes,
    form: (Mode, &'static [Slot]),
) -> Result<StatusCode, ApiError> {
    let (mode, slots) = form;
    let body = form_body(e, &body)?;
    let ctx = Ctx::of(&app);
    let mut failing = None;
    let result = app.store.write(|data| {
        purge(&ctx, data);
        let ids = resolve(&ctx, data, e, &path_ids(e.item, uri.path()))?;
        let (id, parent) = (ids[ids.len() - 1], ids.len().checked_sub(2).map(|i| ids[i]));
        let mut record = ctx.find(data, e, id).cloned().ok_or_else(|| e.not_found())?;
        if ctx.deleting(&record) {
            // Seed: an update of an object being deleted is not documented; refused rather than
            // letting it undo the delete.
            return Err(ApiError::BadRequest(format!("{} is being deleted", e.label)));
        }
        let mut form = Form::new(e.kind, &Entity::form_names(slots), &body);
        read_form(&ctx, data, e, &mut form, &mut record, slots, mode, (Some(id), parent));
        if let Some(validate) = e.validate {
            validate(&mut form, &record, data);
        }
        form.finish()?;
        failing = begin(&app, &ctx, e, &mut record, Phase::Update);
        data.collection(e).insert(id, record);
        if e.kind == "url" {
            crate::dns::sync_url_records(&ctx, data, id);
        }
        Ok(())
    });
    settle(&app, failing, &result);
    result.map(|()| StatusCode::NO_CONTENT)
}

/// DELETE: a synchronous object goes at once with its children, and references to it are
/// cleared (seed: cascades are not documented; dangling references would 500 a real API). An
/// asynchronous one starts its delete (`to_delete` → `deleting` → gone or `deleted`); its
/// children go at once.
async fn remove(e: &'static Entity, app: Shared, uri: Uri) -> Result<StatusCode, ApiError> {
    let ctx = Ctx::of(&app);
    let mut failing = None;
    let result = app.store.write(|data| {
        purge(&ctx, data);
        let id = own_id(&ctx, data, e, &uri)?;
        if let Some(record) = ctx.find(data, e, id) {
            let linked = e
                .fields
                .iter()
                .find(|f| f.refuses_delete.is_some() && !record.get(f.name).unwrap_or(&Value::Null).is_null());
            if let Some(message) = linked.and_then(|f| f.refuses_delete) {
                return Err(ApiError::BadRequest(message.into()));
            }
        }
        if e.lifecycle.is_none() {
            return delete(&ctx, data, e, id);
        }
        let mut record = ctx.find(data, e, id).cloned().ok_or_else(|| e.not_found())?;
        if ctx.deleting(&record) {
            // Already on its way out: a repeated DELETE changes nothing.
            return Ok(());
        }
        failing = begin(&app, &ctx, e, &mut record, Phase::Delete);
        if failing.is_none() {
            delete_children(&ctx, data, e, id)?;
        }
        data.collection(e).insert(id, record);
        // Without `--async-ms` the delete is already over: the object goes now.
        purge(&ctx, data);
        Ok(())
    });
    settle(&app, failing, &result);
    result.map(|()| StatusCode::NO_CONTENT)
}

/// A request body as a form: a JSON object, with the entity's aliases renamed.
fn form_body(e: &Entity, body: &Bytes) -> Result<Map<String, Value>, ApiError> {
    let mut body = json_object(body)?;
    for (alias, field) in e.aliases {
        if let Some(value) = body.remove(*alias) {
            body.entry(*field).or_insert(value);
        }
    }
    Ok(body)
}

/// Reads the form's fields into `record`, recording errors in `form`. `ids` are the object's
/// own id (none on create) and its parent's.
#[allow(clippy::too_many_arguments)]
fn read_form(
    ctx: &Ctx,
    data: &Data,
    e: &Entity,
    form: &mut Form,
    record: &mut Record,
    slots: &[Slot],
    mode: Mode,
    ids: (Option<u64>, Option<u64>),
) {
    for slot in slots {
        let Some(field) = e.field(slot.name) else { continue };
        let required = slot.required && !matches!(mode, Mode::Patch(false));
        if !form.has(slot.name) && !required && matches!(mode, Mode::Patch(_)) {
            continue;
        }
        match parse(ctx, data, field.ty, form.raw(slot.name), ids) {
            Err(message) => form.error(slot.name, message),
            Ok(None) if required => form.error(slot.name, BLANK),
            Ok(None) if field.sticky || slot.fixed => {}
            Ok(None) => {
                record.insert(slot.name.to_string(), field.default.value());
            }
            // Seed: what a changed "(non-editable)" value gets is not documented; Symfony's
            // message for a value the form cannot take is the plausible answer.
            Ok(Some(value)) if slot.fixed && record.get(slot.name) != Some(&value) => form.error(slot.name, INVALID),
            Ok(Some(value)) => {
                record.insert(slot.name.to_string(), value);
            }
        }
    }
}

/// One body value as `ty`: `Ok(None)` for no value (absent, null, ""), `Err` with the message.
fn parse(
    ctx: &Ctx,
    data: &Data,
    ty: Type,
    raw: Option<&Value>,
    (own, parent): (Option<u64>, Option<u64>),
) -> Result<Option<Value>, &'static str> {
    let raw = match raw {
        None | Some(Value::Null) => return Ok(None),
        // Symfony's CheckboxType reads "" as false; every other type as no value.
        Some(Value::String(s)) if s.is_empty() && !matches!(ty, Type::Bool) => return Ok(None),
        Some(raw) => raw,
    };
    let id = |raw: &Value| integer(raw).and_then(|n| u64::try_from(n).ok());
    let value = match ty {
        Type::Text => text(raw).map(Value::from).ok_or(INVALID)?,
        Type::Int { min } => integer(raw).filter(|n| *n >= min).map(Value::from).ok_or(INVALID)?,
        Type::Bool => boolean(raw).map(Value::from).ok_or(INVALID)?,
        Type::Choice(choices) => integer(raw)
            .filter(|n| choices.contains(n))
            .map(Value::from)
            .ok_or(INVALID_CHOICE)?,
        Type::Enum(choices) => text(raw)
            .filter(|t| choices.contains(&t.as_str()))
            .map(Value::from)
            .ok_or(INVALID_CHOICE)?,
        Type::Named(table) => text(raw)
            .filter(|t| table.name(t).is_some())
            .map(Value::from)
            .ok_or(INVALID)?,
        Type::Ref(kind) => id(raw)
            .filter(|&r| Some(r) != own && ctx.entity(kind).is_some_and(|t| ctx.find(data, t, r).is_some()))
            .map(Value::from)
            .ok_or(INVALID)?,
        // Seed: what a body naming another parent than the path does is not documented. The path
        // decides where the object lives and it never moves, so any other id is "not valid"
        // rather than silently ignored or obeyed.
        Type::PathParent => id(raw).filter(|&p| Some(p) == parent).map(Value::from).ok_or(INVALID)?,
        Type::Csv => {
            let items: Option<Vec<String>> = match raw {
                Value::Array(items) => items.iter().map(text).collect(),
                other => text(other).map(|t| t.split(',').map(str::to_string).collect()),
            };
            let items: Vec<String> = items.ok_or(INVALID)?.iter().map(|i| i.trim().to_string()).collect();
            if items.iter().all(String::is_empty) {
                return Ok(None);
            }
            Value::from(items.join(","))
        }
        Type::Digits => text(raw)
            .filter(|t| t.bytes().all(|b| b.is_ascii_digit()))
            .map(Value::from)
            .ok_or(INVALID)?,
        Type::Json => match raw {
            Value::Object(_) | Value::Array(_) => raw.clone(),
            _ => return Err(INVALID),
        },
    };
    Ok(Some(value))
}

/// Text, with numbers as their decimal text (the seed's own examples send `"houseNumber": 123`).
fn text(raw: &Value) -> Option<String> {
    match raw {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Integral numbers and numeric strings.
fn integer(raw: &Value) -> Option<i64> {
    match raw {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// JSON booleans, 0/1, and the strings "true"/"false"/"1"/"0"/"".
fn boolean(raw: &Value) -> Option<bool> {
    match raw {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => match n.as_i64() {
            Some(0) => Some(false),
            Some(1) => Some(true),
            _ => None,
        },
        Value::String(s) => match s.as_str() {
            "true" | "1" => Some(true),
            "false" | "0" | "" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// The API's view of an object in one of its shapes, with its real values.
pub(crate) fn render(ctx: &Ctx, data: &Data, e: &Entity, record: &Record, shape: &[&str]) -> Value {
    let mut out: Map<String, Value> = shape
        .iter()
        .map(|&name| (name.to_string(), answer(ctx, data, e, record, name)))
        .collect();
    if let Some(present) = e.present {
        present(record, &mut out);
    }
    Value::Object(out)
}

fn answer(ctx: &Ctx, data: &Data, e: &Entity, record: &Record, name: &str) -> Value {
    let stored = record.get(name).cloned().unwrap_or(Value::Null);
    let Some(field) = e.field(name) else {
        return match name {
            "status" => json!(ctx.status(record)),
            "teams" if crate::team_links::family_of(e.kind).is_some() => {
                crate::team_links::render_teams(ctx, data, record)
            }
            "statusCategory" => json!(category(ctx.status(record))),
            _ => e
                .computed
                .iter()
                .find(|(n, _)| *n == name)
                .map_or(stored, |(_, value)| value()),
        };
    };
    match (field.render, field.ty, &stored) {
        (Render::With(compute), _, _) => compute(record, ctx.clock()),
        (Render::Derived(f), _, _) => f(record),
        (Render::Lookup(f), _, _) => f(ctx, data, record),
        (_, _, Value::Null) => Value::Null,
        (Render::Stored, Type::Named(table), Value::String(id)) => {
            json!({ "id": id, table.label: table.name(id).unwrap_or(id) })
        }
        (Render::Stored, _, _) => stored,
        (Render::Wrap(key), _, _) => json!({ key: stored }),
        (Render::RefFields(fields), Type::Ref(kind), _) => {
            let target = ctx.entity(kind);
            let found = target.zip(stored.as_u64()).and_then(|(t, id)| ctx.find(data, t, id));
            found.map_or(Value::Null, |r| {
                let picked: Map<String, Value> = fields
                    .iter()
                    .map(|f| (f.to_string(), r.get(*f).cloned().unwrap_or(Value::Null)))
                    .collect();
                Value::Object(picked)
            })
        }
        (Render::RefFields(_), _, _) => stored,
    }
}

/// Seed: `statusCategory` values are shown (green, yellow, red, grey, …) but never explained;
/// the sandbox derives them from the status: `ok` green, failures red, `deleted` grey, every
/// transitional status yellow (the component example's `updating` is yellow).
fn category(status: &str) -> &'static str {
    match status {
        "ok" => "green",
        "deleted" => "grey",
        s if s.ends_with("_failed") => "red",
        _ => "yellow",
    }
}

/// The values of the `{param}`s of `template` in `path` (the router matched one to the other).
fn path_ids(template: &str, path: &str) -> Vec<String> {
    template
        .split('/')
        .zip(path.split('/'))
        .filter(|(t, _)| t.starts_with('{'))
        .map(|(_, v)| v.to_string())
        .collect()
}

/// Resolves path ids, outermost ancestor first, to existing objects each owned by the previous
/// one; the first that fails is that entity's 404. For a collection path the ids are the
/// ancestors', for an item path they end with the object's own.
fn resolve(ctx: &Ctx, data: &Data, e: &'static Entity, raw: &[String]) -> Result<Vec<u64>, ApiError> {
    let mut lineage = vec![e];
    while let Some(up) = lineage.last().and_then(|l| l.parent).and_then(|p| ctx.entity(p.kind)) {
        lineage.push(up);
    }
    lineage.reverse();
    let mut ids: Vec<u64> = Vec::new();
    for (entity, raw) in lineage.iter().zip(raw) {
        let id = raw
            .parse::<u64>()
            .ok()
            .filter(|id| {
                ctx.find(data, entity, *id)
                    .is_some_and(|r| in_parent(entity, r, ids.last().copied()))
            })
            .ok_or_else(|| match (entity.foreign, raw.parse::<u64>()) {
                (Some(foreign), Ok(id)) if foreign(id) => {
                    ApiError::Forbidden(format!("You have no access to this {}", entity.kind))
                }
                _ => entity.not_found(),
            })?;
        ids.push(id);
    }
    Ok(ids)
}

fn own_id(ctx: &Ctx, data: &Data, e: &'static Entity, uri: &Uri) -> Result<u64, ApiError> {
    resolve(ctx, data, e, &path_ids(e.item, uri.path()))?
        .pop()
        .ok_or_else(|| e.not_found())
}

/// Whether `record` belongs to `parent` (always, for an entity without one).
fn in_parent(e: &Entity, record: &Record, parent: Option<u64>) -> bool {
    match (e.parent, parent) {
        (Some(p), Some(parent)) => record.get(p.field).and_then(Value::as_u64) == Some(parent),
        _ => true,
    }
}

/// Removes an object, its children (or refuses, as their parent declares) and every reference
/// to it.
fn delete(ctx: &Ctx, data: &mut Data, e: &'static Entity, id: u64) -> Result<(), ApiError> {
    for other in ctx.entities {
        for field in other
            .fields
            .iter()
            .filter(|f| matches!(f.ty, Type::Ref(k) if k == e.kind))
        {
            let Some(message) = field.holds else { continue };
            let holder = data
                .all(other)
                .find(|(_, r)| r.get(field.name).and_then(Value::as_u64) == Some(id));
            if let Some((_, holder)) = holder {
                return Err(ApiError::BadRequest(message(holder)));
            }
        }
    }
    delete_children(ctx, data, e, id)?;
    data.collection(e).remove(&id);
    if e.kind == "team" {
        crate::team_links::forget_team(data, ctx.entities, id);
    }
    // The records a url's `handleDns` made go with it.
    if e.kind == "url" {
        crate::dns::sync_url_records(ctx, data, id);
    }
    for other in ctx.entities {
        for field in other
            .fields
            .iter()
            .filter(|f| matches!(f.ty, Type::Ref(k) if k == e.kind))
        {
            for record in data.collection(other).values_mut() {
                if record.get(field.name).and_then(Value::as_u64) == Some(id) {
                    record.insert(field.name.to_string(), Value::Null);
                }
            }
        }
    }
    Ok(())
}

fn delete_children(ctx: &Ctx, data: &mut Data, e: &'static Entity, id: u64) -> Result<(), ApiError> {
    for child in ctx.entities.iter().copied() {
        let Some(parent) = child.parent.filter(|p| p.kind == e.kind) else {
            continue;
        };
        let ids: Vec<u64> = data
            .all(child)
            .filter(|(_, r)| in_parent(child, r, Some(id)))
            .map(|(id, _)| *id)
            .collect();
        match parent.on_delete {
            OnParentDelete::Refuse(message) if !ids.is_empty() => return Err(ApiError::BadRequest(message.into())),
            OnParentDelete::Refuse(_) => {}
            OnParentDelete::Cascade => {
                for child_id in ids {
                    delete(ctx, data, child, child_id)?;
                }
            }
        }
    }
    Ok(())
}

/// Drops the objects whose asynchronous delete has finished, with what depends on them.
fn purge(ctx: &Ctx, data: &mut Data) {
    for e in ctx.entities.iter().copied() {
        let gone: Vec<u64> = data
            .all(e)
            .filter(|(_, r)| !ctx.visible(e, r))
            .map(|(id, _)| *id)
            .collect();
        for id in gone {
            // Children were deleted when the delete started; nothing can refuse now.
            let _ = delete(ctx, data, e, id);
        }
    }
}

/// Starts an action on an asynchronous object (nothing for a synchronous one); returns whether
/// it was made to fail by `fail-next`, which this consumes.
fn begin(app: &Shared, ctx: &Ctx, e: &Entity, record: &mut Record, phase: Phase) -> Option<crate::Failure> {
    let life = e.lifecycle?;
    // The kind's own failed status, for the creates it applies to (a transfer).
    let own = (life.create_failure)
        .filter(|f| phase == Phase::Create && record.get(f.field).and_then(Value::as_str) == Some(f.value))
        .map(|f| f.status);
    let failure = app.take_failure(e.kind, phase, own);
    let action = Action {
        phase,
        since_ms: ctx.now_ms,
        failed: failure.is_some(),
        failed_as: failure.and_then(|(_, _, status)| status).map(str::to_string),
    };
    record.insert(ASYNC.into(), serde_json::to_value(action).unwrap_or_default());
    failure
}

/// Gives a consumed `fail-next` back when the request did not go through after all (its data
/// file could not be written).
fn settle<R>(app: &Shared, failing: Option<crate::Failure>, result: &Result<R, ApiError>) {
    if let (Some(failure), true) = (failing, result.is_err()) {
        app.fail_next(failure);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entity::{fixed, opt, req, Dflt, Field, Lifecycle, Parent, Shapes, Verbs};
    use crate::Config;
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;

    /// An asynchronous top-level test entity with every kind of field rule.
    static WIDGET: Entity = Entity {
        kind: "widget",
        plural: "widgets",
        label: "Widget",
        first_id: 100,
        collection: "/v1/widgets",
        item: "/v1/widgets/{widgetId}",
        parent: None,
        fields: &[
            Field::new("name", Type::Text),
            Field::new("type", Type::Enum(&["small", "large"])),
            Field::new("size", Type::Int { min: 1 }).default(Dflt::Int(1)),
            Field::new("tags", Type::Csv),
            Field::new("buddy", Type::Ref("widget")).render(Render::RefFields(&["id", "name"])),
        ],
        computed: &[],
        create: &[req("name"), req("type"), opt("size"), opt("tags"), opt("buddy")],
        update: &[req("name"), fixed("type"), opt("size"), opt("tags"), opt("buddy")],
        aliases: &[],
        verbs: Verbs {
            put: true,
            patch: Patch::Partial,
            delete: true,
        },
        shapes: Shapes {
            created: WIDGET_ITEM,
            item: WIDGET_ITEM,
            list: &["id", "name", "status"],
        },
        sortable: &["id", "name"],
        lifecycle: Some(Lifecycle {
            keep_deleted: false,
            create_failure: None,
        }),
        validate: None,
        present: None,
        bare: false,
        foreign: None,
    };
    const WIDGET_ITEM: &[&str] = &[
        "id",
        "name",
        "type",
        "size",
        "tags",
        "buddy",
        "status",
        "statusCategory",
    ];

    /// A synchronous child that goes with its widget.
    static PART: Entity = Entity {
        kind: "part",
        plural: "parts",
        label: "Part",
        first_id: 700,
        collection: "/v1/widgets/{widgetId}/parts",
        item: "/v1/widgets/{widgetId}/parts/{partId}",
        parent: Some(Parent {
            kind: "widget",
            field: "widget",
            on_delete: OnParentDelete::Cascade,
        }),
        fields: &[Field::new("name", Type::Text)],
        computed: &[("extras", || json!([]))],
        create: &[req("name")],
        update: &[req("name")],
        aliases: &[("label", "name")],
        verbs: Verbs::PUT,
        shapes: Shapes {
            created: &["id", "name", "extras"],
            item: &["id", "name", "extras"],
            list: &["id", "name"],
        },
        sortable: &["id"],
        lifecycle: None,
        validate: None,
        present: None,
        bare: false,
        foreign: None,
    };

    /// A child whose existence refuses its widget's delete.
    static PIN: Entity = Entity {
        kind: "pin",
        plural: "pins",
        label: "Pin",
        first_id: 900,
        collection: "/v1/widgets/{widgetId}/pins",
        item: "/v1/widgets/{widgetId}/pins/{pinId}",
        parent: Some(Parent {
            kind: "widget",
            field: "widget",
            on_delete: OnParentDelete::Refuse("This widget can't be deleted because it has pins"),
        }),
        aliases: &[],
        ..PART
    };

    static WITH_PARTS: &[&Entity] = &[&WIDGET, &PART];
    static WITH_PINS: &[&Entity] = &[&WIDGET, &PIN];

    struct Api(axum::Router);

    impl Api {
        fn new(entities: &'static [&'static Entity], async_ms: u64) -> Api {
            let config = Config {
                async_duration: Duration::from_millis(async_ms),
                ..Config::default()
            };
            Api(crate::router_for(config, entities).expect("router"))
        }

        async fn call(&self, method: &str, path: &str, body: Option<Value>) -> (StatusCode, Value) {
            let body = body.map_or_else(Body::empty, |b| Body::from(b.to_string()));
            let request = Request::builder()
                .method(method)
                .uri(path)
                .header("Authorization", "sandbox")
                .body(body)
                .expect("request");
            let response = self.0.clone().oneshot(request).await.expect("infallible");
            let status = response.status();
            let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .expect("body");
            (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
        }

        async fn widget(&self, body: Value) -> Value {
            let (status, reply) = self.call("POST", "/v1/widgets", Some(body)).await;
            assert_eq!(status, StatusCode::CREATED, "{reply}");
            reply["widget"].clone()
        }

        async fn get(&self, path: &str) -> (StatusCode, Value) {
            self.call("GET", path, None).await
        }
    }

    fn children(reply: &Value, kind: &str) -> Value {
        reply[kind]["errors"]["children"].clone()
    }

    #[test]
    fn served_entities_are_well_declared_and_mistakes_are_caught() {
        for entities in [crate::ENTITIES, WITH_PARTS, WITH_PINS] {
            for entity in entities {
                assert_eq!(entity.check(entities), Ok(()), "{}", entity.kind);
            }
        }
        let unknown_answer = Entity {
            shapes: Shapes {
                list: &["id", "colour"],
                ..WIDGET.shapes
            },
            ..WIDGET
        };
        assert!(unknown_answer.check(WITH_PARTS).is_err());
        const FIXED: &[Slot] = &[fixed("name")];
        let fixed_on_create = Entity {
            create: FIXED,
            ..WIDGET
        };
        assert!(fixed_on_create.check(WITH_PARTS).is_err());
        let orphan = Entity {
            collection: "/v1/parts",
            item: "/v1/parts/{partId}",
            ..PART
        };
        assert!(orphan.check(WITH_PARTS).is_err(), "a child's path names its parent");
        assert!(PART.check(&[&PART]).is_err(), "the parent kind must be served");
    }

    #[tokio::test]
    async fn required_fields_and_types_give_symfony_messages() {
        let api = Api::new(WITH_PARTS, 0);
        let (status, reply) = api.call("POST", "/v1/widgets", Some(json!({}))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(
            children(&reply, "widget"),
            json!({"name": {"errors": [BLANK]}, "type": {"errors": [BLANK]}, "size": {}, "tags": {}, "buddy": {}})
        );
        let bad = json!({"name": true, "type": "huge", "size": 0, "tags": {"a": 1}, "buddy": 12345});
        let (_, reply) = api.call("POST", "/v1/widgets", Some(bad)).await;
        assert_eq!(
            children(&reply, "widget"),
            json!({
                "name": {"errors": [INVALID]}, "type": {"errors": [INVALID_CHOICE]}, "size": {"errors": [INVALID]},
                "tags": {"errors": [INVALID]}, "buddy": {"errors": [INVALID]}
            })
        );
        let first = api.widget(json!({"name": "a", "type": "small"})).await;
        assert_eq!(first["size"], 1, "the declared default");
        let second = api
            .widget(json!({"name": 7, "type": "large", "size": "3", "tags": ["x", " y", 2], "buddy": first["id"]}))
            .await;
        assert_eq!(second["name"], "7");
        assert_eq!(second["size"], 3);
        assert_eq!(second["tags"], "x,y,2");
        assert_eq!(second["buddy"], json!({"id": first["id"], "name": "a"}));
        // An object never refers to itself.
        let path = format!("/v1/widgets/{}", second["id"]);
        let (status, reply) = api.call("PATCH", &path, Some(json!({"buddy": second["id"]}))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(children(&reply, "widget")["buddy"], json!({"errors": [INVALID]}));
        // Aliases are the field itself.
        let (status, reply) = api
            .call(
                "POST",
                &format!("/v1/widgets/{}/parts", first["id"]),
                Some(json!({"label": "p"})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{reply}");
        assert_eq!(reply["part"]["name"], "p");
    }

    #[tokio::test]
    async fn non_editable_fields_take_only_their_stored_value() {
        let api = Api::new(WITH_PARTS, 0);
        let widget = api.widget(json!({"name": "w", "type": "small"})).await;
        let path = format!("/v1/widgets/{}", widget["id"]);
        let (status, reply) = api
            .call("PUT", &path, Some(json!({"name": "w2", "type": "large"})))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(children(&reply, "widget")["type"], json!({"errors": [INVALID]}));
        let (status, reply) = api.call("PUT", &path, Some(json!({"name": "w2"}))).await;
        assert_eq!(
            status,
            StatusCode::BAD_REQUEST,
            "required on PUT although it cannot change"
        );
        assert_eq!(children(&reply, "widget")["type"], json!({"errors": [BLANK]}));
        let (status, _) = api
            .call("PUT", &path, Some(json!({"name": "w2", "type": "small"})))
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (_, reply) = api.get(&path).await;
        assert_eq!(
            (reply["widget"]["name"].clone(), reply["widget"]["type"].clone()),
            (json!("w2"), json!("small"))
        );
    }

    #[tokio::test]
    async fn put_resets_omitted_fields_and_patch_changes_only_present_ones() {
        let api = Api::new(WITH_PARTS, 0);
        let widget = api
            .widget(json!({"name": "w", "type": "small", "size": 5, "tags": "a"}))
            .await;
        let path = format!("/v1/widgets/{}", widget["id"]);
        // Patch::Partial: the required name may be left out.
        let (status, _) = api.call("PATCH", &path, Some(json!({"size": 6}))).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (_, reply) = api.get(&path).await;
        assert_eq!(reply["widget"]["size"], 6);
        assert_eq!(reply["widget"]["tags"], "a");
        assert_eq!(reply["widget"]["name"], "w");
        let (status, _) = api
            .call("PUT", &path, Some(json!({"name": "w", "type": "small"})))
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (_, reply) = api.get(&path).await;
        assert_eq!(reply["widget"]["size"], 1, "back to the default");
        assert_eq!(reply["widget"]["tags"], Value::Null);
        // A part has no PATCH.
        let (status, _) = api.call("PATCH", &format!("{path}/parts/1"), Some(json!({}))).await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    }

    #[tokio::test]
    async fn async_objects_move_through_their_statuses() {
        let api = Api::new(WITH_PARTS, 3_600_000);
        let widget = api.widget(json!({"name": "slow", "type": "small"})).await;
        assert_eq!(
            (widget["status"].as_str(), widget["statusCategory"].as_str()),
            (Some("to_create"), Some("yellow"))
        );
        let path = format!("/v1/widgets/{}", widget["id"]);
        let (status, _) = api.call("DELETE", &path, None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, reply) = api.get(&path).await;
        assert_eq!(status, StatusCode::OK, "still there while it is being deleted");
        assert_eq!(reply["widget"]["status"], "to_delete");
        let (status, reply) = api.call("PATCH", &path, Some(json!({"size": 2}))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "an update does not undo the delete");
        assert_eq!(reply["message"], "Widget is being deleted");
        assert_eq!(
            api.call("DELETE", &path, None).await.0,
            StatusCode::NO_CONTENT,
            "a repeated delete"
        );
        assert_eq!(api.get(&path).await.1["widget"]["status"], "to_delete");

        // The statuses over time, read as the handlers read them.
        let mut record = Record::new();
        let action = Action {
            phase: Phase::Create,
            since_ms: 1_000,
            failed: false,
            failed_as: None,
        };
        record.insert(ASYNC.into(), serde_json::to_value(action).expect("json"));
        let at = |now_ms| Ctx {
            entities: WITH_PARTS,
            now_ms,
            async_duration: Duration::from_millis(100),
        };
        let statuses: Vec<&str> = [1_000, 1_049, 1_050, 1_099, 1_100]
            .iter()
            .map(|t| at(*t).status(&record))
            .collect();
        assert_eq!(statuses, ["to_create", "to_create", "creating", "creating", "ok"]);
        record.insert(ASYNC.into(), json!({"phase": "delete", "sinceMs": 1_000}));
        assert!(at(1_099).visible(&WIDGET, &record));
        assert!(!at(1_100).visible(&WIDGET, &record), "gone once deleted");
        let keeps = Entity {
            lifecycle: Some(Lifecycle {
                keep_deleted: true,
                create_failure: None,
            }),
            ..WIDGET
        };
        assert!(at(1_100).visible(&keeps, &record));
        assert_eq!(at(1_100).status(&record), "deleted");

        // Without --async-ms every action is done at once, and a deleted object is gone.
        let api = Api::new(WITH_PARTS, 0);
        let widget = api.widget(json!({"name": "quick", "type": "small"})).await;
        assert_eq!(widget["status"], "ok");
        let path = format!("/v1/widgets/{}", widget["id"]);
        assert_eq!(api.call("DELETE", &path, None).await.0, StatusCode::NO_CONTENT);
        assert_eq!(
            api.get(&path).await,
            (
                StatusCode::NOT_FOUND,
                json!({"code": 404, "message": "Widget is not found"})
            )
        );
        let (_, list) = api.get("/v1/widgets").await;
        assert_eq!(list, json!({"widgets": []}));
    }

    #[tokio::test]
    async fn fail_next_makes_one_action_of_one_kind_fail() {
        let api = Api::new(WITH_PARTS, 0);
        for (body, message) in [
            (
                json!({"kind": "part", "status": "creating_failed"}),
                "asynchronous kind",
            ),
            (
                json!({"kind": "widget", "status": "exploded"}),
                "\"status\" must be one of",
            ),
        ] {
            let (status, reply) = api.call("POST", "/_sandbox/fail-next", Some(body)).await;
            assert_eq!(status, StatusCode::BAD_REQUEST);
            assert!(
                reply["message"].as_str().is_some_and(|m| m.contains(message)),
                "{reply}"
            );
        }
        for status in ["creating_failed", "update_failed", "deleting_failed"] {
            let body = json!({"kind": "widget", "status": status});
            let (code, _) = api.call("POST", "/_sandbox/fail-next", Some(body)).await;
            assert_eq!(code, StatusCode::NO_CONTENT);
        }
        let failed = api.widget(json!({"name": "f", "type": "small"})).await;
        assert_eq!(
            (failed["status"].as_str(), failed["statusCategory"].as_str()),
            (Some("creating_failed"), Some("red"))
        );
        let fine = api.widget(json!({"name": "g", "type": "small"})).await;
        assert_eq!(fine["status"], "ok", "only the next create fails");
        let path = format!("/v1/widgets/{}", fine["id"]);
        let (code, _) = api.call("PATCH", &path, Some(json!({"size": 2}))).await;
        assert_eq!(code, StatusCode::NO_CONTENT);
        assert_eq!(api.get(&path).await.1["widget"]["status"], "update_failed");
        assert_eq!(api.call("DELETE", &path, None).await.0, StatusCode::NO_CONTENT);
        let (code, reply) = api.get(&path).await;
        assert_eq!(code, StatusCode::OK, "a failed delete leaves the object");
        assert_eq!(reply["widget"]["status"], "deleting_failed");
        // A second delete goes through.
        assert_eq!(api.call("DELETE", &path, None).await.0, StatusCode::NO_CONTENT);
        assert_eq!(api.get(&path).await.0, StatusCode::NOT_FOUND);
        // Reset forgets pending failures.
        let body = json!({"kind": "widget", "status": "creating_failed"});
        api.call("POST", "/_sandbox/fail-next", Some(body)).await;
        api.call("POST", "/_sandbox/reset", None).await;
        assert_eq!(api.widget(json!({"name": "h", "type": "small"})).await["status"], "ok");
    }

    #[tokio::test]
    async fn children_are_scoped_paged_and_deleted_with_their_parent() {
        let api = Api::new(WITH_PARTS, 0);
        let owner = api.widget(json!({"name": "owner", "type": "small"})).await;
        let other = api
            .widget(json!({"name": "other", "type": "small", "buddy": owner["id"]}))
            .await;
        let parts = format!("/v1/widgets/{}/parts", owner["id"]);
        let mut ids = Vec::new();
        for i in 0..7 {
            let (_, reply) = api.call("POST", &parts, Some(json!({"name": format!("p{i}")}))).await;
            ids.push(reply["part"]["id"].as_u64().expect("id"));
        }
        let (_, page) = api.get(&parts).await;
        let listed: Vec<u64> = page["parts"]
            .as_array()
            .expect("list")
            .iter()
            .filter_map(|p| p["id"].as_u64())
            .collect();
        assert_eq!(listed, ids[..5], "limit 5 by default, by id");
        assert_eq!(page["parts"][0], json!({"id": ids[0], "name": "p0"}), "the list shape");
        let (_, rest) = api.get(&format!("{parts}?offset=5")).await;
        assert_eq!(rest["parts"].as_array().map(Vec::len), Some(2));
        let elsewhere = format!("/v1/widgets/{}/parts", other["id"]);
        assert_eq!(api.get(&elsewhere).await.1, json!({"parts": []}));
        let (code, reply) = api.get(&format!("{elsewhere}/{}", ids[0])).await;
        assert_eq!(
            (code, reply["message"].as_str()),
            (StatusCode::NOT_FOUND, Some("Part is not found"))
        );
        let (code, reply) = api.get(&format!("/v1/widgets/999/parts/{}", ids[0])).await;
        assert_eq!(
            (code, reply["message"].as_str()),
            (StatusCode::NOT_FOUND, Some("Widget is not found"))
        );

        assert_eq!(
            api.call("DELETE", &format!("/v1/widgets/{}", owner["id"]), None)
                .await
                .0,
            StatusCode::NO_CONTENT
        );
        let (_, state) = api.get("/_sandbox/state").await;
        assert_eq!(state["parts"], json!({}), "its parts went with it");
        assert_eq!(
            state["widgets"][other["id"].to_string()]["buddy"],
            Value::Null,
            "references are cleared"
        );
        let (_, reply) = api.get(&format!("/v1/widgets/{}", other["id"])).await;
        assert_eq!(reply["widget"]["buddy"], Value::Null);
    }

    #[tokio::test]
    async fn a_child_can_refuse_its_parents_delete() {
        let api = Api::new(WITH_PINS, 0);
        let widget = api.widget(json!({"name": "pinned", "type": "small"})).await;
        let path = format!("/v1/widgets/{}", widget["id"]);
        let (code, reply) = api
            .call("POST", &format!("{path}/pins"), Some(json!({"name": "p"})))
            .await;
        assert_eq!(code, StatusCode::CREATED);
        let pin = format!("{path}/pins/{}", reply["pin"]["id"]);
        let (code, reply) = api.call("DELETE", &path, None).await;
        assert_eq!(code, StatusCode::BAD_REQUEST);
        assert_eq!(reply["message"], "This widget can't be deleted because it has pins");
        assert_eq!(api.get(&path).await.1["widget"]["status"], "ok", "nothing started");
        assert_eq!(api.call("DELETE", &pin, None).await.0, StatusCode::NO_CONTENT);
        assert_eq!(api.call("DELETE", &path, None).await.0, StatusCode::NO_CONTENT);
        assert_eq!(api.get(&path).await.0, StatusCode::NOT_FOUND);
    }

    /// A linkable object (the `systems` team family) owned by an organisation.
    static MACHINE: Entity = Entity {
        kind: "system",
        plural: "systems",
        label: "System",
        first_id: 3000,
        collection: "/v1/systems",
        item: "/v1/systems/{systemId}",
        parent: None,
        fields: &[
            Field::new("name", Type::Text),
            Field::new("organisation", Type::Ref("organisation")),
            Field::new("autoTeams", Type::Csv),
        ],
        computed: &[],
        create: &[req("name"), req("organisation"), opt("autoTeams")],
        update: &[req("name"), req("organisation")],
        aliases: &[],
        verbs: Verbs::PUT,
        shapes: Shapes {
            created: &["id", "name", "teams"],
            item: &["id", "name", "teams"],
            list: &["id", "name"],
        },
        sortable: &["id"],
        lifecycle: None,
        validate: None,
        present: None,
        bare: false,
        foreign: None,
    };
    static WITH_TEAMS: &[&Entity] = &[&crate::organisations::ORGANISATION, &crate::teams::TEAM, &MACHINE];

    #[tokio::test]
    async fn objects_are_linked_to_teams_of_their_organisation_and_unlinked() {
        let api = Api::new(WITH_TEAMS, 0);
        let (_, org) = api
            .call(
                "POST",
                "/v1/organisations",
                Some(json!({"name": "o", "taxNumber": "BE1"})),
            )
            .await;
        let org = org["organisation"]["id"].clone();
        let teams = format!("/v1/organisations/{org}/teams");
        let (_, a) = api
            .call("POST", &teams, Some(json!({"name": "a", "organisation": org})))
            .await;
        let (_, b) = api
            .call("POST", &teams, Some(json!({"name": "b", "organisation": org})))
            .await;
        let (a, b) = (a["team"]["id"].clone(), b["team"]["id"].clone());

        // autoTeams on create links at once; an unknown team is a form error.
        let (status, made) = api
            .call(
                "POST",
                "/v1/systems",
                Some(json!({"name": "m", "organisation": org, "autoTeams": format!("{a}")})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{made}");
        assert_eq!(made["system"]["teams"], json!([{"id": a, "name": "a"}]));
        let id = made["system"]["id"].clone();
        let (status, bad) = api
            .call(
                "POST",
                "/v1/systems",
                Some(json!({"name": "n", "organisation": org, "autoTeams": "424242"})),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(children(&bad, "system")["autoTeams"]["errors"], json!([INVALID]));

        // Link b, list its links, read one, unlink a.
        let (status, link) = api
            .call("POST", &format!("{teams}/{b}/systems"), Some(json!({"objectId": id})))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{link}");
        assert_eq!(link["entity"]["objectId"], id);
        assert_eq!(link["entity"]["object"], "Level27\\SystemBundle\\Entity\\System");
        let (_, listed) = api.get(&format!("{teams}/{b}/systems")).await;
        assert_eq!(listed["entities"].as_array().map(Vec::len), Some(1));
        let (status, _) = api.get(&format!("{teams}/{b}/systems/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = api.call("DELETE", &format!("{teams}/{a}/systems/{id}"), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, _) = api.call("DELETE", &format!("{teams}/{a}/systems/{id}"), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "not linked any more");
        let (_, shown) = api.get(&format!("/v1/systems/{id}")).await;
        assert_eq!(shown["system"]["teams"], json!([{"id": b, "name": "b"}]));

        // Deleting a team forgets its links; a family without an entity is the router's 404.
        api.call("DELETE", &format!("{teams}/{b}"), None).await;
        let (_, shown) = api.get(&format!("/v1/systems/{id}")).await;
        assert_eq!(shown["system"]["teams"], json!([]));
        let (status, _) = api.get(&format!("{teams}/{a}/domains")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        // A team of another organisation is not found.
        let (_, other) = api
            .call(
                "POST",
                "/v1/organisations",
                Some(json!({"name": "p", "taxNumber": "BE2"})),
            )
            .await;
        let other = other["organisation"]["id"].clone();
        let (status, _) = api
            .call(
                "POST",
                &format!("/v1/organisations/{other}/teams/{a}/systems"),
                Some(json!({"objectId": id})),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
}
