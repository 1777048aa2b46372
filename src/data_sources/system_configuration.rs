//! `data "level27_system_configuration"`: a configuration (size plan) by `id` or `name`, with its
//! limits (`GET /systems/provider/configurations`, seed L41693; memory limits as strings).

use crate::framework::{Attribute, DataSource, Endpoint, ResourceSpec, UpdateVerb};
use crate::resources::system::CONFIGURATIONS;

pub fn spec() -> ResourceSpec {
    let number = |name: &'static str, field: &'static str, text: &'static str| {
        Attribute::number(name).computed().read_from(field).describe(text)
    };
    ResourceSpec {
        type_name: "level27_system_configuration",
        description: "A Level27 system configuration (size plan).",
        attributes: vec![
            Attribute::id("id")
                .computed()
                .read_from("id")
                .describe("The configuration's id."),
            Attribute::string("name")
                .computed()
                .read_from("name")
                .describe("The configuration's name, such as `Flexible`."),
            Attribute::string("external_id")
                .computed()
                .read_from("externalId")
                .describe("The configuration's key, such as `flexible`."),
            number(
                "min_cpu",
                "minCpu",
                "The fewest CPUs a system of this configuration can have.",
            ),
            number(
                "max_cpu",
                "maxCpu",
                "The most CPUs a system of this configuration can have.",
            ),
            number("min_memory", "minMemory", "The least memory in GB."),
            number("max_memory", "maxMemory", "The most memory in GB."),
            number("min_disk", "minDisk", "The smallest disk in GB."),
            number("max_disk", "maxDisk", "The largest disk in GB."),
        ],
        endpoint: Endpoint {
            collection: CONFIGURATIONS,
            item: "/systems/provider/configurations/{id}",
            singular: "providerConfiguration",
            plural: "providerConfigurations",
            update: UpdateVerb::None,
        },
        ..ResourceSpec::default()
    }
}

pub fn data_source() -> DataSource {
    DataSource::from_resource(
        spec(),
        "Looks up a Level27 system configuration (size plan) by `id` or by its exact `name`, with its cpu, memory and disk limits.",
        &["name"],
    )
    .find_in_list()
    // The API does not change it during a run: one read per process, shared with plan checks.
    .catalogue()
}
