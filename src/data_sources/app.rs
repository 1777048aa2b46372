//! `data "level27_app"`: Looks up a Level27 app by `id` or by its exact `name`.

use crate::framework::DataSource;
use crate::resources::app;

pub fn data_source() -> DataSource {
    // The list's items lack the base package: a lookup by name reads the matched app.
    // Names are unique only within an organisation: `organisation_id` narrows a lookup by name.
    DataSource::from_resource(
        app::spec(),
        "Looks up a Level27 app by `id` or by its exact `name` (and `organisation_id`, when several organisations have an app of that name).",
        &["name", "organisation_id"],
    )
    .query_keys(&[("name", "filter")])
    .get_matched_item()
}

#[cfg(test)]
mod tests {
    use crate::framework::test_support::{page, read_data, FakeApi};
    use crate::framework::value::Value;
    use serde_json::json;

    /// Two organisations with an app named "shop" each (names are unique only within an
    /// organisation): `organisation_id` picks one, and a lookup by name alone says it narrows.
    #[tokio::test]
    async fn organisation_id_narrows_a_lookup_by_name() {
        let api = FakeApi::start(|req| {
            let apps: Vec<_> = [(13000, 1000), (13001, 1001)]
                .iter()
                .map(|(id, org)| {
                    json!({"id": id, "name": "shop", "type": "run", "customPackageName": "drupal_run",
                           "organisation": {"id": org, "name": "o"}})
                })
                .collect();
            match req.path.as_str() {
                "/apps" => {
                    assert_eq!(req.param("filter"), Some("shop"), "only the name is a filter");
                    (200, page(req, "apps", &apps))
                }
                "/apps/13001" => (200, json!({"app": apps[1]})),
                "/custompackages" => (200, page(req, "customPackages", &[])),
                "/apps/13001/organisations" => (200, page(req, "organisations", &[])),
                _ => (404, json!({"message": "App is not found"})),
            }
        })
        .await;
        let ds = super::data_source();
        let name = ("name", Value::string("shop"));
        let found = read_data(&ds, &api, &[name.clone(), ("organisation_id", Value::string("1001"))])
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(found["id"], Value::string("13001"));
        let err = read_data(&ds, &api, &[name]).await.unwrap_err();
        assert!(err.0[0].detail.contains("set organisation_id too, or id"), "{err:?}");
    }
}
