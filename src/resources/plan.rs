//! `level27_plan`: a custom package, `/custompackages` (seed L68207–L70987; other-seeds §2.1).
//!
//! Seed: the create and item answers hold only `limits` (no id, no name); only the list
//! (L68691) describes a package. The create therefore finds its new package by name and
//! organisation in that list, and every read takes the package from it
//! (`object_in_list_only`). PUT is a full replacement with name, customPackageName and
//! organisation required (L68742), which the engine's PUT (all current values) satisfies.

use crate::framework::membership::{Membership, TeamsFrom};
use crate::framework::plan_checks::PlanCheck;
use crate::framework::validate::{max_length, not_blank, one_of};
use crate::framework::{Attribute, Endpoint, ResourceSpec, UpdateVerb};

/// The base packages of the `/custpackages` catalogue (seed L67656).
pub const BASE_PACKAGES: &[&str] = &["drupal_fly", "drupal_run", "drupal_walk", "drupal_server"];

pub fn spec() -> ResourceSpec {
    ResourceSpec {
        type_name: "level27_plan",
        description: "A hosting plan (a Level27 custom package): the base package and limits that apps are created in.",
        version: 0,
        attributes: vec![
            Attribute::id("id").computed().read_from("id").describe("The plan's id."),
            Attribute::id("organisation_id")
                .provider_default("organisation_id")
                .send_as("organisation")
                .read_from("organisation")
                .requires_replace()
                .describe("The organisation that owns the plan; defaults to the provider's `organisation_id`. Changing it replaces the plan.")
                .describe_data("The organisation that owns the plan."),
            Attribute::string("name")
                .required()
                .api("name")
                .validate(not_blank())
                .validate(max_length(255))
                .describe("The plan's name, unique within its organisation."),
            // Seed: the catalogue (`/custpackages`) is fixed per platform; its names are checked
            // at validate time, with no API call.
            Attribute::string("base_package")
                .required()
                .api("customPackageName")
                .validate(one_of(BASE_PACKAGES))
                .describe("The base package from the `/custpackages` catalogue (`level27_plan_packages`): `drupal_fly`, `drupal_run`, `drupal_walk` or `drupal_server`."),
            Attribute::string("type")
                .computed()
                .read_from("type")
                // The base package's: a new base package is a new type, a new name none.
                .changes_with(&["base_package"])
                .describe("The base package's type (`fly`, `run`, `walk`, `server`)."),
            Attribute::id_set("team_ids")
                .optional_computed()
                .describe("The teams of the organisation that see the plan; left out, the plan's teams are not managed.")
                .describe_data("The teams of the organisation that see the plan."),
        ],
        endpoint: Endpoint {
            collection: "/custompackages",
            item: "/custompackages/{id}",
            singular: "customPackage",
            plural: "customPackages",
            update: UpdateVerb::Put,
        },
        import_id: &["id"],
        natural_key: &["name", "organisation_id"],
        object_in_list_only: true,
        // Seed: neither the plan's answer nor its list shows teams; `/custompackages/{id}/organisations` (each
        // organisation with the teams it sees the object through) does.
        membership: Some(Membership {
            attribute: "team_ids",
            entity: "custompackages",
            organisation: "organisation_id",
            create_field: Some("autoTeams"),
            read: TeamsFrom::Endpoint {
                path: "/custompackages/{id}/organisations",
                plural: "organisations",
                teams: "teams",
            },
        }),
        plan_checks: vec![
            PlanCheck::Exists(super::organisation::EXISTS),
            PlanCheck::Exists(super::team::MEMBERS),
        ],
        ..ResourceSpec::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::plan::plan;
    use crate::framework::test_support::{obj, s};
    use crate::framework::{Resource, Value};

    #[test]
    fn the_type_changes_with_the_base_package_only() {
        let block = Resource::new(spec()).schema.block;
        let prior = obj(&[
            ("id", s("12000")),
            ("organisation_id", s("1000")),
            ("name", s("shop-hosting")),
            ("base_package", s("drupal_run")),
            ("type", s("run")),
            ("team_ids", Value::Null),
        ]);
        let planned = |name: &str, package: &str| {
            let config = obj(&[
                ("organisation_id", s("1000")),
                ("name", s(name)),
                ("base_package", s(package)),
            ]);
            let mut proposed = prior.clone();
            proposed.extend(config.clone());
            plan(&block, Some(&prior), &proposed, &config).planned
        };
        assert_eq!(planned("renamed", "drupal_run")["type"], s("run"));
        assert_eq!(planned("shop-hosting", "drupal_walk")["type"], Value::Unknown);
    }
}
