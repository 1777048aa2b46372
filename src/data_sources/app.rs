//! `data "level27_app"`: Looks up a Level27 app by `id` or by its exact `name`.

use crate::framework::DataSource;
use crate::resources::app;

pub fn data_source() -> DataSource {
    // The list's items lack the base package: a lookup by name reads the matched app.
    DataSource::from_resource(
        app::spec(),
        "Looks up a Level27 app by `id` or by its exact `name`.",
        &["name"],
    )
    .get_matched_item()
}
