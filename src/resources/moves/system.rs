//! `level27_system` of Level27's own provider → `level27_vm` or `level27_baremetal`
//! (MoveResourceState).
//!
//! Level27's own provider is published as `registry.terraform.io/level27/level27`; its
//! `level27_system` exists in two schemas that both store schema version 0: the SDKv2 provider
//! (2021: ids as strings, `auto_networks` a list of network ids, no `type`) and the
//! plugin-framework provider (2026: ids as numbers, `type`, `networks` a map of network *name* to
//! IPv4). Both name the fields this conversion needs the same way: `id`, `name`,
//! `organisation_id`, `customer_fqdn`, `zone_id`, `systemimage_id`,
//! `systemprovider_configuration_id`, `cpu`, `memory`, `disk`, `management_type`.
//!
//! Terraform reads the object right after a move, so what a state cannot say faithfully is left
//! null for that read to fill: `power_state` (neither schema stores the running status) and
//! `network_ids` when only network names are known.
//!
//! Registered in `resources::moves()`: `to_vm()` for KVM guests, `to_baremetal()` for baremetal
//! systems; a state of the other type is an error naming the right target.

use crate::framework::MoveSource;
use serde_json::{Map, Value as Json};

/// The address Level27's own provider is published under.
pub const LEVEL27_PROVIDER: &str = "registry.terraform.io/level27/level27";

/// `moved { from = level27_system.x  to = level27_vm.x }`.
pub fn to_vm() -> MoveSource {
    MoveSource {
        target: "level27_vm",
        provider: LEVEL27_PROVIDER,
        type_name: "level27_system",
        max_version: 0,
        convert: system_to_vm,
    }
}

/// An id as either schema stores it (`4211` or `"4211"`) as the string our ids are; `0`, `""`
/// and null are "none".
fn id(v: Option<&Json>) -> Result<Option<Json>, String> {
    let text = match v {
        None | Some(Json::Null) => return Ok(None),
        Some(Json::Number(n)) => n.to_string(),
        Some(Json::String(s)) => s.trim().to_string(),
        Some(other) => return Err(format!("an id is {other}")),
    };
    match text.parse::<u64>() {
        Ok(0) => Ok(None),
        Ok(i) => Ok(Some(Json::String(i.to_string()))),
        Err(_) if text.is_empty() => Ok(None),
        Err(_) => Err(format!("{text:?} is not an id")),
    }
}

/// `moved { from = level27_system.x  to = level27_baremetal.x }`.
pub fn to_baremetal() -> MoveSource {
    MoveSource {
        target: "level27_baremetal",
        provider: LEVEL27_PROVIDER,
        type_name: "level27_system",
        max_version: 0,
        convert: system_to_baremetal,
    }
}

/// A whole number as either schema stores it: `2`, `"2"`, or the API's `"60.0"` kept as text.
fn whole(v: Option<&Json>) -> Result<Option<Json>, String> {
    let f = match v {
        None | Some(Json::Null) => return Ok(None),
        Some(Json::Number(n)) => n.as_f64(),
        Some(Json::String(s)) if s.trim().is_empty() => return Ok(None),
        Some(Json::String(s)) => s.trim().parse::<f64>().ok(),
        Some(_) => None,
    };
    match f {
        Some(f) if f.fract() == 0.0 && (0.0..9.0e15).contains(&f) => Ok(Some(Json::from(f as i64))),
        _ => Err(format!("{} is not a whole number", v.unwrap_or(&Json::Null))),
    }
}

/// A string; `""` is none, as the API's empties are.
fn text(v: Option<&Json>) -> Option<Json> {
    match v {
        Some(Json::String(s)) if !s.is_empty() => Some(Json::String(s.clone())),
        _ => None,
    }
}

/// The `level27_vm` state for a `level27_system` state in either of its schemas.
pub fn system_to_vm(source: Map<String, Json>) -> Result<Map<String, Json>, String> {
    convert(source, "kvmguest")
}

/// The `level27_baremetal` state for a `level27_system` state in either of its schemas (cpu,
/// memory and disk are the hardware's, read again after the move).
pub fn system_to_baremetal(source: Map<String, Json>) -> Result<Map<String, Json>, String> {
    convert(source, "baremetal")
}

/// The resource type that manages systems of `kind`.
fn target_of(kind: &str) -> Option<&'static str> {
    match kind {
        "kvmguest" => Some("level27_vm"),
        "baremetal" => Some("level27_baremetal"),
        _ => None,
    }
}

