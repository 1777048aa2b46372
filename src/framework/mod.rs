//! The provider engine shared by every resource and data source: values and their codecs,
//! schema declarations, plan rules, validators, diagnostics, timeouts and the lifecycle.

pub mod codec;
pub mod codecs;
pub mod config_check;
mod create;
pub mod ctx;
pub mod datasource;
pub mod desired_state;
pub mod diag;
pub mod errors;
mod import;
pub mod kind;
#[cfg(test)]
mod lifecycle_tests;
pub mod links;
pub mod list_datasource;
#[cfg(test)]
mod list_objects_tests;
pub mod mapping;
pub mod membership;
pub mod moves;
pub mod numbered;
pub mod paths;
pub mod plan;
pub mod plan_checks;
pub mod plan_claims;
pub mod provider_defaults;
pub mod resolve;
pub mod resource;
pub mod schema;
pub mod shared_reads;
pub mod spec_check;
#[cfg(test)]
pub(crate) mod test_support;
pub mod timeouts;
pub mod validate;
pub mod value;
pub mod wait;

pub use create::CreateFailed;
pub use ctx::Ctx;
pub use datasource::DataSource;
pub use diag::{AttrPath, Diagnostic, Diagnostics};
pub use list_datasource::{ListDataSource, ListResult};
pub use moves::MoveSource;
pub use resource::{Endpoint, Resource, ResourceSpec, UpdateVerb};
pub use schema::{Attribute, Block, ListSource, Nesting, Schema};
pub use value::{Object, Type, Value};
