//! `/v1/systems` (seed L32237–L32790) and what creating one needs: regions with their zones,
//! images, configurations and networks (seed L41693, L65366–L66451), the power actions
//! (L34257) and the networks linked to a system (systemHasNetwork, L36120–L36396).
//!
//! Systems are asynchronous: create, PUT (a resize) and delete move through `to_*`/`*ing` over
//! `--async-ms`, and `POST /_sandbox/fail-next {"kind": "system", …}` makes the next one fail.
//! The lookups are fixed tables (the real ones change only when Level27 adds hardware).

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde_json::{json, Map, Value};

use crate::core::{render, Ctx};
use crate::entity::{fixed, opt, req, Clock, Dflt, Entity, Field, Lifecycle, Named, Render, Shapes, Type, Verbs};
use crate::error::{ApiError, INVALID};
use crate::form::{json_object, Form};
use crate::store::{Record, State as Data};
use crate::Shared;

/// A size plan: (id, externalId, name, cpu, memory, disk) ranges; a baremetal plan is fixed
/// hardware (min = max).
struct Config {
    id: u64,
    external: &'static str,
    name: &'static str,
    cpu: (i64, i64),
    memory: (i64, i64),
    disk: (i64, i64),
}

// Seed L41693: 42 Small (1 cpu, 2 GB, 30), 43 Medium (2/4/60), 44 Large (4/8/90), 45 Flexible
// (cpu 1–32, memory 1.0–256.0, disk 30–1000). Seed: baremetal configurations are not in the
// seed's examples; the sandbox adds two hardware plans whose externalId starts `baremetal_`,
// the mark by which a system's type must match its configuration.
const CONFIGS: &[Config] = &[
    Config {
        id: 42,
        external: "small",
        name: "Small",
        cpu: (1, 1),
        memory: (2, 2),
        disk: (30, 30),
    },
    Config {
        id: 43,
        external: "medium",
        name: "Medium",
        cpu: (2, 2),
        memory: (4, 4),
        disk: (60, 60),
    },
    Config {
        id: 44,
        external: "large",
        name: "Large",
        cpu: (4, 4),
        memory: (8, 8),
        disk: (90, 90),
    },
    Config {
        id: 45,
        external: "flexible",
        name: "Flexible",
        cpu: (1, 32),
        memory: (1, 256),
        disk: (30, 1000),
    },
    Config {
        id: 50,
        external: "baremetal_s",
        name: "Baremetal S",
        cpu: (8, 8),
        memory: (32, 32),
        disk: (480, 480),
    },
    Config {
        id: 51,
        external: "baremetal_l",
        name: "Baremetal L",
        cpu: (32, 32),
        memory: (128, 128),
        disk: (1920, 1920),
    },
];

static CONFIG_NAMES: Named = Named {
    entries: &[
        ("42", "Small"),
        ("43", "Medium"),
        ("44", "Large"),
        ("45", "Flexible"),
        ("50", "Baremetal S"),
        ("51", "Baremetal L"),
    ],
    label: "name",
};

/// (id, region id, name, shortName).
const ZONES: &[(u64, u64, &str, &str)] = &[
    (20, 1, "Brussel Interxion 2 (IX2)", "ix2"),
    (21, 1, "Brussel Interxion 1 (IX1)", "ix1"),
    (30, 2, "Amsterdam Equinix AM5", "am5"),
];

static ZONE_NAMES: Named = Named {
    entries: &[
        ("20", "Brussel Interxion 2 (IX2)"),
        ("21", "Brussel Interxion 1 (IX1)"),
        ("30", "Amsterdam Equinix AM5"),
    ],
    label: "name",
};

/// (id, name, country code, country name).
const REGIONS: &[(u64, &str, &str, &str)] = &[(1, "be", "BE", "Belgium"), (2, "nl", "NL", "Netherlands")];

/// (id, region id, name, os name, os version).
const IMAGES: &[(u64, u64, &str, &str, &str)] = &[
    (12, 1, "ubuntu_2404lts_server", "Ubuntu", "24.04"),
    (13, 1, "ubuntu_2204lts_server", "Ubuntu", "22.04"),
    (14, 1, "debian_12_server", "Debian", "12"),
    (22, 2, "ubuntu_2404lts_server", "Ubuntu", "24.04"),
    (23, 2, "ubuntu_2204lts_server", "Ubuntu", "22.04"),
];

