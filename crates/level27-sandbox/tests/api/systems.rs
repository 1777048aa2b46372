use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::common::Sandbox;

fn vm(org: u64) -> Value {
    json!({"name": "web1", "organisation": org, "zone": 20, "systemimage": 12, "systemproviderConfiguration": 45,
           "cpu": 2, "memory": 4, "disk": 60, "autoNetworks": [7, 9]})
}

fn errors(body: &Value, field: &str) -> Value {
    body["system"]["errors"]["children"][field]["errors"].clone()
}

#[tokio::test]
async fn creates_are_checked_against_the_lookups_and_answer_as_the_seed_spells() {
    let sandbox = Sandbox::new();
    let org = sandbox.organisation("Org").await;
    let made = sandbox.call("POST", "/v1/systems", Some(vm(org))).await;
    assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.body);
    let s = &made.body["system"];
    assert_eq!(
        (s["type"].clone(), s["disk"].clone(), s["cpu"].clone()),
        (json!("kvmguest"), json!("60.0"), json!(2))
    );
    assert_eq!(s["zone"], json!({"id": "20", "name": "Brussel Interxion 2 (IX2)"}));
    assert_eq!(s["networks"][1]["networkId"], 9);
    assert!(s["vncPassword"].is_string());

    // Above the configuration's limits, the wrong image region, a baremetal plan for a vm.
    let mut bad = vm(org);
    bad["cpu"] = json!(64);
    bad["systemimage"] = json!(22);
    let r = sandbox.call("POST", "/v1/systems", Some(bad)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        errors(&r.body, "cpu"),
        json!(["This value should be between 1 and 32."])
    );
    assert!(errors(&r.body, "systemimage").as_array().is_some_and(|e| !e.is_empty()));
    let mut bad = vm(org);
    bad["systemproviderConfiguration"] = json!(50);
    let r = sandbox.call("POST", "/v1/systems", Some(bad)).await;
    assert!(errors(&r.body, "systemproviderConfiguration")
        .as_array()
        .is_some_and(|e| !e.is_empty()));

    // A baremetal server takes its hardware from the configuration.
    let bm = sandbox
        .call(
            "POST",
            "/v1/systems",
            Some(
                json!({"name": "db1", "organisation": org, "zone": 20, "systemimage": 12,
                        "systemproviderConfiguration": 50, "type": "baremetal"}),
            ),
        )
        .await;
    assert_eq!(bm.body["system"]["memory"], 32, "{:?}", bm.body);
}

#[tokio::test]
async fn put_keeps_what_it_does_not_take_and_refuses_moving_the_fixed_fields() {
    let sandbox = Sandbox::new();
    let org = sandbox.organisation("Org").await;
    let id = sandbox.call("POST", "/v1/systems", Some(vm(org))).await.body["system"]["id"].clone();
    let item = format!("/v1/systems/{id}");
    let put = json!({"name": "web2", "organisation": org, "zone": 20, "systemimage": 12,
                     "systemproviderConfiguration": 45, "cpu": 4, "memory": 8});
    assert_eq!(
        sandbox.call("PUT", &item, Some(put.clone())).await.status,
        StatusCode::NO_CONTENT
    );
    let s = sandbox.call("GET", &item, None).await.body["system"].clone();
    assert_eq!(
        (s["cpu"].clone(), s["disk"].clone(), s["type"].clone()),
        (json!(4), json!("60.0"), json!("kvmguest"))
    );
    assert_eq!(
        s["networks"].as_array().map(Vec::len),
        Some(2),
        "autoNetworks is not in the PUT form"
    );
    let mut moved = put;
    moved["systemimage"] = json!(13);
    let r = sandbox.call("PUT", &item, Some(moved)).await;
    assert_eq!(errors(&r.body, "systemimage"), json!(["This value is not valid."]));
}

