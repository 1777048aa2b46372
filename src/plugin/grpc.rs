//! The tfplugin6 `Provider` gRPC service: decodes requests, calls the provider and the engine,
//! encodes responses. Errors always travel as diagnostics (Terraform shows gRPC status errors as
//! opaque messages).

use crate::framework::codec::{decode_json, decode_msgpack, encode_msgpack};
use crate::framework::diag::{PathStep, Severity};
use crate::framework::moves::{move_state, MoveRequest};
use crate::framework::plan::{known_at_create, known_from_private};
use crate::framework::schema::{Attribute, Block, Mode, Nesting, Schema};
use crate::framework::shared_reads::SharedReads;
use crate::framework::{Ctx, Diagnostic, Diagnostics, Object, Type, Value};
use crate::provider::Provider;
use magma_protocol::tfplugin6 as pb;
use std::sync::{Arc, OnceLock};
use tonic::{Request, Response, Status};

pub struct ProviderService {
    provider: Arc<Provider>,
    schema: OnceLock<pb::get_provider_schema::Response>,
}

impl ProviderService {
    pub fn new(provider: Arc<Provider>) -> ProviderService {
        ProviderService {
            provider,
            schema: OnceLock::new(),
        }
    }
}

type R<T> = Result<Response<T>, Status>;

/// What an operation borrows its `Ctx` from.
struct Session {
    client: level27_client::Client,
    stop: tokio_util::sync::CancellationToken,
    write_only: bool,
    provider_config: Arc<Object>,
    reads: Arc<SharedReads>,
}

impl Session {
    fn ctx(&self) -> Ctx<'_> {
        Ctx {
            client: &self.client,
            stop: &self.stop,
            write_only: self.write_only,
            provider_config: &self.provider_config,
            reads: &self.reads,
        }
    }
}

#[allow(clippy::result_large_err)] // the generated trait fixes this return type
fn ok<T>(t: T) -> R<T> {
    Ok(Response::new(t))
}

fn decode(dv: Option<&pb::DynamicValue>, ty: &Type) -> Result<Value, Diagnostics> {
    let Some(dv) = dv else { return Ok(Value::Null) };
    let r = if !dv.msgpack.is_empty() {
        decode_msgpack(&dv.msgpack, ty)
    } else if !dv.json.is_empty() {
        decode_json(&dv.json, ty)
    } else {
        return Ok(Value::Null);
    };
    r.map_err(|e| {
        Diagnostic::error(
            "Invalid value from Terraform",
            format!("The provider could not decode a value: {e}."),
        )
        .into()
    })
}

fn decode_object(dv: Option<&pb::DynamicValue>, ty: &Type) -> Result<Option<Object>, Diagnostics> {
    match decode(dv, ty)? {
        Value::Object(o) => Ok(Some(o)),
        Value::Null => Ok(None),
        other => Err(Diagnostic::error(
            "Invalid value from Terraform",
            format!("Expected an object, got {}.", other.display()),
        )
        .into()),
    }
}

fn encode(v: &Value, ty: &Type) -> Option<pb::DynamicValue> {
    Some(pb::DynamicValue {
        msgpack: encode_msgpack(v, ty),
        json: Vec::new(),
    })
}

fn encode_object(o: Option<Object>, ty: &Type) -> Option<pb::DynamicValue> {
    encode(&o.map(Value::Object).unwrap_or(Value::Null), ty)
}

pub fn diagnostics(d: Diagnostics) -> Vec<pb::Diagnostic> {
    d.0.into_iter()
        .map(|d| pb::Diagnostic {
            severity: match d.severity {
                Severity::Error => pb::diagnostic::Severity::Error as i32,
                Severity::Warning => pb::diagnostic::Severity::Warning as i32,
            },
            summary: d.summary,
            detail: d.detail,
            attribute: d.path.map(proto_path),
        })
        .collect()
}

fn unknown_type(kind: &str, name: &str) -> Diagnostics {
    Diagnostic::error(
        format!("Unknown {kind} type"),
        format!("This provider has no {kind} named {name:?}."),
    )
    .into()
}

const MARKDOWN: i32 = pb::StringKind::Markdown as i32;

