//! `data "level27_domain_records"`: the records of a domain, optionally of one type and name, in
//! `records`.

use crate::framework::list_datasource::items_from_resource;
use crate::framework::validate::one_of;
use crate::framework::{Attribute, DataSource, ListDataSource, ListResult};
use crate::resources::domain_record;

pub fn data_source() -> DataSource {
    let mut items: Vec<Attribute> =
        items_from_resource(&domain_record::spec(), &["id", "type", "name", "content", "priority"])
            .into_iter()
            .map(|a| match a.name {
                "name" => a.describe_data("The name inside the domain; null for the apex."),
                "type" => a.describe("The record type."),
                _ => a,
            })
            .collect();
    // Seed L19324: a record the platform made for a url (`handleDns`) names it; the list mixes
    // those with the domain's own records, so users need it to tell them apart.
    items.push(Attribute::id("url_id").computed().read_from("url.id").describe(
        "The url (`level27_app_component_url` with `handle_dns`) the platform made this record for: it \
         cannot be deleted and goes with the url. Null for the domain's own records.",
    ));
    DataSource::list(ListDataSource {
        type_name: "level27_domain_records",
        description: "Lists the DNS records of a domain, optionally only those of one `type` and one `name`.",
        path: "/domains/{domain_id}/records",
        attributes: vec![
            Attribute::id("domain_id")
                .required()
                .describe("The domain whose records are listed."),
            Attribute::string("type")
                .optional()
                .validate(one_of(domain_record::TYPES))
                .describe("Keep only records of this type (`A`, `MX`, …)."),
            Attribute::string("name")
                .optional()
                .validate(domain_record::not_at())
                .describe(
                    "Keep only records with this name (letter case does not matter); `\"\"` keeps the apex's records.",
                ),
        ],
        // Seed L19351: the list takes `type` as a query parameter.
        query: &[("type", "type")],
        filters: &["type", "name"],
        result: ListResult::Items {
            envelope: "records",
            attribute: "records",
            description: "The records, in the order the API lists them.",
            items,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::test_support::{obj, page, read_data, s, FakeApi};
    use crate::framework::{AttrPath, Object, Value};
    use serde_json::json;

    /// A plan's refresh of the zone's records has read the domain's whole record list: the data
    /// sources reading after it (a lookup, a filtered list) answer from it, without a request.
    #[tokio::test]
    async fn record_data_sources_answer_from_the_list_the_refresh_read() {
        use crate::framework::test_support::{read_data_in, CtxParts};
        let records = [
            json!({"id": 1, "type": "A", "name": "www", "content": "192.0.2.1", "priority": null}),
            json!({"id": 2, "type": "MX", "name": null, "content": "mx.example.", "priority": 10}),
            json!({"id": 3, "type": "A", "name": null, "content": "192.0.2.2", "priority": null}),
        ];
        let api = FakeApi::start(move |req| (200, page(req, "records", &records))).await;
        let parts = CtxParts::default();
        parts
            .reads
            .list(&api.client, "/domains/8000/records", "records")
            .await
            .unwrap();
        let before = api.seen().len();
        let s = Value::string;
        let listed = read_data_in(
            &parts,
            &super::data_source(),
            &api,
            &[("domain_id", s("8000")), ("type", s("A"))],
        )
        .await
        .unwrap();
        let Some(Value::List(items)) = listed.get("records") else {
            panic!("{listed:?}")
        };
        assert_eq!(items.len(), 2, "{items:?}");
        let found = read_data_in(
            &parts,
            &crate::data_sources::domain_record::data_source(),
            &api,
            &[("domain_id", s("8000")), ("type", s("A")), ("name", s("WWW"))],
        )
        .await
        .unwrap();
        assert_eq!(found.get("content"), Some(&s("192.0.2.1")));
        assert_eq!(api.seen().len(), before, "{:?}", api.lines());
    }

    /// Domain 5's records as the API writes them: names in lower case, the apex's name null.
    async fn api() -> FakeApi {
        FakeApi::start(|req| {
            let items = vec![
                json!({"id": 1, "type": "A", "name": "www", "content": "192.0.2.1", "priority": null, "url": {"id": 15000}}),
                json!({"id": 2, "type": "TXT", "name": null, "content": "\"v=spf1 -all\"", "priority": null}),
                json!({"id": 3, "type": "TXT", "name": "_dmarc", "content": "\"v=DMARC1\"", "priority": null}),
            ];
            (200, page(req, "records", &items))
        })
        .await
    }

    async fn ids(config: &[(&str, Value)]) -> Vec<String> {
        let mut all = vec![("domain_id", s("5"))];
        all.extend_from_slice(config);
        let state: Object = read_data(&data_source(), &api().await, &all).await.unwrap();
        state["records"]
            .elements()
            .iter()
            .map(|r| r.as_object().unwrap()["id"].as_str().unwrap().to_string())
            .collect()
    }

    #[tokio::test]
    async fn the_name_filter_ignores_letter_case_as_the_record_resource_does() {
        // `level27_domain_record` accepts `name = "WWW"` and the API keeps `www`.
        assert_eq!(ids(&[("name", s("WWW"))]).await, vec!["1"]);
    }

    #[tokio::test]
    async fn a_record_made_for_a_url_names_it_and_the_domains_own_records_do_not() {
        let state: Object = read_data(&data_source(), &api().await, &[("domain_id", s("5"))])
            .await
            .unwrap();
        let urls: Vec<Option<String>> = state["records"]
            .elements()
            .iter()
            .map(|r| r.as_object().unwrap()["url_id"].as_str().map(str::to_string))
            .collect();
        assert_eq!(urls, vec![Some("15000".to_string()), None, None]);
    }

    #[tokio::test]
    async fn an_empty_name_filter_keeps_the_apex_records() {
        assert_eq!(ids(&[("name", s("")), ("type", s("TXT"))]).await, vec!["2"]);
    }

    #[tokio::test]
    async fn a_domain_that_does_not_exist_is_said_on_domain_id() {
        let api = FakeApi::start(|_| (404, json!({"code": 404, "message": "Domain is not found"}))).await;
        let lookup = crate::data_sources::domain_record::data_source();
        for ds in [data_source(), lookup] {
            let config = [("domain_id", s("99999")), ("type", s("A"))];
            let err = read_data(&ds, &api, &config).await.unwrap_err();
            let d = &err.0[0];
            assert_eq!(d.path, Some(AttrPath::attr("domain_id")), "{d:?}");
            assert!(d.summary.contains("domain_id"), "{d:?}");
            assert!(
                d.detail.contains("domain_id = \"99999\" names no existing object"),
                "{d:?}"
            );
        }
    }

    #[test]
    fn the_type_filter_is_one_of_the_record_types() {
        let ds = data_source();
        let diags = ds.validate(&obj(&[("domain_id", s("5")), ("type", s("a"))]));
        assert!(diags.has_errors(), "type \"a\" matches nothing and must be refused");
        assert!(!ds
            .validate(&obj(&[("domain_id", s("5")), ("type", s("MX"))]))
            .has_errors());
    }
}
