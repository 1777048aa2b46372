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
use crate::error::{ApiError, INVALID};
use crate::form::{json_object, Form};
use crate::list::ListQuery;
use crate::store::{now_ms, IdKind, State as Data};
use crate::Shared;

const ENTITY: &str = "organisation";

/// Seed L573: the create body's properties, plus `remarksToPrintInvoice` and `required2fa`
/// which the update body has and a create form reasonably takes too.
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
    "remarksToPrintInvoice",
    "required2fa",
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
    let items = app
        .store
        .read(|data| Ok(data.organisations.values().map(|org| render(org, data)).collect()))?;
    Ok(Json(json!({ "organisations": query.apply(items) })))
}

async fn show(State(app): State<Shared>, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let body = app.store.read(|data| {
        let id = existing(data, &id)?;
        Ok(render(&data.organisations[&id], data))
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
        apply(&mut form, &mut org, CREATE_FIELDS, Mode::Full, data);
        form.finish()?;
        // Seed: the id is assigned only once the form is valid, so rejected creates leave no gap.
        org.id = data.next_id(IdKind::Organisation);
        let rendered = render(&org, data);
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

/// PATCH. Seed: "Update an organisation's field", yet the body table (copied from PUT) marks
/// name and taxNumber required. The sandbox applies partial semantics: only the fields present
/// change, each present field is validated (a present `name: ""` is still blank), and an empty
/// body changes nothing.
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
        let current = &data.organisations[&id];
        let mut org = match mode {
            Mode::Full => Organisation {
                id,
                next_invoice_run: current.next_invoice_run.clone(),
                ..Organisation::default()
            },
            Mode::Partial => current.clone(),
        };
        let mut form = Form::new(ENTITY, UPDATE_FIELDS, &body);
        apply(&mut form, &mut org, UPDATE_FIELDS, mode, data);
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// POST and PUT: required fields must be present; absent fields keep the base's value
    /// (the defaults).
    Full,
    /// PATCH: only present fields are read.
    Partial,
}

/// Reads every form field present in the body into `org`, recording errors in `form`.
fn apply(form: &mut Form, org: &mut Organisation, fields: &[&str], mode: Mode, data: &Data) {
    let defaults = Organisation::default();
    for &field in fields {
        let required = matches!(field, "name" | "taxNumber");
        let read = form.has(field) || (required && mode == Mode::Full);
        if !read {
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
            "pricegroup" => {
                org.pricegroup = form.text(field).unwrap_or_else(|| defaults.pricegroup.clone());
            }
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
            "externalId" => org.external_id = form.text(field),
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

/// The API's view of an organisation: the field set of the seed's GET example (L1157).
///
/// Seed: unset street/houseNumber/zip/city are `null`, as in the create examples (L635);
/// `users` is always empty (no user endpoints yet), `testAccount`/`peppolInvoicing` are false,
/// `discount` is `"0"`, `isSoft`/`prePaymentRequired` are null.
pub(crate) fn render(org: &Organisation, data: &Data) -> Value {
    let country = org
        .country
        .as_deref()
        .map(|code| json!({ "id": code, "name": countries::name(code).unwrap_or(code) }));
    let reseller = org
        .reseller_organisation
        .and_then(|id| data.organisations.get(&id))
        .map(|r| json!({ "id": r.id, "name": r.name, "taxNumber": r.tax_number }));
    let organisation_type = org.organisation_type.map(|t| json!({ "identifier": t }));
    let mut out = serde_json::Map::new();
    let mut put = |key: &str, value: Value| {
        out.insert(key.to_string(), value);
    };
    put("id", json!(org.id));
    put("name", json!(org.name));
    put("taxNumber", json!(org.tax_number));
    put("mustPayTax", json!(org.must_pay_tax));
    put("remarksToPrintInvoice", json!(org.remarks_to_print_invoice));
    put("externalId", json!(org.external_id));
    put("updateEntitiesOnly", json!(org.update_entities_only));
    put("preventDeactivation", json!(org.prevent_deactivation));
    put("parentOrganisation", json!(org.parent_organisation));
    put("externalInfoRequired", json!(org.external_info_required));
    put("nextInvoiceRun", json!(org.next_invoice_run));
    put("required2fa", json!(org.required2fa));
    put("agencyMode", json!(org.agency_mode));
    put("bundleProRata", json!(org.bundle_pro_rata));
    put("testAccount", json!(false));
    put("street", json!(org.street));
    put("houseNumber", json!(org.house_number));
    put("zip", json!(org.zip));
    put("city", json!(org.city));
    put("country", json!(country));
    put("resellerKickback", json!(org.reseller_kickback));
    put("defaultResellerKickback", json!(org.default_reseller_kickback));
    put("pdfInvoice", json!(org.pdf_invoice));
    put("peppolInvoicing", json!(false));
    put("discount", json!("0"));
    put("isSoft", Value::Null);
    put("prePaymentRequired", Value::Null);
    put("information", json!(org.information));
    put("resellerOrganisation", json!(reseller));
    put("users", json!([]));
    put("defaultAgreements", org.default_agreements.clone());
    put("organisationType", json!(organisation_type));
    Value::Object(out)
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
    fn next_invoice_run_is_next_month_start() {
        // 2023-02-15 12:00 UTC → 2023-03-01 00:00 UTC.
        assert_eq!(first_of_next_month(1_676_462_400), 1_677_628_800);
        // 2024-12-31 → 2025-01-01.
        assert_eq!(first_of_next_month(1_735_603_200), 1_735_689_600);
    }
}
