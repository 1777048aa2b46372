//! `/v1/organisations[/{organisationId}]` (seed L573–L1245).
//!
//! Organisations are synchronous: the seed's objects have no `status`, and create answers with
//! the finished object.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::countries;
use crate::error::{ApiError, INVALID, TAX_NUMBER_TAKEN};
use crate::form::{json_object, Form};
use crate::list::ListQuery;
use crate::store::{now_ms, IdKind, State as Data};
use crate::Shared;

const ENTITY: &str = "organisation";

/// Seed L573–L604: exactly the create body's properties. `remarksToPrintInvoice`, `required2fa`
/// and the other update-only fields are not part of the create form, so a create naming them is
/// rejected like any unknown field (see `Form::new`).
const CREATE_FIELDS: &[&str] = &[
    "name",
    "taxNumber",
    "resellerOrganisation",
    "parentOrganisation",
    "externalId",
    "street",
    "houseNumber",
    "zip",
    "city",
    "country",
    "externalInfoRequired",
    "agencyMode",
    "organisationType",
];

/// Seed L886 / L1014: the PUT and PATCH body's properties, in seed order.
const UPDATE_FIELDS: &[&str] = &[
    "name",
    "taxNumber",
    "resellerOrganisation",
    "street",
    "houseNumber",
    "zip",
    "city",
    "country",
    "resellerKickback",
    "defaultResellerKickback",
    "paymentperiod",
    "commissionFactor",
    "documentInterval",
    "source1",
    "source2",
    "mustPayTax",
    "pricegroup",
    "remarksToPrintInvoice",
    "updateEntitiesOnly",
    "preventDeactivation",
    "parentOrganisation",
    "externalId",
    "pdfInvoice",
    "externalInfoRequired",
    "organisationType",
    "nextInvoiceRun",
    "defaultAgreements",
    "required2fa",
    "agencyMode",
    "bundleProRata",
    "information",
];

/// Seed L630–L798: the 201 body's fields. The three examples disagree: "without reseller" and
/// "with reseller" agree with each other, "admin" (L732) adds `testAccount`,
/// `defaultResellerKickback`, `peppolInvoicing` and `information` and lacks `documentInterval`.
/// The sandbox's key acts as an admin (it may set admin-only fields), so the answer is the admin
/// example's field set, plus `documentInterval` where the other two examples have it.
const CREATED_SHAPE: &[&str] = &[
    "id",
    "name",
    "taxNumber",
    "mustPayTax",
    "remarksToPrintInvoice",
    "externalId",
    "updateEntitiesOnly",
    "preventDeactivation",
    "parentOrganisation",
    "externalInfoRequired",
    "nextInvoiceRun",
    "required2fa",
    "agencyMode",
    "bundleProRata",
    "testAccount",
    "street",
    "houseNumber",
    "zip",
    "city",
    "paymentperiod",
    "documentInterval",
    "source1",
    "source2",
    "resellerKickback",
    "defaultResellerKickback",
    "pdfInvoice",
    "peppolInvoicing",
    "discount",
    "isSoft",
    "prePaymentRequired",
    "defaultAgreements",
    "information",
    "country",
    "resellerOrganisation",
    "users",
    "pricegroup",
    "organisationType",
];

/// Seed L1157–L1238: the GET item's fields, in the example's order. No `paymentperiod`,
/// `documentInterval`, `source1`, `source2` or `pricegroup`: the example has none of them.
const ITEM_SHAPE: &[&str] = &[
    "id",
    "name",
    "taxNumber",
    "mustPayTax",
    "remarksToPrintInvoice",
    "externalId",
    "updateEntitiesOnly",
    "preventDeactivation",
    "parentOrganisation",
    "externalInfoRequired",
    "nextInvoiceRun",
    "required2fa",
    "agencyMode",
    "bundleProRata",
    "testAccount",
    "street",
    "houseNumber",
    "zip",
    "city",
    "country",
    "resellerKickback",
    "defaultResellerKickback",
    "pdfInvoice",
    "peppolInvoicing",
    "discount",
    "isSoft",
    "prePaymentRequired",
    "information",
    "resellerOrganisation",
    "users",
    "defaultAgreements",
    "organisationType",
];

