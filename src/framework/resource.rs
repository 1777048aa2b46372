//! The shared resource lifecycle. A resource module supplies a `ResourceSpec` (attributes with
//! their API fields, the API paths, the import id shape); this engine does validation, planning,
//! create with read-back, drift-aware read, diff-aware update, delete, waits, import and the
//! reconciliation of a create whose outcome is unknown.

use super::diag::{AttrPath, Diagnostic, Diagnostics};
use super::errors::translate;
use super::mapping::{lookup, request_body, sendable, state_from_api};
use super::plan::{keep_write_only, plan, Plan};
use super::schema::{Attribute, Block, Mode, Nesting, Schema};
use super::timeouts::{self, Operation};
use super::validate::parse_api_id;
use super::value::{Object, Type, Value};
use super::wait::{wait_for_status, StatusRule, WaitError};
use level27_client::{Client, Error as ApiError};
use serde_json::Value as Json;
use tokio_util::sync::CancellationToken;

/// How the API updates an object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpdateVerb {
    /// PUT with every sendable field (the API resets what is left out).
    Put,
    /// PATCH with only the changed fields.
    Patch,
    /// No update endpoint: every configurable attribute must require replacement.
    None,
}

/// Where an object lives in the API. Paths hold `{attribute}` placeholders filled from state.
#[derive(Clone, Debug)]
pub struct Endpoint {
    pub collection: &'static str,
    pub item: &'static str,
    /// Envelope key of one object (`team`) and of a list (`teams`).
    pub singular: &'static str,
    pub plural: &'static str,
    pub update: UpdateVerb,
}

#[derive(Clone)]
pub struct ResourceSpec {
    pub type_name: &'static str,
    pub description: &'static str,
    pub version: i64,
    pub attributes: Vec<Attribute>,
    pub endpoint: Endpoint,
    /// Attributes making up the import id, joined by `/` (e.g. `organisation_id`, `id`).
    pub import_id: &'static [&'static str],
    /// Attributes that identify a new object among its siblings, used to find out whether a
    /// create whose response was lost did happen (so it is never blindly repeated).
    pub natural_key: &'static [&'static str],
    /// For asynchronous objects: the status to wait for. Adds a `timeouts` block.
    pub status: Option<StatusRule>,
    /// `state_upgraders[v]` turns the stored JSON state of schema version `v` into version
    /// `v + 1`; `version` must equal their number.
    pub state_upgraders: &'static [StateUpgrader],
}

/// One step of a state upgrade, on Terraform's JSON form of the stored state.
pub type StateUpgrader = fn(serde_json::Map<String, Json>) -> Result<serde_json::Map<String, Json>, String>;

/// A failed create: the diagnostics, and the state of the object when the API did create it.
#[derive(Debug)]
pub struct CreateFailed {
    pub state: Option<Object>,
    pub diags: Diagnostics,
}

impl From<Diagnostic> for CreateFailed {
    fn from(d: Diagnostic) -> Self {
        Diagnostics::from(d).into()
    }
}

impl From<Diagnostics> for CreateFailed {
    fn from(diags: Diagnostics) -> Self {
        CreateFailed { state: None, diags }
    }
}

/// Terraform accepts no unknown value in the state an apply returns, at any depth.
fn known_or_null(state: &Object) -> Object {
    state.iter().map(|(k, v)| (k.clone(), deep_known_or_null(v))).collect()
}

fn deep_known_or_null(v: &Value) -> Value {
    match v {
        Value::Unknown => Value::Null,
        Value::List(items) => Value::List(items.iter().map(deep_known_or_null).collect()),
        Value::Set(items) => Value::Set(items.iter().map(deep_known_or_null).collect()),
        Value::Tuple(items) => Value::Tuple(items.iter().map(deep_known_or_null).collect()),
        Value::Map(m) => Value::Map(known_or_null(m)),
        Value::Object(o) => Value::Object(known_or_null(o)),
        other => other.clone(),
    }
}

/// What every operation needs: the configured API client, Terraform's stop signal, and whether
/// the running Terraform supports write-only attributes (1.11+).
pub struct Ctx<'a> {
    pub client: &'a Client,
    pub stop: &'a CancellationToken,
    pub write_only: bool,
    /// The provider's configuration, for attributes that default to a provider argument.
    pub provider_config: &'a Object,
}

/// A resource type ready to serve: its spec and the schema derived from it.
pub struct Resource {
    pub spec: ResourceSpec,
    pub schema: Schema,
    pub ty: Type,
}

impl Resource {
    pub fn new(spec: ResourceSpec) -> Resource {
        let mut blocks = Vec::new();
        if spec.status.is_some() {
            blocks.push(timeouts::block(&[
                Operation::Create,
                Operation::Update,
                Operation::Delete,
            ]));
        }
        let schema = Schema {
            version: spec.version,
            block: Block {
                attributes: spec.attributes.clone(),
                blocks,
                description: spec.description,
                deprecated: None,
            },
        };
        let ty = schema.block.value_type();
        Resource { spec, schema, ty }
    }

    fn block(&self) -> &Block {
        &self.schema.block
    }

    fn action(&self, verb: &str) -> String {
        format!("{verb} {}", self.spec.type_name)
    }

