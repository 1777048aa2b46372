//! `data "level27_system_configurations"`: every configuration with its limits, in
//! `configurations`.

use super::system_configuration;
use crate::framework::list_datasource::items_from_resource;
use crate::framework::{Attribute, DataSource, ListDataSource, ListResult};
use crate::resources::system::CONFIGURATIONS;

pub fn data_source() -> DataSource {
    let names = [
        "id",
        "name",
        "external_id",
        "min_cpu",
        "max_cpu",
        "min_memory",
        "max_memory",
        "min_disk",
        "max_disk",
    ];
    DataSource::list(ListDataSource {
        type_name: "level27_system_configurations",
        description: "Lists the Level27 system configurations (size plans) with their limits, optionally only those with an exact `name`.",
        path: CONFIGURATIONS,
        attributes: vec![Attribute::string("name")
            .optional()
            .describe("Keep only the configurations with exactly this name.")],
        query: &[],
        filters: &["name"],
        result: ListResult::Items {
            envelope: "providerConfigurations",
            attribute: "configurations",
            description: "The configurations, in the order the API lists them.",
            items: items_from_resource(&system_configuration::spec(), &names),
        },
    })
    // The API does not change it during a run: one read per process, shared with plan checks.
    .catalogue()
}