static IMAGE_NAMES: Named = Named {
    entries: &[
        ("12", "ubuntu_2404lts_server"),
        ("13", "ubuntu_2204lts_server"),
        ("14", "debian_12_server"),
        ("22", "ubuntu_2404lts_server"),
        ("23", "ubuntu_2204lts_server"),
    ],
    label: "name",
};

/// (id, name, description, kind: public | internal | customer, the zones it reaches).
///
/// Seed L65540: a network lists the `zones` it is available in. Seed: silent on a system
/// linked to a network outside its zone; a network is a zone's VLAN, so the sandbox refuses it
/// (at create and on a link). The public and internal networks reach both Brussels zones, the
/// customer networks IX2 only, and the Amsterdam zone has a public network of its own.
const NETWORKS: &[(u64, &str, &str, &str, &[u64])] = &[
    (7, "level27_public", "Public network", "public", &[20, 21]),
    (8, "level27_internal", "Internal network", "internal", &[20, 21]),
    (9, "acme_customer_103", "Customer network of acme", "customer", &[20]),
    (
        10,
        "acme_customer_104",
        "Second customer network of acme",
        "customer",
        &[20],
    ),
    (11, "level27_public_nl", "Public network Amsterdam", "public", &[30]),
];

/// Whether network `id` exists and reaches `zone` (any zone when the system has none yet).
fn network_in_zone(id: u64, zone: Option<u64>) -> Result<(), &'static str> {
    let n = NETWORKS.iter().find(|n| n.0 == id).ok_or(INVALID)?;
    match zone {
        Some(z) if !n.4.contains(&z) => Err("This network is not available in the zone of the system."),
        _ => Ok(()),
    }
}

/// Seed L32244: `type` lists kvmhost, kvmguest, storage, backup; the platform also has
/// baremetal systems (Level27's own provider documents the type), so the sandbox takes it.
const TYPES: &[&str] = &["kvmguest", "baremetal", "kvmhost", "storage", "backup"];

