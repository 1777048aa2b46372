//! Domains and DNS: `/v1/domaincontacts` (seed L23339–L23660), `/v1/domains` (L18033–L18520),
//! `/v1/domains/{domainId}/records` (L19256–L19600), and the lookups `/v1/domains/check`
//! (L23224) and `/v1/domains/providers` (L21716).
//!
//! Contacts and records are synchronous; domains are asynchronous (registration, `to_create` in
//! the create answer). Records answer in the API's own spelling (see `record_content`), so that
//! tests prove a provider does not show it as a change.

use std::collections::HashMap;
use std::net::Ipv6Addr;

use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::countries::COUNTRY;
use crate::entity::{
    fixed, opt, req, Dflt, Entity, Field, OnParentDelete, Parent, Patch, Render, Shapes, Slot, Type, Verbs,
};
use crate::error::ApiError;
use crate::form::Form;
use crate::store::{Record, State as Data};
use crate::Shared;

// ---------------------------------------------------------------------------------------------
// Domain types

/// One domain type: id, extension, provider id (whose flags, DNSSEC, it shares), its transfer
/// code flag, and the price of a year's registration (its price id and amount).
struct DomainType {
    id: i64,
    extension: &'static str,
    provider: i64,
    transfer_code: bool,
    price: (i64, &'static str),
}

/// Seed L21716–L21760 (`/domains/providers`): DNS Belgium serves `be` as 364; Key Systems serves
/// 363 types with ids in alphabetical order (1 academy … 75 com, 110 eu, 231 net, 236 nl, 242 org).
/// The sandbox knows these few; the domain examples' `{id: 1, extension: "nl"}` disagrees with
/// the providers list, which is followed here.
/// Seed: prices are text in euro cents; the check's `free` example prices `be` at "2400" (price
/// 1453, L23252) and an invoice line `com` at "1431" (price 335, L20383); the others are the
/// sandbox's own figures, with price ids of its own.
const DOMAIN_TYPES: &[DomainType] = &[
    DomainType {
        id: 1,
        extension: "academy",
        provider: 4,
        transfer_code: true,
        price: (9001, "2900"),
    },
    DomainType {
        id: 75,
        extension: "com",
        provider: 4,
        transfer_code: true,
        price: (335, "1431"),
    },
    DomainType {
        id: 110,
        extension: "eu",
        provider: 4,
        transfer_code: true,
        price: (9110, "900"),
    },
    DomainType {
        id: 231,
        extension: "net",
        provider: 4,
        transfer_code: true,
        price: (9231, "1600"),
    },
    DomainType {
        id: 236,
        extension: "nl",
        provider: 4,
        transfer_code: true,
        price: (9236, "900"),
    },
    DomainType {
        id: 242,
        extension: "org",
        provider: 4,
        transfer_code: true,
        price: (9242, "1500"),
    },
    DomainType {
        id: 364,
        extension: "be",
        provider: 1,
        transfer_code: true,
        price: (1453, "2400"),
    },
];

/// Seed L21716–L23217: the providers, with the `dnsSecSupported` flag of each (only DNS Belgium
/// supports it). Seed: a domain type's DNSSEC support is its provider's; the domain answers'
/// `domaintype.dnssecSupported` agrees (`nl`, Key Systems: false at L18181; `be`: true at L20057).
const PROVIDERS: &[(i64, &str, &str, bool)] = &[
    (1, "DNS Belgium", "dnsbe", true),
    (2, "Dcube", "dcube", false),
    (3, "Manual", "manual", false),
    (4, "Key Systems", "keysys", false),
    (5, "Openprovider", "openprovider", false),
];

/// Whether the provider of `t` supports DNSSEC.
fn dnssec(t: &DomainType) -> bool {
    PROVIDERS.iter().any(|p| p.0 == t.provider && p.3)
}

fn domain_type(id: Option<i64>) -> Option<&'static DomainType> {
    DOMAIN_TYPES.iter().find(|t| Some(t.id) == id)
}

/// The `domaintype` object of a domain answer (seed L18180).
fn domain_type_json(t: &DomainType) -> Value {
    json!({
        "id": t.id, "name": t.extension, "extension": t.extension, "renewPeriod": 12,
        "transferAutoLicensee": true, "requestIncomingTransferCodePossible": t.transfer_code,
        "requestOutgoingTransferCodePossible": t.transfer_code, "licenseeChangePossible": true,
        "dnssecSupported": dnssec(t),
    })
}

/// The routes of the lookups (the entities' routes come from `core`).
pub(crate) fn routes() -> Router<Shared> {
    Router::new()
        .route("/v1/domains/check", get(check))
        .route("/v1/domains/providers", get(providers))
}

/// `GET /domains/check?name=&extension=` (seed L23224): no envelope; `free` or `registered`
/// (a domain of that name and type exists in the sandbox). Seed: no error is documented; an
/// unknown extension is a 400 naming it, a missing parameter likewise.
async fn check(State(app): State<Shared>, Query(q): Query<HashMap<String, String>>) -> Result<Json<Value>, ApiError> {
    let param = |name: &str| {
        q.get(name)
            .map(|v| v.trim().to_lowercase())
            .filter(|v| !v.is_empty())
            .ok_or_else(|| ApiError::BadRequest(format!("Query parameter \"{name}\" is required")))
    };
    let (name, extension) = (param("name")?, param("extension")?);
    let t = DOMAIN_TYPES
        .iter()
        .find(|t| t.extension == extension)
        .ok_or_else(|| ApiError::BadRequest(format!("Extension \"{extension}\" is not supported")))?;
    let taken = app.store.read(|data| {
        Ok(data.all(&DOMAIN).any(|(_, d)| {
            d.get("domaintype").and_then(Value::as_i64) == Some(t.id)
                && d.get("name").and_then(Value::as_str).map(str::to_lowercase) == Some(name.clone())
        }))
    })?;
    Ok(Json(json!({
        "success": true,
        "status": if taken { "registered" } else { "free" },
        "action": "none",
        "domaintypeId": t.id,
        "domainNameWithExtension": format!("{name}.{extension}"),
        "requestIncomingTransferCodePossible": t.transfer_code,
        "transferAutoLicensee": true,
        "transferEppCodeRequired": t.transfer_code,
        "products": if taken { Value::Null } else { json!([registration(t)]) },
    })))
}

