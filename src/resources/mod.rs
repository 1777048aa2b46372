//! One module per API object: its attributes (name, type, validation, API field, read-back) and
//! its place in the API. The lifecycle itself lives in `framework::resource`.

pub mod organisation;
pub mod team;
