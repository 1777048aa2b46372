//! `data "level27_domain_record"`: one record of a domain by `id`, or by `name` and `type`.

use crate::framework::DataSource;
use crate::resources::domain_record;

pub fn data_source() -> DataSource {
    // `name` first: the lookup sends the first key as the API's `filter`, which matches names.
    DataSource::from_resource(
        domain_record::spec(),
        "Looks up a DNS record of a domain by `id`, or by its `name` and `type` (to list records, apex ones included, use `level27_domain_records`).",
        &["name", "type"],
    )
}