/// The registration product of a type as the check's `free` example shows it (seed L23248): one
/// price, a year's, in the default price group, the same as the default agreement's.
/// Seed: `organisationId` (a reseller's own price group) is not modelled: every organisation
/// pays the default prices, and `agreementPrices` is empty, as in the example.
fn registration(t: &DomainType) -> Value {
    let (id, price) = t.price;
    let prices = json!([{"id": id, "period": 12, "currency": "EUR", "price": price, "timing": "pre",
                         "default": true, "status": 10, "pricegroup": {"id": "default"}}]);
    json!({
        "id": format!("domain_{}_registration", t.extension),
        "description": format!(".{} domain registration", t.extension),
        "prices": prices.clone(),
        "agreementPrices": [],
        "defaultAgreementPrices": prices,
        "allowQuantityChange": null,
        "quantityCalculation": null,
    })
}

/// `GET /domains/providers` (seed L21716): every provider with its domain types.
async fn providers() -> Json<Value> {
    let providers: Vec<Value> = PROVIDERS
        .iter()
        .map(|(id, name, api, dnssec)| {
            let types: Vec<Value> = DOMAIN_TYPES
                .iter()
                .filter(|t| t.provider == *id)
                .map(|t| json!({"id": t.id, "extension": t.extension}))
                .collect();
            json!({"id": id, "name": name, "api": api, "dnsSecSupported": dnssec, "domaintypes": types})
        })
        .collect();
    Json(json!({ "providers": providers }))
}

// ---------------------------------------------------------------------------------------------
// Contacts

pub(crate) static CONTACT: Entity = Entity {
    kind: "domaincontact",
    plural: "domaincontacts",
    label: "Domaincontact",
    first_id: 7000,
    collection: "/v1/domaincontacts",
    item: "/v1/domaincontacts/{domaincontactId}",
    parent: None,
    fields: &[
        Field::new("type", Type::Enum(&["licensee", "onsite"])),
        Field::new("firstName", Type::Text),
        Field::new("lastName", Type::Text),
        Field::new("organisationName", Type::Text),
        Field::new("street", Type::Text),
        Field::new("houseNumber", Type::Text),
        Field::new("zip", Type::Text),
        Field::new("city", Type::Text),
        Field::new("state", Type::Text),
        Field::new("phone", Type::Text),
        Field::new("fax", Type::Text),
        Field::new("email", Type::Text),
        Field::new("taxNumber", Type::Text),
        Field::new("passportNumber", Type::Text),
        Field::new("socialNumber", Type::Text),
        Field::new("birthStreet", Type::Text),
        Field::new("birthZip", Type::Text),
        Field::new("birthCity", Type::Text),
        Field::new("birthDate", Type::Text),
        Field::new("gender", Type::Enum(&["M", "F"])),
        Field::new("country", Type::Named(&COUNTRY)),
        Field::new("organisation", Type::Ref("organisation")).render(Render::RefFields(&["id", "name"])),
        Field::new("fullname", Type::Text).render(Render::Derived(|r| {
            json!(format!("{} {}", text(r, "firstName"), text(r, "lastName")))
        })),
    ],
    computed: &[],
    create: CONTACT_CREATE,
    update: CONTACT_UPDATE,
    aliases: &[],
    // Seed L23545: PUT only, no PATCH; DELETE answers 204 (L23630).
    verbs: Verbs::PUT,
    shapes: Shapes {
        created: CONTACT_SHAPE,
        item: CONTACT_SHAPE,
        list: CONTACT_SHAPE,
    },
    sortable: &["id", "firstName", "lastName", "email"],
    lifecycle: None,
    validate: Some(contact_rules),
    present: None,
    bare: false,
    foreign: None,
};

/// Seed L23344–L23387, in order.
const CONTACT_CREATE: &[Slot] = &[
    req("type"),
    req("firstName"),
    req("lastName"),
    req("organisationName"),
    opt("street"),
    opt("houseNumber"),
    opt("zip"),
    opt("city"),
    opt("state"),
    req("phone"),
    opt("fax"),
    req("email"),
    req("taxNumber"),
    opt("passportNumber"),
    opt("socialNumber"),
    opt("birthStreet"),
    opt("birthZip"),
    opt("birthCity"),
    opt("birthDate"),
    opt("gender"),
    opt("country"),
    req("organisation"),
];

/// Seed L23545: the same body; `organisationName` is "(non-editable)".
const CONTACT_UPDATE: &[Slot] = &[
    req("type"),
    req("firstName"),
    req("lastName"),
    fixed("organisationName"),
    opt("street"),
    opt("houseNumber"),
    opt("zip"),
    opt("city"),
    opt("state"),
    req("phone"),
    opt("fax"),
    req("email"),
    req("taxNumber"),
    opt("passportNumber"),
    opt("socialNumber"),
    opt("birthStreet"),
    opt("birthZip"),
    opt("birthCity"),
    opt("birthDate"),
    opt("gender"),
    opt("country"),
    req("organisation"),
];

/// Seed L23411: the 201's fields, in order (the item and list show the same).
const CONTACT_SHAPE: &[&str] = &[
    "id",
    "firstName",
    "lastName",
    "organisationName",
    "street",
    "houseNumber",
    "zip",
    "city",
    "state",
    "phone",
    "fax",
    "email",
    "taxNumber",
    "passportNumber",
    "socialNumber",
    "birthStreet",
    "birthZip",
    "birthCity",
    "birthDate",
    "gender",
    "type",
    "country",
    "organisation",
    "fullname",
];

/// Seed: no message for a badly written phone number is documented; Symfony's generic one.
const PHONE_INVALID: &str = "This value is not a valid phone number (format: +32.12345678).";
/// Seed: "Email (unique)"; the message is not documented (Symfony's `UniqueEntity` default).
const EMAIL_TAKEN: &str = "This value is already used.";

fn text<'r>(r: &'r Record, name: &str) -> &'r str {
    r.get(name).and_then(Value::as_str).unwrap_or_default()
}

/// `+CC.NUMBER`, as the seed's format note writes it (L23361).
fn phone_ok(s: &str) -> bool {
    let digits = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
    s.strip_prefix('+')
        .and_then(|rest| rest.split_once('.'))
        .is_some_and(|(cc, number)| digits(cc) && cc.len() <= 3 && digits(number))
}