fn schema_attribute(a: &Attribute) -> pb::schema::Attribute {
    pb::schema::Attribute {
        name: a.name.to_string(),
        // A nested attribute is described by its nested_type alone.
        r#type: if a.nested.is_some() {
            Vec::new()
        } else {
            a.ty.to_json().to_string().into_bytes()
        },
        nested_type: a.nested.as_ref().map(|n| pb::schema::Object {
            attributes: n.attributes.iter().map(schema_attribute).collect(),
            nesting: match n.nesting {
                Nesting::Single => pb::schema::object::NestingMode::Single as i32,
                Nesting::List => pb::schema::object::NestingMode::List as i32,
                Nesting::Set => pb::schema::object::NestingMode::Set as i32,
                Nesting::Map => pb::schema::object::NestingMode::Map as i32,
            },
            ..Default::default()
        }),
        description: a.description.to_string(),
        required: a.mode == Mode::Required,
        optional: matches!(a.mode, Mode::Optional | Mode::OptionalComputed),
        computed: a.mode.is_computed(),
        sensitive: a.sensitive,
        description_kind: MARKDOWN,
        deprecated: a.deprecated.is_some(),
        write_only: a.write_only,
        deprecation_message: a.deprecated.unwrap_or_default().to_string(),
    }
}

fn schema_block(b: &Block) -> pb::schema::Block {
    pb::schema::Block {
        version: 0,
        attributes: b.attributes.iter().map(schema_attribute).collect(),
        block_types: b
            .blocks
            .iter()
            .map(|nb| pb::schema::NestedBlock {
                type_name: nb.name.to_string(),
                block: Some(schema_block(&nb.block)),
                nesting: match nb.nesting {
                    Nesting::Single => pb::schema::nested_block::NestingMode::Single as i32,
                    Nesting::List => pb::schema::nested_block::NestingMode::List as i32,
                    Nesting::Set => pb::schema::nested_block::NestingMode::Set as i32,
                    Nesting::Map => pb::schema::nested_block::NestingMode::Map as i32,
                },
                min_items: 0,
                // Terraform rejects a NestingSingle block unless MinItems and MaxItems are both 0
                // ("MinItems and MaxItems must match in NestingSingle mode"): the nesting already
                // says "at most one".
                max_items: match nb.nesting {
                    Nesting::Single => 0,
                    Nesting::List | Nesting::Set | Nesting::Map => nb.max_items,
                },
            })
            .collect(),
        description: b.description.to_string(),
        description_kind: MARKDOWN,
        deprecated: b.deprecated.is_some(),
        deprecation_message: b.deprecated.unwrap_or_default().to_string(),
    }
}

pub fn proto_schema(s: &Schema) -> pb::Schema {
    pb::Schema {
        version: s.version,
        block: Some(schema_block(&s.block)),
    }
}

impl ProviderService {
    /// What one operation needs, taken once from the configured provider.
    fn session(&self) -> Result<Session, Diagnostics> {
        Ok(Session {
            client: self.provider.client()?,
            stop: self.provider.stop.clone(),
            write_only: self.provider.write_only.load(std::sync::atomic::Ordering::Relaxed),
            provider_config: self.provider.config(),
            reads: self.provider.reads.clone(),
        })
    }

