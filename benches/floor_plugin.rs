//! The benchmark's floor: a Terraform plugin on this provider's own server stack (the same
//! handshake, AutoMTLS, unix socket, gRPC server and shutdown, `level27::plugin::serve_service`)
//! whose one resource type, `floor_echo`, does no work a provider could avoid. Reads answer the
//! state Terraform sent, plans the proposed state, validation nothing; nothing calls an API.
//! Its attributes are `level27_domain_record`'s (five strings and a number): Terraform's own
//! cost per call grows with an object's attributes, so a narrower floor would flatter it.
//!
//! `scripts/bench` runs it beside `level27_domain_record` and `terraform_data`. Its plan of N is
//! what a provider of such a resource built on this stack costs at least; what
//! `level27_domain_record` costs above it is the engine's work and its API reads.
//!
//! Built with `cargo build --release --example floor-plugin`; never shipped.

use level27::framework::codec::{decode_json, decode_msgpack, encode_msgpack};
use level27::framework::{Type, Value};
use level27::plugin::{serve_service, ServeError};
use magma_protocol::tfplugin6 as pb;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio_util::sync::CancellationToken;
use tonic::{Request, Response, Status};

type R<T> = Result<Response<T>, Status>;

const TYPE_NAME: &str = "floor_echo";

fn main() {
    // The provider's logging, as `main.rs` sets it up (without it, `tracing` would offer the HTTP/2
    // library's spans to `log` on every frame, a cost the provider does not pay).
    level27::plugin::log::init();
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start the async runtime: {e}");
            std::process::exit(1);
        }
    };
    let result = runtime.block_on(serve_service(|| {
        let stop = CancellationToken::new();
        Ok::<_, ServeError>((Floor::default(), stop))
    }));
    if let Err(e) = result {
        eprintln!("{e}");
        std::process::exit(1);
    }
    std::process::exit(0);
}

#[derive(Default)]
struct Floor {
    /// The ids `apply` hands out.
    next_id: AtomicU64,
}

/// `level27_domain_record`'s attributes: `id` is computed, the others optional.
const ATTRIBUTES: [(&str, Type); 6] = [
    ("content", Type::String),
    ("domain_id", Type::String),
    ("id", Type::String),
    ("name", Type::String),
    ("priority", Type::Number),
    ("type", Type::String),
];

fn object_type() -> Type {
    Type::Object(ATTRIBUTES.iter().map(|(n, t)| (n.to_string(), t.clone())).collect())
}

fn schema() -> pb::Schema {
    let attribute = |(name, ty): &(&str, Type)| pb::schema::Attribute {
        name: name.to_string(),
        r#type: ty.to_json().to_string().into_bytes(),
        optional: *name != "id",
        computed: *name == "id",
        ..Default::default()
    };
    pb::Schema {
        version: 0,
        block: Some(pb::schema::Block {
            attributes: ATTRIBUTES.iter().map(attribute).collect(),
            ..Default::default()
        }),
    }
}

fn dynamic(msgpack: Vec<u8>) -> Option<pb::DynamicValue> {
    Some(pb::DynamicValue {
        msgpack,
        json: Vec::new(),
    })
}

#[allow(clippy::result_large_err)] // handlers return `Status` as the generated trait does
fn decode(dv: Option<&pb::DynamicValue>) -> Result<Value, Status> {
    let ty = object_type();
    match dv {
        Some(d) if !d.msgpack.is_empty() => decode_msgpack(&d.msgpack, &ty),
        Some(d) if !d.json.is_empty() => decode_json(&d.json, &ty),
        _ => Ok(Value::Null),
    }
    .map_err(|e| Status::invalid_argument(e.to_string()))
}

/// `v` with `id` set to `id`.
fn with_id(v: Value, id: Value) -> Value {
    match v {
        Value::Object(mut o) => {
            o.insert("id".into(), id);
            Value::Object(o)
        }
        other => other,
    }
}

#[allow(clippy::result_large_err)] // the generated trait fixes this return type
fn ok<T>(t: T) -> R<T> {
    Ok(Response::new(t))
}

#[tonic::async_trait]
impl pb::provider_server::Provider for Floor {
    async fn get_metadata(&self, _: Request<pb::get_metadata::Request>) -> R<pb::get_metadata::Response> {
        ok(pb::get_metadata::Response {
            server_capabilities: Some(capabilities()),
            resources: vec![pb::get_metadata::ResourceMetadata {
                type_name: TYPE_NAME.into(),
            }],
            ..Default::default()
        })
    }

    async fn get_provider_schema(
        &self,
        _: Request<pb::get_provider_schema::Request>,
    ) -> R<pb::get_provider_schema::Response> {
        ok(pb::get_provider_schema::Response {
            provider: Some(pb::Schema {
                version: 0,
                block: Some(Default::default()),
            }),
            resource_schemas: [(TYPE_NAME.to_string(), schema())].into(),
            server_capabilities: Some(capabilities()),
            ..Default::default()
        })
    }