/// Phone and fax in the API's format, fax required for onsite contacts (seed L23362), unique
/// email (L23364; compared ignoring ASCII case, as the API's collation most plausibly does).
fn contact_rules(form: &mut Form, contact: &Record, state: &Data) {
    for field in ["phone", "fax"] {
        let value = text(contact, field);
        if !value.is_empty() && !phone_ok(value) {
            form.error(field, PHONE_INVALID);
        }
    }
    if text(contact, "type") == "onsite" && text(contact, "fax").is_empty() {
        form.error("fax", crate::error::BLANK);
    }
    let email = text(contact, "email");
    let taken = state.all(&CONTACT).any(|(id, other)| {
        contact.get("id").and_then(Value::as_u64) != Some(*id) && text(other, "email").eq_ignore_ascii_case(email)
    });
    if !email.is_empty() && taken {
        form.error("email", EMAIL_TAKEN);
    }
}

// ---------------------------------------------------------------------------------------------
// Domains

pub(crate) static DOMAIN: Entity = Entity {
    kind: "domain",
    plural: "domains",
    label: "Domain",
    first_id: 8000,
    collection: "/v1/domains",
    item: "/v1/domains/{domainId}",
    parent: None,
    fields: &[
        // Seed: silent on letter case. DNS names are case-insensitive and registries hold them in
        // lower case: `Acme-Example` is answered `acme-example`, found in any case (`check`, the
        // list's `filter`) and unique whatever its case (`domain_rules`).
        Field::new("name", Type::Text).render(Render::Derived(|r| json!(text(r, "name").to_lowercase()))),
        Field::new("nameserver1", Type::Text),
        Field::new("nameserver2", Type::Text),
        Field::new("nameserver3", Type::Text),
        Field::new("nameserver4", Type::Text),
        Field::new("nameserverIp1", Type::Text),
        Field::new("nameserverIp2", Type::Text),
        Field::new("nameserverIp3", Type::Text),
        Field::new("nameserverIp4", Type::Text),
        Field::new("nameserverIpv61", Type::Text),
        Field::new("nameserverIpv62", Type::Text),
        Field::new("nameserverIpv63", Type::Text),
        Field::new("nameserverIpv64", Type::Text),
        // Seed L18062: "(default: 1200)".
        Field::new("ttl", Type::Int { min: 0 }).default(Dflt::Int(1200)),
        Field::new(
            "action",
            Type::Enum(&["none", "create", "transfer", "transferFromQuarantine"]),
        ),
        Field::new("eppCode", Type::Text),
        Field::new("handleDns", Type::Bool).default(Dflt::Bool(true)),
        // Seed: the answer calls the form's `handleDns` `dnsIsHandled` (L18156).
        Field::new("dnsIsHandled", Type::Bool).render(Render::Derived(|r| {
            r.get("handleDns").cloned().unwrap_or(Value::Bool(true))
        })),
        Field::new("domaintype", Type::Int { min: 1 }).render(Render::Derived(|r| {
            domain_type(r.get("domaintype").and_then(Value::as_i64)).map_or(Value::Null, domain_type_json)
        })),
        Field::new("domaincontactLicensee", Type::Ref("domaincontact"))
            .render(Render::Lookup(|ctx, data, d| {
                contact_in_domain(ctx, data, d, "domaincontactLicensee")
            }))
            .holds(contact_held),
        Field::new("domaincontactOnsite", Type::Ref("domaincontact"))
            .render(Render::Lookup(|ctx, data, d| {
                contact_in_domain(ctx, data, d, "domaincontactOnsite")
            }))
            .holds(contact_held),
        Field::new("organisation", Type::Ref("organisation")).render(Render::RefFields(&["id", "name"])),
        Field::new("autorecordTemplate", Type::Text),
        Field::new("autorecordTemplateReplace", Type::Bool),
        Field::new("autoTeams", Type::Csv),
        Field::new("externalInfo", Type::Text),
        Field::new("period", Type::Int { min: 1 }),
        Field::new("fullname", Type::Text).render(Render::Derived(|r| json!(fullname(r)))),
        // `teams` is rendered from the team links (`team_links`); their count beside it.
        Field::new("countTeams", Type::INT).render(Render::Derived(|r| {
            json!(r
                .get(crate::team_links::LINKS)
                .and_then(Value::as_array)
                .map_or(0, Vec::len))
        })),
        Field::new("provider", Type::Text).render(Render::Derived(|r| {
            let t = domain_type(r.get("domaintype").and_then(Value::as_i64));
            let p = t.and_then(|t| PROVIDERS.iter().find(|p| p.0 == t.provider));
            p.map_or(Value::Null, |p| json!(p.1))
        })),
    ],
    computed: &[
        ("dnssecStatus", || json!("does_not_need_signing")),
        ("registrationIsHandled", || json!(true)),
        ("dtRegister", || Value::Null),
        ("mailgroup", || Value::Null),
        ("extraFields", || Value::Null),
        ("handleMailDns", || json!(false)),
        ("enableMailDkim", || json!(false)),
        ("mailPrimary", || Value::Null),
        ("transferredAway", || json!(false)),
        ("dtExpires", || Value::Null),
        ("billingStatus", || json!("billable")),
        ("linkedToUrl", || json!(false)),
        ("dtExternalExpires", || Value::Null),
    ],
    create: DOMAIN_CREATE,
    update: DOMAIN_UPDATE,
    aliases: &[],
    // Seed L18441: PATCH's examples send one field (`{"ttl": 400}`) although the table marks the
    // licensee and organisation required; the examples win: PATCH is partial. Its body is
    // smaller than PUT's (no name, action, domaintype, autoTeams, externalInfo).
    verbs: Verbs {
        put: true,
        patch: Patch::PartialOf(DOMAIN_PATCH),
        delete: true,
    },
    shapes: Shapes {
        created: DOMAIN_ITEM,
        item: DOMAIN_ITEM,
        list: DOMAIN_LIST,
    },
    sortable: &["id", "name", "fullname"],
    // Seed: `transfer_failed` is a registration status of its own (level27-api-B.md §2); a
    // transfer that fails ends in it rather than in `creating_failed`.
    lifecycle: Some(crate::entity::Lifecycle {
        keep_deleted: false,
        create_failure: Some(crate::entity::CreateFailure {
            status: "transfer_failed",
            field: "action",
            value: "transfer",
        }),
    }),
    validate: Some(domain_rules),
    present: None,
    bare: false,
    foreign: None,
};

