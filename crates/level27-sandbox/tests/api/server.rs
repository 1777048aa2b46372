use std::time::{Duration, Instant};

use level27_sandbox::Config;
use serde_json::Value;

use crate::common::{parse_http, raw_http};

#[tokio::test]
async fn dropped_connections_send_nothing_over_the_socket() {
    let sandbox = level27_sandbox::start(
        Config {
            fail_rate: 1.0,
            seed: Some(5),
            ..Config::default()
        },
        "127.0.0.1:0",
    )
    .await
    .expect("start");
    let (mut drops, mut answered) = (0, 0);
    for _ in 0..40 {
        match raw_http(sandbox.addr(), "GET", "/v1/organisations", None).await {
            // A reset is a dropped connection too.
            Err(_) => drops += 1,
            Ok(bytes) if bytes.is_empty() => drops += 1,
            Ok(bytes) => {
                let (status, _) = parse_http(&bytes);
                assert!(status == 429 || status == 503, "{}", String::from_utf8_lossy(&bytes));
                if status == 429 {
                    let text = String::from_utf8_lossy(&bytes).to_lowercase();
                    assert!(text.contains("\r\nretry-after: 1\r\n"), "{text}");
                }
                answered += 1;
            }
        }
    }
    assert!(drops > 0, "no dropped connection in 40 requests");
    assert!(answered > 0);
    sandbox.shutdown().await.expect("shutdown");
}

#[tokio::test]
async fn state_survives_a_restart_with_a_data_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("sandbox.json");
    let config = Config {
        data_file: Some(data.clone()),
        ..Config::default()
    };
    let sandbox = level27_sandbox::start(config.clone(), "127.0.0.1:0")
        .await
        .expect("start");
    let bytes = raw_http(
        sandbox.addr(),
        "POST",
        "/v1/organisations",
        Some(r#"{"name": "Kept", "taxNumber": "BE1", "country": "FR"}"#),
    )
    .await
    .expect("create");
    let (status, body) = parse_http(&bytes);
    assert_eq!(status, 201, "{body}");
    let created: Value = serde_json::from_str(&body).expect("json");
    let org_id = created["organisation"]["id"].as_u64().expect("id");
    let team = format!(r#"{{"name": "kept-team", "organisation": {org_id}}}"#);
    let bytes = raw_http(
        sandbox.addr(),
        "POST",
        &format!("/v1/organisations/{org_id}/teams"),
        Some(&team),
    )
    .await
    .expect("create team");
    assert_eq!(parse_http(&bytes).0, 201);
    let bytes = raw_http(sandbox.addr(), "GET", &format!("/v1/organisations/{org_id}"), None)
        .await
        .expect("get");
    let org: Value = serde_json::from_str(&parse_http(&bytes).1).expect("json");
    assert_eq!(org["organisation"]["country"]["id"], "FR");
    sandbox.shutdown().await.expect("shutdown");

    let sandbox = level27_sandbox::start(config, "127.0.0.1:0").await.expect("restart");
    let bytes = raw_http(sandbox.addr(), "GET", &format!("/v1/organisations/{org_id}"), None)
        .await
        .expect("get");
    let (status, body) = parse_http(&bytes);
    assert_eq!(status, 200);
    let again: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(again, org);
    let bytes = raw_http(
        sandbox.addr(),
        "GET",
        &format!("/v1/organisations/{org_id}/teams"),
        None,
    )
    .await
    .expect("list teams");
    let teams: Value = serde_json::from_str(&parse_http(&bytes).1).expect("json");
    assert_eq!(teams["teams"][0]["name"], "kept-team");
    // Ids continue after a restart.
    let bytes = raw_http(
        sandbox.addr(),
        "POST",
        "/v1/organisations",
        Some(r#"{"name": "Next", "taxNumber": "BE2"}"#),
    )
    .await
    .expect("create");
    let next: Value = serde_json::from_str(&parse_http(&bytes).1).expect("json");
    assert_eq!(next["organisation"]["id"].as_u64(), Some(org_id + 1));
    sandbox.shutdown().await.expect("shutdown");
}

#[tokio::test]
async fn latency_is_added_to_api_requests_only() {
    let sandbox = level27_sandbox::start(
        Config {
            latency: Duration::from_millis(400),
            ..Config::default()
        },
        "127.0.0.1:0",
    )
    .await
    .expect("start");
    let started = Instant::now();
    let bytes = raw_http(sandbox.addr(), "GET", "/v1/organisations", None)
        .await
        .expect("get");
    assert_eq!(parse_http(&bytes).0, 200);
    assert!(started.elapsed() >= Duration::from_millis(400));
    let started = Instant::now();
    let bytes = raw_http(sandbox.addr(), "GET", "/_sandbox/requests", None)
        .await
        .expect("admin");
    assert_eq!(parse_http(&bytes).0, 200);
    assert!(started.elapsed() < Duration::from_millis(400));
    sandbox.shutdown().await.expect("shutdown");
}

#[tokio::test]
async fn a_create_that_cannot_be_saved_is_a_500_and_leaves_no_object() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sub = dir.path().join("data");
    std::fs::create_dir(&sub).expect("mkdir");
    let sandbox = crate::common::Sandbox::with(Config {
        data_file: Some(sub.join("sandbox.json")),
        ..Config::default()
    });
    let kept = sandbox.organisation("Saved").await;
    // The data file's directory becomes a regular file: saving fails, even for root.
    std::fs::remove_dir_all(&sub).expect("rm");
    std::fs::write(&sub, "not a directory").expect("file");
    let failed = sandbox
        .call(
            "POST",
            "/v1/organisations",
            Some(serde_json::json!({"name": "Lost", "taxNumber": "BE-Lost"})),
        )
        .await;
    assert_eq!(failed.status, axum::http::StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(failed.body["code"], 500);
    // The client was told "failed", and indeed nothing was created.
    let list = sandbox.call("GET", "/v1/organisations?limit=100", None).await;
    let ids: Vec<u64> = list.body["organisations"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|o| o["id"].as_u64())
        .collect();
    assert_eq!(ids, [kept]);
    // Updates and deletes roll back the same way.
    let path = format!("/v1/organisations/{kept}");
    let renamed = serde_json::json!({"name": "Renamed", "taxNumber": "BE-Saved"});
    assert_eq!(sandbox.call("PUT", &path, Some(renamed)).await.status, 500);
    assert_eq!(sandbox.call("DELETE", &path, None).await.status, 500);
    let org = sandbox.call("GET", &path, None).await;
    assert_eq!(org.body["organisation"]["name"], "Saved");
}