pub(crate) static SYSTEM: Entity = Entity {
    kind: "system",
    plural: "systems",
    label: "System",
    first_id: 4200,
    collection: "/v1/systems",
    item: "/v1/systems/{systemId}",
    parent: None,
    fields: &[
        Field::new("name", Type::Text),
        Field::new("customerFqdn", Type::Text),
        Field::new("remarks", Type::Text),
        // Seed L32315: `disk` is answered as a decimal string ("30.0") while cpu and memory
        // are integers; a baremetal system's hardware comes from its configuration.
        Field::new("disk", Type::Int { min: 1 })
            .sticky()
            .render(Render::With(disk)),
        Field::new("cpu", Type::Int { min: 1 })
            .sticky()
            .render(Render::With(cpu)),
        Field::new("memory", Type::Int { min: 1 })
            .sticky()
            .render(Render::With(memory)),
        // Seed: "default: basic" is not among the allowed values; the examples answer "pro".
        Field::new(
            "managementType",
            Type::Enum(&["infra", "infra_plus", "pro", "enterprise", "premium"]),
        )
        .default(Dflt::Str("pro")),
        Field::new("publicNetworking", Type::Bool).default(Dflt::Bool(true)),
        Field::new("systemimage", Type::Named(&IMAGE_NAMES)),
        Field::new("organisation", Type::Ref("organisation")).render(Render::RefFields(&["id", "name"])),
        Field::new("systemproviderConfiguration", Type::Named(&CONFIG_NAMES)),
        Field::new("zone", Type::Named(&ZONE_NAMES)),
        Field::new(
            "installSecurityUpdates",
            Type::Choice(&[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]),
        )
        .default(Dflt::Int(7)),
        Field::new("autoTeams", Type::Csv),
        Field::new("externalInfo", Type::Text),
        Field::new("operatingsystemVersion", Type::INT),
        Field::new("parentsystem", Type::INT),
        Field::new("type", Type::Enum(TYPES)).default(Dflt::Str("kvmguest")),
        Field::new("autoNetworks", Type::Json),
        Field::new("period", Type::INT),
        Field::new("limitRiops", Type::INT).default(Dflt::Int(1000)),
        Field::new("limitWiops", Type::INT).default(Dflt::Int(600)),
        Field::new("preferredparentsystem", Type::Text),
        Field::new(
            "chefEnvironment",
            Type::Enum(&["_default", "12", "14", "16", "18", "20", "22", "24"]),
        )
        .default(Dflt::Str("_default")),
        // Not form fields: the power state (`{state, since}`, changed by actions) and the
        // networks linked after create (null until the first link change: `autoNetworks` then).
        Field::new("runningStatus", Type::Json)
            .default(Dflt::With(power_at_create))
            .render(Render::With(running_status)),
        Field::new("networks", Type::Json).render(Render::With(networks)),
    ],
    computed: &[
        ("uid", || json!("b7c1e0f2")),
        ("hostname", || Value::Null),
        // Seed L32440: every answer carries the console password. Clients must never keep it.
        ("vncPassword", || json!("vnc-Secret-9f2c")),
        ("region", || json!("be")),
    ],
    create: &[
        req("name"),
        opt("customerFqdn"),
        opt("remarks"),
        opt("disk"),
        opt("cpu"),
        opt("memory"),
        opt("managementType"),
        opt("publicNetworking"),
        req("systemimage"),
        req("organisation"),
        req("systemproviderConfiguration"),
        req("zone"),
        opt("installSecurityUpdates"),
        opt("autoTeams"),
        opt("externalInfo"),
        opt("operatingsystemVersion"),
        opt("parentsystem"),
        opt("type"),
        opt("autoNetworks"),
        opt("period"),
    ],
    // Seed L32563: PUT requires the non-editable systemimage and systemproviderConfiguration
    // (only their stored value is taken). Seed: `zone` and `organisation` are required but not
    // marked non-editable; moving a system is not something a form field does, so the sandbox
    // takes only their stored values too. `disk` is "non-editable" yet optional: left out, it is
    // kept. `type`, `parentsystem` and `autoNetworks` are not in the form and never change.
    update: &[
        req("name"),
        opt("customerFqdn"),
        opt("remarks"),
        opt("cpu"),
        opt("memory"),
        opt("disk"),
        opt("managementType"),
        fixed("systemimage"),
        fixed("organisation"),
        fixed("systemproviderConfiguration"),
        fixed("zone"),
        opt("installSecurityUpdates"),
        opt("autoTeams"),
        opt("limitRiops"),
        opt("limitWiops"),
        opt("preferredparentsystem"),
        opt("externalInfo"),
        opt("chefEnvironment"),
    ],
    aliases: &[],
    verbs: Verbs::PUT,
    shapes: Shapes {
        created: ITEM,
        item: ITEM,
        list: &[
            "id",
            "uid",
            "hostname",
            "name",
            "type",
            "status",
            "statusCategory",
            "runningStatus",
            "cpu",
            "memory",
            "disk",
            "managementType",
            "organisation",
            "systemimage",
            "systemproviderConfiguration",
            "region",
            "zone",
            "networks",
            "publicNetworking",
            "remarks",
        ],
    },
    sortable: &["id", "name"],
    lifecycle: Some(Lifecycle {
        keep_deleted: false,
        create_failure: None,
    }),
    validate: Some(validate),
    present: None,
    bare: false,
    // Seed L32635 documents a 403 "when a user does not have access to a system" besides the
    // 404. Seed: a shared system (`/sharedsystems`, organisation 1 "level27") exists but is not
    // the user's, so its item answers that 403: the real API lists shared systems apart
    // (`/sharedsystems`, `/nonsharedsystems`) because the user's systems leave them out.
    foreign: Some(crate::apps::is_shared_system),
};