/// The contact fields inside a domain, in order (seed L18183–L18213, alike in the create, list
/// and item answers): the contact's own answer without `organisation`, with `status` after
/// `taxNumber`.
const CONTACT_IN_DOMAIN: &[&str] = &[
    "id",
    "firstName",
    "lastName",
    "organisationName",
    "street",
    "houseNumber",
    "zip",
    "city",
    "state",
    "phone",
    "fax",
    "email",
    "taxNumber",
    "status",
    "passportNumber",
    "socialNumber",
    "birthStreet",
    "birthZip",
    "birthCity",
    "birthDate",
    "gender",
    "type",
    "country",
    "fullname",
];

/// Seed: DELETE of a contact documents a 400 (L23637) but no message; a domain needs its
/// licensee (L18088), so the API most plausibly refuses deleting a contact a domain names.
fn contact_held(domain: &Record) -> String {
    format!(
        "This domaincontact is used by the domain {} and cannot be deleted.",
        fullname(domain)
    )
}

/// The domain's name with its extension (`acme.be`), in lower case as the name is answered.
fn fullname(domain: &Record) -> String {
    let ext = domain_type(domain.get("domaintype").and_then(Value::as_i64)).map_or("", |t| t.extension);
    format!("{}.{ext}", text(domain, "name").to_lowercase())
}

/// The contact the domain's `field` names, as a domain shows it (its country as `{id, name}`).
/// Seed: a contact's `status` is shown only inside a domain, always `10`, and never explained;
/// the sandbox answers that value.
fn contact_in_domain(ctx: &crate::core::Ctx, data: &Data, domain: &Record, field: &str) -> Value {
    let Some(contact) = domain
        .get(field)
        .and_then(Value::as_u64)
        .and_then(|id| ctx.find(data, &CONTACT, id))
    else {
        return Value::Null;
    };
    let own = crate::core::render(ctx, data, &CONTACT, contact, CONTACT_SHAPE);
    let shown: serde_json::Map<String, Value> = CONTACT_IN_DOMAIN
        .iter()
        .map(|&name| {
            let value = match name {
                "status" => json!(10),
                _ => own.get(name).cloned().unwrap_or(Value::Null),
            };
            (name.to_string(), value)
        })
        .collect();
    Value::Object(shown)
}

/// Seed L18040–L18101, in order (admin-only fields left out: the sandbox does not serve them).
const DOMAIN_CREATE: &[Slot] = &[
    req("name"),
    opt("nameserver1"),
    opt("nameserver2"),
    opt("nameserver3"),
    opt("nameserver4"),
    opt("nameserverIp1"),
    opt("nameserverIp2"),
    opt("nameserverIp3"),
    opt("nameserverIp4"),
    opt("nameserverIpv61"),
    opt("nameserverIpv62"),
    opt("nameserverIpv63"),
    opt("nameserverIpv64"),
    opt("ttl"),
    req("action"),
    opt("eppCode"),
    opt("handleDns"),
    req("domaintype"),
    req("domaincontactLicensee"),
    opt("domaincontactOnsite"),
    req("organisation"),
    opt("autorecordTemplate"),
    opt("autorecordTemplateReplace"),
    opt("autoTeams"),
    opt("externalInfo"),
    opt("period"),
];

/// Seed L18346–L18399 (PUT): the create body without name server 4 (seed: settable only at
/// create) and `period`; admin-only fields left out as on create. `domaintype` is
/// "(non-editable)". Seed: `name` is not marked so, but a registered name cannot change (the API
/// has no rename; a new name is a new registration), so it is non-editable too. `autoTeams` is
/// kept as sent without linking teams, as on the other entities' updates (teams change through
/// the team-entity endpoints, L4587).
const DOMAIN_UPDATE: &[Slot] = &[
    fixed("name"),
    opt("nameserver1"),
    opt("nameserver2"),
    opt("nameserver3"),
    opt("nameserverIp1"),
    opt("nameserverIp2"),
    opt("nameserverIp3"),
    opt("nameserverIpv61"),
    opt("nameserverIpv62"),
    opt("nameserverIpv63"),
    opt("ttl"),
    req("action"),
    opt("eppCode"),
    opt("handleDns"),
    fixed("domaintype"),
    req("domaincontactLicensee"),
    opt("domaincontactOnsite"),
    req("organisation"),
    opt("autorecordTemplate"),
    opt("autorecordTemplateReplace"),
    opt("autoTeams"),
    opt("externalInfo"),
];

/// Seed L18449–L18484 (PATCH): no name, action, domaintype, name server 4, `autoTeams` or
/// `externalInfo`.
const DOMAIN_PATCH: &[Slot] = &[
    opt("nameserver1"),
    opt("nameserver2"),
    opt("nameserver3"),
    opt("nameserverIp1"),
    opt("nameserverIp2"),
    opt("nameserverIp3"),
    opt("nameserverIpv61"),
    opt("nameserverIpv62"),
    opt("nameserverIpv63"),
    opt("ttl"),
    opt("eppCode"),
    opt("handleDns"),
    req("domaincontactLicensee"),
    opt("domaincontactOnsite"),
    req("organisation"),
    opt("autorecordTemplate"),
    opt("autorecordTemplateReplace"),
];

/// Seed L18141–L18228: the create answer and the item, in order.
const DOMAIN_ITEM: &[&str] = &[
    "id",
    "name",
    "fullname",
    "ttl",
    "eppCode",
    "status",
    "dnssecStatus",
    "registrationIsHandled",
    "provider",
    "dnsIsHandled",
    "dtRegister",
    "nameserver1",
    "nameserver2",
    "nameserver3",
    "nameserver4",
    "nameserverIp1",
    "nameserverIp2",
    "nameserverIp3",
    "nameserverIp4",
    "nameserverIpv61",
    "nameserverIpv62",
    "nameserverIpv63",
    "nameserverIpv64",
    "organisation",
    "domaintype",
    "domaincontactLicensee",
    "domaincontactOnsite",
    "mailgroup",
    "extraFields",
    "handleMailDns",
    "enableMailDkim",
    "mailPrimary",
    "transferredAway",
    "dtExpires",
    "billingStatus",
    "externalInfo",
    "teams",
    "countTeams",
    "statusCategory",
];

