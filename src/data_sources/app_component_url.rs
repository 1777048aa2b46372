//! `data "level27_app_component_url"`: Looks up a url of a component by `id` or by its exact `content` (host name).

use crate::framework::DataSource;
use crate::resources::app_component_url;

pub fn data_source() -> DataSource {
    DataSource::from_resource(
        app_component_url::spec(),
        "Looks up a url of a component by `id` or by its exact `content` (host name).",
        &["content"],
    )
}
