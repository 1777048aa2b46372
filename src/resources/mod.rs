//! One module per API object: its attributes (name, type, validation, API field, read-back) and
//! its place in the API. The lifecycle itself lives in `framework::resource`.

pub mod organisation;
pub mod team;

use crate::framework::ResourceSpec;

pub fn all() -> Vec<ResourceSpec> {
    vec![organisation::spec(), team::spec()]
}
