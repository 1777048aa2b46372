//! App hosting (seed L6504–L12800, L16934, L17792–L18030, L67656–L70987): custom packages
//! (`/custompackages`), apps, app components, urls and SSL certificates as declarations `core`
//! serves, plus the read-only catalogues and the lists that only exist beside them
//! (`/custpackages`, `/appcomponenttypes`, `/sharedsystemgroups`, `/sharedsystems`,
//! `/apps/{appId}/urls`, `/apps/{appId}/components/availableparentcomponents/type/{type}`).

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Map, Value};

use crate::core::Ctx;
use crate::entity::{
    fixed, opt, req, Dflt, Entity, Field, Lifecycle, OnParentDelete, Parent, Patch, Render, Shapes, Slot, Type, Verbs,
};
use crate::error::{ApiError, BLANK, INVALID, INVALID_CHOICE};
use crate::form::Form;
use crate::list::ListQuery;
use crate::store::{Record, State as Data};
use crate::Shared;

/// The base packages of `/custpackages` (seed L67656): name, type.
pub(crate) const BASE_PACKAGES: &[(&str, &str)] = &[
    ("drupal_fly", "fly"),
    ("drupal_run", "run"),
    ("drupal_walk", "walk"),
    ("drupal_server", "server"),
];
const BASE_PACKAGE_NAMES: &[&str] = &["drupal_fly", "drupal_run", "drupal_walk", "drupal_server"];

/// The component types of the create form's enum (seed L7827).
pub(crate) const COMPONENT_TYPES: &[&str] = &[
    "mysql",
    "php",
    "keyvalue_redis",
    "sftp",
    "asp",
    "mssql",
    "solr",
    "memcached",
    "elasticsearch",
    "redis",
    "ruby",
    "url",
    "mongodb",
    "nodejs",
    "python",
    "postgresql",
    "dotnet",
    "rabbitmq",
    "varnish",
    "java",
    "mail",
    "wasp",
    "wmssql",
    "mailpit",
    "meilisearch",
];

/// One parameter of a component type: name, `/appcomponenttypes` type, required, default,
/// possible values.
type Param = (
    &'static str,
    &'static str,
    bool,
    Option<&'static str>,
    &'static [&'static str],
);

/// The parameters each type takes (seed L7849–7869 for asp, mssql, mysql, php and sftp; the
/// others only `/appcomponenttypes` knows: L16945 gives solr, mysql and php a read-only `user`
/// and a `pass`). Seed: the documented defaults are kept (php `path` `/public_html`); `memory` of
/// redis/memcached/elasticsearch is the sandbox's example of a parameter the create doc does not
/// list. Seed: mysql's `host` keeps the create doc's empty default, not the catalogue's
/// `localhost`.
pub(crate) fn params_of(kind: &str) -> &'static [Param] {
    const USER: Param = ("user", USERNAME, false, None, &[]);
    const PASS: Param = ("pass", "password-sha512", false, None, &[]);
    const SSH: Param = ("sshkeys", "array", false, None, &[]);
    match kind {
        "php" => &[
            USER,
            PASS,
            ("path", "path", false, Some("/public_html"), &[]),
            SSH,
            ("version", "select", true, None, &[]),
            ("extraconfig", "textarea", false, None, &[]),
        ],
        "asp" => &[
            PASS,
            ("path", "path", true, Some("/public_html"), &[]),
            SSH,
            ("version", "select", true, None, &[]),
        ],
        "mysql" => &[
            USER,
            ("pass", "password-sha1", false, None, &[]),
            ("host", "string", false, None, &[]),
        ],
        "mssql" => &[PASS, ("size", "string", false, Some("100"), &[])],
        "sftp" => &[PASS, SSH, ("jailed", "boolean", false, Some("false"), &[])],
        "solr" => &[USER, PASS],
        "redis" | "keyvalue_redis" | "memcached" | "elasticsearch" => {
            &[("memory", "select", false, Some("128"), &["64", "128", "256", "512"])]
        }
        _ => &[],
    }
}

/// Seed L16945: the generated `username` is the one read-only parameter (`readonly: true`,
/// `disableEdit: true`): no form takes it, so sending it is an extra field.
const USERNAME: &str = "username";

/// Every parameter any type takes: the form fields of a component beyond the seed's own.
const PARAM_FIELDS: &[&str] = &[
    "pass",
    "path",
    "sshkeys",
    "version",
    "extraconfig",
    "host",
    "size",
    "jailed",
    "memory",
];

