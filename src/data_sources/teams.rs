//! `data "level27_teams"`: the teams of an organisation, optionally only those with an exact
//! `name`, in `teams`.

use crate::framework::list_datasource::items_from_resource;
use crate::framework::{Attribute, DataSource, ListDataSource, ListResult};
use crate::resources::team;

pub fn data_source() -> DataSource {
    let items = items_from_resource(&team::spec(), &["id", "name", "admin_only"])
        .into_iter()
        .map(|a| match a.name {
            "admin_only" => a.describe("Whether the team is visible to Level27 admins only."),
            _ => a,
        })
        .collect();
    DataSource::list(ListDataSource {
        type_name: "level27_teams",
        description: "Lists the teams of a Level27 organisation, optionally only those with an exact `name`.",
        path: "/organisations/{organisation_id}/teams",
        attributes: vec![
            Attribute::id("organisation_id")
                .provider_default("organisation_id")
                .describe("The organisation whose teams are listed."),
            Attribute::string("name")
                .optional()
                .describe("Keep only the teams with exactly this name."),
        ],
        // Seed: `filter` is not described (see `level27_organisations`).
        query: &[("name", "filter")],
        filters: &["name"],
        result: ListResult::Items {
            envelope: "teams",
            attribute: "teams",
            description: "The teams, in the order the API lists them.",
            items,
        },
    })
}
