//! `level27_organisation`: `/organisations` (seed L573–L1245).
//!
//! Seed: organisations are synchronous (no `status` field). PATCH is documented as "Update an
//! organisation's field" while marking name/taxNumber required (L1009-1020); we PATCH the changed
//! fields plus name and taxNumber always, which satisfies either reading, and the sandbox
//! requires both as the seed says. No field is documented as non-editable, so every attribute
//! updates in place.

use crate::framework::plan_checks::ExistsCheck;
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
        status: None,
        state_upgraders: &[],
        ..ResourceSpec::default()
    }
}
