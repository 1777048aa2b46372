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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::test_support::{page, read_data, s, FakeApi};
    use serde_json::json;

    #[test]
    fn a_full_name_without_its_extension_fails_the_plan() {
        // "acme-example" matches no domain's full name: said at plan, not as "no object matches".
        let config = crate::framework::Object::from([("fullname".to_string(), s("acme-example"))]);
        let diags = data_source().validate(&config);
        let detail = diags.0.first().map(|d| d.detail.clone()).unwrap_or_default();
        assert!(
            detail.contains("with its extension, such as \"acme-example.be\""),
            "{diags:?}"
        );
        assert!(detail.contains("got \"acme-example\""), "{diags:?}");
        for fine in ["acme-example.be", "ACME-example.be."] {
            let config = crate::framework::Object::from([("fullname".to_string(), s(fine))]);
            assert!(!data_source().validate(&config).has_errors(), "{fine}");
        }
    }

    #[tokio::test]
    async fn the_full_name_matches_without_letter_case() {
        let domain = json!({"id": 8, "name": "acme-example", "fullname": "acme-example.be",
                            "domaintype": {"id": 364, "extension": "be"}});
        let api = FakeApi::start(move |req| match req.path.as_str() {
            "/domains" => (200, page(req, "domains", std::slice::from_ref(&domain))),
            "/domains/8" => (200, json!({ "domain": domain })),
            _ => (200, json!({})),
        })
        .await;
        let state = read_data(&data_source(), &api, &[("fullname", s("ACME-Example.BE"))])
            .await
            .unwrap();
        assert_eq!(state["id"], s("8"));
    }

    #[tokio::test]
    async fn the_full_name_matches_with_a_trailing_dot() {
        let domain = json!({"id": 8, "name": "acme-example", "fullname": "acme-example.be",
                            "domaintype": {"id": 364, "extension": "be"}});
        // The API's filter is a substring match on the name as it spells it: without a dot.
        let api = FakeApi::start(move |req| match req.path.as_str() {
            "/domains" => {
                let keep = req
                    .param("filter")
                    .is_none_or(|f| "acme-example.be".contains(&f.to_lowercase()));
                let items = if keep { vec![domain.clone()] } else { Vec::new() };
                (200, page(req, "domains", &items))
            }
            "/domains/8" => (200, json!({ "domain": domain })),
            _ => (200, json!({})),
        })
        .await;
        let state = read_data(&data_source(), &api, &[("fullname", s("acme-example.be."))])
            .await
            .unwrap();
        assert_eq!(state["id"], s("8"));
        assert!(
            api.seen().iter().any(|r| r.param("filter") == Some("acme-example.be")),
            "{:?}",
            api.lines()
        );
    }
}
