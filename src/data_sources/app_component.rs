//! `data "level27_app_component"`: Looks up a component of an app by `id` or by its exact `name`.

use crate::framework::DataSource;
use crate::resources::app_component;

pub fn data_source() -> DataSource {
    DataSource::from_resource(
        app_component::spec(),
        "Looks up a component of an app by `id` or by its exact `name`.",
        &["name"],
    )
}

#[cfg(test)]
mod tests {
    use crate::framework::test_support::{map, page, read_data, s, FakeApi};
    use serde_json::json;

    /// A redis component (`memory` only `/appcomponenttypes` documents) and a php one, answered
    /// as the API does: every parameter under `appcomponentparameters`, passwords masked.
    async fn api() -> FakeApi {
        FakeApi::start(|req| {
            let redis = json!({"id": 5, "name": "cache", "appcomponenttype": "redis", "status": "ok",
                "appcomponentparameters": {"memory": 256, "maxmemory_policy": "allkeys-lru", "pass": "******", "notes": ""}});
            // Seed L7914: a php component's parameters.
            let php = json!({"id": 6, "name": "web", "appcomponenttype": "php", "status": "ok",
                "appcomponentparameters": {"pass": "******", "basic_auth_enabled": false,
                    "basic_auth_pass": "*****", "path": "/public_html", "version": "8.2",
                    "composer_version": "1", "extraconfig": null, "user": "vx1234235", "sshkeys": []}});
            match req.path.as_str() {
                "/apps/1/components/5" => (200, json!({"component": redis})),
                "/apps/1/components/6" => (200, json!({"component": php})),
                p if p.starts_with("/apps/1/components/availableparentcomponents/type/") => {
                    let placed = [
                        json!({"id": 5, "system": {"id": 33}}),
                        json!({"id": 6, "system": {"id": 33}}),
                    ];
                    (200, page(req, "components", &placed))
                }
                _ => (404, json!({"message": "Component is not found"})),
            }
        })
        .await
    }

    #[tokio::test]
    async fn parameters_are_read_as_the_resource_holds_them() {
        let api = api().await;
        let read = |id: &'static str| {
            let api = &api;
            async move {
                read_data(&super::data_source(), api, &[("app_id", s("1")), ("id", s(id))])
                    .await
                    .unwrap_or_else(|e| panic!("{e:?}"))
            }
        };
        let redis = read("5").await;
        assert_eq!(
            redis["parameters"],
            map(&[("memory", s("256")), ("maxmemory_policy", s("allkeys-lru"))]),
            "values as text, the masked password and the empty value left out"
        );
        // The typed attributes' parameters are theirs; nulls and passwords are no values.
        let php = read("6").await;
        assert_eq!(
            php["parameters"],
            map(&[
                ("basic_auth_enabled", s("false")),
                ("composer_version", s("1")),
                ("user", s("vx1234235")),
            ])
        );
        assert_eq!(php["version"], s("8.2"));
    }
}