    /// `action` on the object `state` describes, naming its id when it has one (`delete
    /// level27_team 5001`): the diagnostic then says which object, even inside a replace.
    fn action_on(&self, verb: &str, state: &Object) -> String {
        match state.get("id").and_then(Value::as_str) {
            Some(id) => format!("{verb} {} {id}", self.spec.type_name),
            None => self.action(verb),
        }
    }

    /// Upgrades a state stored under schema `version` (Terraform's JSON form) to the current one.
    pub fn upgrade_state(&self, version: i64, raw_json: &[u8]) -> Result<Value, Diagnostics> {
        let fail = |why: String| -> Diagnostics {
            Diagnostic::error(
                format!("Cannot upgrade the stored state of {}", self.spec.type_name),
                why,
            )
            .into()
        };
        if version > self.schema.version || version < 0 {
            return Err(fail(format!(
                "It was written with schema version {version}, newer than this provider's {}; upgrade the provider.",
                self.schema.version
            )));
        }
        if raw_json.is_empty() {
            return Ok(Value::Null);
        }
        let mut state: serde_json::Map<String, Json> = serde_json::from_slice(raw_json)
            .map_err(|e| fail(format!("The stored state is not a JSON object: {e}.")))?;
        for (v, step) in self.spec.state_upgraders.iter().enumerate().skip(version as usize) {
            state = step(state).map_err(|e| fail(format!("Upgrading from schema version {v}: {e}.")))?;
        }
        super::codec::from_json(&Json::Object(state), &self.ty).map_err(|e| fail(e.to_string()))
    }

    /// Plan-time validation of the configuration; makes no API call.
    pub fn validate(&self, config: &Object) -> Diagnostics {
        validate_attributes(self.block(), config)
    }

    pub fn plan(
        &self,
        prior: Option<&Object>,
        proposed: &Object,
        config: &Object,
        write_only: bool,
        provider_config: &Object,
    ) -> Result<Plan, Diagnostics> {
        let mut p = plan(self.block(), prior, proposed, config);
        if !write_only {
            keep_write_only(self.block(), config, &mut p.planned);
        }
        if prior.is_none() {
            apply_provider_defaults(self.block(), config, provider_config, &mut p.planned)?;
        }
        Ok(p)
    }

    /// Applies the write-only rule for Terraform versions without write-only support.
    fn finish(&self, ctx: &Ctx<'_>, source: &Object, mut state: Object) -> Object {
        if !ctx.write_only {
            keep_write_only(self.block(), source, &mut state);
        }
        state
    }

    /// Creates the object and returns its state. A failure after the API accepted the create (a
    /// failed wait, read-back or cancellation) still returns the state with the new id, so that
    /// Terraform keeps the object (tainted, to be replaced) instead of losing track of it.
    pub async fn create(&self, ctx: &Ctx<'_>, planned: &Object, config: &Object) -> Result<Object, CreateFailed> {
        let planned = &resolve_provider_defaults(self.block(), planned, ctx.provider_config);
        let collection = self.path(self.spec.endpoint.collection, planned)?;
        let send = sendable(self.block(), planned, config);
        let body = Json::Object(request_body(self.block(), &send, None, false));
        let posted = cancellable(ctx, ctx.client.post(&collection, &body))
            .await
            .map_err(|d| self.maybe_created(planned, d))?;
        let response = match posted {
            Ok(r) => unwrap_envelope(&r, self.spec.endpoint.singular).clone(),
            Err(e) if e.is_outcome_unknown() && !self.spec.natural_key.is_empty() => {
                tracing::warn!(
                    resource = self.spec.type_name,
                    "create outcome unknown; looking the object up before deciding"
                );
                self.reconcile_create(ctx, &collection, &body, planned, e).await?
            }
            Err(e) => {
                let d = translate(&e, &self.action("create"), Some(self.block()));
                return Err(if e.is_outcome_unknown() {
                    self.maybe_created(planned, d)
                } else {
                    d
                }
                .into());
            }
        };
        let mut state = state_from_api(self.block(), &response, planned);
        if state.get("id").is_none_or(|v| v.is_null()) {
            return Err(Diagnostic::error(
                format!("Failed to {}", self.action("create")),
                "The Level27 API answered the create without an object id.",
            )
            .into());
        }
        // From here on the object exists: every failure hands its state back.
        let created = |state: &Object, d: Diagnostics| CreateFailed {
            state: Some(self.finish(ctx, planned, known_or_null(state))),
            diags: d,
        };
        let item = self
            .path(self.spec.endpoint.item, &state)
            .map_err(|d| created(&state, d))?;
        if let Some(rule) = &self.spec.status {
            let obj = self
                .wait(ctx, rule, &item, timeouts::get(planned, Operation::Create), "create")
                .await
                .map_err(|d| created(&state, d))?;
            state = state_from_api(self.block(), &obj, &state);
        } else if self.differs_from_plan(&state, planned) {
            // Seed: the 201 examples show fields as null that the request set (L635-680). Where an
            // answer leaves out what was sent, the object is read back once rather than storing a
            // state that contradicts the plan.
            tracing::debug!(
                resource = self.spec.type_name,
                "create answer incomplete; reading the object back"
            );
            let r = cancellable(ctx, ctx.client.get(&item))
                .await
                .and_then(|r| r.map_err(|e| translate(&e, &self.action_on("read back", &state), Some(self.block()))))
                .map_err(|d| created(&state, d))?;
            state = state_from_api(self.block(), unwrap_envelope(&r, self.spec.endpoint.singular), &state);
        }
        Ok(self.finish(ctx, planned, state))
    }

