//! `data "level27_zone"`: a zone of a region by `id` or `name` (`GET /regions/{id}/zones`, seed
//! L66167), with its limits.

use super::region::zone_attributes;
use crate::framework::{Attribute, DataSource, Endpoint, ResourceSpec, UpdateVerb};

pub fn spec() -> ResourceSpec {
    let mut attributes = vec![Attribute::id("region_id")
        .required()
        .requires_replace()
        .describe("The region (`level27_region`) the zone is in.")];
    attributes.extend(zone_attributes());
    ResourceSpec {
        type_name: "level27_zone",
        description: "A zone of a Level27 region.",
        attributes,
        endpoint: Endpoint {
            collection: "/regions/{region_id}/zones",
            item: "/regions/{region_id}/zones/{id}",
            singular: "zone",
            plural: "zones",
            update: UpdateVerb::None,
        },
        ..ResourceSpec::default()
    }
}

pub fn data_source() -> DataSource {
    DataSource::from_resource(
        spec(),
        "Looks up a zone of a Level27 region by `id` or by its exact `name`, with its cpu, memory and disk limits.",
        &["name"],
    )
    .find_in_list()
    // The API does not change it during a run: one read per process, shared with plan checks.
    .catalogue()
}
