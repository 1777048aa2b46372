//! `data "level27_shared_systems"`: the shared systems components can be placed on
//! (`/sharedsystems`, seed L17794).

use crate::framework::{Attribute, DataSource, ListDataSource, ListResult};

pub fn data_source() -> DataSource {
    DataSource::list(ListDataSource {
        type_name: "level27_shared_systems",
        description: "Lists the shared systems an app component can be placed on (`system_id`).",
        path: "/sharedsystems",
        attributes: vec![Attribute::string("name")
            .optional()
            .describe("Keep only the systems with exactly this name.")],
        query: &[("name", "filter")],
        filters: &["name"],
        result: ListResult::Items {
            envelope: "systems",
            attribute: "systems",
            description: "The shared systems, in the order the API lists them.",
            items: vec![
                Attribute::id("id")
                    .computed()
                    .read_from("id")
                    .describe("The system's id."),
                Attribute::string("name")
                    .computed()
                    .read_from("name")
                    .describe("The system's host name."),
            ],
        },
    })
}
