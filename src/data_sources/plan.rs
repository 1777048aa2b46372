//! `data "level27_plan"`: Looks up a hosting plan (custom package) by `id` or by its exact `name`.

use crate::framework::DataSource;
use crate::resources::plan;

pub fn data_source() -> DataSource {
    DataSource::from_resource(
        plan::spec(),
        "Looks up a hosting plan (custom package) by `id` or by its exact `name`.",
        &["name"],
    )
}
