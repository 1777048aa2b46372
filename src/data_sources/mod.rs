//! Data sources: each finds one object by `id` or by its natural key and exposes the attributes
//! of the resource of the same name.

use crate::framework::DataSource;
use crate::resources;

pub fn all() -> Vec<DataSource> {
    vec![
        DataSource::from_resource(
            resources::organisation::spec(),
            "Looks up a Level27 organisation by `id` or by its exact `name`.",
            &["name"],
        ),
        DataSource::from_resource(
            resources::team::spec(),
            "Looks up a team of an organisation by `id` or by its exact `name`.",
            &["name"],
        ),
    ]
}
