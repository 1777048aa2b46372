//! terraform-provider-level27: a Terraform provider for the Level27 hosting control-panel API.
//!
//! Layers: `plugin` (Terraform's plugin protocol) → `framework` (the shared engine) →
//! `resources` / `data_sources` (one declarative module per API object), which talk to the API
//! through the `level27-client` crate. `docs` renders the registry documentation from the same
//! schema.

pub mod data_sources;
pub mod docs;
pub mod framework;
pub mod plugin;
pub mod provider;
pub mod resources;