    /// Whether a state read from the API contradicts a known value of the plan.
    fn differs_from_plan(&self, state: &Object, planned: &Object) -> bool {
        self.block().attributes.iter().any(|a| {
            let want = planned.get(a.name).unwrap_or(&Value::Null);
            a.api.read.is_some()
                && !a.write_only
                && !want.is_null()
                && !want.admits(state.get(a.name).unwrap_or(&Value::Null))
        })
    }

    /// After a create whose response was lost: adopt the object if it was created, create it once
    /// more only if the API is certainly done with the lost request and made nothing.
    ///
    /// Choice: the match is by natural key, so an object that already existed with the same key
    /// (an unmanaged team of the same name) is adopted as well; telling the two apart would need a
    /// listing before every create, and the object is then the one the configuration describes.
    async fn reconcile_create(
        &self,
        ctx: &Ctx<'_>,
        collection: &str,
        body: &Json,
        planned: &Object,
        first: ApiError,
    ) -> Result<Json, Diagnostics> {
        let mut last = first;
        for _ in 0..3 {
            if let Some(found) = self.look_up_lost_create(ctx, collection, planned, &last).await? {
                return Ok(found);
            }
            if last.may_still_be_running() {
                // Repeating it could make a second object once the first request finishes.
                return Err(self.maybe_created(planned, translate(&last, &self.action("create"), Some(self.block()))));
            }
            let again = cancellable(ctx, ctx.client.post(collection, body))
                .await
                .map_err(|d| self.maybe_created(planned, d))?;
            match again {
                Ok(r) => return Ok(unwrap_envelope(&r, self.spec.endpoint.singular).clone()),
                Err(e) if e.is_outcome_unknown() => last = e,
                Err(e) => return Err(translate(&e, &self.action("create"), Some(self.block()))),
            }
        }
        Err(self.maybe_created(planned, translate(&last, &self.action("create"), Some(self.block()))))
    }

    /// Looks for the object a lost create may have made. When the API may still be working on the
    /// request, looks again after a pause or two before concluding it made nothing.
    async fn look_up_lost_create(
        &self,
        ctx: &Ctx<'_>,
        collection: &str,
        planned: &Object,
        lost: &ApiError,
    ) -> Result<Option<Json>, Diagnostics> {
        let pauses: &[u64] = if lost.may_still_be_running() { &[0, 2, 5] } else { &[0] };
        for &secs in pauses {
            if secs > 0 {
                cancellable(ctx, tokio::time::sleep(std::time::Duration::from_secs(secs)))
                    .await
                    .map_err(|d| self.maybe_created(planned, d))?;
            }
            let found = self
                .find_by_natural_key(ctx, collection, planned)
                .await
                .map_err(|d| self.maybe_created(planned, d))?;
            if found.is_some() {
                return Ok(found);
            }
        }
        Ok(None)
    }

    /// The import id's form, e.g. `<organisation_id>/<id>`.
    fn import_shape(&self) -> String {
        self.spec
            .import_id
            .iter()
            .map(|p| format!("<{p}>"))
            .collect::<Vec<_>>()
            .join("/")
    }

    /// Adds to a create's failure that the object may exist after all, and how to adopt it.
    fn maybe_created(&self, planned: &Object, mut diags: Diagnostics) -> Diagnostics {
        let keys: Vec<String> = self
            .spec
            .natural_key
            .iter()
            .filter_map(|k| planned.get(*k).and_then(Value::as_str).map(|v| format!("{k} = {v:?}")))
            .collect();
        let shape = self.import_shape();
        let which = if keys.is_empty() {
            String::new()
        } else {
            format!(" with {}", keys.join(", "))
        };
        let note = format!(
            " The create request may have reached the API: before applying again, check whether a {}{which} exists, and if it does, import it (`terraform import <address> {shape}`).",
            self.spec.type_name
        );
        for d in diags
            .0
            .iter_mut()
            .filter(|d| d.severity == super::diag::Severity::Error)
        {
            if !d.detail.ends_with('.') {
                d.detail.push('.');
            }
            d.detail.push_str(&note);
        }
        diags
    }

    async fn find_by_natural_key(
        &self,
        ctx: &Ctx<'_>,
        collection: &str,
        planned: &Object,
    ) -> Result<Option<Json>, Diagnostics> {
        let keys: Vec<(&Attribute, &Value)> = self
            .spec
            .natural_key
            .iter()
            .filter_map(|k| Some((self.block().attribute(k)?, planned.get(*k)?)))
            .collect();
        let filter = keys.first().and_then(|(_, v)| v.as_str()).map(str::to_string);
        let query: Vec<(&str, String)> = filter.into_iter().map(|f| ("filter", f)).collect();
        let items = cancellable(ctx, ctx.client.list(collection, self.spec.endpoint.plural, &query))
            .await?
            .map_err(|e| translate(&e, &self.action("look up"), Some(self.block())))?;
        // The newest match: a lost create is the most recent object with these keys.
        Ok(items
            .into_iter()
            .filter(|item| {
                keys.iter().all(|(a, v)| {
                    let got = state_from_api(
                        &Block {
                            attributes: vec![(*a).clone()],
                            ..Block::default()
                        },
                        item,
                        &Object::new(),
                    );
                    got.get(a.name) == Some(*v)
                })
            })
            .max_by_key(|item| lookup(item, "id").as_i64().unwrap_or_default()))
    }

