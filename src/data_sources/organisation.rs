//! `data "level27_organisation"`: one organisation by `id` or exact `name`.

use crate::framework::DataSource;
use crate::resources::organisation;

pub fn data_source() -> DataSource {
    DataSource::from_resource(
        organisation::spec(),
        "Looks up a Level27 organisation by `id` or by its exact `name`.",
        &["name"],
    )
}
