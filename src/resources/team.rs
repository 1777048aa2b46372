//! `level27_team`: `/organisations/{organisationId}/teams` (seed L3610–L3830).
//!
//! Seed: the create/update body marks `organisation` required while its own example omits it;
//! we send it (it equals the path's id). There is no PATCH: updates are PUT with the current
//! values. Teams cannot move between organisations, so `organisation_id` forces replacement.

use crate::framework::plan_checks::{ExistsCheck, PlanCheck};
use crate::framework::validate::{max_length, not_blank};
use crate::framework::{Attribute, Endpoint, ResourceSpec, UpdateVerb};

/// What a resource with team membership checks at plan: that its `team_ids` are teams of its
/// organisation. Seed L3827: the item answers 404 for a team the organisation does not have.
pub const MEMBERS: ExistsCheck = ExistsCheck {
    attribute: "team_ids",
    path: "/organisations/{organisation_id}/teams/{value}",
    noun: "team",
    holds: &[],
};

pub fn spec() -> ResourceSpec {
    ResourceSpec {
        type_name: "level27_team",
        description: "A team inside a Level27 organisation, used to share apps, domains and systems with users.",
        version: 0,
        attributes: vec![
            Attribute::id("id")
                .computed()
                .read_from("id")
                .describe("The team's id."),
            Attribute::id("organisation_id")
                .provider_default("organisation_id")
                .send_as("organisation")
                .requires_replace()
                .describe("The organisation the team belongs to; defaults to the provider's `organisation_id`. Changing it replaces the team.")
                .describe_data("The organisation the team belongs to; defaults to the provider's `organisation_id`."),
            Attribute::string("name")
                .required()
                .api("name")
                .validate(not_blank())
                .validate(max_length(255))
                .describe("The team's name."),
            // Seed L3622/L3803: "Admin only field (default: false)". Optional and computed, so a
            // configuration that leaves it out keeps the API's value, and every PUT (which resets
            // what it leaves out) sends the current one instead of clearing it.
            Attribute::bool("admin_only")
                .optional_computed()
                .api("adminOnly")
                .describe("Whether the team is visible to Level27 admins only. Setting it needs an admin's api key; left out, the API's value is kept.")
                .describe_data("Whether the team is visible to Level27 admins only."),
        ],
        endpoint: Endpoint {
            collection: "/organisations/{organisation_id}/teams",
            item: "/organisations/{organisation_id}/teams/{id}",
            singular: "team",
            plural: "teams",
            update: UpdateVerb::Put,
        },
        import_id: &["organisation_id", "id"],
        natural_key: &["name"],
        status: None,
        state_upgraders: &[],
        plan_checks: vec![PlanCheck::Exists(super::organisation::EXISTS)],
        ..ResourceSpec::default()
    }
}