    /// Reads the object; `None` when it no longer exists (drift: Terraform plans to create it).
    pub async fn read(&self, ctx: &Ctx<'_>, state: &Object) -> Result<Option<Object>, Diagnostics> {
        let item = self.path(self.spec.endpoint.item, state)?;
        match cancellable(ctx, ctx.client.get(&item)).await? {
            Ok(r) => Ok(Some(self.finish(
                ctx,
                state,
                state_from_api(self.block(), unwrap_envelope(&r, self.spec.endpoint.singular), state),
            ))),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(translate(&e, &self.action_on("read", state), Some(self.block()))),
        }
    }

    pub async fn update(
        &self,
        ctx: &Ctx<'_>,
        prior: &Object,
        planned: &Object,
        config: &Object,
    ) -> Result<Object, Diagnostics> {
        let item = self.path(self.spec.endpoint.item, prior)?;
        let verb = self.spec.endpoint.update;
        let send = sendable(self.block(), planned, config);
        let body = request_body(self.block(), &send, Some(prior), verb == UpdateVerb::Patch);
        let changed_sendable = self
            .block()
            .attributes
            .iter()
            .any(|a| a.api.send.is_some() && !a.api.create_only && prior.get(a.name) != planned.get(a.name));
        if changed_sendable
            || self
                .block()
                .attributes
                .iter()
                .any(|a| a.write_only && send.get(a.name).is_some_and(|v| !v.is_null()))
        {
            let body = Json::Object(body);
            let result = match verb {
                UpdateVerb::Put => cancellable(ctx, ctx.client.put(&item, &body)).await?,
                UpdateVerb::Patch => cancellable(ctx, ctx.client.patch(&item, &body)).await?,
                UpdateVerb::None => Ok(()),
            };
            result.map_err(|e| translate(&e, &self.action_on("update", prior), Some(self.block())))?;
        } else {
            // Only provider-side settings (such as timeouts) changed: nothing to send.
            let mut state = planned.clone();
            for a in &self.block().attributes {
                // Unknown at any depth (a volatile sub-value): nothing changed it, the prior stands.
                if planned.get(a.name).is_some_and(Value::contains_unknown) {
                    state.insert(a.name.to_string(), prior.get(a.name).cloned().unwrap_or_default());
                }
            }
            return Ok(state);
        }
        let obj = match &self.spec.status {
            Some(rule) => {
                self.wait(ctx, rule, &item, timeouts::get(planned, Operation::Update), "update")
                    .await?
            }
            None => {
                let r = cancellable(ctx, ctx.client.get(&item))
                    .await?
                    .map_err(|e| translate(&e, &self.action_on("read back", prior), Some(self.block())))?;
                unwrap_envelope(&r, self.spec.endpoint.singular).clone()
            }
        };
        Ok(self.finish(ctx, planned, state_from_api(self.block(), &obj, planned)))
    }

    pub async fn delete(&self, ctx: &Ctx<'_>, prior: &Object) -> Result<(), Diagnostics> {
        let item = self.path(self.spec.endpoint.item, prior)?;
        match cancellable(ctx, ctx.client.delete(&item)).await? {
            Ok(()) => {}
            // Already gone: the goal of a delete is reached.
            Err(e) if e.is_not_found() => return Ok(()),
            Err(e) => return Err(translate(&e, &self.action_on("delete", prior), Some(self.block()))),
        }
        if self.spec.status.is_some() {
            let rule = StatusRule {
                field: "status",
                ready: &[],
            };
            self.wait(ctx, &rule, &item, timeouts::get(prior, Operation::Delete), "delete")
                .await
                .map(|_| ())?;
        }
        Ok(())
    }

    /// Turns an import id into a state holding the ids; Terraform then reads the object (and
    /// reports a clear error when it does not exist).
    pub fn import(&self, id: &str) -> Result<Object, Diagnostics> {
        let shape = self.import_shape();
        let parts: Vec<&str> = id.split('/').collect();
        let bad = |why: String| -> Diagnostics {
            Diagnostic::error(
                format!("Invalid import id for {}", self.spec.type_name),
                format!("Expected an id of the form {shape}; {why}."),
            )
            .into()
        };
        if parts.len() != self.spec.import_id.len() {
            return Err(bad(format!("got {id:?}")));
        }
        let mut state: Object = self
            .block()
            .attributes
            .iter()
            .map(|a| (a.name.to_string(), Value::Null))
            .collect();
        for (name, part) in self.spec.import_id.iter().zip(parts) {
            let attr = self
                .block()
                .attribute(name)
                .ok_or_else(|| bad(format!("unknown attribute {name}")))?;
            let v = match attr.ty {
                _ if attr.api.id => match parse_api_id(part) {
                    Some(_) => Value::string(part),
                    None => return Err(bad(format!("{name} must be a positive whole number, got {part:?}"))),
                },
                Type::Number => match part.parse::<i64>() {
                    Ok(n) if n > 0 => Value::int(n),
                    _ => return Err(bad(format!("{name} must be a positive whole number, got {part:?}"))),
                },
                _ if part.is_empty() => return Err(bad(format!("{name} is empty"))),
                _ => Value::string(part),
            };
            state.insert(name.to_string(), v);
        }
        Ok(state)
    }

