//! `level27_organisation`: `/organisations` (seed L573–L1245).
//!
//! Seed: organisations are synchronous (no `status` field). PATCH is documented as "Update an
//! organisation's field" while marking name/taxNumber required (L1009-1020); we PATCH the changed
//! fields plus name and taxNumber always, which satisfies either reading, and the sandbox
//! requires both as the seed says. No field is documented as non-editable, so every attribute
//! updates in place.

use crate::framework::plan_checks::{ExistsCheck, PlanCheck};
use crate::framework::resource::Unique;
use crate::framework::validate::{country_code, max_length, not_blank};
use crate::framework::{Attribute, Endpoint, ResourceSpec, UpdateVerb};

/// What every resource an organisation owns checks at plan: that its `organisation_id` names
/// one. Seed L1157: the item answers 404 for an organisation that does not exist, 403 for one the
/// user may not see (which passes: the apply decides).
pub const EXISTS: ExistsCheck = ExistsCheck {
    attribute: "organisation_id",
    path: "/organisations/{value}",
    noun: "organisation",
    holds: &[],
};

pub fn spec() -> ResourceSpec {
    ResourceSpec {
        type_name: "level27_organisation",
        description: "A Level27 organisation: the customer account that owns teams, apps, domains and servers.",
        version: 0,
        attributes: vec![
            Attribute::id("id")
                .computed()
                .read_from("id")
                .describe("The organisation's id."),
            Attribute::string("name")
                .required()
                .api("name")
                .always_send()
                .validate(not_blank())
                .validate(max_length(255))
                .describe("The organisation's name."),
            Attribute::string("tax_number")
                .required()
                .api("taxNumber")
                .always_send()
                .validate(not_blank())
                .describe("The VAT or tax number, e.g. `BE0123456789`."),
            Attribute::string("street")
                .optional()
                .api("street")
                .describe("Street of the address."),
            Attribute::string("house_number")
                .optional()
                .api("houseNumber")
                .describe("House number."),
            Attribute::string("zip").optional().api("zip").describe("Postal code."),
            Attribute::string("city").optional().api("city").describe("City."),
            Attribute::string("country")
                .optional()
                .send_as("country")
                .read_from("country.id")
                .validate(country_code())
                .describe("Country as an ISO 3166-1 alpha-2 code, e.g. `BE`."),
            Attribute::id("reseller_organisation_id")
                .optional()
                .send_as("resellerOrganisation")
                .read_from("resellerOrganisation")
                .describe("The id of the reseller organisation this organisation is billed through."),
        ],
        endpoint: Endpoint {
            collection: "/organisations",
            item: "/organisations/{id}",
            singular: "organisation",
            plural: "organisations",
            update: UpdateVerb::Patch,
        },
        import_id: &["id"],
        // Seed: tax numbers are unique ("This organisation with the same tax number already
        // exists", L6214), so name + tax number identify a lost create.
        natural_key: &["name", "tax_number"],
        // A reseller that does not exist fails the plan, as any organisation_id does (the API
        // would refuse it at apply only: "This value is not valid.").
        plan_checks: vec![PlanCheck::Exists(ExistsCheck {
            attribute: "reseller_organisation_id",
            ..EXISTS
        })],
        // Seed L6224: the duplicate is a form-wide error, naming no field.
        unique: Some(Unique {
            attribute: "tax_number",
            says: "same tax number already exists",
        }),
        status: None,
        state_upgraders: &[],
        ..ResourceSpec::default()
    }
}

#[cfg(test)]
mod tests {
    use crate::framework::diag::AttrPath;
    use crate::framework::test_support::{obj, s, CtxParts, FakeApi};
    use crate::framework::{Resource, Value};
    use serde_json::json;

    /// Another organisation's tax number, which the API refuses with a form-wide message only, is
    /// said on `tax_number`: on update, with "set another"; on create, also with the organisation
    /// to import when one has the same name and tax number.
    #[tokio::test]
    async fn a_taken_tax_number_is_said_on_the_attribute() {
        let taken = json!({"organisation": {"errors": {
            "errors": ["This organisation with the same tax number already exists in our database."],
            "children": {"name": {}, "taxNumber": {}}}}});
        let api = FakeApi::start(move |req| match req.method.as_str() {
            "GET" => (
                200,
                json!({"organisations": [{"id": 1000, "name": "Acme", "taxNumber": "BE1"}]}),
            ),
            _ => (400, taken.clone()),
        })
        .await;
        let parts = CtxParts::default();
        let org = Resource::new(super::spec());
        let mut planned: crate::framework::Object = org
            .block()
            .attributes
            .iter()
            .map(|a| (a.name.to_string(), Value::Null))
            .collect();
        planned.extend(obj(&[("name", s("Acme")), ("tax_number", s("BE1"))]));
        planned.insert("id".to_string(), Value::Unknown);

        let d = org
            .create(&parts.ctx(&api), &planned, &planned)
            .await
            .unwrap_err()
            .diags;
        assert_eq!(d.0.len(), 1, "{d:?}");
        assert_eq!(d.0[0].path, Some(AttrPath::attr("tax_number")));
        assert!(
            d.0[0]
                .detail
                .contains("level27_organisation 1000 has the same name and tax_number")
                && d.0[0].detail.contains("`terraform import <address> 1000`"),
            "{}",
            d.0[0].detail
        );

        let mut prior = planned.clone();
        prior.insert("id".to_string(), s("1001"));
        prior.insert("tax_number".to_string(), s("BE2"));
        let mut next = prior.clone();
        next.insert("tax_number".to_string(), s("BE1"));
        let d = org.update(&parts.ctx(&api), &prior, &next, &next).await.unwrap_err();
        assert_eq!(d.0[0].path, Some(AttrPath::attr("tax_number")));
        assert!(
            d.0[0].detail.ends_with("Set another `tax_number`."),
            "{}",
            d.0[0].detail
        );
    }
}
