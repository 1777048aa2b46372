//! `data "level27_app_component"`: Looks up a component of an app by `id` or by its exact `name`.

use crate::framework::DataSource;
use crate::resources::app_component;

pub fn data_source() -> DataSource {
    DataSource::from_resource(
        app_component::spec(),
        "Looks up a component of an app by `id` or by its exact `name`.",
        &["name"],
    )
}
