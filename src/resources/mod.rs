//! One module per API object: its attributes (name, type, validation, API field, read-back) and
//! its place in the API. The lifecycle itself lives in `framework::resource`.

pub mod app;
pub mod app_component;
pub mod app_component_url;
pub mod domain;
pub mod domain_contact;
pub mod domain_record;
pub mod moves;
pub mod organisation;
pub mod plan;
pub mod ssl_certificate;
pub mod system;
pub mod team;

use crate::framework::{MoveSource, ResourceSpec};

pub fn all() -> Vec<ResourceSpec> {
    vec![
        organisation::spec(),
        team::spec(),
        plan::spec(),
        app::spec(),
        app_component::spec(),
        app_component_url::spec(),
        ssl_certificate::spec(),
        system::vm(),
        system::baremetal(),
        domain_contact::spec(),
        domain::spec(),
        domain_record::spec(),
    ]
}

/// The `moved {}` sources each resource accepts from other resource types (MoveResourceState).
pub fn moves() -> Vec<MoveSource> {
    vec![moves::system::to_vm(), moves::system::to_baremetal()]
}

#[cfg(test)]
mod tests {
    use crate::framework::plan_checks::PlanCheck;

    /// Every id argument naming an organisation, a team or a network is checked at plan to
    /// exist, so a mistyped one fails the plan rather than an apply halfway through.
    #[test]
    fn every_organisation_team_and_network_reference_is_checked_at_plan() {
        for spec in super::all() {
            let checked: Vec<&str> = spec
                .plan_checks
                .iter()
                .filter_map(|c| match c {
                    PlanCheck::Exists(e) => Some(e.attribute),
                    _ => None,
                })
                .collect();
            for a in &spec.attributes {
                let reference = matches!(a.name, "organisation_id" | "team_ids" | "network_ids");
                if reference && a.mode != crate::framework::schema::Mode::Computed {
                    assert!(
                        checked.contains(&a.name),
                        "{}.{} is not checked to exist at plan",
                        spec.type_name,
                        a.name
                    );
                }
            }
        }
    }
}
