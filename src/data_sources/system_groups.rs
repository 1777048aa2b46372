//! `data "level27_system_groups"`: the shared system groups components can be placed on
//! (`/sharedsystemgroups`, seed L17916).

use crate::framework::{Attribute, DataSource, ListDataSource, ListResult};

pub fn data_source() -> DataSource {
    DataSource::list(ListDataSource {
        type_name: "level27_system_groups",
        description: "Lists the shared system groups an app component can be placed on (`systemgroup_id`).",
        path: "/sharedsystemgroups",
        attributes: vec![Attribute::string("name")
            .optional()
            .describe("Keep only the groups with exactly this name.")],
        // Seed: `filter` is not described (see `level27_organisations`).
        query: &[("name", "filter")],
        filters: &["name"],
        result: ListResult::Items {
            envelope: "systemgroups",
            attribute: "groups",
            description: "The shared system groups, in the order the API lists them.",
            items: vec![
                Attribute::id("id")
                    .computed()
                    .read_from("id")
                    .describe("The group's id."),
                Attribute::string("name")
                    .computed()
                    .read_from("name")
                    .describe("The group's name."),
                Attribute::id_list("system_ids")
                    .computed()
                    .read_from("systems")
                    .describe("The ids of the group's systems."),
            ],
        },
    })
}
