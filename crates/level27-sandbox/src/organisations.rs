//! `/v1/organisations[/{organisationId}]` (seed L573–L1245): the declaration `core` serves.
//!
//! Organisations are synchronous: the seed's objects have no `status`, and create answers with
//! the finished object.

use serde_json::{json, Value};

use crate::countries::COUNTRY;
use crate::entity::{opt, req, Dflt, Entity, Field, Named, Patch, Render, Shapes, Type, Verbs};
use crate::error::TAX_NUMBER_TAKEN;
use crate::form::Form;
use crate::store::{now_ms, Record, State};

pub(crate) static ORGANISATION: Entity = Entity {
    kind: "organisation",
    plural: "organisations",
    label: "Organisation",
    first_id: 1000,
    collection: "/v1/organisations",
    item: "/v1/organisations/{organisationId}",
    parent: None,
    fields: FIELDS,
    computed: &[
        ("testAccount", || json!(false)),
        ("peppolInvoicing", || json!(false)),
        ("discount", || json!("0")),
        ("isSoft", || Value::Null),
        ("prePaymentRequired", || Value::Null),
        ("users", || json!([])),
    ],
    create: CREATE,
    update: UPDATE,
    // Seed: the admin PUT/PATCH example (L985) sends `defaultAgreement` while the table names
    // `defaultAgreements`; the singular spelling is accepted as the same field.
    aliases: &[("defaultAgreement", "defaultAgreements")],
    // PATCH. Seed: "Update an organisation's field", yet the body table (L1019–L1022, copied
    // from PUT) marks name and taxNumber required. The sandbox takes both at their word: `name`
    // and `taxNumber` are required as on PUT (so `{}` is a 400), and every other field is
    // partial: only the fields present change, each validated.
    verbs: Verbs {
        put: true,
        patch: Patch::PartialWithRequired,
        delete: true,
    },
    shapes: Shapes {
        created: CREATED_SHAPE,
        item: ITEM_SHAPE,
        list: LIST_SHAPE,
    },
    // Seed: `tag` is listed but organisations carry no tags here; it is accepted and ignored.
    sortable: &[
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
    ],
    lifecycle: None,
    validate: Some(unique_tax_number),
    present: None,
    bare: false,
    foreign: None,
};

/// Every stored field with its type and the default the seed documents ("(default: …)").
/// `commissionFactor` is stored but in no shape of the seed, so never returned.
const FIELDS: &[Field] = &[
    Field::new("name", Type::Text),
    Field::new("taxNumber", Type::Text),
    Field::new("resellerOrganisation", Type::Ref("organisation")).render(Render::RefFields(&[
        "id",
        "name",
        "taxNumber",
    ])),
    Field::new("parentOrganisation", Type::Text).default(Dflt::Str("level27")),
    // Seed: typed "string" (L584, L940), but the create example sends `123` and the GET example
    // (L1165) answers `"externalId": 123`, a number: the API stores an integer. Integers and
    // numeric strings are accepted, anything else is "not valid".
    Field::new("externalId", Type::INT),
    Field::new("street", Type::Text),
    Field::new("houseNumber", Type::Text),
    Field::new("zip", Type::Text),
    Field::new("city", Type::Text),
    Field::new("country", Type::Named(&COUNTRY)),
    Field::new("externalInfoRequired", Type::Choice(&[0, 1, 2])).default(Dflt::Int(0)),
    Field::new("agencyMode", Type::Int { min: 0 }).default(Dflt::Int(0)),
    Field::new("organisationType", Type::Int { min: 1 }).render(Render::Wrap("identifier")),
    Field::new("remarksToPrintInvoice", Type::Text),
    // Seed: no default documented; the list example shows `false`.
    Field::new("required2fa", Type::Bool).default(Dflt::Bool(false)),
    Field::new("resellerKickback", Type::INT),
    Field::new("defaultResellerKickback", Type::INT),
    Field::new("paymentperiod", Type::Choice(&[0, 30, 60, 90])).default(Dflt::Int(30)),
    Field::new("commissionFactor", Type::INT),
    Field::new("documentInterval", Type::Text).default(Dflt::Str("0")),
    Field::new("source1", Type::Text),
    Field::new("source2", Type::Text),
    Field::new("mustPayTax", Type::Bool).default(Dflt::Bool(true)),
    Field::new("pricegroup", Type::Named(&PRICEGROUPS)).default(Dflt::Str("default")),
    Field::new("updateEntitiesOnly", Type::Bool).default(Dflt::Bool(false)),
    // Seed: the PUT table says "(default: true)" but every response example shows `false`; the
    // examples win.
    Field::new("preventDeactivation", Type::Bool).default(Dflt::Bool(false)),
    // Seed: typed "string" but the example sends `true` and responses show a boolean.
    Field::new("pdfInvoice", Type::Bool).default(Dflt::Bool(false)),
    // Seed: "DateTime - timestamp", typed string, example sends an integer; stored as the decimal
    // text the responses show. The server schedules it: null or absent (even on PUT) keeps it.
    Field::new("nextInvoiceRun", Type::Digits)
        .default(Dflt::With(|| json!(first_of_next_month(now_ms() / 1000).to_string())))
        .sticky(),
    // Seed: "array of any", but every example is an object keyed by entity class; stored as
    // given (object, array or null).
    Field::new("defaultAgreements", Type::Json),
    Field::new("bundleProRata", Type::Bool).default(Dflt::Bool(false)),
    Field::new("information", Type::Text),
];

