//! The shared resource lifecycle. A resource module supplies a `ResourceSpec` (attributes with
//! their API fields, the API paths, the import id shape); this engine does validation, planning,
//! create with read-back, drift-aware read, diff-aware update, delete, waits, import and the
//! reconciliation of a create whose outcome is unknown.

use std::sync::Arc;

use super::config_check::ConfigRule;
use super::config_check::{empty_where_the_api_decides, validate_attributes};
use super::ctx::{cancellable, Ctx};
use super::desired_state::DesiredState;
use super::diag::{AttrPath, Diagnostic, Diagnostics};
use super::errors::translate;
use super::kind::Kind;
use super::links::Links;
use super::mapping::{attribute_from_api, lookup};
use super::mapping::{needs_request, request_body, sendable, state_from_api};
use super::membership::Membership;
use super::paths::{render_path, unwrap_envelope};
use super::plan::{keep_write_only, plan_known, Plan};
use super::plan_checks::PlanCheck;
use super::provider_defaults::apply_provider_defaults;
use super::schema::{ApiField, Attribute, Block, ListSource, Mode, Schema};
use super::shared_reads::Listing;
use super::timeouts::{self, Operation};
use super::value::{Object, Type, Value};
use super::wait::{failed_status_warning, Goal, Observed, StatusRule, Wait};
use serde_json::Value as Json;

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
    /// create whose response was lost did happen (so it is never blindly repeated). The first is
    /// sent as the list's `filter`, which searches names (a url's content): never a type.
    pub natural_key: &'static [&'static str],
    /// For asynchronous objects: the status to wait for. Adds a `timeouts` block.
    pub status: Option<StatusRule>,
    /// `state_upgraders[v]` turns the stored JSON state of schema version `v` into version
    /// `v + 1`; `version` must equal their number.
    pub state_upgraders: &'static [StateUpgrader],
    /// Rules over the whole configuration (exactly one of, required when, …), checked at
    /// validate and plan time.
    pub rules: Vec<ConfigRule>,
    /// Refresh reads the object from its collection's list, read once and shared by every object
    /// of the same collection (N records of a domain: one paged list, not N GETs). An object
    /// missing from the list is read with its own GET.
    pub refresh_from_list: bool,
    /// Which teams see the object (`team_ids`).
    pub membership: Option<Membership>,
    /// The create and item answers do not describe the object (`/custompackages` answers only
    /// `limits`): a create finds its new object by `natural_key` in the collection's list, and
    /// every read takes the object from that list (missing from it: gone).
    pub object_in_list_only: bool,
    /// Attributes reached through actions (`power_state`).
    pub desired_states: Vec<DesiredState>,
    /// Checks at plan time against objects only the API knows (a vm's size limits, a
    /// component's parameters).
    pub plan_checks: Vec<PlanCheck>,
    /// Sets reconciled through link endpoints (a system's `network_ids`).
    pub links: Vec<Links>,
    /// The kind of object in a collection shared by several resource types (`type`).
    pub kind: Option<Kind>,
    /// Arguments sent on create as the id a lookup finds (a domain's `extension` as its domain
    /// type's id; `framework::resolve`).
    pub resolves: Vec<super::resolve::Resolve>,
    /// What to do when the API refuses a delete (400) because other objects still use this one:
    /// added to the API's own reason. (A contact a domain names: replace it new-first.)
    pub delete_refused_hint: Option<&'static str>,
    /// Advice added to a refused create or update whose API message contains the first text:
    /// what the API's words leave out (which other object is in the way, and how to find it).
    pub refusal_hints: &'static [(&'static str, &'static str)],
    /// A value no two objects may share, which the API defends only with a form-wide error.
    pub unique: Option<Unique>,
    /// A value no two creates of one plan may share (`framework::plan_claims`).
    pub distinct_creates: Option<super::plan_claims::DistinctCreates>,
}

/// An attribute whose value no two objects may share (an organisation's tax number), which the
/// API refuses with a form-wide message only: a create or update it refuses so is reported on the
/// attribute, and a create also says how to import the object that holds the value (its id, when
/// the natural key finds it).
#[derive(Clone, Copy, Debug)]
pub struct Unique {
    pub attribute: &'static str,
    /// A part of the API's message that says the value is taken.
    pub says: &'static str,
}