fn convert(source: Map<String, Json>, want: &str) -> Result<Map<String, Json>, String> {
    let s = |k: &str| source.get(k);
    let system_id = id(s("id")).map_err(|e| format!("id: {e}"))?;
    let label = system_id.as_ref().and_then(Json::as_str).unwrap_or("?").to_string();
    let target = target_of(want).unwrap_or("?");
    // The framework provider's `type`. The SDKv2 schema has none (and only ever made KVM
    // guests): the read after the move checks the system's type, naming the right resource.
    match s("type").and_then(Json::as_str) {
        None | Some("") => {}
        Some(t) if t == want => {}
        Some(other) => {
            return Err(match target_of(other) {
                Some(right) => format!("system {label} is a {other} system: move it to {right}, not {target}"),
                None => format!("system {label} has type {other:?}; only {want} systems move to {target}"),
            })
        }
    }
    let mut out = Map::new();
    let mut put = |k: &str, v: Option<Json>| {
        if let Some(v) = v {
            out.insert(k.to_string(), v);
        }
    };
    put("id", system_id);
    put("name", text(s("name")));
    for (to, from) in [
        ("organisation_id", "organisation_id"),
        ("zone_id", "zone_id"),
        ("image_id", "systemimage_id"),
        ("configuration_id", "systemprovider_configuration_id"),
    ] {
        put(to, id(s(from)).map_err(|e| format!("{from}: {e}"))?);
    }
    put("fqdn", text(s("customer_fqdn")));
    for k in ["cpu", "memory", "disk"] {
        put(k, whole(s(k)).map_err(|e| format!("{k}: {e}"))?);
    }
    put("management_type", text(s("management_type")));
    // SDKv2: `auto_networks` holds the network ids. The framework schema's `networks` is keyed by
    // network name, which needs the API to resolve: left to the read after the move.
    if let Some(Json::Array(ids)) = s("auto_networks") {
        let ids = ids
            .iter()
            .map(|v| id(Some(v)).map_err(|e| format!("auto_networks: {e}")))
            .collect::<Result<Vec<_>, _>>()?;
        put("network_ids", Some(Json::Array(ids.into_iter().flatten().collect())));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Json) -> Map<String, Json> {
        v.as_object().unwrap().clone()
    }

    /// A `level27_system` as the plugin-framework provider (`internal/provider`, 2026) stores it.
    fn framework_state() -> Map<String, Json> {
        map(json!({
            "id": 4211,
            "name": "web1",
            "customer_fqdn": "web1.acme.example",
            "type": "kvmguest",
            "organisation_id": 1000,
            "systemimage_id": 12,
            "systemprovider_configuration_id": 3,
            "zone_id": 5,
            "cpu": 2,
            "memory": 4,
            "disk": 60,
            "management_type": "pro",
            "period": 1,
            "external_info": null,
            "parentsystem_id": null,
            "status": "ok",
            "status_category": "green",
            "networks": {"level27_public": "185.1.2.3", "acme_internal": "auto"},
            "auto_install": true
        }))
    }

    /// A `level27_system` as the SDKv2 provider (2021) stores it: ids as strings.
    fn sdk_state() -> Map<String, Json> {
        map(json!({
            "id": "4212",
            "uid": "b7c1",
            "name": "db1",
            "customer_fqdn": "",
            "fqdn": "db1.level27.be",
            "organisation_id": "1000",
            "management_type": "pro",
            "systemimage_id": "12",
            "systemprovider_configuration_id": "4",
            "zone_id": "5",
            "auto_networks": ["7", "9"],
            "cpu": 4,
            "memory": 8,
            "disk": "120.0",
            "public_ipv4": ["185.1.2.4"],
            "public_ipv6": [],
            "internal_ipv4": [],
            "internal_ipv6": [],
            "customer_ipv4": [],
            "customer_ipv6": [],
            "timeouts": null
        }))
    }

    #[test]
    fn a_framework_system_becomes_a_vm() {
        let vm = system_to_vm(framework_state()).unwrap();
        assert_eq!(
            Json::Object(vm),
            json!({
                "id": "4211",
                "name": "web1",
                "organisation_id": "1000",
                "zone_id": "5",
                "image_id": "12",
                "configuration_id": "3",
                "fqdn": "web1.acme.example",
                "cpu": 2,
                "memory": 4,
                "disk": 60,
                "management_type": "pro"
            }),
            "network_ids (names only) and power_state are left to the read after the move"
        );
    }

    #[test]
    fn an_sdk_system_becomes_a_vm_with_its_networks() {
        let vm = system_to_vm(sdk_state()).unwrap();
        assert_eq!(vm["id"], json!("4212"));
        assert_eq!(vm["configuration_id"], json!("4"));
        assert_eq!(vm["disk"], json!(120), "the API's \"120.0\"");
        assert_eq!(vm["network_ids"], json!(["7", "9"]));
        assert!(!vm.contains_key("fqdn"), "\"\" is no fqdn: {vm:?}");
        for dropped in ["uid", "public_ipv4", "timeouts", "auto_networks"] {
            assert!(!vm.contains_key(dropped), "{dropped}");
        }
    }

    #[test]
    fn other_system_types_name_the_right_target() {
        let mut s = framework_state();
        s.insert("type".into(), json!("baremetal"));
        let e = system_to_vm(s.clone()).unwrap_err();
        assert!(e.contains("4211") && e.contains("level27_baremetal"), "{e}");
        let bm = system_to_baremetal(s).unwrap();
        assert_eq!(bm["configuration_id"], json!("3"));
        let e = system_to_baremetal(framework_state()).unwrap_err();
        assert!(e.contains("4211") && e.contains("move it to level27_vm"), "{e}");
        let mut s = framework_state();
        s.insert("type".into(), json!("vmware"));
        assert!(system_to_vm(s).unwrap_err().contains("\"vmware\""));
    }

    #[test]
    fn broken_values_are_errors_naming_the_field() {
        for (field, bad) in [
            ("id", json!("abc")),
            ("zone_id", json!([1])),
            ("cpu", json!(2.5)),
            ("disk", json!("big")),
        ] {
            let mut s = framework_state();
            s.insert(field.into(), bad);
            let e = system_to_vm(s).unwrap_err();
            assert!(e.starts_with(field), "{field}: {e}");
        }
    }

    /// A stand-in for `level27_vm` with the attributes issue 13 names, until the resource lands.
    fn vm_stand_in() -> crate::framework::Resource {
        use crate::framework::value::Type;
        use crate::framework::{Attribute, Endpoint, ResourceSpec, UpdateVerb};
        let id = |n: &'static str| Attribute::id(n).required().api(n);
        let number = |n: &'static str| Attribute::number(n).required().api(n);
        crate::framework::Resource::new(ResourceSpec {
            type_name: "level27_vm",
            description: "test stand-in",
            version: 0,
            attributes: vec![
                Attribute::id("id").computed().read_from("id"),
                id("organisation_id"),
                Attribute::string("name").required().api("name"),
                Attribute::string("fqdn").optional().api("customerFqdn"),
                id("zone_id"),
                id("image_id"),
                id("configuration_id"),
                number("cpu"),
                number("memory"),
                number("disk"),
                Attribute::string("management_type")
                    .optional_computed()
                    .api("managementType"),
                Attribute::new("network_ids", Type::Set(Box::new(Type::String))).optional_computed(),
                Attribute::string("power_state").optional_computed(),
            ],
            endpoint: Endpoint {
                collection: "/systems",
                item: "/systems/{id}",
                singular: "system",
                plural: "systems",
                update: UpdateVerb::Put,
            },
            import_id: &["id"],
            natural_key: &["name"],
            status: None,
            state_upgraders: &[],
            ..ResourceSpec::default()
        })
    }

    #[test]
    fn moved_states_decode_into_the_vm_schema() {
        use crate::framework::moves::{move_state, MoveRequest};
        use crate::framework::Value;
        let vm = vm_stand_in();
        for source in [framework_state(), sdk_state()] {
            let json = Json::Object(source).to_string();
            let state = move_state(
                &[to_vm()],
                &vm,
                &MoveRequest {
                    provider: "registry.terraform.io/level27/level27",
                    type_name: "level27_system",
                    version: 0,
                    state_json: json.as_bytes(),
                    flatmap_only: false,
                },
            )
            .unwrap();
            assert!(state["id"].as_str().is_some(), "{state:?}");
            assert!(matches!(state["disk"], Value::Number(_)), "{state:?}");
            assert_eq!(state["power_state"], Value::Null);
        }
        let sdk = Json::Object(sdk_state()).to_string();
        let state = move_state(
            &[to_vm()],
            &vm,
            &MoveRequest {
                provider: "level27/level27",
                type_name: "level27_system",
                version: 0,
                state_json: sdk.as_bytes(),
                flatmap_only: false,
            },
        )
        .unwrap();
        assert_eq!(
            state["network_ids"],
            Value::Set(vec![Value::string("7"), Value::string("9")])
        );
    }

    #[test]
    fn the_declaration_names_level27s_provider() {
        let m = to_vm();
        assert_eq!(
            (m.target, m.type_name, m.provider),
            ("level27_vm", "level27_system", LEVEL27_PROVIDER)
        );
    }
}