const ITEM: &[&str] = &[
    "id",
    "uid",
    "hostname",
    "customerFqdn",
    "name",
    "type",
    "status",
    "statusCategory",
    "runningStatus",
    "cpu",
    "memory",
    "disk",
    "managementType",
    "organisation",
    "systemimage",
    "systemproviderConfiguration",
    "region",
    "zone",
    "publicNetworking",
    "limitRiops",
    "limitWiops",
    "externalInfo",
    "teams",
    "networks",
    "installSecurityUpdates",
    "vncPassword",
    "parentsystem",
    "remarks",
    "chefEnvironment",
];

fn config_of(record: &Record) -> Option<&'static Config> {
    let id = record.get("systemproviderConfiguration").and_then(text_id)?;
    CONFIGS.iter().find(|c| c.id == id)
}

fn text_id(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// A stored size, or for fixed hardware the configuration's.
fn size(record: &Record, field: &str, of: fn(&Config) -> (i64, i64)) -> Option<i64> {
    record
        .get(field)
        .and_then(Value::as_i64)
        .or_else(|| config_of(record).filter(|c| of(c).0 == of(c).1).map(|c| of(c).0))
}

fn disk(record: &Record, _: Clock) -> Value {
    size(record, "disk", |c| c.disk).map_or(Value::Null, |d| json!(format!("{d}.0")))
}

fn cpu(record: &Record, _: Clock) -> Value {
    size(record, "cpu", |c| c.cpu).map_or(Value::Null, Value::from)
}

fn memory(record: &Record, _: Clock) -> Value {
    size(record, "memory", |c| c.memory).map_or(Value::Null, Value::from)
}

fn power_at_create() -> Value {
    json!({ "state": "running", "since": crate::store::now_ms() })
}

/// `starting`/`stopping` while a power action (or the first boot) is under way.
fn running_status(record: &Record, clock: Clock) -> Value {
    let stored = record.get("runningStatus").cloned().unwrap_or(Value::Null);
    let state = stored.get("state").and_then(Value::as_str).unwrap_or("running");
    let since = stored.get("since").and_then(Value::as_u64).unwrap_or(0);
    match (clock.busy(since), state) {
        (true, "running") => json!("starting"),
        (true, _) => json!("stopping"),
        (false, s) => json!(s),
    }
}

/// The linked networks as stored: `[{id (the systemHasNetwork's), networkId}]`.
fn links(record: &Record) -> Vec<(u64, u64)> {
    let own = record.get("id").and_then(Value::as_u64).unwrap_or(0);
    match record.get("networks") {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|i| Some((i.get("id")?.as_u64()?, i.get("networkId")?.as_u64()?)))
            .collect(),
        _ => match record.get("autoNetworks") {
            Some(Value::Array(ids)) => ids
                .iter()
                .filter_map(text_id)
                .enumerate()
                .map(|(i, n)| (own * 100 + i as u64 + 1, n))
                .collect(),
            _ => Vec::new(),
        },
    }
}

fn network_json(id: u64) -> Value {
    let (id, name, description, kind, _) =
        NETWORKS
            .iter()
            .copied()
            .find(|n| n.0 == id)
            .unwrap_or((id, "", "", "", &[]));
    json!({ "id": id, "name": name, "description": description, "public": kind == "public",
            "customer": kind == "customer", "internal": kind == "internal" })
}

/// Seed: the item shape of a system's `networks` is not documented (always `[]` in the
/// examples). The sandbox answers what Level27's own client reads: the link's id, the network's
/// id as `networkId`, its name and kind.
fn networks(record: &Record, _: Clock) -> Value {
    let items: Vec<Value> = links(record)
        .into_iter()
        .map(|(link, network)| {
            let n = network_json(network);
            json!({ "id": link, "networkId": network, "name": n["name"], "public": n["public"],
                    "customer": n["customer"], "internal": n["internal"], "ips": [] })
        })
        .collect();
    Value::Array(items)
}