/// Seed L816–L880: a list item's fields, in the example's order (`source1`, `source2`,
/// `pricegroup`; no `peppolInvoicing`, `information`, `paymentperiod`, `documentInterval`).
const LIST_SHAPE: &[&str] = &[
    "id",
    "name",
    "taxNumber",
    "mustPayTax",
    "remarksToPrintInvoice",
    "externalId",
    "updateEntitiesOnly",
    "preventDeactivation",
    "parentOrganisation",
    "externalInfoRequired",
    "nextInvoiceRun",
    "required2fa",
    "agencyMode",
    "bundleProRata",
    "testAccount",
    "street",
    "houseNumber",
    "zip",
    "city",
    "country",
    "resellerOrganisation",
    "source1",
    "source2",
    "resellerKickback",
    "defaultResellerKickback",
    "pdfInvoice",
    "discount",
    "isSoft",
    "prePaymentRequired",
    "defaultAgreements",
    "users",
    "pricegroup",
    "organisationType",
];

/// Seed L5089 (`GET /organisations/{id}/pricegroups`): the price groups and, for the
/// organisation's `pricegroup` object, their descriptions. Seed: that list calls `default`
/// "Default" but every organisation example (L676, L872) shows "List prices"; organisations
/// render it as their examples do.
const PRICEGROUPS: &[(&str, &str)] = &[
    ("bronze", "Bronze"),
    ("default", "List prices"),
    ("gold", "Gold"),
    ("silver", "Silver"),
];

/// Which of the seed's organisation shapes an answer uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// The 201 of a create.
    Created,
    /// `GET /organisations/{id}`.
    Item,
    /// An element of `GET /organisations`.
    ListItem,
}

impl Shape {
    fn fields(self) -> &'static [&'static str] {
        match self {
            Shape::Created => CREATED_SHAPE,
            Shape::Item => ITEM_SHAPE,
            Shape::ListItem => LIST_SHAPE,
        }
    }
}

/// Fields `orderBy` accepts on the list.
const SORTABLE: &[&str] = &[
    "id",
    "name",
    "taxNumber",
    "externalId",
    "parentOrganisation",
    "street",
    "houseNumber",
    "zip",
    "city",
    "agencyMode",
];

/// An organisation as stored. Every field is editable through PUT/PATCH except `id`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct Organisation {
    pub(crate) id: u64,
    pub(crate) name: String,
    pub(crate) tax_number: String,
    pub(crate) reseller_organisation: Option<u64>,
    pub(crate) parent_organisation: String,
    /// The decimal text of an integer (see `apply`); kept as text so older data files load.
    pub(crate) external_id: Option<String>,
    pub(crate) street: Option<String>,
    pub(crate) house_number: Option<String>,
    pub(crate) zip: Option<String>,
    pub(crate) city: Option<String>,
    /// ISO-2 code, validated against `countries`.
    pub(crate) country: Option<String>,
    pub(crate) external_info_required: i64,
    pub(crate) agency_mode: i64,
    pub(crate) organisation_type: Option<i64>,
    pub(crate) remarks_to_print_invoice: Option<String>,
    pub(crate) required2fa: bool,
    pub(crate) reseller_kickback: Option<i64>,
    pub(crate) default_reseller_kickback: Option<i64>,
    pub(crate) paymentperiod: i64,
    pub(crate) commission_factor: Option<i64>,
    pub(crate) document_interval: String,
    pub(crate) source1: Option<String>,
    pub(crate) source2: Option<String>,
    pub(crate) must_pay_tax: bool,
    pub(crate) pricegroup: String,
    pub(crate) update_entities_only: bool,
    pub(crate) prevent_deactivation: bool,
    pub(crate) pdf_invoice: bool,
    /// Unix seconds as a string, as the API returns it.
    pub(crate) next_invoice_run: String,
    /// Seed: "array of any", but every example is an object keyed by entity class; stored as
    /// given (object, array or null).
    pub(crate) default_agreements: Value,
    pub(crate) bundle_pro_rata: bool,
    pub(crate) information: Option<String>,
}

