//! The shared resource lifecycle. A resource module supplies a `ResourceSpec` (attributes with
//! their API fields, the API paths, the import id shape); this engine does validation, planning,
//! create with read-back, drift-aware read, diff-aware update, delete, waits, import and the
//! reconciliation of a create whose outcome is unknown.

use super::config_check::validate_attributes;
use super::ctx::{cancellable, Ctx};
use super::diag::{Diagnostic, Diagnostics};
use super::errors::translate;
use super::mapping::{needs_request, request_body, sendable, state_from_api};
use super::paths::{render_path, unwrap_envelope};
use super::plan::{keep_write_only, plan, Plan};
use super::provider_defaults::apply_provider_defaults;
use super::schema::{Attribute, Block, Schema};
use super::timeouts::{self, Operation};
use super::value::{Object, Type, Value};
use super::wait::StatusRule;
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

    pub(crate) fn block(&self) -> &Block {
        &self.schema.block
    }

    pub(crate) fn action(&self, verb: &str) -> String {
        format!("{verb} {}", self.spec.type_name)
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
    pub(crate) fn finish(&self, ctx: &Ctx<'_>, source: &Object, mut state: Object) -> Object {
        if !ctx.write_only {
            keep_write_only(self.block(), source, &mut state);
        }
        state
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
            Err(e) => Err(translate(&e, &self.action("read"), Some(self.block()))),
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
        if needs_request(self.block(), prior, planned, &send) {
            let body = Json::Object(body);
            let result = match verb {
                UpdateVerb::Put => cancellable(ctx, ctx.client.put(&item, &body)).await?,
                UpdateVerb::Patch => cancellable(ctx, ctx.client.patch(&item, &body)).await?,
                UpdateVerb::None => Ok(()),
            };
            result.map_err(|e| translate(&e, &self.action("update"), Some(self.block())))?;
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
                    .map_err(|e| translate(&e, &self.action("read back"), Some(self.block())))?;
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
            Err(e) => return Err(translate(&e, &self.action("delete"), Some(self.block()))),
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
