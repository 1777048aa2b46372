//! `data "level27_plan"`: Looks up a hosting plan (custom package) by `id` or by its exact `name`.

use crate::framework::DataSource;
use crate::resources::plan;

pub fn data_source() -> DataSource {
    // Names are unique only within an organisation: `organisation_id` narrows a lookup by name.
    DataSource::from_resource(
        plan::spec(),
        "Looks up a hosting plan (custom package) by `id` or by its exact `name` (and `organisation_id`, when several organisations have a plan of that name).",
        &["name", "organisation_id"],
    )
    .query_keys(&[("name", "filter")])
}