impl Default for Organisation {
    /// The defaults the seed documents ("(default: …)") for fields a body leaves out.
    fn default() -> Self {
        Organisation {
            id: 0,
            name: String::new(),
            tax_number: String::new(),
            reseller_organisation: None,
            parent_organisation: "level27".into(),
            external_id: None,
            street: None,
            house_number: None,
            zip: None,
            city: None,
            country: None,
            external_info_required: 0,
            agency_mode: 0,
            organisation_type: None,
            remarks_to_print_invoice: None,
            // Seed: no default documented; the list example shows `false`.
            required2fa: false,
            reseller_kickback: None,
            default_reseller_kickback: None,
            paymentperiod: 30,
            commission_factor: None,
            document_interval: "0".into(),
            source1: None,
            source2: None,
            must_pay_tax: true,
            pricegroup: "default".into(),
            update_entities_only: false,
            // Seed: the PUT table says "(default: true)" but every response example shows
            // `false`; the examples win.
            prevent_deactivation: false,
            pdf_invoice: false,
            next_invoice_run: String::new(),
            default_agreements: Value::Null,
            bundle_pro_rata: false,
            information: None,
        }
    }
}

pub(crate) fn routes() -> Router<Shared> {
    Router::new().route("/v1/organisations", get(list).post(create)).route(
        "/v1/organisations/{organisationId}",
        get(show).put(replace).patch(patch).delete(remove),
    )
}

/// Resolves a path id to an existing organisation id, or the seed's 404.
pub(crate) fn existing(data: &Data, raw_id: &str) -> Result<u64, ApiError> {
    raw_id
        .parse::<u64>()
        .ok()
        .filter(|id| data.organisations.contains_key(id))
        .ok_or_else(|| ApiError::not_found("Organisation"))
}

async fn list(
    State(app): State<Shared>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    // Seed: `tag` is listed but organisations carry no tags here; it is accepted and ignored.
    let query = ListQuery::parse(&params, SORTABLE)?;
    let items = app.store.read(|data| {
        Ok(data
            .organisations
            .values()
            .map(|org| render(org, data, Shape::ListItem))
            .collect())
    })?;
    Ok(Json(json!({ "organisations": query.apply(items) })))
}

async fn show(State(app): State<Shared>, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let body = app.store.read(|data| {
        let id = existing(data, &id)?;
        let org = data
            .organisations
            .get(&id)
            .ok_or_else(|| ApiError::not_found("Organisation"))?;
        Ok(render(org, data, Shape::Item))
    })?;
    Ok(Json(json!({ ENTITY: body })))
}

async fn create(State(app): State<Shared>, body: Bytes) -> Result<(StatusCode, Json<Value>), ApiError> {
    let body = json_object(&body)?;
    let created = app.store.write(|data| {
        let mut org = Organisation {
            next_invoice_run: first_of_next_month(now_ms() / 1000).to_string(),
            ..Organisation::default()
        };
        let mut form = Form::new(ENTITY, CREATE_FIELDS, &body);
        apply(&mut form, &mut org, CREATE_FIELDS, data);
        check_unique_tax_number(&mut form, &org, data);
        form.finish()?;
        // Seed: the id is assigned only once the form is valid, so rejected creates leave no gap.
        org.id = data.next_id(IdKind::Organisation);
        let rendered = render(&org, data, Shape::Created);
        data.organisations.insert(org.id, org);
        Ok(rendered)
    })?;
    Ok((StatusCode::CREATED, Json(json!({ ENTITY: created }))))
}

/// PUT: a full replacement of the editable fields; what the body leaves out goes back to its
/// default (except `nextInvoiceRun`, which the server schedules and so keeps).
async fn replace(State(app): State<Shared>, Path(id): Path<String>, body: Bytes) -> Result<StatusCode, ApiError> {
    update(app, id, body, Mode::Full).await
}

/// PATCH. Seed: "Update an organisation's field", yet the body table (L1019–L1022, copied from
/// PUT) marks name and taxNumber required. The sandbox takes both at their word: `name` and
/// `taxNumber` are required as on PUT (so `{}` is a 400), and every other field is partial: only
/// the fields present change, each validated.
async fn patch(State(app): State<Shared>, Path(id): Path<String>, body: Bytes) -> Result<StatusCode, ApiError> {
    update(app, id, body, Mode::Partial).await
}

async fn update(app: Shared, id: String, body: Bytes, mode: Mode) -> Result<StatusCode, ApiError> {
    let mut body = json_object(&body)?;
    // Seed: the admin PUT/PATCH example (L985) sends `defaultAgreement` while the table names
    // `defaultAgreements`; the singular spelling is accepted as the same field.
    if let Some(value) = body.remove("defaultAgreement") {
        body.entry("defaultAgreements").or_insert(value);
    }
    app.store.write(|data| {
        let id = existing(data, &id)?;
        let current = data
            .organisations
            .get(&id)
            .ok_or_else(|| ApiError::not_found("Organisation"))?;
        let mut org = match mode {
            Mode::Full => Organisation {
                id,
                next_invoice_run: current.next_invoice_run.clone(),
                ..Organisation::default()
            },
            Mode::Partial => current.clone(),
        };
        let mut form = Form::new(ENTITY, UPDATE_FIELDS, &body);
        apply(&mut form, &mut org, UPDATE_FIELDS, data);
        check_unique_tax_number(&mut form, &org, data);
        form.finish()?;
        data.organisations.insert(id, org);
        Ok(())
    })?;
    Ok(StatusCode::NO_CONTENT)
}

