//! One module per API object: its attributes (name, type, validation, API field, read-back) and
//! its place in the API. The lifecycle itself lives in `framework::resource`.

pub mod domain;
pub mod domain_contact;
pub mod domain_record;
pub mod moves;
pub mod organisation;
pub mod team;

use crate::framework::{MoveSource, ResourceSpec};

pub fn all() -> Vec<ResourceSpec> {
    vec![
        organisation::spec(),
        team::spec(),
        domain_contact::spec(),
        domain::spec(),
        domain_record::spec(),
    ]
}

/// The `moved {}` sources each resource accepts from other resource types (MoveResourceState).
/// `level27_vm` registers `moves::system::to_vm()` here when it lands.
pub fn moves() -> Vec<MoveSource> {
    Vec::new()
}