    async fn wait(
        &self,
        ctx: &Ctx<'_>,
        rule: &StatusRule,
        item: &str,
        timeout: std::time::Duration,
        verb: &str,
    ) -> Result<Json, Diagnostics> {
        let last = std::sync::Mutex::new(Json::Null);
        let result = wait_for_status(rule, timeout, ctx.stop, || {
            let fut = ctx.client.get(item);
            let last = &last;
            async move {
                match fut.await {
                    Ok(r) => {
                        let obj = unwrap_envelope(&r, self.spec.endpoint.singular).clone();
                        let status = lookup(&obj, rule.field).as_str().unwrap_or_default().to_string();
                        if let Ok(mut l) = last.lock() {
                            *l = obj;
                        }
                        Ok(Some(status))
                    }
                    Err(e) if e.is_not_found() => Ok(None),
                    Err(e) => Err(e),
                }
            }
        })
        .await;
        let what = format!("{} {}", self.spec.type_name, item);
        match result {
            Ok(_) => Ok(last.into_inner().unwrap_or_default()),
            Err(WaitError::Failed(s)) => Err(Diagnostic::error(
                format!("{what} failed"),
                format!("While waiting to {verb}, the object reached status {s:?}."),
            )
            .into()),
            Err(WaitError::TimedOut { last_status, after }) => Err(Diagnostic::error(
                format!("Timed out waiting for {what}"),
                format!(
                    "Still in status {last_status:?} after {after:?}. Raise `timeouts.{verb}` if the platform is slow."
                ),
            )
            .into()),
            Err(WaitError::Cancelled) => Err(cancelled()),
            Err(WaitError::Fetch(e)) => Err(translate(&e, &self.action(verb), Some(self.block()))),
        }
    }

    fn path(&self, template: &str, state: &Object) -> Result<String, Diagnostics> {
        render_path(template, state).map_err(|name| {
            Diagnostic::error(
                format!("Missing {name}"),
                format!("{} needs {name} to address the object in the API.", self.spec.type_name),
            )
            .into()
        })
    }
}

/// On create, attributes left out of the configuration take the provider argument they default
/// to; with neither set, the plan fails naming both places. (An existing object keeps its value:
/// changing the provider's default does not move or replace it.)
pub fn apply_provider_defaults(
    block: &Block,
    config: &Object,
    provider_config: &Object,
    target: &mut Object,
) -> Result<(), Diagnostics> {
    let mut diags = Diagnostics::default();
    for a in &block.attributes {
        let Some(arg) = a.provider_default else { continue };
        if !config.get(a.name).is_none_or(Value::is_null) {
            continue;
        }
        match provider_config.get(arg) {
            Some(v) if !v.is_null() => {
                target.insert(a.name.to_string(), v.clone());
            }
            _ => diags.push(
                Diagnostic::error(
                    format!("Missing {}", a.name),
                    format!(
                        "Set {} here, or set `{arg}` in the provider block to give every resource a default.",
                        a.name
                    ),
                )
                .at(AttrPath::attr(a.name)),
            ),
        }
    }
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(())
    }
}

/// A provider default that was unknown at plan time (`organisation_id = level27_organisation.x.id`
/// in the provider block, on the apply that creates it) is known once the provider is configured
/// for the apply.
pub fn resolve_provider_defaults(block: &Block, planned: &Object, provider_config: &Object) -> Object {
    let mut out = planned.clone();
    for a in &block.attributes {
        let Some(arg) = a.provider_default else { continue };
        if planned.get(a.name).is_some_and(Value::is_unknown) {
            if let Some(v) = provider_config.get(arg).filter(|v| !v.is_null() && !v.is_unknown()) {
                out.insert(a.name.to_string(), v.clone());
            }
        }
    }
    out
}

/// Fills `{attribute}` placeholders from the state. Ids are whole numbers; strings are
/// percent-encoded so a name can never change the path.
pub fn render_path(template: &str, state: &Object) -> Result<String, String> {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find('}')
            .map(|e| start + e)
            .ok_or_else(|| template.to_string())?;
        let name = &rest[start + 1..end];
        match state.get(name) {
            Some(Value::Number(n)) => out.push_str(&n.to_string()),
            Some(Value::String(s)) if !s.is_empty() => {
                for b in s.bytes() {
                    if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                        out.push(b as char);
                    } else {
                        out.push_str(&format!("%{b:02X}"));
                    }
                }
            }
            _ => return Err(name.to_string()),
        }
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// `{"team": {...}}` → the object; tolerates an unwrapped object.
pub fn unwrap_envelope<'a>(v: &'a Json, key: &str) -> &'a Json {
    v.get(key).unwrap_or(v)
}

/// Runs every validator on the configuration: attributes, the sub-attributes of each element of
/// nested attributes, and nested blocks, with diagnostics on the full path. Null and unknown
/// values are skipped (unknown ones are validated again at plan time, when they may be known).
pub fn validate_attributes(block: &Block, config: &Object) -> Diagnostics {
    let mut diags = Diagnostics::default();
    validate_block(block, config, &Location::default(), &mut diags);
    diags
}

