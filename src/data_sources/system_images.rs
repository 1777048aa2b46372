//! `data "level27_system_images"`: the images of a region, in `images`.

use super::system_image;
use crate::framework::list_datasource::items_from_resource;
use crate::framework::{Attribute, DataSource, ListDataSource, ListResult};

pub fn data_source() -> DataSource {
    DataSource::list(ListDataSource {
        type_name: "level27_system_images",
        description:
            "Lists the operating system images of a Level27 region, optionally only those with an exact `name`.",
        path: "/regions/{region_id}/images",
        attributes: vec![
            Attribute::id("region_id")
                .required()
                .describe("The region whose images are listed."),
            Attribute::string("name")
                .optional()
                .describe("Keep only the images with exactly this name."),
        ],
        query: &[],
        filters: &["name"],
        result: ListResult::Items {
            envelope: "systemimages",
            attribute: "images",
            description: "The images, in the order the API lists them.",
            items: items_from_resource(&system_image::spec(), &["id", "name", "os_name", "os_version"]),
        },
    })
    // The API does not change it during a run: one read per process, shared with plan checks.
    .catalogue()
}
