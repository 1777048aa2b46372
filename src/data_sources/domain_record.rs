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
    // The resource refuses a name ending with its domain's at plan; a lookup can only find
    // nothing, so it says the likely reason.
    .hint_when_none(|config| {
        let name = config.get("name")?.as_str()?;
        name.contains('.').then(|| {
            format!("If {name:?} includes the domain's own name, leave that out: record names are relative to the domain (\"www\" for www.acme-example.be).")
        })
    })
}

#[cfg(test)]
mod tests {
    use crate::framework::test_support::{page, read_data, FakeApi};
    use crate::framework::value::Value;
    use serde_json::json;

    /// A name written in full finds nothing and says that names are relative; a relative name
    /// with a dot that matches is found as usual.
    #[tokio::test]
    async fn a_name_written_in_full_is_said_to_be_relative() {
        let api = FakeApi::start(|req| {
            let records =
                [json!({"id": 900001, "name": "a.dev", "type": "A", "content": "192.0.2.1", "priority": null})];
            (200, page(req, "records", &records))
        })
        .await;
        let ds = super::data_source();
        let s = Value::string;
        let err = read_data(
            &ds,
            &api,
            &[
                ("domain_id", s("8000")),
                ("type", s("A")),
                ("name", s("www.acme-example.be")),
            ],
        )
        .await
        .unwrap_err();
        assert!(err.0[0].detail.contains("record names are relative"), "{err:?}");
        let found = read_data(
            &ds,
            &api,
            &[("domain_id", s("8000")), ("type", s("A")), ("name", s("a.dev"))],
        )
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(found["id"], s("900001"));
    }
}