/// Cross-field rules: the image belongs to the zone's region, the configuration fits the type,
/// cpu/memory/disk lie within the configuration's limits, and networks exist in the zone.
///
/// Seed: "cpu (required for Level27 systems)" and "It must match selected configuration and
/// zone" give no limits check, yet the configurations carry min/max: a value outside them is
/// "This value is not valid." on its field, as a Symfony range constraint would report.
fn validate(form: &mut Form, record: &Record, _: &Data) {
    let kind = record.get("type").and_then(Value::as_str).unwrap_or("kvmguest");
    let zone = record.get("zone").and_then(text_id);
    let region = ZONES.iter().find(|z| Some(z.0) == zone).map(|z| z.1);
    let image = record.get("systemimage").and_then(text_id);
    if let (Some(region), Some(image)) = (region, image) {
        if !IMAGES.iter().any(|i| i.0 == image && i.1 == region) {
            form.error("systemimage", "This image is not available in the selected zone.");
        }
    }
    if let Some(nets) = record.get("autoNetworks").filter(|n| !n.is_null()) {
        let refused = match nets.as_array() {
            None => Some(INVALID),
            Some(a) => a
                .iter()
                .find_map(|n| text_id(n).map_or(Err(INVALID), |n| network_in_zone(n, zone)).err()),
        };
        if let Some(message) = refused {
            form.error("autoNetworks", message);
        }
    }
    let Some(config) = config_of(record) else { return };
    let bare = config.external.starts_with("baremetal_");
    if bare != (kind == "baremetal") {
        form.error(
            "systemproviderConfiguration",
            "This configuration does not match the system type.",
        );
    }
    let checks: [(&str, (i64, i64)); 3] = [("cpu", config.cpu), ("memory", config.memory), ("disk", config.disk)];
    for (field, (lo, hi)) in checks {
        match record.get(field).and_then(Value::as_i64) {
            Some(v) if v < lo || v > hi => {
                form.error(field, format!("This value should be between {lo} and {hi}.").as_str())
            }
            None if kind == "kvmguest" && field != "disk" => form.error(field, crate::error::BLANK),
            _ => {}
        }
    }
}

/// The routes beyond the entity's own: lookups, power actions, network links.
pub(crate) fn routes() -> Router<Shared> {
    Router::new()
        .route("/v1/regions", get(regions))
        .route("/v1/systems/regions", get(regions))
        .route("/v1/regions/{regionId}/zones", get(zones))
        .route("/v1/regions/{regionId}/images", get(images))
        .route("/v1/systems/provider/configurations", get(configurations))
        .route("/v1/providers/{providerId}/configurations", get(configurations))
        .route("/v1/networks", get(networks_list))
        .route("/v1/networks/{networkId}", get(network_one))
        .route("/v1/systems/{systemId}/actions", post(action))
        .route("/v1/systems/{systemId}/networks", get(links_list).post(link))
        .route("/v1/systems/{systemId}/networks/{linkId}", delete(unlink))
}

type Params = Query<HashMap<String, String>>;

/// One page of a fixed table, with `total`. Seed: `filter` is undocumented; here it matches
/// names containing the text ignoring case, as every other list's filter does (`list.rs`).
fn page(key: &str, items: Vec<Value>, q: &HashMap<String, String>) -> Json<Value> {
    let filter = q
        .get("filter")
        .map(|f| f.trim().to_lowercase())
        .filter(|f| !f.is_empty());
    let items: Vec<Value> = items
        .into_iter()
        .filter(|i| {
            filter.as_ref().is_none_or(|f| {
                i["name"]
                    .as_str()
                    .is_some_and(|n| n.to_lowercase().contains(f.as_str()))
            })
        })
        .collect();
    let total = items.len();
    let offset = q.get("offset").and_then(|o| o.parse().ok()).unwrap_or(0usize);
    let limit = q
        .get("limit")
        .and_then(|o| o.parse().ok())
        .unwrap_or(crate::list::DEFAULT_LIMIT);
    let shown: Vec<Value> = items.into_iter().skip(offset).take(limit).collect();
    Json(json!({ "total": total, key: shown }))
}

fn zone_json(z: &(u64, u64, &str, &str)) -> Value {
    let flex = &CONFIGS[3];
    json!({ "id": z.0, "name": z.2, "shortName": z.3, "minCpu": flex.cpu.0, "maxCpu": flex.cpu.1,
            "minMemory": format!("{}.0", flex.memory.0), "maxMemory": format!("{}.0", flex.memory.1),
            "minDisk": flex.disk.0, "maxDisk": flex.disk.1 })
}