impl Default for ResourceSpec {
    /// An empty spec for `..ResourceSpec::default()`: the capabilities a resource does not use.
    /// `spec_check` rejects one left without a type name, attributes or paths.
    fn default() -> Self {
        ResourceSpec {
            type_name: "",
            description: "",
            version: 0,
            attributes: Vec::new(),
            endpoint: Endpoint {
                collection: "",
                item: "",
                singular: "",
                plural: "",
                update: UpdateVerb::None,
            },
            import_id: &["id"],
            natural_key: &[],
            status: None,
            state_upgraders: &[],
            rules: Vec::new(),
            refresh_from_list: false,
            membership: None,
            object_in_list_only: false,
            desired_states: Vec::new(),
            plan_checks: Vec::new(),
            links: Vec::new(),
            kind: None,
            resolves: Vec::new(),
            delete_refused_hint: None,
            refusal_hints: &[],
            unique: None,
            distinct_creates: None,
        }
    }
}

/// One step of a state upgrade, on Terraform's JSON form of the stored state.
pub type StateUpgrader = fn(serde_json::Map<String, Json>) -> Result<serde_json::Map<String, Json>, String>;

/// Where a refresh found the object in its collection's shared list.
enum InCollection {
    /// At this position of the shared list, which is kept rather than the item copied: a refresh
    /// of hundreds of records reads each from one list.
    Listed(Arc<Listing>, usize),
    /// The list does not hold it (the item is then read on its own).
    NotListed,
    /// The collection itself is gone (404): its parent was deleted, and the object with it.
    Gone,
}
use InCollection::{Gone, Listed, NotListed};

