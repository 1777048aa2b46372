//! `data "level27_system_image"`: an operating system image of a region by `id` or `name`
//! (`GET /regions/{id}/images`, seed L66401).

use crate::framework::{Attribute, DataSource, Endpoint, ResourceSpec, UpdateVerb};

pub fn spec() -> ResourceSpec {
    ResourceSpec {
        type_name: "level27_system_image",
        description: "An operating system image of a Level27 region.",
        attributes: vec![
            Attribute::id("region_id")
                .required()
                .requires_replace()
                .describe("The region (`level27_region`) whose images are searched."),
            Attribute::id("id")
                .computed()
                .read_from("id")
                .describe("The image's id."),
            Attribute::string("name")
                .computed()
                .read_from("name")
                .describe("The image's name, such as `ubuntu_2404lts_server`."),
            Attribute::string("os_name")
                .computed()
                .read_from("operatingsystemVersion.operatingsystem.name")
                .describe("The operating system, such as `Ubuntu`."),
            Attribute::string("os_version")
                .computed()
                .read_from("operatingsystemVersion.version")
                .describe("The operating system's version, such as `24.04`."),
        ],
        endpoint: Endpoint {
            collection: "/regions/{region_id}/images",
            item: "/regions/{region_id}/images/{id}",
            singular: "systemimage",
            plural: "systemimages",
            update: UpdateVerb::None,
        },
        ..ResourceSpec::default()
    }
}

pub fn data_source() -> DataSource {
    DataSource::from_resource(
        spec(),
        "Looks up an operating system image of a Level27 region by `id` or by its exact `name`.",
        &["name"],
    )
    .find_in_list()
    // The API does not change it during a run: one read per process, shared with plan checks.
    .catalogue()
}