/// Where a value is: the path Terraform can point at, and how it reads in a message. They part
/// inside sets: a set element has no path step in the protocol, so the path stops at the set
/// (which Terraform highlights) while the message still names the sub-attribute (`networks[*].ip`).
#[derive(Clone, Default)]
struct Location {
    path: AttrPath,
    text: String,
    in_set: bool,
}

impl Location {
    fn attr(&self, name: &str) -> Location {
        let mut l = self.clone();
        if !l.in_set {
            l.path = l.path.then(name);
        }
        if !l.text.is_empty() {
            l.text.push('.');
        }
        l.text.push_str(name);
        l
    }

    fn index(&self, i: usize) -> Location {
        let mut l = self.clone();
        if !l.in_set {
            l.path = l.path.index(i);
        }
        l.text.push_str(&format!("[{i}]"));
        l
    }

    fn key(&self, k: &str) -> Location {
        let mut l = self.clone();
        if !l.in_set {
            l.path = l.path.key(k);
        }
        l.text.push_str(&format!("[{k:?}]"));
        l
    }

    fn set_element(&self) -> Location {
        let mut l = self.clone();
        l.in_set = true;
        l.text.push_str("[*]");
        l
    }
}

fn validate_block(block: &Block, config: &Object, at: &Location, diags: &mut Diagnostics) {
    validate_object(&block.attributes, config, at, diags);
    for b in &block.blocks {
        let here = at.attr(b.name);
        let v = config.get(b.name).unwrap_or(&Value::Null);
        each_element(b.nesting, v, &here, &mut |o, l| validate_block(&b.block, o, l, diags));
    }
}

fn validate_object(attrs: &[Attribute], config: &Object, at: &Location, diags: &mut Diagnostics) {
    for a in attrs {
        let v = config.get(a.name).unwrap_or(&Value::Null);
        let here = at.attr(a.name);
        for check in &a.validators {
            if let Err(msg) = check.check(v) {
                diags.push(
                    Diagnostic::error(format!("Invalid {}", a.name), format!("{} {msg}.", here.text))
                        .at(here.path.clone()),
                );
            }
        }
        if let Some(n) = &a.nested {
            each_element(n.nesting, v, &here, &mut |o, l| {
                validate_object(&n.attributes, o, l, diags)
            });
        }
    }
}

/// Calls `f` on each known object element of a nested value, with its location.
fn each_element(nesting: Nesting, v: &Value, at: &Location, f: &mut dyn FnMut(&Object, &Location)) {
    match (nesting, v) {
        (Nesting::Single, Value::Object(o)) => f(o, at),
        (Nesting::List, Value::List(items)) => {
            for (i, item) in items.iter().enumerate() {
                if let Value::Object(o) = item {
                    f(o, &at.index(i));
                }
            }
        }
        (Nesting::Set, Value::Set(items)) => {
            let l = at.set_element();
            for item in items {
                if let Value::Object(o) = item {
                    f(o, &l);
                }
            }
        }
        (Nesting::Map, Value::Map(items)) => {
            for (k, item) in items {
                if let Value::Object(o) = item {
                    f(o, &at.key(k));
                }
            }
        }
        // Null or unknown: nothing to check yet.
        _ => {}
    }
}

pub fn cancelled() -> Diagnostics {
    Diagnostic::error(
        "Operation cancelled",
        "Terraform asked the provider to stop (interrupt); the operation was abandoned.",
    )
    .into()
}

/// Runs an API call unless Terraform asks the provider to stop first.
pub(crate) async fn cancellable<T>(ctx: &Ctx<'_>, fut: impl std::future::Future<Output = T>) -> Result<T, Diagnostics> {
    tokio::select! {
        r = fut => Ok(r),
        _ = ctx.stop.cancelled() => Err(cancelled()),
    }
}

/// Re-declares a resource attribute for a data source: everything computed, except the lookup
/// keys (optional) and the parents in the path (required, as in the resource).
pub fn data_source_attribute(a: &Attribute, lookup_keys: &[&str]) -> Attribute {
    let mut d = a.clone();
    d.description = a.data_description.unwrap_or(a.description);
    d.validators.clear();
    d.default = None;
    d.requires_replace = false;
    d.changes_on_update = false;
    if lookup_keys.contains(&a.name) {
        d.mode = Mode::OptionalComputed;
        d.validators = a.validators.clone();
    } else if a.api.read.is_none() && (a.mode == Mode::Required || a.provider_default.is_some()) {
        // A parent in the path (organisation_id): an input, as in the resource.
        d.mode = a.mode;
        d.validators = a.validators.clone();
    } else {
        d.mode = Mode::Computed;
    }
    // What a data source reads is computed at every depth: the configuration sets no element.
    if d.mode == Mode::Computed {
        if let Some(n) = d.nested.as_mut() {
            n.attributes.iter_mut().for_each(computed_only);
        }
    }
    d
}