/// Seed L18248: list items stop after `domaincontactOnsite` and add `linkedToUrl`,
/// `dtExternalExpires` and `billingStatus`.
const DOMAIN_LIST: &[&str] = &[
    "id",
    "name",
    "fullname",
    "ttl",
    "eppCode",
    "status",
    "dnssecStatus",
    "registrationIsHandled",
    "provider",
    "dnsIsHandled",
    "dtRegister",
    "nameserver1",
    "nameserver2",
    "nameserver3",
    "nameserver4",
    "nameserverIp1",
    "nameserverIp2",
    "nameserverIp3",
    "nameserverIp4",
    "nameserverIpv61",
    "nameserverIpv62",
    "nameserverIpv63",
    "nameserverIpv64",
    "organisation",
    "domaintype",
    "domaincontactLicensee",
    "domaincontactOnsite",
    "linkedToUrl",
    "dtExternalExpires",
    "billingStatus",
    "statusCategory",
];

/// The rules across fields the seed states in words: the name is one label (L18045 example
/// `testdomain123`), the type known, `eppCode` "required when action = transfer", a name server
/// "when dns is not handled by us", contacts of the right type, one domain per name and type.
fn domain_rules(form: &mut Form, domain: &Record, state: &Data) {
    let name = text(domain, "name");
    let label_ok = |s: &str| {
        !s.is_empty()
            && s.len() <= 63
            && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !s.starts_with('-')
            && !s.ends_with('-')
    };
    if !name.is_empty() && !label_ok(name) {
        form.error(
            "name",
            "This value is not a valid domain name (one label, without the extension).",
        );
    }
    let type_id = domain.get("domaintype").and_then(Value::as_i64);
    if type_id.is_some() && domain_type(type_id).is_none() {
        form.error("domaintype", crate::error::INVALID);
    }
    if text(domain, "action") == "transfer" && text(domain, "eppCode").is_empty() {
        form.error("eppCode", crate::error::BLANK);
    }
    if domain.get("handleDns") == Some(&Value::Bool(false)) && text(domain, "nameserver1").is_empty() {
        form.error(
            "nameserver1",
            "At least one of the name servers has to be filled in when DNS is not handled by us.",
        );
    }
    for (field, wanted) in [("domaincontactLicensee", "licensee"), ("domaincontactOnsite", "onsite")] {
        let contact = domain
            .get(field)
            .and_then(Value::as_u64)
            .and_then(|id| state.get(&CONTACT, id));
        if contact.is_some_and(|c| text(c, "type") != wanted) {
            form.error(
                field,
                &format!("This value should be a domaincontact of type {wanted}."),
            );
        }
    }
    let taken = state.all(&DOMAIN).any(|(id, other)| {
        domain.get("id").and_then(Value::as_u64) != Some(*id)
            && other.get("domaintype") == domain.get("domaintype")
            && text(other, "name").eq_ignore_ascii_case(name)
    });
    if !name.is_empty() && taken {
        form.error("name", "This domain already exists.");
    }
}

// ---------------------------------------------------------------------------------------------
// Records

/// Seed L19781: the message for a record the platform manages.
pub(crate) const RECORD_LINKED: &str =
    "This record can't be deleted because it is linked to a url, a mailgroup or an appcomponentHasDomain";

pub(crate) static RECORD: Entity = Entity {
    kind: "record",
    plural: "records",
    label: "Record",
    first_id: 900_000,
    collection: "/v1/domains/{domainId}/records",
    item: "/v1/domains/{domainId}/records/{recordId}",
    parent: Some(Parent {
        kind: "domain",
        field: "domain",
        on_delete: OnParentDelete::Cascade,
    }),
    fields: &[
        Field::new(
            "type",
            Type::Enum(&["A", "AAAA", "CNAME", "NS", "MX", "SRV", "TXT", "URLFW1", "URLFW2"]),
        ),
        Field::new("name", Type::Text).render(Render::Derived(|r| match r.get("name") {
            Some(Value::String(n)) => json!(n.to_lowercase()),
            _ => Value::Null,
        })),
        Field::new("content", Type::Text).render(Render::Derived(record_content)),
        // Seed: typed string, the examples send and answer integers.
        Field::new("priority", Type::INT),
        Field::new("systemHasNetworkIp", Type::Int { min: 1 })
            .render(Render::Wrap("id"))
            .refuses_delete(RECORD_LINKED),
        Field::new("url", Type::Int { min: 1 })
            .render(Render::Wrap("id"))
            .refuses_delete(RECORD_LINKED),
    ],
    computed: &[
        ("realCertificateExpiryDate", || Value::Null),
        ("sslCertificate", || Value::Null),
        ("mailgroup", || Value::Null),
        ("appcomponentHasDomain", || Value::Null),
    ],
    create: RECORD_FORM,
    // Seed L19443: PUT takes the create body.
    update: RECORD_FORM,
    aliases: &[],
    verbs: Verbs::PUT,
    shapes: Shapes {
        created: RECORD_SHAPE,
        item: RECORD_SHAPE,
        list: RECORD_SHAPE,
    },
    sortable: &["id", "name", "type", "content"],
    lifecycle: None,
    validate: Some(record_rules),
    present: None,
    bare: false,
    foreign: None,
};

/// Seed L19266–L19285.
const RECORD_FORM: &[Slot] = &[
    req("type"),
    opt("name"),
    req("content"),
    opt("priority"),
    opt("systemHasNetworkIp"),
    opt("url"),
];

/// Seed L19324.
const RECORD_SHAPE: &[&str] = &[
    "id",
    "name",
    "content",
    "priority",
    "realCertificateExpiryDate",
    "type",
    "systemHasNetworkIp",
    "url",
    "sslCertificate",
    "mailgroup",
    "appcomponentHasDomain",
];

/// Seed L19804: the validation texts the multi-record check shows.
const NOT_HOSTNAME: &str = "This value is not a valid hostname";
const NOT_IP: &str = "Please enter a valid IP address";
const NAME_CLASH: &str = "CNAME/NS record with the same name as an existing record is not allowed ## ADD_CODE";

