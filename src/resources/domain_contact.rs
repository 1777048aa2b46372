//! `level27_domain_contact`: `/domaincontacts` (seed L23339–L23660).
//!
//! Seed: no PATCH; PUT resends every field (the engine sends the current values). The contact's
//! `organisationName` is "(non-editable)": a change replaces the contact. `fax` is "required for
//! type onsite". The email is unique, so it identifies a lost create. The answer gives the
//! country as `{"id": "BE", "name": "Belgium"}`.

use crate::framework::codecs::Normaliser;
use crate::framework::config_check::ConfigRule;
use crate::framework::plan_checks::PlanCheck;
use crate::framework::validate::{country_code, email, not_blank, one_of, phone};
use crate::framework::{Attribute, Endpoint, ResourceSpec, UpdateVerb, Value};

fn text(name: &'static str, api: &'static str, description: &'static str) -> Attribute {
    Attribute::string(name).optional().api(api).describe(description)
}

/// Seed: the email is "unique" without saying how it compares; the API's collation most
/// plausibly ignores letter case (the sandbox's uniqueness does), so `Hostmaster@Acme.example` is
/// the contact `hostmaster@acme.example`: a lookup by email, or a lost create's, finds it.
fn same_email(a: &Value, b: &Value) -> bool {
    matches!((a.as_str(), b.as_str()), (Some(x), Some(y)) if x.eq_ignore_ascii_case(y))
}

pub fn spec() -> ResourceSpec {
    ResourceSpec {
        type_name: "level27_domain_contact",
        description: "A domain contact (licensee or onsite) that domains are registered with.",
        version: 0,
        attributes: vec![
            Attribute::id("id").computed().read_from("id").describe("The contact's id."),
            Attribute::id("organisation_id")
                .provider_default("organisation_id")
                .send_as("organisation")
                .read_from("organisation.id")
                .requires_replace()
                .describe("The organisation the contact belongs to; defaults to the provider's `organisation_id`. Changing it replaces the contact.")
                .describe_data("The organisation the contact belongs to."),
            Attribute::string("type")
                .required()
                .api("type")
                .validate(one_of(&["licensee", "onsite"]))
                .describe("`licensee` (the domain's holder) or `onsite` (a technical contact; needs `fax`)."),
            Attribute::string("first_name").required().api("firstName").validate(not_blank()).describe("First name."),
            Attribute::string("last_name").required().api("lastName").validate(not_blank()).describe("Last name."),
            Attribute::string("organisation_name")
                .required()
                .api("organisationName")
                .validate(not_blank())
                .requires_replace()
                .describe("The contact's organisation name. The API cannot change it: changing it replaces the contact.")
                .describe_data("The contact's organisation name."),
            text("street", "street", "Street."),
            text("house_number", "houseNumber", "House number."),
            text("zip", "zip", "Postal code."),
            text("city", "city", "City."),
            text("state", "state", "State or province."),
            Attribute::string("country")
                .optional()
                .send_as("country")
                .read_from("country.id")
                .validate(country_code())
                .describe("Country as an ISO 3166-1 alpha-2 code, e.g. `BE`."),
            Attribute::string("phone")
                .required()
                .api("phone")
                .validate(phone())
                .describe("Phone number in the API's format `+COUNTRYCODE.NUMBER`, e.g. `+32.91234567`."),
            Attribute::string("fax")
                .optional()
                .api("fax")
                .validate(phone())
                .describe("Fax number, written like `phone`; required for `onsite` contacts."),
            Attribute::string("email")
                .required()
                .api("email")
                .validate(email())
                .normalise(Normaliser::Custom(same_email))
                .describe("Email address; unique among the API's contacts, whatever its letter case."),
            Attribute::string("tax_number")
                .required()
                .api("taxNumber")
                .validate(not_blank())
                .describe("VAT or tax number, e.g. `BE0123456789`."),
            Attribute::string("full_name")
                .computed()
                .read_from("fullname")
                // Joined by the API from the names: unknown again when one of them changes.
                .changes_with(&["first_name", "last_name"])
                .describe("First and last name, as the API joins them."),
        ],
        endpoint: Endpoint {
            collection: "/domaincontacts",
            item: "/domaincontacts/{id}",
            singular: "domaincontact",
            plural: "domaincontacts",
            update: UpdateVerb::Put,
        },
        import_id: &["id"],
        natural_key: &["email"],
        rules: vec![ConfigRule::RequiredWhen {
            attribute: "fax",
            when: "type",
            is: &["onsite"],
        }],
        plan_checks: vec![PlanCheck::Exists(super::organisation::EXISTS)],
        // Seed L23637: a 400 on delete; a domain needs its licensee (L18088), so one that names
        // the contact holds it.
        delete_refused_hint: Some(
            "To replace a contact a domain uses, add `lifecycle { create_before_destroy = true }` to the contact and give it a new `email` (emails are unique) in the same apply: the new contact is made, the domains move to it, then the old one is deleted.",
        ),
        ..ResourceSpec::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_compare_without_letter_case() {
        let e = |x: &str| Value::string(x);
        assert!(same_email(&e("Hostmaster@Acme.example"), &e("hostmaster@acme.example")));
        assert!(!same_email(&e("hostmaster@acme.example"), &e("webmaster@acme.example")));
    }
}
