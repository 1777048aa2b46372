//! `data "level27_networks"`: the networks, optionally of one `type`, in `networks`.

use super::network;
use crate::framework::list_datasource::items_from_resource;
use crate::framework::validate::one_of;
use crate::framework::{Attribute, DataSource, ListDataSource, ListResult};

pub fn data_source() -> DataSource {
    DataSource::list(ListDataSource {
        type_name: "level27_networks",
        description: "Lists the Level27 networks, optionally only those of one `type` or with an exact `name`.",
        path: "/networks",
        attributes: vec![
            Attribute::string("type")
                .optional()
                .validate(one_of(&["public", "internal", "customer"]))
                .describe("Keep only the networks of this type: `public`, `internal` or `customer`."),
            Attribute::string("name")
                .optional()
                .describe("Keep only the networks with exactly this name."),
        ],
        // Seed L65522: `type` (one of public, internal, customer) is a query parameter.
        query: &[("type", "type")],
        filters: &["name"],
        result: ListResult::Items {
            envelope: "networks",
            attribute: "networks",
            description: "The networks, in the order the API lists them.",
            items: items_from_resource(
                &network::spec(),
                &[
                    "id",
                    "name",
                    "description",
                    "public",
                    "customer",
                    "internal",
                    "zone_ids",
                ],
            ),
        },
    })
}
