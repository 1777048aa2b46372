//! `data "level27_domain"`: one domain by `id` or full name (`acme-example.be`).

use crate::framework::DataSource;
use crate::resources::domain;

pub fn data_source() -> DataSource {
    // The list's items are smaller than the item (seed L18248): the match is read with its GET.
    DataSource::from_resource(
        domain::spec(),
        "Looks up a domain by `id` or by its full name with extension (`fullname`, e.g. `acme-example.be`).",
        &["fullname"],
    )
    .get_matched_item()
}