async fn regions(Query(q): Params) -> Json<Value> {
    let items = REGIONS
        .iter()
        .map(|r| {
            let zones: Vec<Value> = ZONES.iter().filter(|z| z.1 == r.0).map(zone_json).collect();
            json!({ "id": r.0, "name": r.1, "country": {"id": r.2, "name": r.3},
                    "systemprovider": {"id": 1, "name": "Level27", "api": "level27"}, "zones": zones })
        })
        .collect();
    page("regions", items, &q)
}

fn region(id: &str) -> Result<u64, ApiError> {
    id.parse::<u64>()
        .ok()
        .filter(|id| REGIONS.iter().any(|r| r.0 == *id))
        .ok_or_else(|| ApiError::not_found("Region"))
}

async fn zones(Path(id): Path<String>, Query(q): Params) -> Result<Json<Value>, ApiError> {
    let r = region(&id)?;
    Ok(page(
        "zones",
        ZONES.iter().filter(|z| z.1 == r).map(zone_json).collect(),
        &q,
    ))
}

async fn images(Path(id): Path<String>, Query(q): Params) -> Result<Json<Value>, ApiError> {
    let r = region(&id)?;
    let items = IMAGES
        .iter()
        .filter(|i| i.1 == r)
        .map(|i| {
            json!({ "id": i.0, "name": i.2, "operatingsystemVersion": {"id": i.0 + 100, "version": i.4, "type": "64",
                    "operatingsystem": {"id": 1, "name": i.3, "type": "linux"}} })
        })
        .collect();
    Ok(page("systemimages", items, &q))
}

async fn configurations(Query(q): Params) -> Json<Value> {
    let items = CONFIGS
        .iter()
        .map(|c| {
            json!({ "id": c.id, "minCpu": c.cpu.0, "maxCpu": c.cpu.1,
                    "minMemory": format!("{}.0", c.memory.0), "maxMemory": format!("{}.0", c.memory.1),
                    "minDisk": c.disk.0, "maxDisk": c.disk.1, "status": 10, "externalId": c.external,
                    "name": c.name, "description": c.name, "systemprovider": {"id": 1, "name": "Level27"} })
        })
        .collect();
    page("providerConfigurations", items, &q)
}

fn network_full(n: &(u64, &str, &str, &str, &[u64])) -> Value {
    let mut v = network_json(n.0);
    if let Value::Object(o) = &mut v {
        o.insert("status".into(), json!("ok"));
        o.insert("statusCategory".into(), json!("green"));
        o.insert("full".into(), json!(false));
        let zones: Vec<Value> = ZONES
            .iter()
            .filter(|z| n.4.contains(&z.0))
            .map(|z| {
                let region = REGIONS.iter().find(|r| r.0 == z.1).map_or("", |r| r.1);
                json!({"id": z.0, "name": z.2, "region": {"id": z.1, "name": region}})
            })
            .collect();
        o.insert("zones".into(), Value::Array(zones));
    }
    v
}

async fn networks_list(Query(q): Params) -> Json<Value> {
    let kind = q.get("type").cloned();
    let items = NETWORKS
        .iter()
        .filter(|n| kind.as_deref().is_none_or(|k| k.is_empty() || k == n.3))
        .map(network_full)
        .collect();
    page("networks", items, &q)
}

async fn network_one(Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let n = NETWORKS
        .iter()
        .find(|n| id.parse::<u64>().ok() == Some(n.0))
        .ok_or_else(|| ApiError::not_found("Network"))?;
    Ok(Json(json!({ "network": network_full(n) })))
}

/// A system that exists and is not on its way out, for the sub-routes.
fn system_id(ctx: &Ctx, data: &Data, raw: &str) -> Result<u64, ApiError> {
    raw.parse::<u64>()
        .ok()
        .filter(|id| ctx.find(data, &SYSTEM, *id).is_some())
        .ok_or_else(|| SYSTEM.not_found())
}