    async fn plan(
        &self,
        req: pb::plan_resource_change::Request,
    ) -> Result<pb::plan_resource_change::Response, Diagnostics> {
        let res = self
            .provider
            .resources
            .get(req.type_name.as_str())
            .ok_or_else(|| unknown_type("resource", &req.type_name))?;
        let proposed = decode_object(req.proposed_new_state.as_ref(), &res.ty)?;
        let Some(proposed) = proposed else {
            // Destroy: nothing to plan.
            return Ok(pb::plan_resource_change::Response {
                planned_state: req.proposed_new_state,
                planned_private: req.prior_private,
                ..Default::default()
            });
        };
        let prior = decode_object(req.prior_state.as_ref(), &res.ty)?;
        let config = decode_object(req.config.as_ref(), &res.ty)?.unwrap_or_default();
        let write_only = req.client_capabilities.is_some_and(|c| c.write_only_attributes_allowed);
        let known = known_from_private(&req.prior_private);
        let p = res.plan(
            prior.as_ref(),
            &proposed,
            &config,
            write_only,
            &self.provider.config(),
            &known,
        )?;
        // Values still unknown during ValidateResourceConfig (e.g. `"${var.x}"` from another
        // resource's output) may be known now; check them before anything is applied, and the
        // rules on the object the plan makes with what it keeps. Warnings were already reported
        // by the validation call.
        let mut diags = res.validate_planned(&config, &p.planned);
        diags.0.retain(|d| d.severity == Severity::Error);
        if diags.has_errors() {
            return Err(diags);
        }
        // Checks only the API can answer (a vm's size limits, a domain's extension), once the
        // configuration is valid, and only for what this plan changes.
        if res.has_checks_due(prior.as_ref(), &p.planned) {
            let session = self.session()?;
            let diags = res.check_plan(&session.ctx(), prior.as_ref(), &p.planned).await;
            if diags.has_errors() {
                return Err(diags);
            }
        }
        // The last check: a plan refused above claims nothing.
        if let (None, Some(rule)) = (&prior, &res.spec.distinct_creates) {
            let diags = self
                .provider
                .claims
                .claim(res.spec.type_name, rule, res.block(), &p.planned, &config);
            if diags.has_errors() {
                return Err(diags);
            }
        }
        Ok(pb::plan_resource_change::Response {
            planned_state: encode(&Value::Object(p.planned), &res.ty),
            requires_replace: p.requires_replace.into_iter().map(proto_path).collect(),
            planned_private: req.prior_private,
            ..Default::default()
        })
    }

    async fn apply(&self, req: pb::apply_resource_change::Request) -> pb::apply_resource_change::Response {
        let mut resp = pb::apply_resource_change::Response {
            new_state: req.prior_state.clone(),
            private: req.planned_private.clone(),
            ..Default::default()
        };
        let res = match self.provider.resources.get(req.type_name.as_str()) {
            Some(r) => r,
            None => {
                resp.diagnostics = diagnostics(unknown_type("resource", &req.type_name));
                return resp;
            }
        };
        let decoded = decode_object(req.prior_state.as_ref(), &res.ty).and_then(|prior| {
            let planned = decode_object(req.planned_state.as_ref(), &res.ty)?;
            // Write-only values are only in the configuration (Terraform 1.11+ plans them null).
            let config = decode_object(req.config.as_ref(), &res.ty)?.unwrap_or_default();
            Ok((prior, planned, config))
        });
        let (prior, planned, config) = match decoded {
            Ok(v) => v,
            Err(d) => {
                resp.diagnostics = diagnostics(d);
                return resp;
            }
        };
        let session = match self.session() {
            Ok(s) => s,
            Err(d) => {
                resp.diagnostics = diagnostics(d);
                return resp;
            }
        };
        let ctx = session.ctx();
        let (state, diags) = match (prior, planned) {
            (None, Some(planned)) => {
                // Later plans tell what this create sent (a value left out included) from what an
                // import could not know.
                resp.private = known_at_create(res.block());
                match res.create_warned(&ctx, &planned, &config).await {
                    // Warnings only (a read-back left unanswered): kept, not tainted.
                    Ok((s, warnings)) => (Some(s), warnings),
                    // With a state, Terraform keeps the object that was made, marked tainted.
                    Err(f) => (f.state, f.diags),
                }
            }
            (Some(prior), Some(planned)) => match res.update(&ctx, &prior, &planned, &config).await {
                Ok(s) => (Some(s), Diagnostics::default()),
                // The update failed: the object is as it was.
                Err(d) => (Some(prior), d),
            },
            (Some(prior), None) => match res.delete(&ctx, &prior).await {
                Ok(()) => (None, Diagnostics::default()),
                Err(d) => (Some(prior), d),
            },
            (None, None) => (None, Diagnostics::default()),
        };
        resp.new_state = encode_object(state, &res.ty);
        resp.diagnostics = diagnostics(diags);
        resp
    }
}

fn proto_path(p: crate::framework::AttrPath) -> pb::AttributePath {
    use pb::attribute_path::step::Selector;
    pb::AttributePath {
        steps: p
            .0
            .into_iter()
            .map(|s| pb::attribute_path::Step {
                selector: Some(match s {
                    PathStep::Attr(a) => Selector::AttributeName(a),
                    PathStep::Key(k) => Selector::ElementKeyString(k),
                    PathStep::Index(i) => Selector::ElementKeyInt(i),
                }),
            })
            .collect(),
    }
}