    async fn validate_provider_config(
        &self,
        _: Request<pb::validate_provider_config::Request>,
    ) -> R<pb::validate_provider_config::Response> {
        ok(Default::default())
    }

    async fn validate_resource_config(
        &self,
        _: Request<pb::validate_resource_config::Request>,
    ) -> R<pb::validate_resource_config::Response> {
        ok(Default::default())
    }

    async fn validate_data_resource_config(
        &self,
        _: Request<pb::validate_data_resource_config::Request>,
    ) -> R<pb::validate_data_resource_config::Response> {
        ok(Default::default())
    }

    /// Terraform sends the stored state as JSON and wants it back in the wire form.
    async fn upgrade_resource_state(
        &self,
        req: Request<pb::upgrade_resource_state::Request>,
    ) -> R<pb::upgrade_resource_state::Response> {
        let raw = req.into_inner().raw_state.map(|r| r.json).unwrap_or_default();
        let ty = object_type();
        let state = match raw.is_empty() {
            true => Value::Null,
            false => decode_json(&raw, &ty).map_err(|e| Status::invalid_argument(e.to_string()))?,
        };
        ok(pb::upgrade_resource_state::Response {
            upgraded_state: dynamic(encode_msgpack(&state, &ty)),
            ..Default::default()
        })
    }

    async fn configure_provider(
        &self,
        _: Request<pb::configure_provider::Request>,
    ) -> R<pb::configure_provider::Response> {
        ok(Default::default())
    }

    async fn read_resource(&self, req: Request<pb::read_resource::Request>) -> R<pb::read_resource::Response> {
        let req = req.into_inner();
        ok(pb::read_resource::Response {
            new_state: req.current_state,
            private: req.private,
            ..Default::default()
        })
    }

    async fn plan_resource_change(
        &self,
        req: Request<pb::plan_resource_change::Request>,
    ) -> R<pb::plan_resource_change::Response> {
        let req = req.into_inner();
        // A create: the id is known after apply. Otherwise the proposed state (which carries the
        // prior id) is the plan; a changed `input` updates in place.
        let planned_state = match decode(req.prior_state.as_ref())? {
            Value::Null => match decode(req.proposed_new_state.as_ref())? {
                Value::Null => req.proposed_new_state,
                proposed => dynamic(encode_msgpack(&with_id(proposed, Value::Unknown), &object_type())),
            },
            _ => req.proposed_new_state,
        };
        ok(pb::plan_resource_change::Response {
            planned_state,
            planned_private: req.prior_private,
            ..Default::default()
        })
    }

    async fn apply_resource_change(
        &self,
        req: Request<pb::apply_resource_change::Request>,
    ) -> R<pb::apply_resource_change::Response> {
        let req = req.into_inner();
        let new_state = match decode(req.planned_state.as_ref())? {
            Value::Null => req.planned_state,
            planned => {
                let id = match &planned {
                    Value::Object(o) if !matches!(o.get("id"), Some(Value::Unknown)) => {
                        o.get("id").cloned().unwrap_or_default()
                    }
                    _ => Value::String((self.next_id.fetch_add(1, Ordering::Relaxed) + 1).to_string()),
                };
                dynamic(encode_msgpack(&with_id(planned, id), &object_type()))
            }
        };
        ok(pb::apply_resource_change::Response {
            new_state,
            private: req.planned_private,
            ..Default::default()
        })
    }

    async fn import_resource_state(
        &self,
        _: Request<pb::import_resource_state::Request>,
    ) -> R<pb::import_resource_state::Response> {
        Err(Status::unimplemented("floor_echo cannot be imported"))
    }

    async fn move_resource_state(
        &self,
        _: Request<pb::move_resource_state::Request>,
    ) -> R<pb::move_resource_state::Response> {
        Err(Status::unimplemented("no moves"))
    }

    async fn read_data_source(&self, _: Request<pb::read_data_source::Request>) -> R<pb::read_data_source::Response> {
        Err(Status::unimplemented("no data sources"))
    }

    async fn validate_ephemeral_resource_config(
        &self,
        _: Request<pb::validate_ephemeral_resource_config::Request>,
    ) -> R<pb::validate_ephemeral_resource_config::Response> {
        Err(Status::unimplemented("no ephemeral resources"))
    }

    async fn stop_provider(&self, _: Request<pb::stop_provider::Request>) -> R<pb::stop_provider::Response> {
        ok(Default::default())
    }

    // Ephemeral and list resources, functions, state stores, actions, identities.
    level27::unoffered_rpcs!();
}

/// What this provider's `capabilities` say too, so Terraform treats both alike.
fn capabilities() -> pb::ServerCapabilities {
    pb::ServerCapabilities {
        plan_destroy: true,
        get_provider_schema_optional: true,
        ..Default::default()
    }
}