/// `POST /systems/{id}/actions`: start, shutdown and stop move `runningStatus` over
/// `--async-ms`; other documented actions are accepted and change nothing here.
///
/// Seed: which actions a system refuses is not documented. `shutdown` asks the guest's agent,
/// which a baremetal system here has not got: it is refused (400), and `stop` (a hard power-off)
/// works for both. An action on a system that is not `ok` (still being created, resized or
/// deleted) is refused too.
async fn action(State(app): State<Shared>, Path(id): Path<String>, body: Bytes) -> Result<Json<Value>, ApiError> {
    let body = json_object(&body)?;
    let ctx = Ctx::of(&app);
    let kind = body.get("type").and_then(Value::as_str).unwrap_or_default().to_string();
    const KNOWN: &[&str] = &[
        "start",
        "stop",
        "shutdown",
        "shutdownTimeout",
        "reboot",
        "reset",
        "emergencyPowerOff",
        "enable_monitoring",
        "disable_monitoring",
        "deactivate",
        "activate",
        "update_cookbooks",
        "inventory",
        "updateInterfaces",
        "autoInstall",
        "startMaintenance",
        "stopMaintenance",
        "hypervisorFailed",
        "hypervisorOk",
        "resetPassword",
    ];
    let out = app.store.write(|data| {
        let id = system_id(&ctx, data, &id)?;
        let mut form = Form::new("system", &["type", "stopMaintenance"], &body);
        if !KNOWN.contains(&kind.as_str()) {
            form.error("type", crate::error::INVALID_CHOICE);
        }
        form.finish()?;
        let mut record = ctx.find(data, &SYSTEM, id).cloned().ok_or_else(|| SYSTEM.not_found())?;
        if ctx.status(&record) != "ok" {
            return Err(ApiError::BadRequest(format!(
                "System {id} is {}; try again when it is ok",
                ctx.status(&record)
            )));
        }
        let bare = record.get("type").and_then(Value::as_str) == Some("baremetal");
        let target = match kind.as_str() {
            "start" | "reboot" | "reset" => Some("running"),
            "shutdown" | "shutdownTimeout" if bare => {
                return Err(ApiError::BadRequest(
                    "A baremetal system has no guest agent to shut down; use stop".into(),
                ))
            }
            "stop" | "shutdown" | "shutdownTimeout" | "emergencyPowerOff" => Some("stopped"),
            _ => None,
        };
        if let Some(target) = target {
            record.insert("runningStatus".into(), json!({ "state": target, "since": ctx.now_ms }));
        }
        let rendered = render(&ctx, data, &SYSTEM, &record, SYSTEM.shapes.item);
        data.collection(&SYSTEM).insert(id, record);
        Ok(rendered)
    })?;
    Ok(Json(json!({ "system": out })))
}

fn link_json(link: u64, network: u64) -> Value {
    let n = network_json(network);
    json!({ "id": link, "mac": format!("52:54:00:00:{:02x}:{:02x}", (link >> 8) & 0xff, link & 0xff),
            "status": "ok", "externalId": Value::Null, "network": n })
}

fn store_links(record: &mut Record, links: &[(u64, u64)]) {
    let items: Vec<Value> = links.iter().map(|(l, n)| json!({"id": l, "networkId": n})).collect();
    record.insert("networks".into(), Value::Array(items));
}

/// Seed L36155 documents 201 for this GET; the sandbox answers 200 like every other read.
async fn links_list(State(app): State<Shared>, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let ctx = Ctx::of(&app);
    app.store.read(|data| {
        let id = system_id(&ctx, data, &id)?;
        let record = ctx.find(data, &SYSTEM, id).ok_or_else(|| SYSTEM.not_found())?;
        let items: Vec<Value> = links(record).into_iter().map(|(l, n)| link_json(l, n)).collect();
        Ok(Json(json!({ "total": items.len(), "systemHasNetworks": items })))
    })
}