/// DELETE: removes the organisation and its teams. Organisations that had it as reseller lose
/// that link (seed: the cascade is not documented; dangling references would 500 a real API).
async fn remove(State(app): State<Shared>, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    app.store.write(|data| {
        let id = existing(data, &id)?;
        data.organisations.remove(&id);
        data.teams.retain(|_, team| team.organisation != id);
        for org in data.organisations.values_mut() {
            if org.reseller_organisation == Some(id) {
                org.reseller_organisation = None;
            }
        }
        Ok(())
    })?;
    Ok(StatusCode::NO_CONTENT)
}

/// What an update starts from. Every verb requires `name` and `taxNumber`; the other fields are
/// read only when present, on top of this base.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// PUT: a replacement; absent fields go back to their defaults.
    Full,
    /// PATCH: absent fields keep their current values.
    Partial,
}

/// Seed L6214–L6224 (`POST /organisationandinvitation`): a tax number already used by another
/// organisation is refused with a form-level error, the seed's only documented error body. The
/// seed puts it in the global `errors` list (the `taxNumber` child stays `{}`), as a Symfony
/// `UniqueEntity` class constraint does; the sandbox answers exactly that on create, PUT and
/// PATCH. Seed: the comparison is not documented; it ignores ASCII case, as the API's MySQL
/// collation most plausibly does.
fn check_unique_tax_number(form: &mut Form, org: &Organisation, data: &Data) {
    if org.tax_number.is_empty() {
        return;
    }
    let taken = data
        .organisations
        .values()
        .any(|other| other.id != org.id && other.tax_number.eq_ignore_ascii_case(&org.tax_number));
    if taken {
        form.global_error(TAX_NUMBER_TAKEN);
    }
}

