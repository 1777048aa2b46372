//! `data "level27_domain_record"`: one record of a domain by `id`, or by `type` and `name` (none:
//! the apex).

use crate::framework::DataSource;
use crate::resources::domain_record;

pub fn data_source() -> DataSource {
    DataSource::from_resource(
        domain_record::spec(),
        "Looks up a DNS record of a domain by `id`, or by its `type` and `name` (left out or empty: the apex). Several matches are an error; to list records, use `level27_domain_records`.",
        &["name", "type"],
    )
    // Seed L19351: the list takes `type` as a parameter of its own; the name goes in `filter`
    // (seed: what `filter` matches is undocumented; names, as for every other list).
    .query_keys(&[("name", "filter"), ("type", "type")])
    // A record lookup without a name is the apex's record of that type, as in the resource.
    .unset_means_empty(&["name"])
    .all_through("level27_domain_records")
}