#[tonic::async_trait]
impl pb::provider_server::Provider for ProviderService {
    async fn get_metadata(&self, _: Request<pb::get_metadata::Request>) -> R<pb::get_metadata::Response> {
        ok(pb::get_metadata::Response {
            server_capabilities: Some(capabilities(&self.provider)),
            resources: self
                .provider
                .resources
                .keys()
                .map(|k| pb::get_metadata::ResourceMetadata {
                    type_name: k.to_string(),
                })
                .collect(),
            data_sources: self
                .provider
                .data_sources
                .keys()
                .map(|k| pb::get_metadata::DataSourceMetadata {
                    type_name: k.to_string(),
                })
                .collect(),
            ..Default::default()
        })
    }

    async fn get_provider_schema(
        &self,
        _: Request<pb::get_provider_schema::Request>,
    ) -> R<pb::get_provider_schema::Response> {
        let schema = self.schema.get_or_init(|| pb::get_provider_schema::Response {
            provider: Some(proto_schema(&self.provider.schema)),
            resource_schemas: self
                .provider
                .resources
                .iter()
                .map(|(k, r)| (k.to_string(), proto_schema(&r.schema)))
                .collect(),
            data_source_schemas: self
                .provider
                .data_sources
                .iter()
                .map(|(k, d)| (k.to_string(), proto_schema(&d.schema)))
                .collect(),
            server_capabilities: Some(capabilities(&self.provider)),
            ..Default::default()
        });
        ok(schema.clone())
    }

    async fn validate_provider_config(
        &self,
        req: Request<pb::validate_provider_config::Request>,
    ) -> R<pb::validate_provider_config::Response> {
        let req = req.into_inner();
        let diags = match decode_object(req.config.as_ref(), &self.provider.config_type) {
            Ok(c) => self.provider.validate_config(&c.unwrap_or_default()),
            Err(d) => d,
        };
        ok(pb::validate_provider_config::Response {
            diagnostics: diagnostics(diags),
        })
    }

    async fn validate_resource_config(
        &self,
        req: Request<pb::validate_resource_config::Request>,
    ) -> R<pb::validate_resource_config::Response> {
        let req = req.into_inner();
        let diags = match self.provider.resources.get(req.type_name.as_str()) {
            None => unknown_type("resource", &req.type_name),
            Some(res) => match decode_object(req.config.as_ref(), &res.ty) {
                Ok(c) => res.validate(&c.unwrap_or_default()),
                Err(d) => d,
            },
        };
        ok(pb::validate_resource_config::Response {
            diagnostics: diagnostics(diags),
        })
    }

    async fn validate_data_resource_config(
        &self,
        req: Request<pb::validate_data_resource_config::Request>,
    ) -> R<pb::validate_data_resource_config::Response> {
        let req = req.into_inner();
        let diags = match self.provider.data_sources.get(req.type_name.as_str()) {
            None => unknown_type("data source", &req.type_name),
            Some(ds) => match decode_object(req.config.as_ref(), &ds.ty) {
                // Lookup keys may still be unknown here; the full check runs when reading.
                Ok(c) => {
                    let c = c.unwrap_or_default();
                    if c.values().any(Value::is_unknown) {
                        crate::framework::config_check::validate_attributes(&ds.schema.block, &c)
                    } else {
                        ds.validate(&c)
                    }
                }
                Err(d) => d,
            },
        };
        ok(pb::validate_data_resource_config::Response {
            diagnostics: diagnostics(diags),
        })
    }

    async fn upgrade_resource_state(
        &self,
        req: Request<pb::upgrade_resource_state::Request>,
    ) -> R<pb::upgrade_resource_state::Response> {
        let req = req.into_inner();
        let result = self
            .provider
            .resources
            .get(req.type_name.as_str())
            .ok_or_else(|| unknown_type("resource", &req.type_name))
            .and_then(|res| {
                let raw = req.raw_state.as_ref().map(|r| r.json.as_slice()).unwrap_or_default();
                Ok(encode(&res.upgrade_state(req.version, raw)?, &res.ty))
            });
        ok(match result {
            Ok(state) => pb::upgrade_resource_state::Response {
                upgraded_state: state,
                diagnostics: Vec::new(),
            },
            Err(d) => pb::upgrade_resource_state::Response {
                upgraded_state: None,
                diagnostics: diagnostics(d),
            },
        })
    }

