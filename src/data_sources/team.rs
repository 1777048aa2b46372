//! `data "level27_team"`: one team of an organisation by `id` or exact `name`.

use crate::framework::DataSource;
use crate::resources::team;

pub fn data_source() -> DataSource {
    DataSource::from_resource(
        team::spec(),
        "Looks up a team of an organisation by `id` or by its exact `name`.",
        &["name"],
    )
}