/// Reads the form's fields into `org`, recording errors in `form`: `name` and `taxNumber`
/// always (they are required), every other field when the body names it.
fn apply(form: &mut Form, org: &mut Organisation, fields: &[&str], data: &Data) {
    let defaults = Organisation::default();
    for &field in fields {
        let required = matches!(field, "name" | "taxNumber");
        if !form.has(field) && !required {
            continue;
        }
        match field {
            "name" => {
                if let Some(v) = form.required_text(field) {
                    org.name = v;
                }
            }
            "taxNumber" => {
                if let Some(v) = form.required_text(field) {
                    org.tax_number = v;
                }
            }
            "resellerOrganisation" => match form.integer(field) {
                Ok(None) => org.reseller_organisation = None,
                Ok(Some(reseller)) => match u64::try_from(reseller) {
                    Ok(r) if r != org.id && data.organisations.contains_key(&r) => {
                        org.reseller_organisation = Some(r);
                    }
                    _ => form.error(field, INVALID),
                },
                Err(()) => {}
            },
            "street" => org.street = form.text(field),
            "houseNumber" => org.house_number = form.text(field),
            "zip" => org.zip = form.text(field),
            "city" => org.city = form.text(field),
            "country" => match form.text(field) {
                None => org.country = None,
                Some(code) if countries::name(&code).is_some() => org.country = Some(code),
                Some(_) => form.error(field, INVALID),
            },
            "externalInfoRequired" => {
                if let Ok(v) = form.choice(field, &[0, 1, 2]) {
                    org.external_info_required = v.unwrap_or(defaults.external_info_required);
                }
            }
            "agencyMode" => match form.integer(field) {
                Ok(v) if v.unwrap_or(0) >= 0 => org.agency_mode = v.unwrap_or(defaults.agency_mode),
                Ok(_) => form.error(field, INVALID),
                Err(()) => {}
            },
            "organisationType" => match form.integer(field) {
                Ok(None) => org.organisation_type = None,
                Ok(Some(t)) if t > 0 => org.organisation_type = Some(t),
                Ok(Some(_)) => form.error(field, INVALID),
                Err(()) => {}
            },
            "remarksToPrintInvoice" => org.remarks_to_print_invoice = form.text(field),
            "required2fa" => {
                if let Ok(v) = form.boolean(field) {
                    org.required2fa = v.unwrap_or(defaults.required2fa);
                }
            }
            "resellerKickback" => {
                if let Ok(v) = form.integer(field) {
                    org.reseller_kickback = v;
                }
            }
            "defaultResellerKickback" => {
                if let Ok(v) = form.integer(field) {
                    org.default_reseller_kickback = v;
                }
            }
            "commissionFactor" => {
                if let Ok(v) = form.integer(field) {
                    org.commission_factor = v;
                }
            }
            "paymentperiod" => {
                if let Ok(v) = form.choice(field, &[0, 30, 60, 90]) {
                    org.paymentperiod = v.unwrap_or(defaults.paymentperiod);
                }
            }
            "documentInterval" => {
                org.document_interval = form.text(field).unwrap_or_else(|| defaults.document_interval.clone());
            }
            "source1" => org.source1 = form.text(field),
            "source2" => org.source2 = form.text(field),
            "mustPayTax" => {
                if let Ok(v) = form.boolean(field) {
                    org.must_pay_tax = v.unwrap_or(defaults.must_pay_tax);
                }
            }
            "pricegroup" => match form.text(field) {
                None => org.pricegroup = defaults.pricegroup.clone(),
                Some(id) if PRICEGROUPS.iter().any(|(known, _)| *known == id) => org.pricegroup = id,
                Some(_) => form.error(field, INVALID),
            },
            "updateEntitiesOnly" => {
                if let Ok(v) = form.boolean(field) {
                    org.update_entities_only = v.unwrap_or(defaults.update_entities_only);
                }
            }
            "preventDeactivation" => {
                if let Ok(v) = form.boolean(field) {
                    org.prevent_deactivation = v.unwrap_or(defaults.prevent_deactivation);
                }
            }
            "parentOrganisation" => {
                org.parent_organisation = form.text(field).unwrap_or_else(|| defaults.parent_organisation.clone());
            }
            // Seed: typed "string" (L584, L940), but the create example sends `123` and the GET
            // example (L1165) answers `"externalId": 123`, a number: the API stores an integer.
            // Integers and numeric strings are accepted, anything else is "not valid".
            "externalId" => {
                if let Ok(v) = form.integer(field) {
                    org.external_id = v.map(|n| n.to_string());
                }
            }
            // Seed: typed "string" but the example sends `true` and responses show a boolean.
            "pdfInvoice" => {
                if let Ok(v) = form.boolean(field) {
                    org.pdf_invoice = v.unwrap_or(defaults.pdf_invoice);
                }
            }
            // Seed: "DateTime - timestamp", typed string, example sends an integer; stored as
            // the decimal text the responses show. Null keeps the scheduled value.
            "nextInvoiceRun" => match form.text(field) {
                None => {}
                Some(ts) if !ts.is_empty() && ts.bytes().all(|b| b.is_ascii_digit()) => {
                    org.next_invoice_run = ts;
                }
                Some(_) => form.error(field, INVALID),
            },
            "defaultAgreements" => match form.raw(field) {
                Some(v @ (Value::Object(_) | Value::Array(_) | Value::Null)) => {
                    org.default_agreements = v.clone();
                }
                _ => form.error(field, INVALID),
            },
            "bundleProRata" => {
                if let Ok(v) = form.boolean(field) {
                    org.bundle_pro_rata = v.unwrap_or(defaults.bundle_pro_rata);
                }
            }
            "information" => org.information = form.text(field),
            _ => {}
        }
    }
}

/// The API's view of an organisation in one of the seed's shapes, with the object's real values.
///
/// Seed: the 201 examples show `taxNumber: null`, `country: null` and the like for a body that
/// sent them: example data from another request, so the sandbox answers with what it stored.
/// Unset texts are `null`; `users` is always empty (no user endpoints yet); `testAccount` and
/// `peppolInvoicing` are false and `discount` is `"0"` (the GET example); `isSoft` and
/// `prePaymentRequired` are null (the GET and create examples). `commissionFactor` is stored but
/// in no shape of the seed, so it is never returned.
pub(crate) fn render(org: &Organisation, data: &Data, shape: Shape) -> Value {
    let out: serde_json::Map<String, Value> = shape
        .fields()
        .iter()
        .filter_map(|&key| field(org, data, key).map(|value| (key.to_string(), value)))
        .collect();
    Value::Object(out)
}