#[tokio::test]
async fn power_actions_and_network_links() {
    let sandbox = Sandbox::new();
    let org = sandbox.organisation("Org").await;
    let bm = sandbox
        .call(
            "POST",
            "/v1/systems",
            Some(
                json!({"name": "db1", "organisation": org, "zone": 20, "systemimage": 12,
                        "systemproviderConfiguration": 50, "type": "baremetal"}),
            ),
        )
        .await
        .body["system"]["id"]
        .clone();
    let actions = format!("/v1/systems/{bm}/actions");
    let r = sandbox.call("POST", &actions, Some(json!({"type": "shutdown"}))).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "no guest agent: {:?}", r.body);
    let r = sandbox.call("POST", &actions, Some(json!({"type": "stop"}))).await;
    assert_eq!(r.body["system"]["runningStatus"], "stopped");
    let r = sandbox.call("POST", &actions, Some(json!({"type": "fly"}))).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    let links = format!("/v1/systems/{bm}/networks");
    let r = sandbox.call("POST", &links, Some(json!({"network": 8}))).await;
    assert_eq!(r.status, StatusCode::CREATED);
    let link = r.body["systemHasNetwork"]["id"].clone();
    let again = sandbox.call("POST", &links, Some(json!({"network": 8}))).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST, "linked twice");
    let listed = sandbox.call("GET", &links, None).await.body;
    assert_eq!(listed["systemHasNetworks"][0]["network"]["id"], 8);
    assert_eq!(
        sandbox.call("DELETE", &format!("{links}/{link}"), None).await.status,
        StatusCode::NO_CONTENT
    );
    let s = sandbox.call("GET", &format!("/v1/systems/{bm}"), None).await.body;
    assert_eq!(s["system"]["networks"], json!([]));
}

#[tokio::test]
async fn lookups_page_and_spell_limits_as_strings() {
    let sandbox = Sandbox::new();
    let r = sandbox
        .call("GET", "/v1/systems/provider/configurations?limit=2&offset=3", None)
        .await;
    assert_eq!(r.body["total"], 6);
    let names: Vec<&str> = r.body["providerConfigurations"]
        .as_array()
        .map(|a| a.iter().filter_map(|c| c["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(names, vec!["Flexible", "Baremetal S"]);
    assert_eq!(r.body["providerConfigurations"][0]["maxMemory"], "256.0");
    let zones = sandbox.call("GET", "/v1/regions/1/zones", None).await.body;
    assert_eq!(zones["total"], 2);
    assert_eq!(
        sandbox.call("GET", "/v1/regions/9/images", None).await.status,
        StatusCode::NOT_FOUND
    );
    let public = sandbox.call("GET", "/v1/networks?type=public", None).await.body;
    assert_eq!(public["networks"][0]["name"], "level27_public");
}

#[tokio::test]
async fn a_network_links_only_systems_of_a_zone_it_reaches() {
    let sandbox = Sandbox::new();
    let org = sandbox.organisation("Org").await;
    let n9 = sandbox.call("GET", "/v1/networks/9", None).await.body;
    let zones: Vec<Value> = n9["network"]["zones"]
        .as_array()
        .map(|z| z.iter().map(|z| z["id"].clone()).collect())
        .unwrap_or_default();
    assert_eq!(zones, vec![json!(20)], "{n9}");
    let n7 = sandbox.call("GET", "/v1/networks/7", None).await.body;
    assert_eq!(n7["network"]["zones"][1]["name"], "Brussel Interxion 1 (IX1)", "{n7}");

    // In IX1 (zone 21): the public network reaches it, IX2's customer network does not.
    let mut in_ix1 = vm(org);
    in_ix1["zone"] = json!(21);
    let r = sandbox.call("POST", "/v1/systems", Some(in_ix1.clone())).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{:?}", r.body);
    assert_eq!(
        errors(&r.body, "autoNetworks"),
        json!(["This network is not available in the zone of the system."])
    );
    in_ix1["autoNetworks"] = json!([7]);
    let made = sandbox.call("POST", "/v1/systems", Some(in_ix1)).await;
    assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.body);
    let id = made.body["system"]["id"].clone();
    let links = format!("/v1/systems/{id}/networks");
    let r = sandbox.call("POST", &links, Some(json!({"network": 9}))).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{:?}", r.body);
    assert_eq!(
        r.body["systemHasNetwork"]["errors"]["children"]["network"]["errors"],
        json!(["This network is not available in the zone of the system."])
    );
    let r = sandbox.call("POST", &links, Some(json!({"network": 8}))).await;
    assert_eq!(
        r.status,
        StatusCode::CREATED,
        "the internal network reaches IX1: {:?}",
        r.body
    );
    let r = sandbox.call("POST", &links, Some(json!({"network": 999}))).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{:?}", r.body);
}
