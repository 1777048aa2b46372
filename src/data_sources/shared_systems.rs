//! `data "level27_shared_systems"`: the shared systems components can be placed on
//! (`/sharedsystems`, seed L17794).
//!
//! A shared system's name is its host name, so `name` matches as host names compare (letter
//! case and a trailing dot do not matter), as a record's `name` and a domain's `fullname` do.

use crate::framework::codecs::Normaliser;
use crate::framework::{Attribute, DataSource, ListDataSource, ListResult};

pub fn data_source() -> DataSource {
    DataSource::list(ListDataSource {
        type_name: "level27_shared_systems",
        description: "Lists the shared systems an app component can be placed on (`system_id`).",
        path: "/sharedsystems",
        attributes: vec![Attribute::string("name").optional().describe(
            "Keep only the systems with this name (a host name: letter case and a trailing dot do not matter).",
        )],
        query: &[("name", "filter")],
        filters: &["name"],
        result: ListResult::Items {
            envelope: "systems",
            attribute: "systems",
            description: "The shared systems, in the order the API lists them.",
            items: vec![
                Attribute::id("id")
                    .computed()
                    .read_from("id")
                    .describe("The system's id."),
                // Seed: silent on letter case (L17794 names `web2`); host names ignore it.
                Attribute::string("name")
                    .computed()
                    .read_from("name")
                    .normalise(Normaliser::Hostname)
                    .describe("The system's host name."),
            ],
        },
    })
}

#[cfg(test)]
mod tests {
    use crate::framework::test_support::{page, read_data, s, FakeApi};
    use crate::framework::Value;
    use serde_json::json;

    /// The shared systems, with the API's `filter`: names containing the text, ignoring case (as
    /// the sandbox's lists and the other Level27 lists filter).
    async fn api() -> FakeApi {
        FakeApi::start(|req| {
            let wanted = req.param("filter").unwrap_or_default().to_lowercase();
            let items: Vec<_> = [(33, "web1.shared.level27.eu"), (34, "web2.shared.level27.eu")]
                .iter()
                .filter(|(_, name)| name.contains(&wanted))
                .map(|(id, name)| json!({"id": id, "name": name, "organisation": {"id": 1, "name": "level27"}}))
                .collect();
            (200, page(req, "systems", &items))
        })
        .await
    }

    async fn ids(api: &FakeApi, name: &str) -> Vec<String> {
        let state = read_data(&super::data_source(), api, &[("name", s(name))])
            .await
            .unwrap();
        state["systems"]
            .elements()
            .iter()
            .filter_map(|x| x.as_object()?.get("id").and_then(Value::as_str).map(str::to_string))
            .collect()
    }

    #[tokio::test]
    async fn a_name_matches_as_a_host_name_ignoring_letter_case_and_a_trailing_dot() {
        let api = api().await;
        assert_eq!(ids(&api, "WEB1.Shared.Level27.eu").await, vec!["33"]);
        // The trailing dot is not sent to the API's filter, which would then find nothing.
        assert_eq!(ids(&api, "web2.shared.level27.eu.").await, vec!["34"]);
        let filters: Vec<String> = api
            .seen()
            .iter()
            .filter_map(|r| r.param("filter").map(str::to_string))
            .collect();
        assert!(filters.contains(&"web2.shared.level27.eu".to_string()), "{filters:?}");
        // Another name still matches nothing: the filter is not a substring match.
        assert!(ids(&api, "web1.shared").await.is_empty());
    }
}
