//! One module per API object: its attributes (name, type, validation, API field, read-back) and
//! its place in the API. The lifecycle itself lives in `framework::resource`.

pub mod app;
pub mod app_component;
pub mod app_component_url;
pub mod moves;
pub mod organisation;
pub mod plan;
pub mod ssl_certificate;
pub mod team;

use crate::framework::{MoveSource, ResourceSpec};

pub fn all() -> Vec<ResourceSpec> {
    vec![
        organisation::spec(),
        team::spec(),
        plan::spec(),
        app::spec(),
        app_component::spec(),
        app_component_url::spec(),
        ssl_certificate::spec(),
    ]
}

/// The `moved {}` sources each resource accepts from other resource types (MoveResourceState).
/// `level27_vm` registers `moves::system::to_vm()` here when it lands.
pub fn moves() -> Vec<MoveSource> {
    Vec::new()
}