async fn link(
    State(app): State<Shared>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let body: Map<String, Value> = json_object(&body)?;
    let ctx = Ctx::of(&app);
    app.store.write(|data| {
        let id = system_id(&ctx, data, &id)?;
        let mut form = Form::new("systemHasNetwork", &["network"], &body);
        let mut record = ctx.find(data, &SYSTEM, id).cloned().ok_or_else(|| SYSTEM.not_found())?;
        let zone = record.get("zone").and_then(text_id);
        let requested = body.get("network").and_then(text_id);
        let refused = requested.map_or(Err(INVALID), |n| network_in_zone(n, zone)).err();
        let network = requested.filter(|_| refused.is_none());
        let mut current = links(&record);
        match network {
            None => form.error("network", refused.unwrap_or(INVALID)),
            // Seed: silent on a network linked twice; refused, so a client repeating a link
            // whose answer was lost never makes a second one.
            Some(n) if current.iter().any(|(_, k)| *k == n) => {
                form.error("network", "This network is already linked to the system.")
            }
            Some(_) => {}
        }
        form.finish()?;
        let network = network.unwrap_or_default();
        let next = current.iter().map(|(l, _)| *l).max().unwrap_or(id * 100) + 1;
        current.push((next, network));
        store_links(&mut record, &current);
        data.collection(&SYSTEM).insert(id, record);
        let n = network_json(network);
        Ok((
            StatusCode::CREATED,
            Json(json!({ "systemHasNetwork": {"id": next, "network": {"id": network, "description": n["description"]}} })),
        ))
    })
}

/// Seed L36215 documents no response code; 204 like every other delete.
async fn unlink(State(app): State<Shared>, Path((id, link)): Path<(String, String)>) -> Result<StatusCode, ApiError> {
    let ctx = Ctx::of(&app);
    app.store.write(|data| {
        let id = system_id(&ctx, data, &id)?;
        let mut record = ctx.find(data, &SYSTEM, id).cloned().ok_or_else(|| SYSTEM.not_found())?;
        let mut current = links(&record);
        let before = current.len();
        current.retain(|(l, _)| Some(*l) != link.parse().ok());
        if current.len() == before {
            return Err(ApiError::not_found("SystemHasNetwork"));
        }
        store_links(&mut record, &current);
        data.collection(&SYSTEM).insert(id, record);
        Ok(StatusCode::NO_CONTENT)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(v: Value) -> Record {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn sizes_answer_as_the_api_spells_them_and_baremetal_takes_its_hardware() {
        let clock = Clock {
            now_ms: 10_000,
            async_ms: 0,
        };
        let vm = record(json!({"disk": 60, "cpu": 2, "memory": 4, "systemproviderConfiguration": "45"}));
        assert_eq!(disk(&vm, clock), json!("60.0"));
        assert_eq!(cpu(&vm, clock), json!(2));
        let bm = record(json!({"systemproviderConfiguration": "50", "type": "baremetal"}));
        assert_eq!(
            (cpu(&bm, clock), memory(&bm, clock), disk(&bm, clock)),
            (json!(8), json!(32), json!("480.0"))
        );
    }

    #[test]
    fn lookup_tables_filter_names_as_every_list_does_ignoring_case() {
        let q: HashMap<String, String> = [("filter".to_string(), "FLEX".to_string())].into();
        let Json(answer) = page(
            "providerConfigurations",
            vec![
                json!({"id": 44, "name": "Large"}),
                json!({"id": 45, "name": "Flexible"}),
            ],
            &q,
        );
        assert_eq!(
            answer["providerConfigurations"],
            json!([{"id": 45, "name": "Flexible"}])
        );
        assert_eq!(answer["total"], 1);
    }

    #[test]
    fn power_moves_through_its_transition() {
        let r = record(json!({"runningStatus": {"state": "stopped", "since": 1000}}));
        assert_eq!(
            running_status(
                &r,
                Clock {
                    now_ms: 2000,
                    async_ms: 5000
                }
            ),
            json!("stopping")
        );
        assert_eq!(
            running_status(
                &r,
                Clock {
                    now_ms: 7000,
                    async_ms: 5000
                }
            ),
            json!("stopped")
        );
    }

    #[test]
    fn networks_start_from_auto_networks_then_follow_the_links() {
        let mut r = record(json!({"id": 4200, "autoNetworks": [7, "9"]}));
        assert_eq!(links(&r), vec![(420001, 7), (420002, 9)]);
        store_links(&mut r, &[(420002, 9)]);
        assert_eq!(links(&r), vec![(420002, 9)]);
        assert_eq!(networks(&r, Clock { now_ms: 0, async_ms: 0 })[0]["networkId"], json!(9));
    }
}