/// The value of one response field, `None` for a name no shape uses.
fn field(org: &Organisation, data: &Data, key: &str) -> Option<Value> {
    Some(match key {
        "id" => json!(org.id),
        "name" => json!(org.name),
        "taxNumber" => json!(org.tax_number),
        "mustPayTax" => json!(org.must_pay_tax),
        "remarksToPrintInvoice" => json!(org.remarks_to_print_invoice),
        // A number, as in the GET example; text from an older data file stays text.
        "externalId" => match org.external_id.as_deref() {
            None => Value::Null,
            Some(text) => text.parse::<i64>().map_or_else(|_| json!(text), |n| json!(n)),
        },
        "updateEntitiesOnly" => json!(org.update_entities_only),
        "preventDeactivation" => json!(org.prevent_deactivation),
        "parentOrganisation" => json!(org.parent_organisation),
        "externalInfoRequired" => json!(org.external_info_required),
        "nextInvoiceRun" => json!(org.next_invoice_run),
        "required2fa" => json!(org.required2fa),
        "agencyMode" => json!(org.agency_mode),
        "bundleProRata" => json!(org.bundle_pro_rata),
        "testAccount" => json!(false),
        "street" => json!(org.street),
        "houseNumber" => json!(org.house_number),
        "zip" => json!(org.zip),
        "city" => json!(org.city),
        "country" => json!(org
            .country
            .as_deref()
            .map(|code| json!({ "id": code, "name": countries::name(code).unwrap_or(code) }))),
        "paymentperiod" => json!(org.paymentperiod),
        "documentInterval" => json!(org.document_interval),
        "source1" => json!(org.source1),
        "source2" => json!(org.source2),
        "resellerKickback" => json!(org.reseller_kickback),
        "defaultResellerKickback" => json!(org.default_reseller_kickback),
        "pdfInvoice" => json!(org.pdf_invoice),
        "peppolInvoicing" => json!(false),
        "discount" => json!("0"),
        "isSoft" | "prePaymentRequired" => Value::Null,
        "defaultAgreements" => org.default_agreements.clone(),
        "information" => json!(org.information),
        "resellerOrganisation" => json!(org
            .reseller_organisation
            .and_then(|id| data.organisations.get(&id))
            .map(|r| json!({ "id": r.id, "name": r.name, "taxNumber": r.tax_number }))),
        "users" => json!([]),
        "pricegroup" => {
            let description = PRICEGROUPS
                .iter()
                .find(|(id, _)| *id == org.pricegroup)
                .map_or(org.pricegroup.as_str(), |(_, description)| description);
            json!({ "id": org.pricegroup, "description": description })
        }
        "organisationType" => json!(org.organisation_type.map(|t| json!({ "identifier": t }))),
        _ => return None,
    })
}

/// Unix seconds of the first day of the month after `now` (00:00 UTC): the seed's
/// `nextInvoiceRun` examples are such month starts.
fn first_of_next_month(now: u64) -> u64 {
    let days = now / 86_400;
    let (year, month) = civil_year_month(days);
    let (year, month) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    days_from_civil(year, month) * 86_400
}

/// Year and month of a day count since 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil_year_month(days: u64) -> (u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month)
}

/// Days since 1970-01-01 of the first day of `month` in `year` (`days_from_civil`, day 1).
fn days_from_civil(year: u64, month: u64) -> u64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y / 400;
    let yoe = y - era * 400;
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    (era * 146_097 + doe).saturating_sub(719_468)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shape_field_has_a_value() {
        let data = Data::default();
        let org = Organisation::default();
        for shape in [Shape::Created, Shape::Item, Shape::ListItem] {
            for key in shape.fields() {
                assert!(
                    field(&org, &data, key).is_some(),
                    "{shape:?} lists {key} but it has no value"
                );
            }
            assert_eq!(
                render(&org, &data, shape).as_object().map(|o| o.len()),
                Some(shape.fields().len())
            );
        }
    }

    #[test]
    fn next_invoice_run_is_next_month_start() {
        // 2023-02-15 12:00 UTC → 2023-03-01 00:00 UTC.
        assert_eq!(first_of_next_month(1_676_462_400), 1_677_628_800);
        // 2024-12-31 → 2025-01-01.
        assert_eq!(first_of_next_month(1_735_603_200), 1_735_689_600);
    }
}