    async fn configure_provider(
        &self,
        req: Request<pb::configure_provider::Request>,
    ) -> R<pb::configure_provider::Response> {
        let req = req.into_inner();
        let diags = match decode_object(req.config.as_ref(), &self.provider.config_type) {
            Ok(c) => {
                let write_only = req.client_capabilities.is_some_and(|c| c.write_only_attributes_allowed);
                self.provider
                    .write_only
                    .store(write_only, std::sync::atomic::Ordering::Relaxed);
                self.provider.configure(&c.unwrap_or_default(), &req.terraform_version)
            }
            Err(d) => d,
        };
        ok(pb::configure_provider::Response {
            diagnostics: diagnostics(diags),
        })
    }

    async fn read_resource(&self, req: Request<pb::read_resource::Request>) -> R<pb::read_resource::Response> {
        let req = req.into_inner();
        let result = async {
            let res = self
                .provider
                .resources
                .get(req.type_name.as_str())
                .ok_or_else(|| unknown_type("resource", &req.type_name))?;
            let Some(state) = decode_object(req.current_state.as_ref(), &res.ty)? else {
                return Ok((encode(&Value::Null, &res.ty), Diagnostics::default()));
            };
            let session = self.session()?;
            let ctx = session.ctx();
            let (new, warnings) = res.read_warned(&ctx, &state).await?;
            if new.is_none() {
                tracing::info!(resource = %req.type_name, "object no longer exists; removing it from state");
            }
            Ok::<_, Diagnostics>((encode_object(new, &res.ty), warnings))
        }
        .await;
        ok(match result {
            Ok((new_state, warnings)) => pb::read_resource::Response {
                new_state,
                diagnostics: diagnostics(warnings),
                private: req.private,
                ..Default::default()
            },
            Err(d) => pb::read_resource::Response {
                new_state: req.current_state,
                diagnostics: diagnostics(d),
                private: req.private,
                ..Default::default()
            },
        })
    }

    async fn plan_resource_change(
        &self,
        req: Request<pb::plan_resource_change::Request>,
    ) -> R<pb::plan_resource_change::Response> {
        ok(self
            .plan(req.into_inner())
            .await
            .unwrap_or_else(|d| pb::plan_resource_change::Response {
                diagnostics: diagnostics(d),
                ..Default::default()
            }))
    }

    async fn apply_resource_change(
        &self,
        req: Request<pb::apply_resource_change::Request>,
    ) -> R<pb::apply_resource_change::Response> {
        ok(self.apply(req.into_inner()).await)
    }

    async fn import_resource_state(
        &self,
        req: Request<pb::import_resource_state::Request>,
    ) -> R<pb::import_resource_state::Response> {
        let req = req.into_inner();
        let result = self
            .provider
            .resources
            .get(req.type_name.as_str())
            .ok_or_else(|| unknown_type("resource", &req.type_name))
            .and_then(|res| Ok((res, res.import(&req.id)?)));
        ok(match result {
            Ok((res, state)) => pb::import_resource_state::Response {
                imported_resources: vec![pb::import_resource_state::ImportedResource {
                    type_name: req.type_name.clone(),
                    state: encode_object(Some(state), &res.ty),
                    ..Default::default()
                }],
                ..Default::default()
            },
            Err(d) => pb::import_resource_state::Response {
                diagnostics: diagnostics(d),
                ..Default::default()
            },
        })
    }

