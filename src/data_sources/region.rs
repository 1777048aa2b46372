//! `data "level27_region"`: a region by `id` or `name`, with its zones (`GET /regions`, seed
//! L66122). The API has no item endpoint for a region: both lookups read the list.

use crate::framework::{Attribute, DataSource, Endpoint, Nesting, ResourceSpec, UpdateVerb};

/// A zone as `/regions` and `/regions/{id}/zones` answer it, with its limits (memory as
/// strings, `"1.0"`: read as numbers).
pub fn zone_attributes() -> Vec<Attribute> {
    vec![
        Attribute::id("id")
            .computed()
            .read_from("id")
            .describe("The zone's id."),
        Attribute::string("name")
            .computed()
            .read_from("name")
            .describe("The zone's name, such as `Brussel Interxion 2 (IX2)`."),
        Attribute::string("short_name")
            .computed()
            .read_from("shortName")
            .describe("The zone's short name."),
        Attribute::number("min_cpu")
            .computed()
            .read_from("minCpu")
            .describe("The fewest CPUs a system in the zone can have."),
        Attribute::number("max_cpu")
            .computed()
            .read_from("maxCpu")
            .describe("The most CPUs a system in the zone can have."),
        Attribute::number("min_memory")
            .computed()
            .read_from("minMemory")
            .describe("The least memory in GB."),
        Attribute::number("max_memory")
            .computed()
            .read_from("maxMemory")
            .describe("The most memory in GB."),
        Attribute::number("min_disk")
            .computed()
            .read_from("minDisk")
            .describe("The smallest disk in GB."),
        Attribute::number("max_disk")
            .computed()
            .read_from("maxDisk")
            .describe("The largest disk in GB."),
    ]
}

pub fn spec() -> ResourceSpec {
    ResourceSpec {
        type_name: "level27_region",
        description: "A Level27 region.",
        attributes: vec![
            Attribute::id("id")
                .computed()
                .read_from("id")
                .describe("The region's id."),
            Attribute::string("name")
                .computed()
                .read_from("name")
                .describe("The region's name, such as `be`."),
            Attribute::string("country")
                .computed()
                .read_from("country.name")
                .describe("The region's country."),
            Attribute::id("provider_id")
                .computed()
                .read_from("systemprovider.id")
                .describe("The system provider of the region (Level27 is 1)."),
            Attribute::nested("zones", Nesting::List, zone_attributes())
                .computed()
                .read_from("zones")
                .describe("The region's zones, with their limits."),
        ],
        endpoint: Endpoint {
            collection: "/regions",
            item: "/regions/{id}",
            singular: "region",
            plural: "regions",
            update: UpdateVerb::None,
        },
        ..ResourceSpec::default()
    }
}

pub fn data_source() -> DataSource {
    DataSource::from_resource(
        spec(),
        "Looks up a Level27 region by `id` or by its exact `name` (such as `be`), with its zones.",
        &["name"],
    )
    .find_in_list()
    // The API does not change it during a run: one read per process, shared with plan checks.
    .catalogue()
}