fn computed_only(a: &mut Attribute) {
    a.description = a.data_description.unwrap_or(a.description);
    a.mode = Mode::Computed;
    a.validators.clear();
    a.default = None;
    a.requires_replace = false;
    a.changes_on_update = false;
    if let Some(n) = a.nested.as_mut() {
        n.attributes.iter_mut().for_each(computed_only);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rename_title_to_name(mut s: serde_json::Map<String, Json>) -> Result<serde_json::Map<String, Json>, String> {
        let title = s.remove("title").ok_or("no title")?;
        s.insert("name".into(), title);
        Ok(s)
    }

    fn versioned() -> Resource {
        let mut spec = crate::resources::team::spec();
        spec.version = 1;
        spec.state_upgraders = &[rename_title_to_name];
        Resource::new(spec)
    }

    #[test]
    fn state_is_upgraded_step_by_step_to_the_current_schema() {
        let r = versioned();
        let v = r
            .upgrade_state(0, br#"{"id": 5, "organisation_id": 9, "title": "ops"}"#)
            .unwrap();
        let o = v.as_object().unwrap();
        assert_eq!(o["name"], Value::string("ops"));
        // Ids stored as numbers by earlier builds read back as the strings ids are now.
        assert_eq!(o["id"], Value::string("5"));
        assert_eq!(o["organisation_id"], Value::string("9"));
        // Already current: decoded as is.
        let v = r
            .upgrade_state(1, br#"{"id": 5, "organisation_id": 9, "name": "x"}"#)
            .unwrap();
        assert_eq!(v.as_object().unwrap()["name"], Value::string("x"));
        // From the future, or broken: a diagnostic, not a panic.
        assert!(r.upgrade_state(2, b"{}").is_err());
        assert!(r.upgrade_state(0, br#"{"id": 5}"#).is_err());
        assert!(r.upgrade_state(1, b"[1]").is_err());
    }

    #[test]
    fn errors_on_an_existing_object_name_its_type_and_id() {
        let team = Resource::new(crate::resources::team::spec());
        let prior: Object = [("id".to_string(), Value::string("5001"))].into_iter().collect();
        assert_eq!(team.action_on("delete", &prior), "delete level27_team 5001");
        // Not made yet: the type alone.
        let planned: Object = [("id".to_string(), Value::Unknown)].into_iter().collect();
        assert_eq!(team.action_on("create", &planned), "create level27_team");
        let err = ApiError::Unauthorized {
            message: "Bad credentials".into(),
        };
        let d = translate(&err, &team.action_on("delete", &prior), Some(team.block()));
        assert!(d.0[0].detail.contains("delete level27_team 5001"), "{}", d.0[0].detail);
        assert!(d.0[0].detail.contains("LEVEL27_API_KEY"), "{}", d.0[0].detail);
    }

    #[test]
    fn parents_default_to_the_provider_argument_on_create_only() {
        let team = Resource::new(crate::resources::team::spec());
        let config: Object = [
            ("name".to_string(), Value::string("ops")),
            ("organisation_id".to_string(), Value::Null),
        ]
        .into_iter()
        .collect();
        let provider: Object = [("organisation_id".to_string(), Value::string("42"))]
            .into_iter()
            .collect();
        let p = team.plan(None, &config, &config, true, &provider).unwrap();
        assert_eq!(p.planned["organisation_id"], Value::string("42"));

        // Neither here nor in the provider: a plan error on the attribute.
        let e = team.plan(None, &config, &config, true, &Object::new()).unwrap_err();
        assert_eq!(e.0[0].path, Some(AttrPath::attr("organisation_id")));
        assert!(e.0[0].detail.contains("provider block"), "{}", e.0[0].detail);

        // An existing team keeps its organisation when the provider default changes.
        let mut prior = config.clone();
        prior.insert("organisation_id".into(), Value::string("7"));
        prior.insert("id".into(), Value::string("5"));
        let p = team.plan(Some(&prior), &prior, &config, true, &provider).unwrap();
        assert_eq!(p.planned["organisation_id"], Value::string("7"));
        assert!(p.requires_replace.is_empty());
    }

    #[test]
    fn a_provider_default_unknown_at_plan_time_is_filled_in_at_apply() {
        let team = Resource::new(crate::resources::team::spec());
        let planned: Object = [
            ("id".to_string(), Value::Unknown),
            ("organisation_id".to_string(), Value::Unknown),
            ("name".to_string(), Value::string("ops")),
        ]
        .into_iter()
        .collect();
        let provider: Object = [("organisation_id".to_string(), Value::string("42"))]
            .into_iter()
            .collect();
        let filled = resolve_provider_defaults(team.block(), &planned, &provider);
        assert_eq!(filled["organisation_id"], Value::string("42"));
        assert_eq!(filled["id"], Value::Unknown, "computed values stay unknown");
        // A value the plan already knows is never overridden.
        let mut known = planned.clone();
        known.insert("organisation_id".into(), Value::string("7"));
        assert_eq!(
            resolve_provider_defaults(team.block(), &known, &provider)["organisation_id"],
            Value::string("7")
        );
    }

    #[test]
    fn paths_are_rendered_from_state_and_encoded() {
        let s: Object = [
            ("organisation_id".to_string(), Value::int(12)),
            ("id".to_string(), Value::string("5")),
            ("name".to_string(), Value::string("a/b c")),
        ]
        .into_iter()
        .collect();
        assert_eq!(
            render_path("/organisations/{organisation_id}/teams/{id}", &s).unwrap(),
            "/organisations/12/teams/5"
        );
        assert_eq!(render_path("/x/{name}", &s).unwrap(), "/x/a%2Fb%20c");
        assert_eq!(render_path("/x/{missing}", &s), Err("missing".to_string()));
    }

    mod nested {
        use super::super::*;
        use crate::framework::diag::PathStep;
        use crate::framework::schema::{NestedBlock, Nesting};
        use crate::framework::test_support::*;
        use crate::framework::validate::{int_between, not_blank, one_of};

        fn block() -> Block {
            let mut b = vm();
            let sub = |b: &mut Block, attr: &str, sub: &str, v: crate::framework::validate::Validator| {
                let a = b.attributes.iter_mut().find(|a| a.name == attr).unwrap();
                let n = a.nested.as_mut().unwrap();
                n.attributes
                    .iter_mut()
                    .find(|a| a.name == sub)
                    .unwrap()
                    .validators
                    .push(v);
            };
            sub(&mut b, "networks", "network_id", int_between(1, 100));
            sub(&mut b, "tags", "key", not_blank());
            sub(&mut b, "records", "ttl", int_between(60, 86400));
            sub(&mut b, "settings", "mode", one_of(&["fast", "slow"]));
            b.blocks.push(NestedBlock {
                name: "disks",
                nesting: Nesting::List,
                max_items: 0,
                block: Block {
                    attributes: vec![Attribute::number("size").required().validate(int_between(1, 10))],
                    ..Block::default()
                },
            });
            b
        }

        fn path(d: &Diagnostic) -> Vec<PathStep> {
            d.path.clone().unwrap_or_default().0
        }

        fn attr(a: &str) -> PathStep {
            PathStep::Attr(a.into())
        }

        #[test]
        fn sub_attribute_validators_run_per_element_on_the_full_path() {
            let config = obj(&[
                ("name", s("vm")),
                ("networks", list(&[net_config(5), net_config(500)])),
                ("tags", set(&[tag_config("env", "prod"), tag_config(" ", "x")])),
                (
                    "records",
                    map(&[("www", o(&[("content", s("1.2.3.4")), ("ttl", n(5))]))]),
                ),
                ("settings", o(&[("mode", s("warp"))])),
                ("disks", list(&[o(&[("size", n(4))]), o(&[("size", n(40))])])),
            ]);
            let diags = validate_attributes(&block(), &config);
            let paths: Vec<Vec<PathStep>> = diags.0.iter().map(path).collect();
            assert_eq!(
                paths,
                vec![
                    vec![attr("networks"), PathStep::Index(1), attr("network_id")],
                    // A set element has no path step: the set, with the sub-attribute named.
                    vec![attr("tags")],
                    vec![attr("records"), PathStep::Key("www".into()), attr("ttl")],
                    vec![attr("settings"), attr("mode")],
                    vec![attr("disks"), PathStep::Index(1), attr("size")],
                ],
                "{diags:?}"
            );
            assert!(
                diags.0[0]
                    .detail
                    .starts_with("networks[1].network_id must be between 1 and 100"),
                "{}",
                diags.0[0].detail
            );
            assert!(
                diags.0[1].detail.starts_with("tags[*].key must not be empty"),
                "{}",
                diags.0[1].detail
            );
            assert!(
                diags.0[2].detail.starts_with("records[\"www\"].ttl "),
                "{}",
                diags.0[2].detail
            );
            assert_eq!(diags.0[0].summary, "Invalid network_id");
        }

        #[test]
        fn unknown_nested_values_are_left_for_plan_time() {
            let config = obj(&[
                (
                    "networks",
                    list(&[Value::Unknown, o(&[("network_id", Value::Unknown)])]),
                ),
                ("tags", Value::Unknown),
                ("settings", o(&[("mode", Value::Unknown)])),
            ]);
            assert_eq!(validate_attributes(&block(), &config), Diagnostics::default());
        }

        #[test]
        fn blocks_inside_blocks_report_a_real_path() {
            let inner = NestedBlock {
                name: "loader",
                nesting: Nesting::Single,
                max_items: 0,
                block: Block {
                    attributes: vec![Attribute::string("kind").optional().validate(one_of(&["efi", "bios"]))],
                    ..Block::default()
                },
            };
            let b = Block {
                blocks: vec![NestedBlock {
                    name: "boot",
                    nesting: Nesting::Single,
                    max_items: 0,
                    block: Block {
                        blocks: vec![inner],
                        ..Block::default()
                    },
                }],
                ..Block::default()
            };
            let config = obj(&[("boot", o(&[("loader", o(&[("kind", s("floppy"))]))]))]);
            let d = validate_attributes(&b, &config);
            assert_eq!(d.0.len(), 1, "{d:?}");
            assert_eq!(path(&d.0[0]), vec![attr("boot"), attr("loader"), attr("kind")]);
            assert!(
                d.0[0].detail.starts_with("boot.loader.kind must be one of"),
                "{}",
                d.0[0].detail
            );
        }

        #[test]
        fn data_sources_read_nested_attributes_as_computed_at_every_depth() {
            let networks = vm().attributes.into_iter().find(|a| a.name == "networks").unwrap();
            let d = data_source_attribute(&networks, &["id"]);
            assert_eq!(d.mode, Mode::Computed);
            let subs = &d.nested.as_ref().unwrap().attributes;
            assert!(subs
                .iter()
                .all(|a| a.mode == Mode::Computed && a.default.is_none() && !a.requires_replace));
        }
    }
}
