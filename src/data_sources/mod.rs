//! Data sources: each finds one object by `id` or by its natural key and exposes the attributes
//! of the resource of the same name (see `framework::datasource`).

pub mod organisation;
pub mod team;

use crate::framework::DataSource;

pub fn all() -> Vec<DataSource> {
    vec![organisation::data_source(), team::data_source()]
}