/// Seed L573–L604: exactly the create body's properties. `remarksToPrintInvoice`, `required2fa`
/// and the other update-only fields are not part of the create form, so a create naming them is
/// rejected like any unknown field (see `Form::new`).
const CREATE: &[crate::entity::Slot] = &[
    req("name"),
    req("taxNumber"),
    opt("resellerOrganisation"),
    opt("parentOrganisation"),
    opt("externalId"),
    opt("street"),
    opt("houseNumber"),
    opt("zip"),
    opt("city"),
    opt("country"),
    opt("externalInfoRequired"),
    opt("agencyMode"),
    opt("organisationType"),
];

/// Seed L886 / L1014: the PUT and PATCH body's properties, in seed order. PUT is a full
/// replacement: what the body leaves out goes back to its default (except `nextInvoiceRun`).
const UPDATE: &[crate::entity::Slot] = &[
    req("name"),
    req("taxNumber"),
    opt("resellerOrganisation"),
    opt("street"),
    opt("houseNumber"),
    opt("zip"),
    opt("city"),
    opt("country"),
    opt("resellerKickback"),
    opt("defaultResellerKickback"),
    opt("paymentperiod"),
    opt("commissionFactor"),
    opt("documentInterval"),
    opt("source1"),
    opt("source2"),
    opt("mustPayTax"),
    opt("pricegroup"),
    opt("remarksToPrintInvoice"),
    opt("updateEntitiesOnly"),
    opt("preventDeactivation"),
    opt("parentOrganisation"),
    opt("externalId"),
    opt("pdfInvoice"),
    opt("externalInfoRequired"),
    opt("organisationType"),
    opt("nextInvoiceRun"),
    opt("defaultAgreements"),
    opt("required2fa"),
    opt("agencyMode"),
    opt("bundleProRata"),
    opt("information"),
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
static PRICEGROUPS: Named = Named {
    entries: &[
        ("bronze", "Bronze"),
        ("default", "List prices"),
        ("gold", "Gold"),
        ("silver", "Silver"),
    ],
    label: "description",
};

/// Seed L6214–L6224 (`POST /organisationandinvitation`): a tax number already used by another
/// organisation is refused with a form-level error, the seed's only documented error body. The
/// seed puts it in the global `errors` list (the `taxNumber` child stays `{}`), as a Symfony
/// `UniqueEntity` class constraint does; the sandbox answers exactly that on create, PUT and
/// PATCH. Seed: the comparison is not documented; it ignores ASCII case, as the API's MySQL
/// collation most plausibly does.
fn unique_tax_number(form: &mut Form, org: &Record, state: &State) {
    let Some(tax_number) = org.get("taxNumber").and_then(Value::as_str) else {
        return;
    };
    let taken = state.all(&ORGANISATION).any(|(id, other)| {
        org.get("id").and_then(Value::as_u64) != Some(*id)
            && other
                .get("taxNumber")
                .and_then(Value::as_str)
                .is_some_and(|t| t.eq_ignore_ascii_case(tax_number))
    });
    if taken {
        form.global_error(TAX_NUMBER_TAKEN);
    }
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
