//! `data "level27_baremetal"`: one baremetal server by `id` or exact `name` (systems of type
//! `baremetal`).

use crate::framework::DataSource;
use crate::resources::system;

pub fn data_source() -> DataSource {
    DataSource::from_resource(
        system::baremetal(),
        "Looks up a Level27 baremetal server by `id` or by its exact `name`.",
        &["name"],
    )
    .get_matched_item()
}
