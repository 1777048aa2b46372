//! Converters for `moved {}` blocks from other providers' resource types (MoveResourceState), one
//! file per source type. A target resource registers them in `resources::moves()`.

pub mod system;
