//! `data "level27_regions"`: every region with its zones, in `regions`.

use super::region;
use crate::framework::list_datasource::items_from_resource;
use crate::framework::{Attribute, DataSource, ListDataSource, ListResult};

pub fn data_source() -> DataSource {
    DataSource::list(ListDataSource {
        type_name: "level27_regions",
        description: "Lists the Level27 regions with their zones, optionally only the one with an exact `name`.",
        path: "/regions",
        attributes: vec![Attribute::string("name")
            .optional()
            .describe("Keep only the region with exactly this name.")],
        query: &[],
        filters: &["name"],
        result: ListResult::Items {
            envelope: "regions",
            attribute: "regions",
            description: "The regions, in the order the API lists them.",
            items: items_from_resource(&region::spec(), &["id", "name", "country", "provider_id", "zones"]),
        },
    })
    // The API does not change it during a run: one read per process, shared with plan checks.
    .catalogue()
}
