//! One module per API object: its attributes (name, type, validation, API field, read-back) and
//! its place in the API. The lifecycle itself lives in `framework::resource`.

pub mod app;
pub mod app_component;
pub mod app_component_url;
pub mod domain;
pub mod domain_contact;
pub mod domain_record;
pub mod moves;
pub mod organisation;
pub mod plan;
pub mod ssl_certificate;
pub mod system;
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
        system::vm(),
        system::baremetal(),
        domain_contact::spec(),
        domain::spec(),
        domain_record::spec(),
    ]
}

/// The `moved {}` sources each resource accepts from other resource types (MoveResourceState).
pub fn moves() -> Vec<MoveSource> {
    vec![moves::system::to_vm(), moves::system::to_baremetal()]
}