impl InCollection {
    fn found(self) -> Option<Json> {
        match self {
            Listed(list, i) => list.get(i).cloned(),
            NotListed | Gone => None,
        }
    }
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
        if spec.status.is_some() || !spec.desired_states.is_empty() {
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

    pub(crate) fn block(&self) -> &Block {
        &self.schema.block
    }

    pub(crate) fn action(&self, verb: &str) -> String {
        format!("{verb} {}", self.spec.type_name)
    }

    /// `action` on the object `state` describes, naming its id when it has one (`delete
    /// level27_team 5001`): the diagnostic then says which object, even inside a replace.
    pub(crate) fn action_on(&self, verb: &str, state: &Object) -> String {
        format!("{verb} {}", self.named(state))
    }

    /// The object `state` describes, as diagnostics name it: `level27_team 5001`, or the type
    /// alone before it has an id.
    pub(crate) fn named(&self, state: &Object) -> String {
        match state.get("id").and_then(Value::as_str) {
            Some(id) => format!("{} {id}", self.spec.type_name),
            None => self.spec.type_name.to_string(),
        }
    }

    /// Plan-time validation of the configuration; makes no API call.
    pub fn validate(&self, config: &Object) -> Diagnostics {
        let mut diags = validate_attributes(self.block(), config);
        diags.extend(empty_where_the_api_decides(self.block(), config));
        for rule in &self.spec.rules {
            diags.extend(rule.check(config));
        }
        diags
    }

    /// [`Resource::validate`] again at plan time, when values unknown before may be known; the
    /// [`ConfigRule::AsPlanned`] rules see the configuration completed by `planned`: what it
    /// leaves out of an optional and computed attribute is the value the plan keeps.
    pub fn validate_planned(&self, config: &Object, planned: &Object) -> Diagnostics {
        let mut diags = validate_attributes(self.block(), config);
        diags.extend(empty_where_the_api_decides(self.block(), config));
        let mut completed = config.clone();
        for a in self
            .block()
            .attributes
            .iter()
            .filter(|a| a.mode == Mode::OptionalComputed)
        {
            if let (None | Some(Value::Null), Some(kept)) = (config.get(a.name), planned.get(a.name)) {
                completed.insert(a.name.to_string(), kept.clone());
            }
        }
        for rule in &self.spec.rules {
            diags.extend(rule.check(if rule.as_planned() { &completed } else { config }));
        }
        diags
    }

    /// Whether `check_plan` has anything to do for this plan: a plan that changes nothing a check
    /// reads (every refresh's plan) skips it, and needs no API client.
    pub fn has_checks_due(&self, prior: Option<&Object>, planned: &Object) -> bool {
        (prior.is_none() && !self.spec.resolves.is_empty())
            || self.spec.plan_checks.iter().any(|c| c.concerns(prior, planned))
    }

    /// The plan's checks against the API (`plan_checks`) for what the plan changes from `prior`
    /// (`None`: a create), and for a create the lookups of `resolves`, all at once; unknown values
    /// wait for the apply's plan.
    pub async fn check_plan(&self, ctx: &Ctx<'_>, prior: Option<&Object>, planned: &Object) -> Diagnostics {
        let resolves = self.spec.resolves.iter().filter(|_| prior.is_none());
        let (mut diags, resolved) = futures_util::future::join(
            super::plan_checks::run_all(&self.spec.plan_checks, ctx, prior, planned),
            futures_util::future::join_all(resolves.map(|r| r.check(ctx, planned))),
        )
        .await;
        for d in resolved {
            diags.extend(d);
        }
        diags
    }

    pub fn plan(
        &self,
        prior: Option<&Object>,
        proposed: &Object,
        config: &Object,
        write_only: bool,
        provider_config: &Object,
        known: &[String],
    ) -> Result<Plan, Diagnostics> {
        let mut p = plan_known(self.block(), prior, proposed, config, known);
        if !write_only {
            keep_write_only(self.block(), config, &mut p.planned);
        }
        match prior {
            None => apply_provider_defaults(self.block(), config, provider_config, &mut p.planned)?,
            // An update that will send nothing (a key removed from a spread map, a
            // `*_wo_version` without its value) changes nothing the API answers: `update` then
            // keeps the prior values, so the plan shows them rather than "known after apply".
            Some(prior) if p.requires_replace.is_empty() && self.update_sends_nothing(prior, &p.planned, config) => {
                for a in self.block().attributes.iter().filter(|a| a.changes_on_update) {
                    let volatile = p.planned.get(a.name).is_some_and(|v| matches!(v, Value::Unknown));
                    if volatile && config.get(a.name).is_none_or(Value::is_null) {
                        p.planned
                            .insert(a.name.to_string(), prior.get(a.name).cloned().unwrap_or_default());
                    }
                }
            }
            Some(_) => {}
        }
        Ok(p)
    }

    /// Whether `update` from `prior` to `planned` makes no request: the same test it makes (no
    /// field to send, no membership, link or desired state to change).
    fn update_sends_nothing(&self, prior: &Object, planned: &Object, config: &Object) -> bool {
        let same = |name: &str| attr(prior, name) == attr(planned, name);
        let send = sendable(self.block(), planned, config);
        !needs_request(self.block(), prior, planned, &send)
            && self.spec.membership.iter().all(|m| same(m.attribute))
            && self.spec.links.iter().all(|l| same(l.attribute))
            && self.spec.desired_states.iter().all(|d| same(d.attribute))
    }

    /// Applies the write-only rule for Terraform versions without write-only support.
    pub(crate) fn finish(&self, ctx: &Ctx<'_>, source: &Object, mut state: Object) -> Object {
        if !ctx.write_only {
            keep_write_only(self.block(), source, &mut state);
        }
        state
    }

    /// Reads the object; `None` when it no longer exists (drift: Terraform plans to create it).
    pub async fn read(&self, ctx: &Ctx<'_>, state: &Object) -> Result<Option<Object>, Diagnostics> {
        Ok(self.read_warned(ctx, state).await?.0)
    }

    /// [`Resource::read`], with a warning when the object is in a failed status: its values are
    /// the API's (a failed resize may already show the new size), so the plan can be empty while
    /// the object needs repair, and only this warning says so.
    pub async fn read_warned(
        &self,
        ctx: &Ctx<'_>,
        state: &Object,
    ) -> Result<(Option<Object>, Diagnostics), Diagnostics> {
        let item = self.path(self.spec.endpoint.item, state)?;
        let listed = match self.spec.refresh_from_list || self.spec.object_in_list_only {
            true => self.find_in_collection(ctx, state).await?,
            false => NotListed,
        };
        let fetched;
        let obj = match &listed {
            Listed(list, i) => match list.get(*i) {
                Some(obj) => obj,
                None => return Err(self.missing_from_list(state)),
            },
            Gone => return Ok((None, Diagnostics::default())),
            NotListed if self.spec.object_in_list_only => return Ok((None, Diagnostics::default())),
            NotListed => match cancellable(ctx, ctx.client.get(&item)).await? {
                Ok(r) => {
                    fetched = r;
                    unwrap_envelope(&fetched, self.spec.endpoint.singular)
                }
                Err(e) if e.is_not_found() => return Ok((None, Diagnostics::default())),
                Err(e) => return Err(translate(&e, &self.action_on("read", state), Some(self.block()))),
            },
        };
        let mut warnings = Diagnostics::default();
        match self.spec.status.as_ref().map(|r| (r.observe(obj), r)) {
            // A deleted object some APIs still answer for (status `deleted`) is gone, as a 404 is.
            Some((Observed::Gone, _)) => return Ok((None, warnings)),
            Some((Observed::Failed(status), rule)) => {
                warnings.push(failed_status_warning(&self.named(state), &status, rule, obj))
            }
            _ => {}
        }
        if let Some(k) = &self.spec.kind {
            let id = state.get("id").and_then(Value::as_str).unwrap_or("?");
            k.check(obj, self.spec.type_name, id)?;
        }
        let new = self.state_of(ctx, obj, state).await?;
        Ok((Some(self.finish(ctx, state, new)), warnings))
    }

    /// The object from its collection's shared list, if it is there.
    async fn find_in_collection(&self, ctx: &Ctx<'_>, state: &Object) -> Result<InCollection, Diagnostics> {
        let Some(id) = state.get("id").and_then(Value::as_str) else {
            return Ok(NotListed);
        };
        let collection = self.path(self.spec.endpoint.collection, state)?;
        let items = match cancellable(ctx, ctx.reads.list(ctx.client, &collection, self.spec.endpoint.plural)).await? {
            Ok(items) => items,
            // The parent (a record's domain) is gone, and the object with it: drift, not an error.
            Err(e) if e.is_not_found() => return Ok(Gone),
            Err(e) => return Err(translate(&e, &self.action("read"), Some(self.block()))),
        };
        Ok(items.position("id", id).map_or(NotListed, |i| Listed(items, i)))
    }

    /// The error of an object its collection's list should hold but does not.
    pub(crate) fn missing_from_list(&self, of: &Object) -> Diagnostics {
        Diagnostic::error(
            format!("Failed to {}", self.action_on("read back", of)),
            format!(
                "The Level27 API accepted the change but its list of {} does not show the object.",
                self.spec.endpoint.plural
            ),
        )
        .into()
    }

    /// Values a create or update must send but the plan cannot know (`fill_from`): looked up in
    /// the shared list each names. `verb` ("create", "update") names the action in errors.
    pub(crate) async fn fill_planned(
        &self,
        ctx: &Ctx<'_>,
        planned: &Object,
        verb: &str,
    ) -> Result<Object, Diagnostics> {
        let mut out = planned.clone();
        for a in &self.block().attributes {
            let Some((source, path)) = a.api.fill_from else {
                continue;
            };
            if !planned.get(a.name).is_some_and(Value::is_unknown) {
                continue;
            }
            let Some(key) = planned.get(source.by).and_then(Value::as_str).map(str::to_string) else {
                continue;
            };
            let list = self.path(source.path, planned)?;
            let items = cancellable(ctx, ctx.reads.source(ctx.client, &list, source))
                .await?
                .map_err(|e| translate(&e, &self.action(verb), Some(self.block())))?;
            let item = items.find(source.key, &key).ok_or_else(|| {
                Diagnostics::from(
                    Diagnostic::error(
                        format!("Failed to {}", self.action(verb)),
                        format!("No object with id {key} in {list}, which {} names.", source.by),
                    )
                    .at(AttrPath::attr(source.by)),
                )
            })?;
            let reader = Attribute {
                api: ApiField {
                    read: Some(path),
                    ..a.api.clone()
                },
                ..a.clone()
            };
            out.insert(a.name.to_string(), attribute_from_api(&reader, item, &Value::Null));
        }
        Ok(out)
    }

    /// The state for an API object: its own fields, then what other endpoints hold (attributes
    /// read via a shared list, team membership) and desired states.
    pub(crate) async fn state_of(&self, ctx: &Ctx<'_>, obj: &Json, base: &Object) -> Result<Object, Diagnostics> {
        let mut state = state_from_api(self.block(), obj, base);
        for a in &self.block().attributes {
            let Some(source) = a.api.via else { continue };
            let Some(key) = state.get(source.by).and_then(Value::as_str).map(str::to_string) else {
                continue;
            };
            let path = self.path(source.path, &state)?;
            let items = cancellable(ctx, ctx.reads.source(ctx.client, &path, source))
                .await?
                .map_err(|e| translate(&e, &self.action("read"), Some(self.block())))?;
            let prior = base.get(a.name).cloned().unwrap_or_default();
            let v = match items.find(source.key, &key) {
                Some(item) => attribute_from_api(a, item, &prior),
                // Not listed (yet): what we knew stands.
                None => prior,
            };
            state.insert(a.name.to_string(), v);
        }
        infer(ctx, self.block(), &mut state, &self.action("read")).await?;
        if let Some(m) = &self.spec.membership {
            let teams = m.read(ctx, obj, &state).await?;
            state.insert(m.attribute.to_string(), teams);
        }
        for l in &self.spec.links {
            state.insert(l.attribute.to_string(), l.read(obj));
        }
        for d in &self.spec.desired_states {
            state.insert(d.attribute.to_string(), d.read(obj));
        }
        Ok(state)
    }

    /// Reads the object after a change, waiting for a final status where it has one.
    pub(crate) async fn read_back(
        &self,
        ctx: &Ctx<'_>,
        of: &Object,
        item: &str,
        timeout: std::time::Duration,
        verb: &str,
    ) -> Result<Json, Diagnostics> {
        match &self.spec.status {
            Some(rule) => Ok(self
                .wait(
                    ctx,
                    rule,
                    item,
                    Wait {
                        goal: Goal::Ready,
                        verb,
                        timeout,
                        first_look_done: false,
                    },
                )
                .await?
                .unwrap_or_default()),
            None if self.spec.object_in_list_only => self
                .find_in_collection(ctx, of)
                .await?
                .found()
                .ok_or_else(|| self.missing_from_list(of)),
            None => {
                let r = cancellable(ctx, ctx.client.get(item))
                    .await?
                    .map_err(|e| translate(&e, &self.action_on("read back", of), Some(self.block())))?;
                Ok(unwrap_envelope(&r, self.spec.endpoint.singular).clone())
            }
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
        // A value another list holds, planned unknown (`changes_on_update`), is sent as that
        // list has it now: an app's base package after its plan's changed.
        let planned = &self.fill_planned(ctx, planned, "update").await?;
        let send = sendable(self.block(), planned, config);
        let body = request_body(self.block(), &send, Some(prior), verb == UpdateVerb::Patch);
        let mut changed = false;
        if needs_request(self.block(), prior, planned, &send) {
            let body = Json::Object(body);
            let result = match verb {
                UpdateVerb::Put => cancellable(ctx, ctx.client.put(&item, &body)).await?,
                UpdateVerb::Patch => cancellable(ctx, ctx.client.patch(&item, &body)).await?,
                UpdateVerb::None => Ok(()),
            };
            ctx.reads.invalidate();
            result.map_err(|e| {
                let mut d = translate(&e, &self.action_on("update", prior), Some(self.block()));
                self.said_on_unique(&mut d, "");
                self.add_refusal_hints(&mut d);
                d
            })?;
            changed = true;
        }
        if let Some(m) = &self.spec.membership {
            let (before, after) = (attr(prior, m.attribute), attr(planned, m.attribute));
            let target = (self.named(prior), (item.as_str(), self.spec.endpoint.singular));
            changed |= m.reconcile(ctx, prior, (&target.0, target.1), before, after).await?;
        }
        for l in &self.spec.links {
            let (before, after) = (attr(prior, l.attribute), attr(planned, l.attribute));
            changed |= l.reconcile(ctx, prior, &self.named(prior), before, after).await?;
        }
        let timeout = timeouts::get(planned, Operation::Update);
        let desired_changed = self
            .spec
            .desired_states
            .iter()
            .any(|d| attr(prior, d.attribute) != attr(planned, d.attribute));
        if !changed && !desired_changed {
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
        let mut obj = self.read_back(ctx, planned, &item, timeout, "update").await?;
        if self.reach_desired_states(ctx, planned, &obj, timeout).await? {
            obj = self.read_back(ctx, planned, &item, timeout, "update").await?;
        }
        let state = self.state_of(ctx, &obj, planned).await?;
        Ok(self.finish(ctx, planned, state))
    }

    /// Whether the API refused the request because the unique attribute's value is taken.
    pub(super) fn refused_as_taken(&self, diags: &Diagnostics) -> bool {
        self.spec
            .unique
            .is_some_and(|u| diags.0.iter().any(|d| d.path.is_none() && d.detail.contains(u.says)))
    }

    /// Adds the spec's `refusal_hints` to the diagnostics whose API message calls for them.
    pub(super) fn add_refusal_hints(&self, diags: &mut Diagnostics) {
        for d in diags.0.iter_mut() {
            for (says, hint) in self.spec.refusal_hints {
                if d.detail.contains(says) {
                    d.detail.push_str(&format!(" {hint}"));
                }
            }
        }
    }

    /// Puts the API's form-wide "value taken" error on the unique attribute, with `hint` (or
    /// "set another") after it.
    pub(super) fn said_on_unique(&self, diags: &mut Diagnostics, hint: &str) {
        let Some(u) = self.spec.unique else { return };
        for d in diags
            .0
            .iter_mut()
            .filter(|d| d.path.is_none() && d.detail.contains(u.says))
        {
            d.path = Some(AttrPath::attr(u.attribute));
            if !d.detail.ends_with('.') {
                d.detail.push('.');
            }
            if hint.is_empty() {
                d.detail.push_str(&format!(" Set another `{}`.", u.attribute));
            } else {
                d.detail.push_str(&format!(" {hint}"));
            }
        }
    }

    pub async fn delete(&self, ctx: &Ctx<'_>, prior: &Object) -> Result<(), Diagnostics> {
        let item = self.path(self.spec.endpoint.item, prior)?;
        match cancellable(ctx, ctx.client.delete(&item)).await? {
            Ok(()) => {}
            // Already gone: the goal of a delete is reached.
            Err(e) if e.is_not_found() => return Ok(()),
            Err(e) => {
                let mut d = translate(&e, &self.action_on("delete", prior), Some(self.block()));
                if let (Some(hint), Some(400)) = (self.spec.delete_refused_hint, e.status()) {
                    for x in d.0.iter_mut() {
                        x.detail.push_str(&format!(" {hint}"));
                    }
                }
                return Err(d);
            }
        }
        ctx.reads.invalidate();
        if let Some(rule) = &self.spec.status {
            let timeout = timeouts::get(prior, Operation::Delete);
            self.wait(
                ctx,
                rule,
                &item,
                Wait {
                    goal: Goal::Gone,
                    verb: "delete",
                    timeout,
                    first_look_done: false,
                },
            )
            .await?;
        }
        Ok(())
    }

    pub(crate) fn path(&self, template: &str, state: &Object) -> Result<String, Diagnostics> {
        render_path(template, state).map_err(|name| {
            Diagnostic::error(
                format!("Missing {name}"),
                format!("{} needs {name} to address the object in the API.", self.spec.type_name),
            )
            .into()
        })
    }
}

/// Fills the attributes declared with `infer_from` that the state lacks (see
/// [`Attribute::infer_from`]). Inferences from the same list are alternatives (a component's
/// system or system group): once one of them is known, none is looked up, so a refresh costs no
/// list read.
pub(crate) async fn infer(ctx: &Ctx<'_>, block: &Block, state: &mut Object, action: &str) -> Result<(), Diagnostics> {
    let known = |state: &Object, source: &ListSource| {
        block.attributes.iter().any(|b| {
            b.api.infer_from.is_some_and(|i| std::ptr::eq(i.source, source))
                && !state.get(b.name).is_none_or(Value::is_null)
        })
    };
    for a in &block.attributes {
        let Some(inf) = a.api.infer_from else { continue };
        if known(state, inf.source) {
            continue;
        }
        let Ok(path) = render_path(inf.source.path, state) else {
            continue;
        };
        let items = cancellable(ctx, ctx.reads.source(ctx.client, &path, inf.source))
            .await?
            .map_err(|e| translate(&e, action, Some(block)))?;
        let text = |j: &Json| match j {
            Json::String(s) => Some(s.clone()),
            Json::Number(n) => Some(n.to_string()),
            _ => None,
        };
        let candidates: Vec<&Json> = items
            .iter()
            .filter(|item| {
                inf.matching.iter().all(|(field, attr)| {
                    let want = state.get(*attr).and_then(Value::as_str);
                    want.is_some() && text(lookup(item, field)).as_deref() == want
                })
            })
            .collect();
        if let [only] = candidates[..] {
            if let Some(v) = text(lookup(only, inf.path)) {
                state.insert(a.name.to_string(), Value::string(&v));
            }
        }
    }
    Ok(())
}

fn attr<'a>(o: &'a Object, name: &str) -> &'a Value {
    o.get(name).unwrap_or(&Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;
    use level27_client::Error as ApiError;
    use serde_json::json;

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

    /// An update that sends nothing keeps the status it would otherwise plan as unknown: the
    /// apply then returns the prior one, as planned.
    #[test]
    fn an_update_that_sends_nothing_keeps_the_status_known() {
        let component = Resource::new(crate::resources::app_component::spec());
        let s = Value::string;
        let mut prior: Object = [
            ("id", s("14000")),
            ("app_id", s("9")),
            ("name", s("cache")),
            ("type", s("redis")),
            ("systemgroup_id", s("3")),
            ("limit_group", Value::Null),
            (
                "parameters",
                Value::Map([("memory".to_string(), s("128"))].into_iter().collect()),
            ),
            ("password_wo_version", Value::int(1)),
            ("category", s("Extensions")),
            ("status", s("ok")),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        // A state holds every attribute.
        for a in &component.block().attributes {
            prior.entry(a.name.to_string()).or_insert(Value::Null);
        }
        let computed = ["id", "limit_group", "category", "status"];
        let status = |change: &dyn Fn(&mut Object)| {
            let mut config = prior.clone();
            for c in computed {
                config.insert(c.to_string(), Value::Null);
            }
            change(&mut config);
            let mut proposed = config.clone();
            for c in computed {
                proposed.insert(c.to_string(), prior[c].clone());
            }
            let p = component
                .plan(Some(&prior), &proposed, &config, true, &Object::new(), &[])
                .unwrap();
            p.planned["status"].clone()
        };
        // A key removed from `parameters` is no longer managed, not sent; a new
        // `password_wo_version` without a password sends nothing either.
        assert_eq!(
            status(&|c| {
                c.insert("parameters".into(), Value::Null);
            }),
            s("ok")
        );
        assert_eq!(
            status(&|c| {
                c.insert("password_wo_version".into(), Value::int(2));
            }),
            s("ok")
        );
        // A rename, or a password to send, is an update the API answers with a new status.
        assert_eq!(
            status(&|c| {
                c.insert("name".into(), s("other"));
            }),
            Value::Unknown
        );
        assert_eq!(
            status(&|c| {
                c.insert("password_wo_version".into(), Value::int(2));
                c.insert("password_wo".into(), s("s3cret"));
            }),
            Value::Unknown
        );
        assert_eq!(
            status(&|c| {
                c.insert(
                    "parameters".into(),
                    Value::Map([("memory".to_string(), s("256"))].into_iter().collect()),
                );
            }),
            Value::Unknown
        );
    }

    /// A delete the API refuses (400: other objects use this one) says what to do, after the
    /// API's reason; other failures do not get the hint.
    #[tokio::test]
    async fn a_refused_delete_says_how_to_replace_the_object() {
        use crate::framework::test_support::{CtxParts, FakeApi};
        let api = FakeApi::start(|req| match req.path.as_str() {
            "/domaincontacts/7000" => (
                400,
                json!({"code": 400, "message": "This domaincontact is used by the domain acme.be and cannot be deleted."}),
            ),
            _ => (403, json!({"code": 403, "message": "Access denied"})),
        })
        .await;
        let parts = CtxParts::default();
        let contact = Resource::new(crate::resources::domain_contact::spec());
        let prior = |id: &str| -> Object { [("id".to_string(), Value::string(id))].into_iter().collect() };
        let refused = contact.delete(&parts.ctx(&api), &prior("7000")).await.unwrap_err();
        let detail = &refused.0[0].detail;
        assert!(detail.contains("is used by the domain acme.be"), "{detail}");
        assert!(detail.contains("create_before_destroy"), "{detail}");
        let denied = contact.delete(&parts.ctx(&api), &prior("7001")).await.unwrap_err();
        assert!(
            !denied.0[0].detail.contains("create_before_destroy"),
            "{:?}",
            denied.0[0]
        );
    }
}