/// A pre-seeded shared system: id, name, installed php versions, installed mysql versions.
type System = (u64, &'static str, &'static [&'static str], &'static [&'static str]);

const SYSTEMS: &[System] = &[
    (33, "web1.shared.level27.eu", &["8.1", "8.2", "8.3"], &["8.0"]),
    (34, "web2.shared.level27.eu", &["8.2", "8.3"], &["8.0"]),
    (35, "legacy1.shared.level27.eu", &["7.4"], &["5.7"]),
];

/// Whether `id` is one of the shared systems (see `systems::SYSTEM`'s `foreign`).
pub(crate) fn is_shared_system(id: u64) -> bool {
    SYSTEMS.iter().any(|s| s.0 == id)
}

/// Pre-seeded shared system groups: id, name, system ids.
const GROUPS: &[(u64, &str, &[u64])] = &[(3, "Shared hosting", &[33, 34]), (4, "Shared legacy", &[35])];

pub(crate) static CUSTOM_PACKAGE: Entity = Entity {
    kind: "custompackage",
    plural: "customPackages",
    label: "Custompackage",
    first_id: 12000,
    collection: "/v1/custompackages",
    item: "/v1/custompackages/{custompackageId}",
    parent: None,
    fields: &[
        Field::new("name", Type::Text),
        Field::new("customPackageName", Type::Enum(BASE_PACKAGE_NAMES)),
        Field::new("autoUpgrades", Type::Csv),
        Field::new("autoTeams", Type::Csv),
        Field::new("organisation", Type::Ref("organisation")).render(Render::RefFields(&["id", "name"])),
    ],
    computed: &[
        ("status", || json!("ok")),
        ("statusCategory", || json!("green")),
        ("upgrades", || json!([])),
        ("templatesCount", || json!(0)),
        ("templatesCountByLimitGroup", || json!({})),
        ("applicationAndDatabase", || json!("php/mysql")),
        ("type", || Value::Null),
        ("limits", limits),
    ],
    // Seed L68210 / L68742: the same body on create and PUT, name, customPackageName and
    // organisation required.
    create: PACKAGE_FORM,
    update: PACKAGE_FORM,
    aliases: &[],
    verbs: Verbs::PUT,
    // Seed L68239 / L68804: the create and item answers hold only `limits` (no id, no name);
    // only list items describe the package.
    shapes: Shapes {
        created: &["limits"],
        item: &["limits"],
        list: &[
            "id",
            "name",
            "customPackageName",
            "type",
            "status",
            "upgrades",
            "organisation",
            "statusCategory",
            "templatesCount",
            "templatesCountByLimitGroup",
            "applicationAndDatabase",
        ],
    },
    sortable: &["id", "name"],
    lifecycle: None,
    validate: None,
    present: Some(present_package),
    bare: true,
    foreign: None,
};

const PACKAGE_FORM: &[Slot] = &[
    req("name"),
    req("customPackageName"),
    opt("autoUpgrades"),
    opt("autoTeams"),
    req("organisation"),
];

/// Seed: a limits object per limit group (L68239); the sandbox answers two fixed groups.
fn limits() -> Value {
    json!({
        "database": {"limitGroup": "database", "status": "ok", "max": 2, "allowedTemplates": [{"componentType": "mysql"}]},
        "application": {"limitGroup": "application", "status": "ok", "max": 2, "allowedTemplates": [{"componentType": "php"}]}
    })
}

fn base_type(name: Option<&Value>) -> Value {
    let name = name.and_then(Value::as_str).unwrap_or_default();
    BASE_PACKAGES
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(Value::Null, |(_, t)| json!(t))
}

fn present_package(record: &Record, out: &mut Map<String, Value>) {
    if out.contains_key("type") {
        out.insert("type".into(), base_type(record.get("customPackageName")));
    }
}

pub(crate) static APP: Entity = Entity {
    kind: "app",
    plural: "apps",
    label: "App",
    first_id: 13000,
    collection: "/v1/apps",
    item: "/v1/apps/{appId}",
    parent: None,
    fields: &[
        Field::new("name", Type::Text),
        Field::new("organisation", Type::Ref("organisation")).render(Render::RefFields(&["id", "name"])),
        Field::new("autoTeams", Type::Csv),
        Field::new("autoUpgrades", Type::Csv),
        Field::new("externalInfo", Type::Text),
        Field::new("period", Type::Int { min: 1 }),
        Field::new("customPackage", Type::Ref("custompackage")),
        Field::new("customPackageName", Type::Enum(BASE_PACKAGE_NAMES)),
    ],
    computed: &[
        ("type", || Value::Null),
        ("system", || Value::Null),
        ("systemgroup", || Value::Null),
        ("rules", || json!([])),
        ("allowedUpgradesDowngrades", || json!([])),
        ("mailgroup", || Value::Null),
        ("count", || json!([])),
        ("billingStatus", || json!("ok")),
    ],
    create: &[
        req("name"),
        req("organisation"),
        opt("autoTeams"),
        opt("autoUpgrades"),
        opt("externalInfo"),
        opt("period"),
        req("customPackage"),
        req("customPackageName"),
    ],
    // Seed L7126: PUT needs name, organisation, customPackage and customPackageName every time.
    update: &[
        req("name"),
        req("organisation"),
        opt("autoTeams"),
        opt("autoUpgrades"),
        req("customPackage"),
        req("customPackageName"),
        opt("externalInfo"),
    ],
    aliases: &[],
    verbs: Verbs::PUT,
    shapes: Shapes {
        created: APP_ITEM,
        item: APP_ITEM,
        list: &[
            "id",
            "name",
            "type",
            "status",
            "statusCategory",
            "organisation",
            "count",
            "billingStatus",
        ],
    },
    sortable: &["id", "name"],
    // Seed L7165: the delete is undocumented; the status vocabulary has to_delete/deleting, so
    // apps go through the status machine and disappear (404) when done.
    lifecycle: Some(Lifecycle {
        keep_deleted: false,
        create_failure: None,
    }),
    validate: Some(validate_app),
    present: Some(present_app),
    bare: false,
    foreign: None,
};

const APP_ITEM: &[&str] = &[
    "id",
    "name",
    "status",
    "statusCategory",
    "type",
    "customPackageName",
    "customPackage",
    "organisation",
    "system",
    "systemgroup",
    "rules",
    "allowedUpgradesDowngrades",
    "mailgroup",
];

/// Seed: whether `customPackageName` must match the package's own is not documented; a package
/// has one base package, so another name is "not valid", as is a package of another
/// organisation.
fn validate_app(form: &mut Form, app: &Record, data: &Data) {
    let package = app
        .get("customPackage")
        .and_then(Value::as_u64)
        .and_then(|id| data.get(&CUSTOM_PACKAGE, id));
    let Some(package) = package else { return };
    if app.get("customPackageName").is_some_and(|n| !n.is_null())
        && package.get("customPackageName") != app.get("customPackageName")
    {
        form.error("customPackageName", INVALID);
    }
    if package.get("organisation") != app.get("organisation") {
        form.error("customPackage", INVALID);
    }
}

/// Seed L6640: the app answers `customPackage: null` (its package id is never shown) and its
/// `type` is the base package's.
fn present_app(record: &Record, out: &mut Map<String, Value>) {
    if out.contains_key("customPackage") {
        out.insert("customPackage".into(), Value::Null);
    }
    if out.contains_key("type") {
        out.insert("type".into(), base_type(record.get("customPackageName")));
    }
}

pub(crate) static COMPONENT: Entity = Entity {
    kind: "component",
    plural: "components",
    label: "Appcomponent",
    first_id: 14000,
    collection: "/v1/apps/{appId}/components",
    item: "/v1/apps/{appId}/components/{componentId}",
    parent: Some(Parent {
        kind: "app",
        field: "app",
        on_delete: OnParentDelete::Cascade,
    }),
    fields: &[
        Field::new("name", Type::Text),
        Field::new("appcomponenttype", Type::Enum(COMPONENT_TYPES)),
        Field::new("system", Type::Int { min: 1 }),
        Field::new("systemgroup", Type::Int { min: 1 }),
        Field::new("period", Type::Int { min: 1 }),
        Field::new("limitGroup", Type::Text),
        Field::new("attachment", Type::Int { min: 1 }),
        Field::new("app", Type::PathParent),
        // Seed: a PUT without `pass` keeps the password (it is never shown, so no client could
        // resend it).
        Field::new("pass", Type::Text).sticky(),
        Field::new("path", Type::Text),
        Field::new("sshkeys", Type::Csv),
        Field::new("version", Type::Text),
        Field::new("extraconfig", Type::Text),
        Field::new("host", Type::Text),
        Field::new("size", Type::Text),
        Field::new("jailed", Type::Bool),
        Field::new("memory", Type::Text),
    ],
    computed: &[
        ("category", || Value::Null),
        ("appcomponentparameters", || json!({})),
        ("apmEnabled", || json!(false)),
        ("definition", || Value::Null),
    ],
    create: &[
        req("name"),
        req("appcomponenttype"),
        opt("system"),
        opt("systemgroup"),
        opt("period"),
        opt("limitGroup"),
        opt("attachment"),
        opt("pass"),
        opt("path"),
        opt("sshkeys"),
        opt("version"),
        opt("extraconfig"),
        opt("host"),
        opt("size"),
        opt("jailed"),
        opt("memory"),
    ],
    // Seed L8422: `appcomponenttype` is required and non-editable; system and systemgroup are not
    // in the update body.
    update: &[
        req("name"),
        fixed("appcomponenttype"),
        opt("period"),
        opt("limitGroup"),
        opt("attachment"),
        opt("pass"),
        opt("path"),
        opt("sshkeys"),
        opt("version"),
        opt("extraconfig"),
        opt("host"),
        opt("size"),
        opt("jailed"),
        opt("memory"),
    ],
    aliases: &[],
    // Seed L8497: PATCH is documented exactly as PUT, required fields included.
    verbs: Verbs {
        put: true,
        patch: Patch::PartialWithRequired,
        delete: true,
    },
    shapes: Shapes {
        created: COMPONENT_ITEM,
        item: COMPONENT_ITEM,
        list: &[
            "id",
            "name",
            "category",
            "limitGroup",
            "appcomponenttype",
            "appcomponentparameters",
            "status",
            "apmEnabled",
        ],
    },
    sortable: &["id", "name"],
    lifecycle: Some(Lifecycle {
        keep_deleted: false,
        create_failure: None,
    }),
    validate: Some(validate_component),
    present: Some(present_component),
    bare: false,
    foreign: None,
};

const COMPONENT_ITEM: &[&str] = &[
    "id",
    "name",
    "category",
    "limitGroup",
    "appcomponenttype",
    "appcomponentparameters",
    "status",
    "statusCategory",
    "apmEnabled",
    "definition",
];

/// The versions of `cookbook` (php, mysql) installed where the component is placed: on its
/// system, or on any system of its group.
fn installed(record: &Record, cookbook: &str) -> Vec<&'static str> {
    let systems: Vec<u64> = match (
        record.get("system").and_then(Value::as_u64),
        record.get("systemgroup").and_then(Value::as_u64),
    ) {
        (Some(s), _) => vec![s],
        (None, Some(g)) => GROUPS
            .iter()
            .find(|(id, _, _)| *id == g)
            .map(|(_, _, s)| s.to_vec())
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    SYSTEMS
        .iter()
        .filter(|s| systems.contains(&s.0))
        .flat_map(|s| if cookbook == "php" { s.2.iter() } else { s.3.iter() })
        .copied()
        .collect()
}

/// Seed L7827–7869: exactly one of system and systemgroup, each an existing one; parameters
/// only for the types that take them; required ones present; a php version installed where the
/// component goes; select parameters among their values.
fn validate_component(form: &mut Form, c: &Record, _: &Data) {
    let has = |k: &str| c.get(k).is_some_and(|v| !v.is_null());
    let kind = c.get("appcomponenttype").and_then(Value::as_str).unwrap_or_default();
    let params = params_of(kind);
    if c.get("id").is_none() {
        match (has("system"), has("systemgroup")) {
            (false, false) => form.error("systemgroup", BLANK),
            (true, true) => form.error("system", INVALID),
            _ => {}
        }
        let sys = c.get("system").and_then(Value::as_u64);
        if sys.is_some_and(|s| !SYSTEMS.iter().any(|x| x.0 == s)) {
            form.error("system", INVALID);
        }
        let group = c.get("systemgroup").and_then(Value::as_u64);
        if group.is_some_and(|g| !GROUPS.iter().any(|x| x.0 == g)) {
            form.error("systemgroup", INVALID);
        }
    }
    for field in PARAM_FIELDS {
        let param = params.iter().find(|p| p.0 == *field);
        match param {
            None if has(field) && c.get(*field) != Some(&json!(false)) => form.error(field, INVALID),
            Some(p) if p.2 && !has(field) => form.error(field, BLANK),
            Some(p) if !p.4.is_empty() && has(field) => {
                let v = c.get(*field).and_then(Value::as_str).unwrap_or_default();
                if !p.4.contains(&v) {
                    form.error(field, INVALID_CHOICE);
                }
            }
            _ => {}
        }
    }
    // Seed: `limitGroup` is a bare string (L7843); the app's limit groups are the keys of its
    // rules (L11158), so another name is not a valid choice.
    if let Some(group) = c.get("limitGroup").and_then(Value::as_str) {
        if limits().get(group).is_none() {
            form.error("limitGroup", INVALID_CHOICE);
        }
    }
    if matches!(kind, "php") {
        if let Some(v) = c.get("version").and_then(Value::as_str) {
            if !installed(c, "php").contains(&v) {
                form.error("version", INVALID_CHOICE);
            }
        }
    }
}

/// Seed L7905: the type's parameters are answered under `appcomponentparameters`, passwords as
/// `"******"`, ssh keys as objects; `category` is the type's.
fn present_component(record: &Record, out: &mut Map<String, Value>) {
    let kind = record
        .get("appcomponenttype")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if out.contains_key("appcomponentparameters") {
        let mut params = Map::new();
        for (name, _, _, default, _) in params_of(kind) {
            let stored = record.get(*name).cloned().unwrap_or(Value::Null);
            let value = match *name {
                "pass" => json!("******"),
                "user" => json!(format!(
                    "c{}",
                    record.get("id").and_then(Value::as_u64).unwrap_or_default()
                )),
                "sshkeys" => {
                    let ids = stored.as_str().unwrap_or_default();
                    let keys: Vec<Value> = ids
                        .split(',')
                        .filter_map(|i| i.trim().parse::<u64>().ok())
                        .map(|id| json!({"id": id, "status": "ok"}))
                        .collect();
                    json!(keys)
                }
                "jailed" => json!(stored.as_bool().unwrap_or(false)),
                _ if stored.is_null() => default.map_or(Value::Null, |d| json!(d)),
                _ => stored,
            };
            params.insert((*name).to_string(), value);
        }
        out.insert("appcomponentparameters".into(), Value::Object(params));
    }
    if out.contains_key("category") {
        out.insert("category".into(), json!(category_of(kind)));
    }
    // Seed L7965 (create) and L8660 (item): the component's type, with what it allows, such as
    // whether it takes urls; the same answer as the catalogue's `servicetype` flag.
    if out.contains_key("definition") {
        out.insert(
            "definition".into(),
            json!({"name": kind, "cookbook": kind, "urlPossible": url_possible(kind)}),
        );
    }
}

/// Whether a type takes urls (`/appcomponenttypes`' `urlPossible`). Seed: the catalogue's
/// examples say php and solr do and mysql does not (L17108, L16996, L17053); silent on the
/// others. The sandbox's choice: the web types (the `Web-apps` category), `url`, `varnish` (an
/// HTTP cache) and solr do; the databases and the other extensions (redis, memcached, …), which
/// serve no site, do not.
fn url_possible(kind: &str) -> bool {
    category_of(kind) == "Web-apps" || matches!(kind, "url" | "varnish" | "solr")
}

/// A type's category (seed L16960: `Web-apps`, `Databases`, `Extensions`).
fn category_of(kind: &str) -> &'static str {
    match kind {
        "mysql" | "postgresql" | "mssql" | "mongodb" => "Databases",
        "php" | "asp" | "nodejs" | "python" | "ruby" | "java" | "dotnet" => "Web-apps",
        _ => "Extensions",
    }
}

pub(crate) static URL: Entity = Entity {
    kind: "url",
    plural: "urls",
    label: "Url",
    first_id: 15000,
    collection: "/v1/apps/{appId}/components/{componentId}/urls",
    item: "/v1/apps/{appId}/components/{componentId}/urls/{urlId}",
    parent: Some(Parent {
        kind: "component",
        field: "appcomponent",
        on_delete: OnParentDelete::Cascade,
    }),
    fields: &[
        Field::new("content", Type::Text),
        Field::new("sslForce", Type::Bool).default(Dflt::Bool(true)),
        Field::new("sslCertificate", Type::Ref("sslCertificate")).render(Render::Lookup(|ctx, data, url| {
            url_certificate(ctx, data, url).map_or(Value::Null, |(id, name)| json!({"id": id, "name": name}))
        })),
        Field::new("https", Type::Bool).render(Render::Lookup(|ctx, data, url| {
            json!(url_certificate(ctx, data, url).is_some())
        })),
        Field::new("handleDns", Type::Bool).default(Dflt::Bool(false)),
        Field::new("autoSslCertificate", Type::Bool).default(Dflt::Bool(false)),
        Field::new("caching", Type::Bool).default(Dflt::Bool(false)),
        Field::new("authentication", Type::Bool).default(Dflt::Bool(false)),
        Field::new("appcomponent", Type::Ref("component")).render(Render::RefFields(&[
            "id",
            "name",
            "appcomponenttype",
        ])),
    ],
    computed: &[
        ("status", || json!("ok")),
        ("statusCategory", || json!("green")),
        ("matchingCertificates", || json!([])),
        ("type", || json!("linked")),
    ],
    create: &[
        req("content"),
        opt("sslForce"),
        opt("sslCertificate"),
        opt("handleDns"),
        opt("autoSslCertificate"),
        opt("caching"),
        opt("authentication"),
    ],
    // Seed L9052: `autoSslCertificate` is not in the update body.
    update: &[
        req("content"),
        opt("sslForce"),
        opt("sslCertificate"),
        opt("handleDns"),
        opt("caching"),
        opt("authentication"),
    ],
    aliases: &[],
    verbs: Verbs::PUT,
    // Seed L8940: `handleDns` and `autoSslCertificate` are not in the component-scoped answers.
    shapes: Shapes {
        created: URL_ITEM,
        item: URL_ITEM,
        list: &[
            "id",
            "content",
            "https",
            "status",
            "sslForce",
            "appcomponent",
            "type",
            "sslCertificate",
            "caching",
            "authentication",
        ],
    },
    sortable: &["id", "content"],
    // Seed: url statuses other than `ok` appear once (L14659); urls are synchronous here.
    lifecycle: None,
    validate: Some(validate_url),
    present: None,
    bare: false,
    foreign: None,
};

const URL_ITEM: &[&str] = &[
    "id",
    "content",
    "https",
    "status",
    "sslForce",
    "appcomponent",
    "sslCertificate",
    "matchingCertificates",
    "type",
    "caching",
    "authentication",
];

/// Seed L8917: "Url (unique)"; the certificate "must match the url's content". A component whose
/// type takes no urls (`urlPossible` false) refuses them. Seed: the create documents only "400
/// Validation of new url failed" (L8982), and the app check reports `urlPossible` per component
/// (L14652); the sandbox answers a global form error naming the type.
fn validate_url(form: &mut Form, url: &Record, data: &Data) {
    let kind = url
        .get("appcomponent")
        .and_then(Value::as_u64)
        .and_then(|id| data.get(&COMPONENT, id))
        .and_then(|c| c.get("appcomponenttype"))
        .and_then(Value::as_str);
    if let Some(kind) = kind.filter(|k| !url_possible(k)) {
        form.global_error(&format!("A component of type {kind} takes no urls."));
    }
    let content = url.get("content").and_then(Value::as_str).unwrap_or_default();
    let taken = data.all(&URL).any(|(id, other)| {
        url.get("id").and_then(Value::as_u64) != Some(*id)
            && other
                .get("content")
                .and_then(Value::as_str)
                .is_some_and(|c| c.eq_ignore_ascii_case(content))
    });
    if taken {
        form.error("content", "This value is already used.");
    }
    let cert = url
        .get("sslCertificate")
        .and_then(Value::as_u64)
        .and_then(|id| data.get(&SSL_CERTIFICATE, id));
    if let Some(cert) = cert {
        // Seed: silent on whose certificate a url may use (L8922 says only that it must match
        // the content); a certificate is an app's own (`/apps/{appId}/sslcertificates`), so
        // another app's is refused as any id the form cannot use is.
        let app_of_url = url
            .get("appcomponent")
            .and_then(Value::as_u64)
            .and_then(|id| data.get(&COMPONENT, id))
            .and_then(|c| c.get("app"))
            .and_then(Value::as_u64);
        if cert.get("app").and_then(Value::as_u64) != app_of_url {
            form.error("sslCertificate", INVALID);
            return;
        }
        let domains = cert
            .get("autoSslCertificateUrls")
            .and_then(Value::as_str)
            .unwrap_or_default();
        // Own certificates name no urls here: any content is accepted.
        if !domains.is_empty() && !domains.split(',').any(|d| covers(d.trim(), content)) {
            form.error("sslCertificate", INVALID);
        }
    }
}

/// Whether certificate name `pattern` (maybe `*.example.com`) covers host `host`.
fn covers(pattern: &str, host: &str) -> bool {
    match pattern.strip_prefix("*.") {
        Some(suffix) => host
            .split_once('.')
            .is_some_and(|(_, rest)| rest.eq_ignore_ascii_case(suffix)),
        None => pattern.eq_ignore_ascii_case(host),
    }
}

/// A url record's field naming the certificate that linked it automatically (`autoUrlLink`).
const AUTO_LINKED: &str = "autoLinkedBy";

/// The certificate a url is served with, as the API shows it: (id, name). Seed L12348: an
/// automatic link is made "after successful creation", so it shows once the certificate's create
/// is over (the sandbox records it when it accepts a create that will succeed).
fn url_certificate(ctx: &Ctx, data: &Data, url: &Record) -> Option<(u64, Value)> {
    let id = url.get("sslCertificate").and_then(Value::as_u64)?;
    let cert = ctx.find(data, &SSL_CERTIFICATE, id)?;
    let automatic = url.get(AUTO_LINKED).and_then(Value::as_u64) == Some(id);
    if automatic && matches!(ctx.status(cert), "to_create" | "creating") {
        return None;
    }
    Some((id, cert.get("name").cloned().unwrap_or(Value::Null)))
}

/// Seed L12348: "If 'autoUrlLink' is set to true then a certificate's urls, which don't have
/// another certificate, will be linked to the certificate after successful creation". Seed: a
/// certificate's urls are the app's urls whose host one of its names covers (`matchingUrls`);
/// an own certificate names none here (the sandbox does not parse certificates), so it links
/// nothing. Urls made later are not linked.
pub(crate) fn auto_link_urls(ctx: &Ctx, data: &mut Data, cert_id: u64) {
    let Some(cert) = data.get(&SSL_CERTIFICATE, cert_id) else {
        return;
    };
    if cert.get("autoUrlLink") != Some(&json!(true)) {
        return;
    }
    let app = cert.get("app").and_then(Value::as_u64);
    let names: Vec<String> = cert
        .get("autoSslCertificateUrls")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .split(',')
        .map(|d| d.trim().to_string())
        .filter(|d| !d.is_empty())
        .collect();
    let components: Vec<u64> = data
        .all(&COMPONENT)
        .filter(|(id, c)| c.get("app").and_then(Value::as_u64) == app && ctx.exists(data, &COMPONENT, **id))
        .map(|(id, _)| *id)
        .collect();
    let linked: Vec<u64> = data
        .all(&URL)
        .filter(|(_, u)| {
            let content = u.get("content").and_then(Value::as_str).unwrap_or_default();
            u.get("appcomponent")
                .and_then(Value::as_u64)
                .is_some_and(|c| components.contains(&c))
                && u.get("sslCertificate").is_none_or(Value::is_null)
                && names.iter().any(|n| covers(n, content))
        })
        .map(|(id, _)| *id)
        .collect();
    for id in linked {
        if let Some(url) = data.collection(&URL).get_mut(&id) {
            url.insert("sslCertificate".into(), json!(cert_id));
            url.insert(AUTO_LINKED.into(), json!(cert_id));
        }
    }
}

/// Seed L12400: a certificate's `urls` are the urls served with it: `{id, content, status}`.
fn certificate_urls(ctx: &Ctx, data: &Data, cert: &Record) -> Value {
    let id = cert.get("id").and_then(Value::as_u64);
    let urls: Vec<Value> = data
        .all(&URL)
        .filter(|(_, u)| id.is_some() && url_certificate(ctx, data, u).map(|c| c.0) == id)
        .map(|(url_id, u)| json!({"id": url_id, "content": u.get("content"), "status": "ok"}))
        .collect();
    json!(urls)
}

pub(crate) static SSL_CERTIFICATE: Entity = Entity {
    kind: "sslCertificate",
    plural: "sslCertificates",
    label: "Sslcertificate",
    first_id: 16000,
    collection: "/v1/apps/{appId}/sslcertificates",
    item: "/v1/apps/{appId}/sslcertificates/{sslcertificateId}",
    parent: Some(Parent {
        kind: "app",
        field: "app",
        on_delete: OnParentDelete::Cascade,
    }),
    fields: &[
        Field::new("name", Type::Text),
        // Seed: `sslType` is not marked required and its default is undocumented; letsencrypt
        // (the first of the enum) is assumed. A PUT without it keeps the type.
        Field::new("sslType", Type::Enum(&["letsencrypt", "xolphin", "own"]))
            .default(Dflt::Str("letsencrypt"))
            .sticky(),
        Field::new("autoSslCertificateUrls", Type::Csv),
        Field::new("sslKey", Type::Text),
        Field::new("sslCrt", Type::Text),
        Field::new("sslCabundle", Type::Text),
        Field::new("autoUrlLink", Type::Bool).default(Dflt::Bool(false)),
        Field::new("sslForce", Type::Bool).default(Dflt::Bool(true)),
        Field::new("period", Type::Int { min: 1 }),
        Field::new("app", Type::PathParent),
        Field::new("urls", Type::Json).render(Render::Lookup(certificate_urls)),
    ],
    computed: &[
        ("newSslKey", || Value::Null),
        ("sslStatus", || Value::Null),
        ("sslStatusCategory", || Value::Null),
        ("reminderStatus", || json!("ok")),
        ("dtExpires", || json!("1924992000")),
        ("validationParams", || Value::Null),
        ("source", || Value::Null),
        ("billableitemDetail", || Value::Null),
        ("sslCertificateUrls", || json!([])),
        ("matchingUrls", || json!([])),
    ],
    create: &[
        req("name"),
        opt("sslType"),
        opt("autoSslCertificateUrls"),
        opt("sslKey"),
        opt("sslCrt"),
        opt("sslCabundle"),
        opt("autoUrlLink"),
        opt("sslForce"),
        opt("period"),
    ],
    // Seed L12518: PUT takes `name` and `sslType` only.
    update: &[req("name"), opt("sslType")],
    aliases: &[],
    verbs: Verbs::PUT,
    shapes: Shapes {
        created: CERT_ITEM,
        item: CERT_ITEM,
        list: CERT_ITEM,
    },
    sortable: &["id", "name"],
    lifecycle: Some(Lifecycle {
        keep_deleted: false,
        create_failure: None,
    }),
    validate: Some(validate_certificate),
    present: Some(present_certificate),
    bare: false,
    foreign: None,
};

const CERT_ITEM: &[&str] = &[
    "id",
    "name",
    "sslType",
    "sslCrt",
    "sslCabundle",
    "sslKey",
    "newSslKey",
    "autoUrlLink",
    "sslForce",
    "sslStatus",
    "status",
    "reminderStatus",
    "dtExpires",
    "validationParams",
    "source",
    "billableitemDetail",
    "statusCategory",
    "sslStatusCategory",
    "urls",
    "sslCertificateUrls",
    "matchingUrls",
];

/// Seed L12335–12340: urls are "required for type letsencrypt" (and the xolphin example sends
/// them); key, crt and cabundle are "Required for ssl type own".
fn validate_certificate(form: &mut Form, cert: &Record, _: &Data) {
    if cert.get("id").is_some() {
        return;
    }
    let has = |k: &str| cert.get(k).is_some_and(|v| !v.is_null());
    match cert.get("sslType").and_then(Value::as_str) {
        Some("own") => {
            for field in ["sslKey", "sslCrt", "sslCabundle"] {
                // Seed: silent on the format; its example (L12374) sends PEM blocks, and the
                // platform must parse them to serve https, so anything else is refused.
                let pem = cert
                    .get(field)
                    .and_then(Value::as_str)
                    .is_some_and(|t| t.contains("-----BEGIN ") && t.contains("-----END "));
                if !has(field) {
                    form.error(field, BLANK);
                } else if !pem {
                    form.error(field, INVALID);
                }
            }
        }
        _ if !has("autoSslCertificateUrls") => form.error("autoSslCertificateUrls", BLANK),
        _ => {}
    }
}

/// Seed L12370: keys are answered as `"***"`; `sslStatus` follows issuance: `validating` while
/// the create runs, `ok` when issued. A create made to fail (`fail-next` with
/// `creating_failed`) is a failed validation: `status` `ok`, `sslStatus` `validation_failed`,
/// each url with its `errorMsg` (seed L12400).
fn present_certificate(record: &Record, out: &mut Map<String, Value>) {
    let status = out.get("status").and_then(Value::as_str).unwrap_or("ok").to_string();
    let masked = |k: &str| record.get(k).is_some_and(|v| !v.is_null());
    if out.contains_key("sslKey") {
        out.insert(
            "sslKey".into(),
            if masked("sslKey") { json!("***") } else { Value::Null },
        );
        out.insert(
            "newSslKey".into(),
            if masked("sslKey") { json!("***") } else { Value::Null },
        );
    }
    let ssl_status = match status.as_str() {
        "creating_failed" => {
            out.insert("status".into(), json!("ok"));
            out.insert("statusCategory".into(), json!("green"));
            "validation_failed"
        }
        "to_create" | "creating" => "validating",
        _ => "ok",
    };
    out.insert("sslStatus".into(), json!(ssl_status));
    let category = match ssl_status {
        "ok" => "green",
        "validation_failed" => "red",
        _ => "yellow",
    };
    out.insert("sslStatusCategory".into(), json!(category));
    let id = record.get("id").and_then(Value::as_u64).unwrap_or_default();
    let domains = record
        .get("autoSslCertificateUrls")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let urls: Vec<Value> = domains
        .split(',')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .enumerate()
        .map(|(i, d)| {
            // Wildcards can only be validated through DNS.
            let (how, error) = match d.strip_prefix("*.") {
                Some(base) => ("dns", format!("The DNS challenge for {d} could not be validated: no TXT record _acme-challenge.{base}")),
                None => ("http", format!("The HTTP challenge for {d} could not be validated: http://{d}/.well-known/acme-challenge/ answered 404")),
            };
            let (url_status, error) = match ssl_status {
                "validation_failed" => ("validation_failed", json!(error)),
                "ok" => ("validation_succeeded", Value::Null),
                _ => ("validating", Value::Null),
            };
            json!({"id": id * 100 + i as u64, "content": d, "sslStatus": url_status, "errorMsg": error,
                   "validationType": how})
        })
        .collect();
    out.insert("sslCertificateUrls".into(), json!(urls));
    if out.contains_key("matchingUrls") {
        let names: Vec<&str> = domains.split(',').map(str::trim).filter(|d| !d.is_empty()).collect();
        out.insert("matchingUrls".into(), json!(names));
    }
}

/// The catalogues and side lists of the family.
pub(crate) fn routes() -> Router<Shared> {
    Router::new()
        .route("/v1/custpackages", get(base_packages))
        .route("/v1/appcomponenttypes", get(component_types))
        .route("/v1/sharedsystemgroups", get(shared_groups))
        .route("/v1/sharedsystems", get(shared_systems))
        .route("/v1/systemgroups/{systemgroupId}", get(system_group))
        .route(
            "/v1/systems/{systemId}/componenttypes/{componenttype}/parameters/{parameter}/availableoptions",
            get(system_options),
        )
        .route(
            "/v1/systemgroups/{systemgroupId}/componenttypes/{componenttype}/parameters/{parameter}/availableoptions",
            get(group_options),
        )
        .route("/v1/apps/{appId}/rules", get(rules_of_app))
        .route("/v1/apps/{appId}/urls", get(urls_of_app))
        .route("/v1/apps/{appId}/organisations", get(organisations_of_app))
        .route(
            "/v1/custompackages/{custompackageId}/organisations",
            get(organisations_of_package),
        )
        .route(
            "/v1/apps/{appId}/components/availableparentcomponents/type/{type}",
            get(parent_components),
        )
}

type Params = Query<HashMap<String, String>>;

/// Seed L67656: the base-package catalogue, unpaged.
async fn base_packages() -> Json<Value> {
    let items: Vec<Value> = BASE_PACKAGES
        .iter()
        .map(|(name, kind)| {
            let title = format!("Drupal {kind}");
            json!({"name": name, "displayName": {"en": title, "nl": title},
                   "description": {"en": title, "nl": title}, "type": kind, "labels": []})
        })
        .collect();
    Json(json!({ "customPackages": items }))
}

/// Seed L16934: a map keyed by type name, each with its `servicetype` and parameters; `category`
/// keeps the types of one category.
async fn component_types(Query(params): Params) -> Json<Value> {
    let mut types = Map::new();
    let wanted = params.get("category").filter(|c| !c.is_empty());
    for kind in COMPONENT_TYPES {
        if wanted.is_some_and(|c| c.as_str() != category_of(kind)) {
            continue;
        }
        let params: Vec<Value> = params_of(kind)
            .iter()
            .map(|(name, ty, required, default, values)| {
                let readonly = *ty == USERNAME;
                let mut p = json!({"name": name, "displayName": name, "description": name, "type": ty,
                                   "defaultValue": default, "readonly": readonly, "disableEdit": readonly,
                                   "required": required, "category": "config"});
                if !values.is_empty() {
                    p["possibleValues"] = json!(values);
                }
                p
            })
            .collect();
        types.insert(
            (*kind).to_string(),
            json!({"servicetype": {"name": kind, "displayName": kind, "description": kind, "adminOnly": false,
                   "category": category_of(kind), "cookbook": kind, "urlPossible": url_possible(kind),
                   "parameters": params}}),
        );
    }
    Json(json!({ "appcomponenttypes": types }))
}

fn system_json(id: u64) -> Value {
    let name = SYSTEMS.iter().find(|s| s.0 == id).map_or("", |s| s.1);
    json!({"id": id, "name": name, "organisation": {"id": 1, "name": "level27"}})
}

/// Seed L17916: shared groups with their systems, paged, with `total`.
async fn shared_groups(Query(params): Params) -> Result<Json<Value>, ApiError> {
    let query = ListQuery::parse(&params, &["id", "name"])?;
    let items: Vec<Value> = GROUPS
        .iter()
        .map(|(id, name, systems)| {
            let systems: Vec<Value> = systems.iter().map(|s| system_json(*s)).collect();
            json!({"id": id, "name": name, "systems": systems})
        })
        .collect();
    let total = items.len();
    Ok(Json(json!({"total": total, "systemgroups": query.apply(items)})))
}

/// Seed L64068: one system group (the example body is lost: "[object Object]"); seed: shaped as
/// an item of `/sharedsystemgroups` under `systemgroup`. The sandbox knows only the shared ones.
async fn system_group(Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let (id, name, systems) = GROUPS
        .iter()
        .find(|g| id.parse::<u64>().ok() == Some(g.0))
        .ok_or_else(|| ApiError::not_found("Systemgroup"))?;
    let systems: Vec<Value> = systems.iter().map(|s| system_json(*s)).collect();
    Ok(Json(
        json!({"systemgroup": {"id": id, "name": name, "systems": systems}}),
    ))
}

/// Seed L37047 and L64148: the values a component parameter may take on a system or group,
/// `{"version": ["9.11", 14, …]}`. Seed: the lists are the versions installed there (the create
/// form says a php version must be "one of php versions installed on appcomponent's system or
/// system's in systemgroup", L7864): a group's are those of any of its systems, as
/// `validate_component` takes them. The sandbox tracks only php's; another parameter or type
/// is the documented 400.
fn options(systems: &[u64], kind: &str, parameter: &str) -> Result<Json<Value>, ApiError> {
    if (kind, parameter) != ("php", "version") {
        return Err(ApiError::BadRequest(format!(
            "Parameter {parameter} of type {kind} has no options here"
        )));
    }
    let mut versions: Vec<&str> = SYSTEMS
        .iter()
        .filter(|s| systems.contains(&s.0))
        .flat_map(|s| s.2.iter().copied())
        .collect();
    versions.sort_unstable();
    versions.dedup();
    Ok(Json(json!({ parameter: versions })))
}

async fn system_options(Path((id, kind, parameter)): Path<(String, String, String)>) -> Result<Json<Value>, ApiError> {
    let id = id
        .parse::<u64>()
        .ok()
        .filter(|id| SYSTEMS.iter().any(|s| s.0 == *id))
        .ok_or_else(|| ApiError::not_found("System"))?;
    options(&[id], &kind, &parameter)
}

async fn group_options(Path((id, kind, parameter)): Path<(String, String, String)>) -> Result<Json<Value>, ApiError> {
    let group = GROUPS
        .iter()
        .find(|g| id.parse::<u64>().ok() == Some(g.0))
        .ok_or_else(|| ApiError::not_found("Systemgroup"))?;
    options(group.2, &kind, &parameter)
}

/// Seed L11158: the app's limits per limit group (its package's; the sandbox's packages all have
/// the same two, `limits()`).
async fn rules_of_app(State(app): State<Shared>, Path(app_id): Path<String>) -> Result<Json<Value>, ApiError> {
    let ctx = Ctx::of(&app);
    app.store.read(|data| app_of(data, &ctx, &app_id))?;
    Ok(Json(json!({ "limits": limits() })))
}

/// Seed L17794: shared systems, paged, with `total`.
async fn shared_systems(Query(params): Params) -> Result<Json<Value>, ApiError> {
    let query = ListQuery::parse(&params, &["id", "name"])?;
    let items: Vec<Value> = SYSTEMS.iter().map(|s| system_json(s.0)).collect();
    let total = items.len();
    Ok(Json(json!({"total": total, "systems": query.apply(items)})))
}

fn app_of(data: &Data, ctx: &Ctx, app_id: &str) -> Result<u64, ApiError> {
    app_id
        .parse::<u64>()
        .ok()
        .filter(|id| ctx.exists(data, &APP, *id))
        .ok_or_else(|| APP.not_found())
}

/// Seed L12773: every url of an app, the only answer with `handleDns`; `caching` is `null` here.
async fn urls_of_app(
    State(app): State<Shared>,
    Path(app_id): Path<String>,
    Query(params): Params,
) -> Result<Json<Value>, ApiError> {
    let query = ListQuery::parse(&params, &["id", "content"])?;
    let ctx = Ctx::of(&app);
    let (items, total) = app.store.read(|data| {
        let app_id = app_of(data, &ctx, &app_id)?;
        let app_name = data.get(&APP, app_id).and_then(|a| a.get("name").cloned());
        let components: Vec<u64> = data
            .all(&COMPONENT)
            .filter(|(id, c)| {
                c.get("app").and_then(Value::as_u64) == Some(app_id) && ctx.exists(data, &COMPONENT, **id)
            })
            .map(|(id, _)| *id)
            .collect();
        let items: Vec<Value> = data
            .all(&URL)
            .filter(|(_, u)| {
                u.get("appcomponent")
                    .and_then(Value::as_u64)
                    .is_some_and(|c| components.contains(&c))
            })
            .map(|(id, u)| {
                let cert = url_certificate(&ctx, data, u).map(|(c, name)| json!({"id": c, "name": name}));
                json!({"id": id, "content": u.get("content"), "https": cert.is_some(), "status": "ok",
                       "sslForce": u.get("sslForce"), "handleDns": u.get("handleDns"),
                       "authentication": u.get("authentication"), "caching": null,
                       "appcomponent": {"id": u.get("appcomponent"), "app": {"id": app_id, "name": app_name}},
                       "sslCertificate": cert, "statusCategory": "green"})
            })
            .collect();
        let total = items.len();
        Ok((items, total))
    })?;
    Ok(Json(json!({"total": total, "urls": query.apply(items)})))
}

/// Seed L8254: components of an app with where they are placed (`system`, `systemgroup`), the
/// only answer that has them. Seed: which components are "available parents" for a type is not
/// described; the sandbox lists the app's components of that type.
async fn parent_components(
    State(app): State<Shared>,
    Path((app_id, kind)): Path<(String, String)>,
    Query(params): Params,
) -> Result<Json<Value>, ApiError> {
    let query = ListQuery::parse(&params, &["id", "name"])?;
    let ctx = Ctx::of(&app);
    let items = app.store.read(|data| {
        let app_id = app_of(data, &ctx, &app_id)?;
        Ok(data
            .all(&COMPONENT)
            .filter(|(id, c)| {
                c.get("app").and_then(Value::as_u64) == Some(app_id)
                    && c.get("appcomponenttype").and_then(Value::as_str) == Some(kind.as_str())
                    && ctx.exists(data, &COMPONENT, **id)
            })
            .map(|(id, c)| {
                let wrap = |k: &str| {
                    c.get(k)
                        .and_then(Value::as_u64)
                        .map_or(Value::Null, |v| json!({ "id": v }))
                };
                let mut out = Map::new();
                out.insert("appcomponentparameters".into(), json!({}));
                present_component(c, &mut out);
                json!({"id": id, "name": c.get("name"), "appcomponenttype": kind,
                       "appcomponentparameters": out.get("appcomponentparameters"),
                       "system": wrap("system"), "systemgroup": wrap("systemgroup")})
            })
            .collect::<Vec<Value>>())
    })?;
    let total = items.len();
    Ok(Json(json!({"total": total, "components": query.apply(items)})))
}

/// Seed L7340 (apps) and L69438 (custom packages): the organisations that see the object, each
/// with the teams through which it does; the sandbox answers the owner with the linked teams.
fn organisations_of(app: &Shared, e: &'static Entity, id: &str) -> Result<Json<Value>, ApiError> {
    let ctx = Ctx::of(app);
    let items = app.store.read(|data| {
        let id = id
            .parse::<u64>()
            .ok()
            .filter(|id| ctx.exists(data, e, *id))
            .ok_or_else(|| e.not_found())?;
        let record = data.get(e, id).ok_or_else(|| e.not_found())?;
        let org = record.get("organisation").and_then(Value::as_u64);
        let org_name = org
            .and_then(|o| ctx.entity_named("organisation").and_then(|oe| data.get(oe, o)))
            .and_then(|o| o.get("name").cloned());
        let teams = crate::team_links::render_teams(&ctx, data, record);
        Ok(vec![
            json!({"id": org, "name": org_name, "users": [], "type": "owner", "teams": teams}),
        ])
    })?;
    Ok(Json(json!({ "organisations": items })))
}

async fn organisations_of_app(State(app): State<Shared>, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    organisations_of(&app, &APP, &id)
}

async fn organisations_of_package(State(app): State<Shared>, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    organisations_of(&app, &CUSTOM_PACKAGE, &id)
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use serde_json::{json, Value};
    use tower::ServiceExt;

    async fn call(router: &axum::Router, method: &str, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let body = body.map_or_else(Body::empty, |b| Body::from(b.to_string()));
        let request = Request::builder()
            .method(method)
            .uri(path)
            .header("Authorization", "sandbox")
            .body(body)
            .expect("request");
        let response = router.clone().oneshot(request).await.expect("infallible");
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body");
        (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    /// An organisation, a drupal_run package and an app in it: (org, package, app).
    async fn app(router: &axum::Router) -> (u64, u64, u64) {
        let (_, org) = call(
            router,
            "POST",
            "/v1/organisations",
            Some(json!({"name": "o", "taxNumber": "BE1"})),
        )
        .await;
        let org = org["organisation"]["id"].as_u64().expect("org id");
        let body = json!({"name": "p", "customPackageName": "drupal_run", "organisation": org});
        let (status, created) = call(router, "POST", "/v1/custompackages", Some(body)).await;
        assert_eq!(status, StatusCode::CREATED);
        // Seed: the answer is the limits, bare: no envelope, no id.
        assert!(
            created.get("limits").is_some() && created.get("id").is_none(),
            "{created}"
        );
        let (_, list) = call(router, "GET", "/v1/custompackages", None).await;
        let package = list["customPackages"][0]["id"].as_u64().expect("listed");
        // Seed L68712: this list answers its `total`.
        assert_eq!(list["total"], 1, "{list}");
        assert_eq!(list["customPackages"][0]["type"], "run");
        let body =
            json!({"name": "shop", "organisation": org, "customPackage": package, "customPackageName": "drupal_run"});
        let (status, created) = call(router, "POST", "/v1/apps", Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        assert_eq!(
            created["app"]["customPackage"],
            Value::Null,
            "the package id is never answered"
        );
        (org, package, created["app"]["id"].as_u64().expect("app id"))
    }

    #[tokio::test]
    async fn installed_versions_groups_and_limit_groups_are_listed_and_enforced() {
        let router = crate::router(crate::Config::default()).expect("router");
        let (_, _, app) = app(&router).await;
        let options = |at: &str| format!("/v1/{at}/componenttypes/php/parameters/version/availableoptions");
        let (status, group) = call(&router, "GET", &options("systemgroups/3"), None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(group, json!({"version": ["8.1", "8.2", "8.3"]}));
        let (_, system) = call(&router, "GET", &options("systems/35"), None).await;
        assert_eq!(system, json!({"version": ["7.4"]}));
        for (path, want) in [
            (options("systemgroups/99"), StatusCode::NOT_FOUND),
            (options("systems/99"), StatusCode::NOT_FOUND),
            (
                "/v1/systemgroups/3/componenttypes/asp/parameters/version/availableoptions".to_string(),
                StatusCode::BAD_REQUEST,
            ),
            ("/v1/systemgroups/99".to_string(), StatusCode::NOT_FOUND),
            ("/v1/apps/99999/rules".to_string(), StatusCode::NOT_FOUND),
        ] {
            assert_eq!(call(&router, "GET", &path, None).await.0, want, "{path}");
        }
        let (_, found) = call(&router, "GET", "/v1/systemgroups/4", None).await;
        assert_eq!(found["systemgroup"]["systems"][0]["id"], 35);
        let (_, rules) = call(&router, "GET", &format!("/v1/apps/{app}/rules"), None).await;
        let groups: Vec<&String> = rules["limits"].as_object().expect("limits").keys().collect();
        assert_eq!(groups, ["database", "application"]);
        // What the lists say is what a create takes.
        let components = format!("/v1/apps/{app}/components");
        let create = |body: Value| call(&router, "POST", &components, Some(body));
        let (status, reply) =
            create(json!({"name": "w", "appcomponenttype": "php", "system": 35, "version": "8.2"})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{reply}");
        let (status, reply) =
            create(json!({"name": "d", "appcomponenttype": "mysql", "systemgroup": 3, "limitGroup": "page_cache"}))
                .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{reply}");
        assert!(
            reply["component"]["errors"]["children"]["limitGroup"]["errors"].is_array(),
            "{reply}"
        );
        let (status, reply) =
            create(json!({"name": "d", "appcomponenttype": "mysql", "systemgroup": 3, "limitGroup": "database"})).await;
        assert_eq!(status, StatusCode::CREATED, "{reply}");
    }

    #[tokio::test]
    async fn shared_systems_are_forbidden_at_the_system_item_and_unknown_ones_not_found() {
        let router = crate::router(crate::Config::default()).expect("router");
        // Seed: a shared system is Level27's (organisation 1), not the user's: its item answers
        // the documented 403, never its fields, and the user's system list leaves it out.
        for id in [33, 34, 35] {
            let (status, reply) = call(&router, "GET", &format!("/v1/systems/{id}"), None).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{id}: {reply}");
            assert_eq!(reply["code"], 403, "{reply}");
            assert!(reply.get("system").is_none(), "{reply}");
            let (status, _) = call(&router, "DELETE", &format!("/v1/systems/{id}"), None).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{id}");
        }
        let (_, list) = call(&router, "GET", "/v1/systems?limit=100", None).await;
        assert_eq!(list["systems"], json!([]), "{list}");
        let (status, reply) = call(&router, "GET", "/v1/systems/36", None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{reply}");
        assert_eq!(reply["message"], "System is not found");
        // Still the place a component may go.
        let (_, _, app) = app(&router).await;
        let (status, reply) = call(
            &router,
            "POST",
            &format!("/v1/apps/{app}/components"),
            Some(json!({"name": "d", "appcomponenttype": "mysql", "system": 34})),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{reply}");
    }

    #[tokio::test]
    async fn apps_need_their_packages_own_base_package() {
        let router = crate::router(crate::Config::default()).expect("router");
        let (org, package, _) = app(&router).await;
        let body =
            json!({"name": "x", "organisation": org, "customPackage": package, "customPackageName": "drupal_fly"});
        let (status, reply) = call(&router, "POST", "/v1/apps", Some(body)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(
            reply["app"]["errors"]["children"]["customPackageName"]["errors"],
            json!([crate::error::INVALID])
        );
    }

    #[tokio::test]
    async fn component_parameters_are_checked_per_type_and_answered_masked() {
        let router = crate::router(crate::Config::default()).expect("router");
        let (_, _, app) = app(&router).await;
        let path = format!("/v1/apps/{app}/components");
        // php 7.4 is not installed on group 3; jailed is sftp's; no placement at all.
        let bad = json!({"name": "w", "appcomponenttype": "php", "systemgroup": 3, "version": "7.4", "jailed": true});
        let (status, reply) = call(&router, "POST", &path, Some(bad)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let children = &reply["component"]["errors"]["children"];
        assert_eq!(
            children["version"]["errors"],
            json!([crate::error::INVALID_CHOICE]),
            "{reply}"
        );
        assert_eq!(children["jailed"]["errors"], json!([crate::error::INVALID]), "{reply}");
        let (_, reply) = call(
            &router,
            "POST",
            &path,
            Some(json!({"name": "d", "appcomponenttype": "mysql"})),
        )
        .await;
        assert_eq!(
            reply["component"]["errors"]["children"]["systemgroup"]["errors"],
            json!([crate::error::BLANK])
        );

        let good =
            json!({"name": "w", "appcomponenttype": "php", "systemgroup": 3, "version": "8.2", "pass": "s3cret"});
        let (status, created) = call(&router, "POST", &path, Some(good)).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let params = &created["component"]["appcomponentparameters"];
        assert_eq!(
            (params["version"].as_str(), params["pass"].as_str()),
            (Some("8.2"), Some("******"))
        );
        assert_eq!(params["path"], "/public_html");
        let id = created["component"]["id"].as_u64().expect("id");
        // Placement is only in the available-parents list.
        let (_, placed) = call(
            &router,
            "GET",
            &format!("{path}/availableparentcomponents/type/php"),
            None,
        )
        .await;
        assert_eq!(placed["components"][0]["id"], id);
        assert_eq!(placed["components"][0]["systemgroup"], json!({"id": 3}));
    }

    #[tokio::test]
    async fn parameters_only_the_catalogue_declares_are_refused_otherwise() {
        let router = crate::router(crate::Config::default()).expect("router");
        let (_, _, app) = app(&router).await;
        let (_, types) = call(&router, "GET", "/v1/appcomponenttypes", None).await;
        let solr = &types["appcomponenttypes"]["solr"]["servicetype"]["parameters"];
        assert_eq!(
            (solr[0]["name"].as_str(), solr[0]["readonly"].as_bool()),
            (Some("user"), Some(true))
        );
        assert_eq!(
            (solr[1]["name"].as_str(), solr[1]["readonly"].as_bool()),
            (Some("pass"), Some(false))
        );
        let redis = &types["appcomponenttypes"]["redis"]["servicetype"]["parameters"];
        assert_eq!(redis[0]["possibleValues"], json!(["64", "128", "256", "512"]));

        let path = format!("/v1/apps/{app}/components");
        // A parameter no type takes (or a read-only one): not a field of the form at all.
        for extra in ["maxmemory_policy", "user"] {
            let body = json!({"name": "c", "appcomponenttype": "redis", "systemgroup": 3, extra: "x"});
            let (status, reply) = call(&router, "POST", &path, Some(body)).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{extra}");
            assert_eq!(
                reply["component"]["errors"]["errors"],
                json!([crate::error::EXTRA_FIELDS]),
                "{reply}"
            );
        }
        // Another type's parameter, and a value outside the listed ones.
        let body = json!({"name": "c", "appcomponenttype": "redis", "systemgroup": 3, "host": "%", "memory": "1000"});
        let (status, reply) = call(&router, "POST", &path, Some(body)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let children = &reply["component"]["errors"]["children"];
        assert_eq!(children["host"]["errors"], json!([crate::error::INVALID]), "{reply}");
        assert_eq!(
            children["memory"]["errors"],
            json!([crate::error::INVALID_CHOICE]),
            "{reply}"
        );

        let body = json!({"name": "c", "appcomponenttype": "redis", "systemgroup": 3, "memory": "256"});
        let (status, created) = call(&router, "POST", &path, Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let id = created["component"]["id"].as_u64().expect("id");
        let put = json!({"name": "c", "appcomponenttype": "redis", "memory": "3"});
        let (status, reply) = call(&router, "PUT", &format!("{path}/{id}"), Some(put)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{reply}");
        // solr takes a password (answered masked) and names its generated user.
        let body = json!({"name": "s", "appcomponenttype": "solr", "systemgroup": 3, "pass": "s3cret"});
        let (status, created) = call(&router, "POST", &path, Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let params = &created["component"]["appcomponentparameters"];
        assert_eq!(params["pass"], "******", "{created}");
        assert!(params["user"].as_str().is_some_and(|u| !u.is_empty()), "{created}");
    }

    #[tokio::test]
    async fn a_url_goes_only_on_a_component_whose_type_takes_urls() {
        let router = crate::router(crate::Config::default()).expect("router");
        let (_, _, app) = app(&router).await;
        let (_, types) = call(&router, "GET", "/v1/appcomponenttypes", None).await;
        let possible = |kind: &str| types["appcomponenttypes"][kind]["servicetype"]["urlPossible"].as_bool();
        // Seed L16996, L17053, L17108: solr and php take urls, mysql does not.
        assert_eq!(
            (possible("solr"), possible("mysql"), possible("php"), possible("redis")),
            (Some(true), Some(false), Some(true), Some(false))
        );
        let components = format!("/v1/apps/{app}/components");
        for (kind, extra, takes) in [
            ("redis", json!({}), false),
            ("mysql", json!({}), false),
            ("php", json!({"version": "8.2"}), true),
            ("solr", json!({}), true),
        ] {
            let mut body = json!({"name": kind, "appcomponenttype": kind, "systemgroup": 3});
            body.as_object_mut()
                .expect("object")
                .extend(extra.as_object().expect("object").clone());
            let (_, created) = call(&router, "POST", &components, Some(body)).await;
            let id = created["component"]["id"].as_u64().expect("component id");
            // Seed L7965, L8660: the component's own answer says so too, in its definition.
            assert_eq!(
                created["component"]["definition"]["urlPossible"],
                json!(takes),
                "{created}"
            );
            let (_, item) = call(&router, "GET", &format!("{components}/{id}"), None).await;
            assert_eq!(item["component"]["definition"]["urlPossible"], json!(takes), "{item}");
            assert_eq!(item["component"]["definition"]["name"], json!(kind), "{item}");
            let urls = format!("{components}/{id}/urls");
            let host = format!("{kind}.shop.example");
            let (status, reply) = call(&router, "POST", &urls, Some(json!({"content": host}))).await;
            if takes {
                assert_eq!(status, StatusCode::CREATED, "{kind}: {reply}");
                continue;
            }
            assert_eq!(status, StatusCode::BAD_REQUEST, "{kind}: {reply}");
            assert_eq!(
                reply["url"]["errors"]["errors"],
                json!([format!("A component of type {kind} takes no urls.")]),
                "{reply}"
            );
            let (_, list) = call(&router, "GET", &urls, None).await;
            assert_eq!(list["urls"], json!([]), "nothing was made");
        }
    }

    #[tokio::test]
    async fn an_auto_url_link_certificate_links_the_apps_urls_it_covers_that_have_none() {
        let router = crate::router(crate::Config::default()).expect("router");
        let (_, _, app) = app(&router).await;
        let body = json!({"name": "w", "appcomponenttype": "php", "systemgroup": 3, "version": "8.2"});
        let (_, created) = call(&router, "POST", &format!("/v1/apps/{app}/components"), Some(body)).await;
        let web = created["component"]["id"].as_u64().expect("component id");
        let urls = format!("/v1/apps/{app}/components/{web}/urls");
        let mut ids = Vec::new();
        for host in ["www.shop.example", "shop.example", "other.example"] {
            let (status, url) = call(&router, "POST", &urls, Some(json!({"content": host}))).await;
            assert_eq!(status, StatusCode::CREATED, "{url}");
            ids.push(url["url"]["id"].as_u64().expect("url id"));
        }
        let certs = format!("/v1/apps/{app}/sslcertificates");
        // Without autoUrlLink nothing is linked; that certificate then holds shop.example.
        let body = json!({"name": "plain", "sslType": "letsencrypt", "autoSslCertificateUrls": "shop.example"});
        let (_, plain) = call(&router, "POST", &certs, Some(body)).await;
        let plain = plain["sslCertificate"]["id"].as_u64().expect("cert id");
        let (_, url) = call(&router, "GET", &format!("{urls}/{}", ids[1]), None).await;
        assert_eq!(url["url"]["sslCertificate"], Value::Null, "{url}");
        let put = json!({"content": "shop.example", "sslCertificate": plain});
        assert_eq!(
            call(&router, "PUT", &format!("{urls}/{}", ids[1]), Some(put)).await.0,
            StatusCode::NO_CONTENT
        );

        let body = json!({"name": "auto", "sslType": "letsencrypt", "autoUrlLink": true,
                          "autoSslCertificateUrls": "www.shop.example, shop.example"});
        let (_, auto) = call(&router, "POST", &certs, Some(body)).await;
        let auto = auto["sslCertificate"]["id"].as_u64().expect("cert id");
        let linked = |url: &Value| url["url"]["sslCertificate"]["id"].as_u64();
        let (_, url) = call(&router, "GET", &format!("{urls}/{}", ids[0]), None).await;
        assert_eq!(
            (linked(&url), url["url"]["https"].as_bool()),
            (Some(auto), Some(true)),
            "{url}"
        );
        let (_, url) = call(&router, "GET", &format!("{urls}/{}", ids[1]), None).await;
        assert_eq!(linked(&url), Some(plain), "a url with another certificate keeps it");
        let (_, url) = call(&router, "GET", &format!("{urls}/{}", ids[2]), None).await;
        assert_eq!(url["url"]["sslCertificate"], Value::Null, "not one of its names");
        let (_, cert) = call(&router, "GET", &format!("{certs}/{auto}"), None).await;
        assert_eq!(
            cert["sslCertificate"]["urls"],
            json!([{"id": ids[0], "content": "www.shop.example", "status": "ok"}])
        );
        // Seed L12467: the certificates' list answers its `total` beside a page; the apps' has none.
        let (_, page) = call(&router, "GET", &format!("{certs}?limit=1"), None).await;
        assert_eq!(
            (page["total"].as_u64(), page["sslCertificates"].as_array().map(Vec::len)),
            (Some(2), Some(1))
        );
        let (_, apps) = call(&router, "GET", "/v1/apps", None).await;
        assert!(apps.get("total").is_none(), "{apps}");
        let (_, listed) = call(&router, "GET", &format!("/v1/apps/{app}/urls"), None).await;
        let www = listed["urls"]
            .as_array()
            .and_then(|u| u.iter().find(|u| u["id"] == ids[0]))
            .cloned();
        assert_eq!(www.map(|u| u["sslCertificate"]["id"].clone()), Some(json!(auto)));
    }

    /// A component with one url, `www.shop.example`, in a fresh app: (router, app, component, url).
    async fn one_url(config: crate::Config) -> (axum::Router, u64, u64, u64) {
        let router = crate::router(config).expect("router");
        let (_, _, app) = app(&router).await;
        let body = json!({"name": "w", "appcomponenttype": "php", "systemgroup": 3, "version": "8.2"});
        let (_, created) = call(&router, "POST", &format!("/v1/apps/{app}/components"), Some(body)).await;
        let web = created["component"]["id"].as_u64().expect("component id");
        let path = format!("/v1/apps/{app}/components/{web}/urls");
        let (_, url) = call(&router, "POST", &path, Some(json!({"content": "www.shop.example"}))).await;
        (router, app, web, url["url"]["id"].as_u64().expect("url id"))
    }

    #[tokio::test]
    async fn an_own_certificate_takes_pem_text_only() {
        let router = crate::router(crate::Config::default()).expect("router");
        let (_, _, app) = app(&router).await;
        let certs = format!("/v1/apps/{app}/sslcertificates");
        let pem = |label: &str| format!("-----BEGIN {label}-----\nMIIB\n-----END {label}-----");
        let body = json!({"name": "own", "sslType": "own", "sslKey": "shop.key",
                          "sslCrt": pem("CERTIFICATE"), "sslCabundle": "CABUNDLE_HERE"});
        let (status, reply) = call(&router, "POST", &certs, Some(body)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{reply}");
        let children = &reply["sslCertificate"]["errors"]["children"];
        assert_eq!(children["sslKey"]["errors"], json!([crate::error::INVALID]), "{reply}");
        assert_eq!(
            children["sslCabundle"]["errors"],
            json!([crate::error::INVALID]),
            "{reply}"
        );
        assert!(children["sslCrt"].get("errors").is_none(), "{reply}");
        let body = json!({"name": "own", "sslType": "own", "sslKey": pem("RSA PRIVATE KEY"),
                          "sslCrt": pem("CERTIFICATE"), "sslCabundle": pem("CERTIFICATE")});
        let (status, reply) = call(&router, "POST", &certs, Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{reply}");
        assert_eq!(reply["sslCertificate"]["sslKey"], "***", "{reply}");
    }

    #[tokio::test]
    async fn a_url_takes_only_a_certificate_of_its_own_app() {
        let (router, app, web, url) = one_url(crate::Config::default()).await;
        let (_, app_of) = call(&router, "GET", &format!("/v1/apps/{app}"), None).await;
        let org = app_of["app"]["organisation"]["id"].as_u64().expect("org id");
        let (_, list) = call(&router, "GET", "/v1/custompackages", None).await;
        let package = list["customPackages"][0]["id"].as_u64().expect("package id");
        let body = json!({"name": "other", "organisation": org, "customPackage": package,
                          "customPackageName": "drupal_run"});
        let (_, other) = call(&router, "POST", "/v1/apps", Some(body)).await;
        let other = other["app"]["id"].as_u64().expect("app id");
        let cert = |app: u64| {
            let router = router.clone();
            async move {
                let body = json!({"name": "www", "sslType": "letsencrypt",
                                  "autoSslCertificateUrls": "www.shop.example"});
                let path = format!("/v1/apps/{app}/sslcertificates");
                let (_, c) = call(&router, "POST", &path, Some(body)).await;
                c["sslCertificate"]["id"].as_u64().expect("cert id")
            }
        };
        let (foreign, own) = (cert(other).await, cert(app).await);
        let item = format!("/v1/apps/{app}/components/{web}/urls/{url}");
        // Another app's certificate covers the host too, but is not this app's to use.
        let put = json!({"content": "www.shop.example", "sslCertificate": foreign});
        let (status, reply) = call(&router, "PUT", &item, Some(put)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{reply}");
        assert_eq!(
            reply["url"]["errors"]["children"]["sslCertificate"]["errors"],
            json!([crate::error::INVALID]),
            "{reply}"
        );
        let put = json!({"content": "www.shop.example", "sslCertificate": own});
        assert_eq!(call(&router, "PUT", &item, Some(put)).await.0, StatusCode::NO_CONTENT);
    }

    #[tokio::test]
    async fn an_auto_url_link_shows_only_after_a_successful_create() {
        let auto = json!({"name": "auto", "sslType": "letsencrypt", "autoUrlLink": true,
                          "autoSslCertificateUrls": "www.shop.example"});
        // Still being issued: not linked yet.
        let slow = crate::Config {
            async_duration: std::time::Duration::from_secs(600),
            ..crate::Config::default()
        };
        let (router, app, web, url) = one_url(slow).await;
        let (_, cert) = call(
            &router,
            "POST",
            &format!("/v1/apps/{app}/sslcertificates"),
            Some(auto.clone()),
        )
        .await;
        assert_eq!(cert["sslCertificate"]["sslStatus"], "validating", "{cert}");
        let (_, u) = call(
            &router,
            "GET",
            &format!("/v1/apps/{app}/components/{web}/urls/{url}"),
            None,
        )
        .await;
        assert_eq!(
            (&u["url"]["sslCertificate"], &u["url"]["https"]),
            (&Value::Null, &json!(false)),
            "{u}"
        );

        // A failed validation links nothing.
        let (router, app, web, url) = one_url(crate::Config::default()).await;
        let fail = json!({"kind": "sslCertificate", "status": "creating_failed"});
        let (status, _) = call(&router, "POST", "/_sandbox/fail-next", Some(fail)).await;
        assert!(status.is_success(), "{status}");
        let (_, cert) = call(&router, "POST", &format!("/v1/apps/{app}/sslcertificates"), Some(auto)).await;
        assert_eq!(cert["sslCertificate"]["sslStatus"], "validation_failed", "{cert}");
        let (_, u) = call(
            &router,
            "GET",
            &format!("/v1/apps/{app}/components/{web}/urls/{url}"),
            None,
        )
        .await;
        assert_eq!(u["url"]["sslCertificate"], Value::Null, "{u}");
    }

    /// Seed L8924: a url's `handleDns` makes the records of its host, in a domain the API serves
    /// DNS for; they are the platform's (their delete is refused) and follow the url.
    #[tokio::test]
    async fn a_url_handling_dns_makes_its_hosts_record_which_goes_with_it() {
        let router = crate::router(crate::Config::default()).expect("router");
        let (org, _, app) = app(&router).await;
        let body = json!({"organisation": org, "type": "licensee", "firstName": "Ada", "lastName": "Peeters",
            "organisationName": "Acme", "street": "Veldstraat", "houseNumber": "1", "zip": "9000", "city": "Gent",
            "country": "BE", "phone": "+32.91234567", "email": "hostmaster@acme-ci.example", "taxNumber": "BE1"});
        let (status, contact) = call(&router, "POST", "/v1/domaincontacts", Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{contact}");
        let body = json!({"organisation": org, "name": "acme-ci", "action": "none", "handleDns": true,
            "domaincontactLicensee": contact["domaincontact"]["id"], "domaintype": 364});
        let (status, domain) = call(&router, "POST", "/v1/domains", Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{domain}");
        let records = format!("/v1/domains/{}/records", domain["domain"]["id"]);
        let own = json!({"type": "CNAME", "name": "blog", "content": "blogs.example.net"});
        assert_eq!(call(&router, "POST", &records, Some(own)).await.0, StatusCode::CREATED);
        let body = json!({"name": "w", "appcomponenttype": "php", "systemgroup": 3, "version": "8.2"});
        let (_, web) = call(&router, "POST", &format!("/v1/apps/{app}/components"), Some(body)).await;
        let urls = format!("/v1/apps/{app}/components/{}/urls", web["component"]["id"]);
        let listed = || async {
            let (_, list) = call(&router, "GET", &format!("{records}?limit=100"), None).await;
            let list = list["records"].as_array().cloned().unwrap_or_default();
            list.iter()
                .map(|r| {
                    (
                        r["type"].as_str().unwrap_or_default().to_string(),
                        r["name"].clone(),
                        r["url"]["id"].as_u64(),
                    )
                })
                .collect::<Vec<_>>()
        };
        let mut made = Vec::new();
        for (host, dns) in [
            ("WWW.Acme-CI.be.", true),
            ("blog.acme-ci.be", true),
            ("other.example", true),
            ("shop.acme-ci.be", false),
        ] {
            let (status, url) = call(&router, "POST", &urls, Some(json!({"content": host, "handleDns": dns}))).await;
            assert_eq!(status, StatusCode::CREATED, "{url}");
            made.push(url["url"]["id"].as_u64().expect("url id"));
        }
        // Only www gets one: blog is the customer's CNAME, other.example no domain served here,
        // and shop's url does not handle DNS.
        let cname = ("CNAME".to_string(), json!("blog"), None);
        assert_eq!(
            listed().await,
            vec![cname.clone(), ("A".into(), json!("www"), Some(made[0]))]
        );
        let (_, list) = call(&router, "GET", &records, None).await;
        let www = list["records"][1].clone();
        assert_eq!(www["content"], crate::dns::SHARED_HOSTING_IPV4, "{www}");
        let (status, refused) = call(&router, "DELETE", &format!("{records}/{}", www["id"]), None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "the platform's record: {refused}");
        // Turning handleDns on makes it; a new host moves it; deleting the url removes it.
        let shop = format!("{urls}/{}", made[3]);
        let put = json!({"content": "shop.acme-ci.be", "handleDns": true});
        assert_eq!(call(&router, "PUT", &shop, Some(put)).await.0, StatusCode::NO_CONTENT);
        assert_eq!(listed().await[2], ("A".into(), json!("shop"), Some(made[3])));
        let put = json!({"content": "acme-ci.be", "handleDns": true});
        assert_eq!(call(&router, "PUT", &shop, Some(put)).await.0, StatusCode::NO_CONTENT);
        assert_eq!(
            listed().await[2],
            ("A".into(), Value::Null, Some(made[3])),
            "the apex has no name"
        );
        assert_eq!(
            call(&router, "DELETE", &format!("{urls}/{}", made[0]), None).await.0,
            StatusCode::NO_CONTENT
        );
        assert_eq!(call(&router, "DELETE", &shop, None).await.0, StatusCode::NO_CONTENT);
        assert_eq!(listed().await, vec![cname]);
    }
}
