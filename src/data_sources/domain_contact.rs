//! `data "level27_domain_contact"`: one domain contact by `id` or `email` (letter case aside).

use crate::framework::DataSource;
use crate::resources::domain_contact;

pub fn data_source() -> DataSource {
    DataSource::from_resource(
        domain_contact::spec(),
        "Looks up a domain contact by `id` or by its email address (unique among contacts, whatever its letter case).",
        &["email"],
    )
}