/// A URL-forwarding record's content: an http or https URL without spaces.
/// Seed: silent on letter case; the API's URL check (Symfony's) reads the scheme case-insensitively.
fn forward_url_ok(content: &str) -> bool {
    let scheme = content.split_once("://").map(|(s, _)| s);
    scheme.is_some_and(|s| s.eq_ignore_ascii_case("http") || s.eq_ignore_ascii_case("https"))
        && !content.contains(char::is_whitespace)
}

/// The record rules the seed writes in words (L19268–L19283): content per type, underscores in
/// names only for CNAME, NS, SRV and TXT, no spaces, MX priority above zero.
fn record_rules(form: &mut Form, record: &Record, state: &Data) {
    let kind = text(record, "type");
    let content = text(record, "content");
    let name = text(record, "name");
    let is_ip = content.parse::<std::net::IpAddr>().is_ok();
    // Seed: the apex is written as no name (`"name": null`, L19291, L20906), never "@", and a
    // name is relative to the domain: "@" and a trailing dot (zone-file spellings) would make no
    // valid host name once the domain is appended, so the API most plausibly refuses them.
    if name.contains(char::is_whitespace)
        || name == "@"
        || name.ends_with('.')
        || (name.contains('_') && !matches!(kind, "CNAME" | "NS" | "SRV" | "TXT"))
    {
        form.error("name", NOT_HOSTNAME);
    }
    let bad = match kind {
        "A" => content.parse::<std::net::Ipv4Addr>().is_err().then_some(NOT_IP),
        "AAAA" => content.parse::<Ipv6Addr>().is_err().then_some(NOT_IP),
        "CNAME" | "NS" | "MX" => (is_ip || content.contains(char::is_whitespace)).then_some(NOT_HOSTNAME),
        "URLFW1" | "URLFW2" => (!forward_url_ok(content)).then_some("This value is not a valid URL."),
        "SRV" => srv_fields(content).is_none().then_some(crate::error::INVALID),
        _ => None,
    };
    if let (Some(message), false) = (bad, content.is_empty()) {
        form.error("content", message);
    }
    if kind == "MX" && record.get("priority").and_then(Value::as_i64).is_none_or(|p| p <= 0) {
        form.error("priority", "This value should be greater than 0.");
    }
    if clashes(record, state) {
        form.error("name", NAME_CLASH);
    }
}

/// Whether `record` shares its name with a record of its domain that DNS forbids beside it.
/// Seed L19804 names the rule, "CNAME/NS record with the same name as an existing record is not
/// allowed", and no more. The choice, as DNS has it (RFC 1034 §3.6.2, RFC 1034 §4.2.1): a CNAME
/// stands alone at its name, and an NS below the apex delegates its name, so NS records share a
/// name only with each other (several NS for one delegation are the norm); a record of another
/// type at a CNAME's or a delegation's name is refused the same way, since the API cannot hold
/// the pair either way round. At the apex, NS records sit beside anything but a CNAME. Names are
/// compared without letter case; no name and "" are both the apex.
/// Seed: the record list never shows a zone's SOA and NS records, but a served zone has them
/// at its apex, so a CNAME there is refused even when the list shows nothing else.
fn clashes(record: &Record, state: &Data) -> bool {
    let name = |r: &Record| text(r, "name").to_lowercase();
    let (kind, own) = (text(record, "type"), name(record));
    if kind == "CNAME" && own.is_empty() {
        return true;
    }
    let domain = record.get("domain").and_then(Value::as_u64);
    let id = record.get("id").and_then(Value::as_u64);
    state.all(&RECORD).any(|(other_id, other)| {
        let other_kind = text(other, "type");
        Some(*other_id) != id
            && other.get("domain").and_then(Value::as_u64) == domain
            && name(other) == own
            && match (kind, other_kind) {
                ("CNAME", _) | (_, "CNAME") => true,
                ("NS", "NS") => false,
                ("NS", _) | (_, "NS") => !own.is_empty(),
                _ => false,
            }
    })
}

/// Seed: the seed never says where the records `handleDns` makes point; the sandbox points them
/// at one documentation address (RFC 5737) standing for the shared hosting's web front.
pub(crate) const SHARED_HOSTING_IPV4: &str = "192.0.2.80";

/// Seed L8924: a url's `handleDns` answers "Should domain records be created?", and no more. The
/// sandbox's choice: when the url's host lies in a domain whose DNS the API serves (the longest
/// such domain), one A record for the host, linked to the url (`url`, so its DELETE is refused,
/// L19781), pointing at [`SHARED_HOSTING_IPV4`]. A name the domain's own records hold in a way
/// DNS forbids beside an A record (a CNAME, a delegation) gets none: the customer's record
/// stays. The record follows the url: made when the url is created or takes `handleDns`, moved
/// when its host changes, removed with the url or when `handleDns` is turned off. A domain added
/// after the url gets nothing (the API acts on the url's create or update only).
pub(crate) fn sync_url_records(ctx: &crate::core::Ctx, data: &mut Data, url_id: u64) {
    let wanted = ctx
        .find(data, &crate::apps::URL, url_id)
        .filter(|u| u.get("handleDns") == Some(&Value::Bool(true)))
        .and_then(|u| url_home(ctx, data, text(u, "content")));
    let linked: Vec<u64> = data
        .all(&RECORD)
        .filter(|(_, r)| r.get("url").and_then(Value::as_u64) == Some(url_id))
        .map(|(id, _)| *id)
        .collect();
    if let (Some((domain, name)), [only]) = (&wanted, linked.as_slice()) {
        let kept = data.get(&RECORD, *only).is_some_and(|r| {
            r.get("domain").and_then(Value::as_u64) == Some(*domain)
                && r.get("name").and_then(Value::as_str) == name.as_deref()
        });
        if kept {
            return;
        }
    }
    for id in linked {
        data.collection(&RECORD).remove(&id);
    }
    let Some((domain, name)) = wanted else { return };
    let mut record = RECORD.defaults();
    record.insert("type".into(), json!("A"));
    record.insert("name".into(), name.map_or(Value::Null, Value::String));
    record.insert("content".into(), json!(SHARED_HOSTING_IPV4));
    record.insert("url".into(), json!(url_id));
    record.insert("domain".into(), json!(domain));
    if clashes(&record, data) {
        return;
    }
    let id = data.next_id(&RECORD);
    record.insert("id".into(), json!(id));
    data.collection(&RECORD).insert(id, record);
}

