use axum::http::StatusCode;
use level27_sandbox::Config;
use serde_json::json;

use crate::common::{Sandbox, KEY};

fn failing(retry_after_secs: u64) -> Sandbox {
    Sandbox::with(Config {
        fail_rate: 1.0,
        retry_after_secs,
        seed: Some(27),
        ..Config::default()
    })
}

#[tokio::test]
async fn with_fail_rate_one_every_api_request_fails() {
    let sandbox = failing(3);
    let (mut too_many, mut unavailable, mut dropped) = (0, 0, 0);
    for i in 0..60 {
        let body = json!({"name": format!("org{i}"), "taxNumber": format!("T{i}")});
        match sandbox
            .call_as(Some(KEY), "POST", "/v1/organisations", Some(body))
            .await
        {
            Err(_) => dropped += 1,
            Ok(reply) if reply.status == StatusCode::TOO_MANY_REQUESTS => {
                too_many += 1;
                assert_eq!(reply.headers["retry-after"], "3");
                assert_eq!(reply.body["code"], 429);
            }
            Ok(reply) if reply.status == StatusCode::SERVICE_UNAVAILABLE => {
                unavailable += 1;
                assert!(reply.headers.get("retry-after").is_none());
            }
            Ok(reply) => panic!("request {i} succeeded: {reply:?}"),
        }
    }
    assert!(too_many > 0 && unavailable > 0 && dropped > 0);
    assert_eq!(too_many + unavailable + dropped, 60);

    // Admin routes are never failed. Only drops after processing reached the API, and each of
    // them really created its organisation.
    let counts = sandbox.call("GET", "/_sandbox/requests", None).await;
    let faults = &counts.body["faults"];
    assert_eq!(faults["429"], too_many);
    assert_eq!(faults["503"], unavailable);
    let before = faults["dropBeforeProcessing"].as_u64().expect("count");
    let after = faults["dropAfterProcessing"].as_u64().expect("count");
    assert_eq!(before + after, dropped);
    assert!(before > 0 && after > 0, "{faults}");
    assert_eq!(counts.body["total"], after);
    // All of them hit one route, so its per-route counts are the totals.
    assert_eq!(counts.body["faultsByRoute"], json!({"POST /v1/organisations": faults}));
    assert_eq!(counts.body["arrivals"]["POST /v1/organisations"]["count"], 60);
    let state = sandbox.call("GET", "/_sandbox/state", None).await;
    let created = state.body["organisations"].as_object().map_or(0, |m| m.len());
    assert_eq!(created as u64, after);
}

#[tokio::test]
async fn faults_are_counted_per_route_and_kind() {
    let sandbox = Sandbox::with(Config {
        fail_rate: 0.5,
        seed: Some(3),
        ..Config::default()
    });
    let org = sandbox.organisation_retrying("Per route").await;
    let teams = format!("/v1/organisations/{org}/teams");
    let mut dropped_posts = 0;
    for i in 0..40 {
        let body = json!({"name": format!("t{i}"), "organisation": org});
        if sandbox.call_as(Some(KEY), "POST", &teams, Some(body)).await.is_err() {
            dropped_posts += 1;
        }
        // Interleaved reads of another route.
        let _ = sandbox.call_as(Some(KEY), "GET", &teams, None).await;
    }
    let counts = sandbox.call("GET", "/_sandbox/requests", None).await;
    let by_route = &counts.body["faultsByRoute"];
    let posts = &by_route["POST /v1/organisations/{organisationId}/teams"];
    let gets = &by_route["GET /v1/organisations/{organisationId}/teams"];
    let n = |v: &serde_json::Value, k: &str| v[k].as_u64().expect("count");
    assert_eq!(
        n(posts, "dropBeforeProcessing") + n(posts, "dropAfterProcessing"),
        dropped_posts,
        "{by_route}"
    );
    // The teams that exist are the POSTs that were processed: answered 201 or dropped after.
    let state = sandbox.call("GET", "/_sandbox/state", None).await;
    let created = state.body["teams"].as_object().map_or(0, |m| m.len()) as u64;
    let processed = counts.body["requests"]["POST /v1/organisations/{organisationId}/teams"]
        .as_u64()
        .expect("count");
    assert_eq!(created, processed);
    assert!(n(posts, "dropAfterProcessing") > 0, "{posts}");
    // Per-route counts add up to the global ones.
    for kind in ["429", "503", "dropBeforeProcessing", "dropAfterProcessing"] {
        let sum: u64 = by_route.as_object().expect("map").values().map(|v| n(v, kind)).sum();
        assert_eq!(sum, n(&counts.body["faults"], kind), "{kind}");
    }
    assert!(gets.is_object(), "{by_route}");
}

#[tokio::test]
async fn retry_after_zero_is_allowed() {
    let sandbox = failing(0);
    for _ in 0..30 {
        if let Ok(reply) = sandbox.call_as(Some(KEY), "GET", "/v1/organisations", None).await {
            if reply.status == StatusCode::TOO_MANY_REQUESTS {
                assert_eq!(reply.headers["retry-after"], "0");
                return;
            }
        }
    }
    panic!("no 429 in 30 requests at fail rate 1.0");
}

#[tokio::test]
async fn fail_rate_outside_zero_one_is_rejected() {
    let config = Config {
        fail_rate: 1.5,
        ..Config::default()
    };
    assert!(level27_sandbox::router(config).is_err());
}
