//! `level27_app`: `/apps` (seed L6504–L7466).
//!
//! Seed: POST and PUT need `name`, `organisation`, `customPackage` and `customPackageName`
//! every time (L6523, L7126), yet the app answers `customPackage: null` and no teams: the plan
//! id is kept from the configuration (it cannot show drift) and the base package is read from
//! `customPackageName`, filled before the create from the plan's list item. The delete is
//! undocumented (L7165): the app is asynchronous and a delete waits until the GET answers 404.

use crate::framework::membership::{Membership, TeamsFrom};
use crate::framework::plan_checks::{ExistsCheck, PlanCheck};
use crate::framework::validate::{max_length, not_blank};
use crate::framework::wait::StatusRule;
use crate::framework::{Attribute, Endpoint, ListSource, ResourceSpec, UpdateVerb};

/// The plans list, where an app's base package is found before its create.
pub static PLANS: ListSource = ListSource {
    path: "/custompackages",
    plural: "customPackages",
    key: "id",
    by: "plan_id",
    paged: true,
};

/// The plans, where an imported app's plan is looked for (matched on its organisation).
pub static PLANS_OF_ORGANISATION: ListSource = ListSource {
    path: "/custompackages",
    plural: "customPackages",
    key: "id",
    by: "id",
    paged: true,
};

/// A component's or certificate's app must exist: an `app_id` that names nothing fails the plan
/// on it, once per app and process, rather than the create at apply.
pub(crate) const EXISTS: ExistsCheck = ExistsCheck {
    attribute: "app_id",
    path: "/apps/{value}",
    noun: "app",
    holds: &[],
};

pub fn spec() -> ResourceSpec {
    ResourceSpec {
        type_name: "level27_app",
        description: "A Level27 app (project): the unit that holds components, urls and certificates, created in a plan.",
        version: 0,
        attributes: vec![
            Attribute::id("id").computed().read_from("id").describe("The app's id."),
            // Seed: whether PUT may move an app to another organisation is undocumented; it
            // replaces.
            Attribute::id("organisation_id")
                .provider_default("organisation_id")
                .send_as("organisation")
                .read_from("organisation")
                .requires_replace()
                .describe("The organisation that owns the app; defaults to the provider's `organisation_id`. Changing it replaces the app.")
                .describe_data("The organisation that owns the app."),
            Attribute::string("name")
                .required()
                .api("name")
                .validate(not_blank())
                .validate(max_length(255))
                .describe("The app's name."),
            // Seed: package changes are constrained (`allowedUpgradesDowngrades`) and their PUT
            // semantics undocumented: another plan replaces the app.
            Attribute::id("plan_id")
                .required()
                .send_as("customPackage")
                .infer_from(&PLANS_OF_ORGANISATION, &[("organisation.id", "organisation_id"), ("customPackageName", "base_package")], "id")
                .requires_replace()
                .describe("The plan (`level27_plan`) the app is created in. The API never shows it, so it cannot show drift; an import takes the organisation's only plan of the app's base package, or else the configured one. Changing it replaces the app.")
                .describe_data("The plan the app was created in, when known."),
            Attribute::string("base_package")
                .computed()
                .send_as("customPackageName")
                .read_from("customPackageName")
                .fill_from(&PLANS, "customPackageName")
                // The plan's base package may have changed since: each PUT sends the plan's
                // current one (the API refuses another), looked up again. Only a new name is
                // a PUT (teams change through the team links; the rest replaces the app).
                .changes_with(&["name"])
                .describe("The plan's base package, sent with every change as the API requires."),
            Attribute::string("type")
                .computed()
                .read_from("type")
                // The base package's, which only a PUT (a new name) may change.
                .changes_with(&["name"])
                .describe("The base package's type (`fly`, `run`, `walk`, `server`)."),
            Attribute::id_set("team_ids")
                .optional_computed()
                .describe("The teams of the organisation that see the app; left out, the app's teams are not managed.")
                .describe_data("The teams of the organisation that see the app."),
        ],
        endpoint: Endpoint {
            collection: "/apps",
            item: "/apps/{id}",
            singular: "app",
            plural: "apps",
            update: UpdateVerb::Put,
        },
        import_id: &["id"],
        natural_key: &["name", "organisation_id"],
        status: Some(StatusRule::default()),
        // Seed: neither the app's answer nor its list shows teams; `/apps/{id}/organisations` (each
        // organisation with the teams it sees the object through) does.
        membership: Some(Membership {
            attribute: "team_ids",
            entity: "apps",
            organisation: "organisation_id",
            create_field: Some("autoTeams"),
            read: TeamsFrom::Endpoint {
                path: "/apps/{id}/organisations",
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
    use crate::framework::test_support::{obj, s, set};
    use crate::framework::{Object, Resource, Value};

    #[test]
    fn only_a_put_may_change_the_base_package_and_type() {
        let block = Resource::new(spec()).schema.block;
        let prior = obj(&[
            ("id", s("13000")),
            ("organisation_id", s("1000")),
            ("name", s("shop")),
            ("plan_id", s("12000")),
            ("base_package", s("drupal_run")),
            ("type", s("run")),
            ("team_ids", set(&[s("5000")])),
        ]);
        let configured = |name: &str, teams: &[Value]| {
            obj(&[
                ("organisation_id", s("1000")),
                ("name", s(name)),
                ("plan_id", s("12000")),
                ("team_ids", set(teams)),
            ])
        };
        let planned = |config: Object| {
            let mut proposed = prior.clone();
            proposed.extend(config.clone());
            plan(&block, Some(&prior), &proposed, &config).planned
        };
        // Another team is a team link, no PUT: nothing the plan's package could change.
        let p = planned(configured("shop", &[s("5000"), s("5001")]));
        assert_eq!((&p["base_package"], &p["type"]), (&s("drupal_run"), &s("run")));
        // A new name is a PUT, which sends the plan's current base package.
        let p = planned(configured("shop-2", &[s("5000")]));
        assert_eq!((&p["base_package"], &p["type"]), (&Value::Unknown, &Value::Unknown));
    }
}