    async fn move_resource_state(
        &self,
        req: Request<pb::move_resource_state::Request>,
    ) -> R<pb::move_resource_state::Response> {
        let req = req.into_inner();
        let result = self
            .provider
            .resources
            .get(req.target_type_name.as_str())
            .ok_or_else(|| unknown_type("resource", &req.target_type_name))
            .and_then(|res| {
                let raw = req.source_state.as_ref();
                let state = move_state(
                    &self.provider.moves,
                    res,
                    &MoveRequest {
                        provider: &req.source_provider_address,
                        type_name: &req.source_type_name,
                        version: req.source_schema_version,
                        state_json: raw.map(|r| r.json.as_slice()).unwrap_or_default(),
                        flatmap_only: raw.is_some_and(|r| r.json.is_empty() && !r.flatmap.is_empty()),
                    },
                )?;
                Ok(encode_object(Some(state), &res.ty))
            });
        ok(match result {
            Ok(target_state) => pb::move_resource_state::Response {
                target_state,
                ..Default::default()
            },
            Err(d) => pb::move_resource_state::Response {
                diagnostics: diagnostics(d),
                ..Default::default()
            },
        })
    }

    async fn read_data_source(&self, req: Request<pb::read_data_source::Request>) -> R<pb::read_data_source::Response> {
        let req = req.into_inner();
        let result = async {
            let ds = self
                .provider
                .data_sources
                .get(req.type_name.as_str())
                .ok_or_else(|| unknown_type("data source", &req.type_name))?;
            let config = decode_object(req.config.as_ref(), &ds.ty)?.unwrap_or_default();
            let session = self.session()?;
            let ctx = session.ctx();
            let state = ds.read(&ctx, &config).await?;
            Ok::<_, Diagnostics>(encode_object(Some(state), &ds.ty))
        }
        .await;
        ok(match result {
            Ok(state) => pb::read_data_source::Response {
                state,
                ..Default::default()
            },
            Err(d) => pb::read_data_source::Response {
                diagnostics: diagnostics(d),
                ..Default::default()
            },
        })
    }

    async fn validate_ephemeral_resource_config(
        &self,
        req: Request<pb::validate_ephemeral_resource_config::Request>,
    ) -> R<pb::validate_ephemeral_resource_config::Response> {
        ok(pb::validate_ephemeral_resource_config::Response {
            diagnostics: diagnostics(unknown_type("ephemeral resource", &req.into_inner().type_name)),
        })
    }

    async fn stop_provider(&self, _: Request<pb::stop_provider::Request>) -> R<pb::stop_provider::Response> {
        tracing::info!("StopProvider: cancelling in-flight operations");
        self.provider.stop.cancel();
        ok(pb::stop_provider::Response { error: String::new() })
    }

    // Ephemeral and list resources, functions, state stores, actions, identities.
    crate::unoffered_rpcs!();
}