/// The domain serving `host`'s DNS and the host's name inside it (`None` for the apex): the
/// longest domain whose full name ends the host, letter case and a trailing dot aside.
fn url_home(ctx: &crate::core::Ctx, data: &Data, host: &str) -> Option<(u64, Option<String>)> {
    let host = host.trim_end_matches('.').to_lowercase();
    data.all(&DOMAIN)
        .filter(|(id, d)| ctx.exists(data, &DOMAIN, **id) && d.get("handleDns") != Some(&Value::Bool(false)))
        .filter_map(|(id, d)| {
            let full = fullname(d).to_lowercase();
            let name = if host == full {
                None
            } else {
                Some(host.strip_suffix(&full)?.strip_suffix('.')?.to_string())
            };
            Some((full.len(), *id, name))
        })
        .max_by_key(|(len, _, _)| *len)
        .map(|(_, id, name)| (id, name))
}

/// TXT content as a zone file writes it (RFC 1035 §5.1): character strings in quotes, `"` and `\`
/// inside them escaped, each of at most 255 bytes (a DNS character string's limit).
/// Seed: the list answers at L19424 and L20952 show TXT content as it was sent, unquoted; the
/// sandbox answers the zone spelling instead, the other one a provider may meet, but always a
/// spelling of the same text: content already in zone syntax keeps its strings (a string over 255
/// bytes is cut), and other content is text, escaped, never wrapped as is (`"say "hi""` would be
/// the text `say hi`).
fn txt_strings(content: &str) -> String {
    let texts = zone_strings(content).unwrap_or_else(|| vec![content.to_string()]);
    let mut strings = Vec::new();
    for text in &texts {
        let mut rest = text.as_str();
        loop {
            let mut cut = rest.len().min(255);
            while !rest.is_char_boundary(cut) {
                cut -= 1;
            }
            strings.push(&rest[..cut]);
            rest = &rest[cut..];
            if rest.is_empty() {
                break;
            }
        }
    }
    let escape = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
    strings
        .iter()
        .map(|s| format!("\"{}\"", escape(s)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The texts of content in zone syntax (`"abc" "d\"ef"`: quoted strings, `\x` standing for `x`,
/// separated by blanks); `None` for content that is anything else.
fn zone_strings(content: &str) -> Option<Vec<String>> {
    let mut chars = content.trim().chars().peekable();
    let mut texts = Vec::new();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        match chars.next() {
            None if !texts.is_empty() => return Some(texts),
            Some('"') => {}
            _ => return None,
        }
        let mut text = String::new();
        loop {
            match chars.next()? {
                '"' => break,
                '\\' => text.push(chars.next()?),
                c => text.push(c),
            }
        }
        // Strings are separated by blanks: `"a"b` is not zone syntax.
        if chars.peek().is_some_and(|c| !c.is_whitespace()) {
            return None;
        }
        texts.push(text);
    }
}

/// An SRV record's priority, weight, port and target. Seed: no SRV rule is documented; the one
/// SRV record it shows (L20965) holds the zone file's four fields, `0 5 443 autodiscover.cp4dev.be.`
/// (with `priority` null), so content of another shape is "not valid".
fn srv_fields(content: &str) -> Option<([u16; 3], &str)> {
    let mut parts = content.split_whitespace();
    let mut number = || parts.next().and_then(|p| p.parse::<u16>().ok());
    let numbers = [number()?, number()?, number()?];
    match (parts.next(), parts.next()) {
        (Some(target), None) => Some((numbers, target)),
        _ => None,
    }
}

/// A host name as a zone file writes it: lower case, with the trailing dot.
fn zone_hostname(name: &str) -> String {
    let lower = name.to_lowercase();
    if lower.ends_with('.') {
        lower
    } else {
        format!("{lower}.")
    }
}

/// The content as the API answers it. Seed: the spelling it stores is not documented; the
/// sandbox answers as a DNS server writes a zone, which is what a provider must see through:
/// host names (an SRV record's target too) in lower case with a trailing dot, IPv6 addresses in
/// full (as the seed's own `nameserverIpv61` example, `2001:0db8:0000:0000:0000:ff00:0042:8329`),
/// TXT quoted (in strings of at most 255 bytes).
fn record_content(r: &Record) -> Value {
    let content = text(r, "content");
    let spelled = match text(r, "type") {
        "AAAA" => match content.parse::<Ipv6Addr>() {
            Ok(ip) => ip
                .segments()
                .iter()
                .map(|s| format!("{s:04x}"))
                .collect::<Vec<_>>()
                .join(":"),
            Err(_) => content.to_string(),
        },
        "CNAME" | "NS" | "MX" => zone_hostname(content),
        "SRV" => match srv_fields(content) {
            Some(([priority, weight, port], target)) => {
                format!("{priority} {weight} {port} {}", zone_hostname(target))
            }
            None => content.to_string(),
        },
        "TXT" => txt_strings(content),
        _ => content.to_string(),
    };
    json!(spelled)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Map;

    fn record(kind: &str, content: &str) -> Record {
        let mut r = Map::new();
        r.insert("type".into(), json!(kind));
        r.insert("content".into(), json!(content));
        r.into_iter().collect()
    }

    #[test]
    fn a_domain_type_supports_dnssec_as_its_provider_does() {
        let of = |ext: &str| {
            let t = DOMAIN_TYPES.iter().find(|t| t.extension == ext).expect("known type");
            domain_type_json(t)["dnssecSupported"].clone()
        };
        assert_eq!(of("be"), json!(true), "DNS Belgium");
        assert_eq!(of("com"), json!(false), "Key Systems (seed L21749)");
        assert_eq!(of("nl"), json!(false), "the seed's nl domain answer (L18181)");
    }

    #[test]
    fn records_answer_in_the_zone_spelling() {
        assert_eq!(
            record_content(&record("AAAA", "2001:DB8::1")),
            json!("2001:0db8:0000:0000:0000:0000:0000:0001")
        );
        assert_eq!(
            record_content(&record("CNAME", "WWW.Example.com")),
            json!("www.example.com.")
        );
        assert_eq!(record_content(&record("TXT", "v=spf1 -all")), json!("\"v=spf1 -all\""));
        assert_eq!(record_content(&record("TXT", "\"quoted\"")), json!("\"quoted\""));
        let long = "k".repeat(300);
        assert_eq!(
            record_content(&record("TXT", &long)),
            json!(format!("\"{}\" \"{}\"", "k".repeat(255), "k".repeat(45)))
        );
        let wide = "é".repeat(200); // 400 bytes: cut at a character boundary
        assert_eq!(
            record_content(&record("TXT", &wide)),
            json!(format!("\"{}\" \"{}\"", "é".repeat(127), "é".repeat(73)))
        );
        assert_eq!(record_content(&record("A", "192.0.2.1")), json!("192.0.2.1"));
        assert_eq!(
            record_content(&record("SRV", "10  60 5060 SIP.Acme.example")),
            json!("10 60 5060 sip.acme.example.")
        );
        assert_eq!(record_content(&record("SRV", "0 0 0 .")), json!("0 0 0 ."));
    }

    #[test]
    fn txt_text_is_answered_in_zone_syntax_with_its_quotes_escaped() {
        let answered = |content: &str| record_content(&record("TXT", content));
        assert_eq!(answered(r#"say "hi" there"#), json!(r#""say \"hi\" there""#));
        assert_eq!(answered(r"C:\dir"), json!(r#""C:\\dir""#), "a backslash is escaped too");
        assert_eq!(answered(r#""abc"#), json!(r#""\"abc""#), "a lone quote is text");
        assert_eq!(answered(r#""a" x"#), json!(r#""\"a\" x""#), "text after the quotes");
        // Content already in zone syntax is kept, chunk by chunk.
        assert_eq!(answered(r#""part one" "part two""#), json!(r#""part one" "part two""#));
        assert_eq!(answered(r#""say \"hi\"""#), json!(r#""say \"hi\"""#));
        assert_eq!(answered(r#""""#), json!(r#""""#));
        // One quoted string over 255 bytes is cut as plain text is.
        let long = "k".repeat(300);
        assert_eq!(
            answered(&format!("\"{long}\"")),
            json!(format!("\"{}\" \"{}\"", "k".repeat(255), "k".repeat(45)))
        );
        // Cut on the text, then escaped: a quote at the cut stays whole.
        let quoted = format!("{}\"x", "k".repeat(254));
        assert_eq!(answered(&quoted), json!(format!("\"{}\\\"\" \"x\"", "k".repeat(254))));
    }

    #[test]
    fn srv_content_is_priority_weight_port_target() {
        let refused = |content: &str| {
            let body = Map::new();
            let mut form = Form::new("record", &["content"], &body);
            record_rules(&mut form, &record("SRV", content), &Data::default());
            form.finish().is_err()
        };
        assert!(!refused("0 5 443 autodiscover.cp4dev.be."), "the seed's own (L20965)");
        assert!(refused("garbage"));
        assert!(refused("5 443 autodiscover.cp4dev.be."));
        assert!(refused("0 5 70000 autodiscover.cp4dev.be."));
    }

    #[test]
    fn the_apex_is_no_name_and_a_name_is_relative() {
        let refused = |name: &str| {
            let mut r = record("A", "192.0.2.1");
            r.insert("name".into(), json!(name));
            let body = Map::new();
            let mut form = Form::new("record", &["name"], &body);
            record_rules(&mut form, &r, &Data::default());
            form.finish().is_err()
        };
        assert!(refused("@"), "the apex is no name");
        assert!(refused("www."), "names are relative");
        assert!(refused("www.acme.be."));
        assert!(!refused("www"));
        assert!(!refused("*.dev"));
        assert!(!refused(""));
    }

    #[test]
    fn a_cname_stands_alone_and_a_delegation_holds_only_ns() {
        let mut data = Data::default();
        for (id, domain, kind, name) in [
            (1, 8000, "A", "www"),
            (2, 8000, "NS", "sub"),
            (3, 8000, "CNAME", "blog"),
            (4, 8000, "NS", ""),
            (5, 8001, "A", "cdn"),
        ] {
            let mut r = record(kind, "x");
            r.insert("id".into(), json!(id));
            r.insert("domain".into(), json!(domain));
            r.insert("name".into(), json!(name));
            data.collection(&RECORD).insert(id, r);
        }
        let refused = |id: Option<u64>, kind: &str, name: &str| {
            let mut r = record(kind, "x");
            r.insert("domain".into(), json!(8000));
            r.insert("name".into(), json!(name));
            if let Some(id) = id {
                r.insert("id".into(), json!(id));
            }
            clashes(&r, &data)
        };
        assert!(refused(None, "CNAME", "www"), "a CNAME beside an A");
        assert!(refused(None, "CNAME", "WWW"), "names compare without case");
        assert!(refused(None, "A", "blog"), "an A beside a CNAME");
        assert!(refused(None, "CNAME", "blog"), "two CNAMEs at one name");
        assert!(refused(None, "NS", "www"), "a delegation beside an A");
        assert!(refused(None, "TXT", "sub"), "a TXT at a delegated name");
        assert!(refused(None, "CNAME", ""), "a CNAME at the apex beside its NS");
        let empty = Data::default();
        let mut apex = record("CNAME", "x");
        apex.insert("domain".into(), json!(8002));
        assert!(clashes(&apex, &empty), "a CNAME at an apex whose list shows nothing");
        assert!(!refused(None, "NS", "sub"), "several NS for one delegation");
        assert!(!refused(None, "A", "www"), "several A records at one name");
        assert!(!refused(None, "A", ""), "the apex holds NS beside other records");
        assert!(!refused(None, "CNAME", "cdn"), "another domain's record");
        assert!(!refused(Some(3), "CNAME", "blog"), "the record itself, updated");
        assert!(refused(Some(1), "CNAME", "blog"), "an update onto a CNAME's name");
    }

    #[test]
    fn a_forwarding_url_scheme_is_read_without_letter_case() {
        assert!(forward_url_ok("https://example.org/x"));
        assert!(forward_url_ok("HTTPS://Example.ORG/Path"));
        assert!(forward_url_ok("Http://example.org"));
        assert!(!forward_url_ok("ftp://example.org"));
        assert!(!forward_url_ok("https://exa mple.org"));
        assert!(!forward_url_ok("http"));
    }

    #[test]
    fn phones_follow_the_api_format() {
        assert!(phone_ok("+32.91234567"));
        assert!(!phone_ok("32.91234567"));
        assert!(!phone_ok("+32 91234567"));
        assert!(!phone_ok("+32.9123x4567"));
    }
}