fn capabilities(provider: &Provider) -> pb::ServerCapabilities {
    pb::ServerCapabilities {
        plan_destroy: true,
        get_provider_schema_optional: true,
        // Advertised only with something to move from: Terraform then sends `moved {}` blocks
        // across resource types here instead of rejecting them itself.
        move_resource_state: !provider.moves.is_empty(),
        generate_resource_config: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::schema::Nesting;
    use crate::framework::timeouts::{self, Operation};

    #[test]
    fn schemas_carry_modes_types_nested_attributes_and_blocks() {
        let block = Block {
            attributes: vec![
                Attribute::number("id").computed(),
                Attribute::string("name").required().describe("The name."),
                Attribute::string("password").write_only(),
                Attribute::string("old").optional().deprecated("Use name."),
                Attribute::nested(
                    "networks",
                    Nesting::List,
                    vec![
                        Attribute::number("id").required(),
                        Attribute::string("ip").optional_computed(),
                    ],
                ),
            ],
            blocks: vec![timeouts::block(&[Operation::Create])],
            description: "d",
            deprecated: None,
        };
        let s = proto_schema(&Schema { version: 2, block });
        assert_eq!(s.version, 2);
        let b = s.block.expect("block");
        let attr = |n: &str| b.attributes.iter().find(|a| a.name == n).expect(n).clone();
        assert!(attr("id").computed && !attr("id").optional && !attr("id").required);
        assert_eq!(attr("name").r#type, br#""string""#.to_vec());
        assert!(attr("name").required);
        assert_eq!(attr("name").description_kind, pb::StringKind::Markdown as i32);
        assert!(attr("password").write_only && attr("password").sensitive);
        assert!(attr("old").deprecated);
        let nets = attr("networks");
        assert!(nets.r#type.is_empty(), "nested attributes have no type bytes");
        let nested = nets.nested_type.expect("nested type");
        assert_eq!(nested.nesting, pb::schema::object::NestingMode::List as i32);
        assert_eq!(nested.attributes.len(), 2);
        assert_eq!(b.block_types[0].type_name, "timeouts");
        assert_eq!(
            b.block_types[0].nesting,
            pb::schema::nested_block::NestingMode::Single as i32
        );
        assert_eq!((b.block_types[0].min_items, b.block_types[0].max_items), (0, 0));
    }

    #[test]
    fn single_nested_blocks_convert_with_zero_min_and_max_items() {
        use crate::framework::schema::NestedBlock;
        let block = Block {
            blocks: vec![
                timeouts::block(&[Operation::Create, Operation::Delete]),
                // A module declaring "at most one" explicitly must still convert to what
                // Terraform accepts for NestingSingle.
                NestedBlock {
                    name: "settings",
                    nesting: Nesting::Single,
                    max_items: 1,
                    block: Block::default(),
                },
                NestedBlock {
                    name: "rules",
                    nesting: Nesting::List,
                    max_items: 3,
                    block: Block::default(),
                },
            ],
            ..Block::default()
        };
        let b = proto_schema(&Schema { version: 0, block }).block.expect("block");
        let nested = |n: &str| b.block_types.iter().find(|t| t.type_name == n).expect(n).clone();
        for name in ["timeouts", "settings"] {
            let nb = nested(name);
            assert_eq!(nb.nesting, pb::schema::nested_block::NestingMode::Single as i32);
            assert_eq!((nb.min_items, nb.max_items), (0, 0), "{name}");
        }
        assert_eq!(nested("rules").max_items, 3, "list limits are kept");
    }

    /// Every NestingSingle block anywhere in `b` has MinItems = MaxItems = 0.
    fn assert_single_blocks_unlimited(what: &str, b: &pb::schema::Block) {
        for nb in &b.block_types {
            if nb.nesting == pb::schema::nested_block::NestingMode::Single as i32 {
                assert_eq!((nb.min_items, nb.max_items), (0, 0), "{what}.{}", nb.type_name);
            }
            if let Some(inner) = &nb.block {
                assert_single_blocks_unlimited(&format!("{what}.{}", nb.type_name), inner);
            }
        }
    }

    #[tokio::test]
    async fn features_not_offered_answer_empty_lists_or_unimplemented() {
        use pb::provider_server::Provider as _;
        let svc = ProviderService::new(Arc::new(Provider::new()));
        // Terraform asks every provider for its functions and identity schemas: empty, not an error.
        let functions = svc
            .get_functions(Request::new(Default::default()))
            .await
            .expect("GetFunctions");
        assert!(functions.into_inner().functions.is_empty());
        let identities = svc
            .get_resource_identity_schemas(Request::new(Default::default()))
            .await
            .expect("GetResourceIdentitySchemas");
        assert!(identities.into_inner().identity_schemas.is_empty());
        // The rest are never called without a declaration; if they are, Unimplemented says why.
        let refusal = |s: tonic::Status| (s.code(), s.message().to_string());
        let unimplemented = |why: &str| Some((tonic::Code::Unimplemented, why.to_string()));
        let call = svc.call_function(Request::new(Default::default())).await;
        assert_eq!(call.err().map(refusal), unimplemented("no functions"));
        let list = svc.list_resource(Request::new(Default::default())).await;
        assert_eq!(
            list.err().map(refusal),
            unimplemented("list resources are not supported")
        );
        let lock = svc.lock_state(Request::new(Default::default())).await;
        assert_eq!(lock.err().map(refusal), unimplemented("no state stores"));
        let action = svc.invoke_action(Request::new(Default::default())).await;
        assert_eq!(action.err().map(refusal), unimplemented("no actions"));
    }

    #[tokio::test]
    async fn the_service_advertises_optional_schema_and_plan_destroy() {
        use pb::provider_server::Provider as _;
        let svc = ProviderService::new(Arc::new(Provider::new()));
        let schema = svc
            .get_provider_schema(Request::new(pb::get_provider_schema::Request::default()))
            .await
            .expect("GetProviderSchema")
            .into_inner();
        let caps = schema
            .server_capabilities
            .expect("server capabilities in GetProviderSchema");
        assert!(caps.get_provider_schema_optional, "get_provider_schema_optional");
        assert!(caps.plan_destroy, "plan_destroy");
        assert!(schema.diagnostics.is_empty(), "{:?}", schema.diagnostics);
        for (name, s) in &schema.resource_schemas {
            assert_single_blocks_unlimited(name, s.block.as_ref().expect("block"));
        }

        let meta = svc
            .get_metadata(Request::new(pb::get_metadata::Request::default()))
            .await
            .expect("GetMetadata")
            .into_inner();
        let caps = meta.server_capabilities.expect("server capabilities in GetMetadata");
        assert!(caps.get_provider_schema_optional && caps.plan_destroy);
        assert_eq!(
            caps.move_resource_state,
            !crate::resources::moves().is_empty(),
            "move_resource_state only with a declared move"
        );
    }

    /// A provider that also accepts the test-only `legacy_team` move into `level27_team`.
    fn with_move() -> ProviderService {
        let mut p = Provider::new();
        p.moves.push(crate::framework::moves::tests::LEGACY_TEAM);
        ProviderService::new(Arc::new(p))
    }

    fn move_request(provider: &str, source: &str, target: &str, json: &str) -> pb::move_resource_state::Request {
        pb::move_resource_state::Request {
            source_provider_address: provider.into(),
            source_type_name: source.into(),
            source_schema_version: 0,
            source_state: Some(pb::RawState {
                json: json.as_bytes().to_vec(),
                ..Default::default()
            }),
            target_type_name: target.into(),
            ..Default::default()
        }
    }

    #[tokio::test]
    async fn a_declared_move_is_advertised_and_served() {
        use pb::provider_server::Provider as _;
        let svc = with_move();
        let schema = svc
            .get_provider_schema(Request::new(Default::default()))
            .await
            .unwrap()
            .into_inner();
        assert!(schema.server_capabilities.unwrap().move_resource_state);
        let meta = svc
            .get_metadata(Request::new(Default::default()))
            .await
            .unwrap()
            .into_inner();
        assert!(meta.server_capabilities.unwrap().move_resource_state);

        let resp = svc
            .move_resource_state(Request::new(move_request(
                "registry.terraform.io/example/legacy",
                "legacy_team",
                "level27_team",
                r#"{"id": 12, "org": 7, "title": "ops"}"#,
            )))
            .await
            .unwrap()
            .into_inner();
        assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
        let ty = &svc.provider.resources["level27_team"].ty;
        let state = decode_object(resp.target_state.as_ref(), ty).unwrap().unwrap();
        assert_eq!(state["id"], Value::string("12"));
        assert_eq!(state["organisation_id"], Value::string("7"));
        assert_eq!(state["name"], Value::string("ops"));
    }

    #[tokio::test]
    async fn an_undeclared_move_is_a_diagnostic_naming_what_is_accepted() {
        use pb::provider_server::Provider as _;
        let svc = with_move();
        for (source, target, want) in [
            ("legacy_group", "level27_team", "it accepts legacy_team"),
            ("legacy_team", "level27_organisation", "accepts no other resource type"),
            ("legacy_team", "level27_nothing", "no resource named"),
        ] {
            let resp = svc
                .move_resource_state(Request::new(move_request(
                    "registry.terraform.io/example/legacy",
                    source,
                    target,
                    r#"{"id": 12, "org": 7}"#,
                )))
                .await
                .unwrap()
                .into_inner();
            assert!(resp.target_state.is_none(), "{target}");
            assert_eq!(resp.diagnostics.len(), 1, "{target}");
            assert!(
                resp.diagnostics[0].detail.contains(want),
                "{want}: {:?}",
                resp.diagnostics
            );
        }
    }

    #[test]
    fn diagnostics_keep_their_attribute_path() {
        let d = Diagnostic::error("bad", "worse").at(crate::framework::AttrPath::attr("timeouts").then("create"));
        let p = diagnostics(d.into());
        assert_eq!(p[0].severity, pb::diagnostic::Severity::Error as i32);
        let steps = &p[0].attribute.as_ref().expect("path").steps;
        assert_eq!(steps.len(), 2);
        assert_eq!(
            steps[1].selector,
            Some(pb::attribute_path::step::Selector::AttributeName("create".into()))
        );
    }
}
