use axum::http::StatusCode;
use serde_json::json;

use crate::common::Sandbox;

#[tokio::test]
async fn missing_or_wrong_key_is_401_everywhere() {
    let sandbox = Sandbox::new();
    for key in [None, Some("wrong"), Some("Bearer sandbox")] {
        for (method, path) in [
            ("GET", "/v1/organisations"),
            ("POST", "/v1/organisations"),
            ("GET", "/v1/nothing-here"),
            ("GET", "/_sandbox/requests"),
            ("POST", "/_sandbox/reset"),
            ("POST", "/_sandbox/reset-counters"),
        ] {
            let reply = sandbox.call_as(key, method, path, None).await.expect("response");
            assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{key:?} {method} {path}");
            assert_eq!(reply.body["code"], 401);
            assert!(reply.body["message"].is_string());
        }
    }
    // Nothing was created by the rejected POST.
    let list = sandbox.call("GET", "/v1/organisations", None).await;
    assert_eq!(list.body, json!({"organisations": []}));
}

#[tokio::test]
async fn another_key_can_be_configured() {
    let sandbox = Sandbox::with(level27_sandbox::Config {
        api_key: "s3cret".into(),
        ..Default::default()
    });
    let denied = sandbox.call_as(Some("sandbox"), "GET", "/v1/organisations", None).await;
    assert_eq!(denied.expect("response").status, StatusCode::UNAUTHORIZED);
    let allowed = sandbox.call_as(Some("s3cret"), "GET", "/v1/organisations", None).await;
    assert_eq!(allowed.expect("response").status, StatusCode::OK);
}

#[tokio::test]
async fn unknown_paths_are_404_json() {
    let sandbox = Sandbox::new();
    let reply = sandbox.call("GET", "/v1/nothing-here", None).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.body["code"], 404);
    // Only `/v1` serves the API.
    assert_eq!(
        sandbox.call("GET", "/organisations", None).await.status,
        StatusCode::NOT_FOUND
    );
}

/// `fail-requests` queues exact faults for one route: the next reads of an organisation answer
/// 503 twice, then the organisation; other routes are untouched; the faults are counted as
/// drawn ones are; bad requests say what is expected; a reset drops what is still queued.
#[tokio::test]
async fn fail_requests_fails_the_next_requests_to_one_route() {
    let sandbox = Sandbox::new();
    let org = sandbox.organisation("Flaky").await;
    let route = "GET /v1/organisations/{organisationId}";
    let ask = |fault: &str, count: u64| json!({"route": route, "fault": fault, "count": count});
    let queued = sandbox
        .call("POST", "/_sandbox/fail-requests", Some(ask("503", 2)))
        .await;
    assert_eq!(queued.status, StatusCode::NO_CONTENT, "{:?}", queued.body);
    let item = format!("/v1/organisations/{org}");
    assert_eq!(
        sandbox.call("GET", "/v1/organisations", None).await.status,
        StatusCode::OK
    );
    for _ in 0..2 {
        assert_eq!(
            sandbox.call("GET", &item, None).await.status,
            StatusCode::SERVICE_UNAVAILABLE
        );
    }
    assert_eq!(sandbox.call("GET", &item, None).await.status, StatusCode::OK);
    let counts = sandbox.call("GET", "/_sandbox/requests", None).await.body;
    assert_eq!(counts["faultsByRoute"][route]["503"], 2, "{counts}");
    assert_eq!(counts["requests"][route], 1, "{counts}");

    for (body, says) in [
        (json!({"route": "nothing", "fault": "503"}), "\"route\" must be"),
        (
            json!({"route": route, "fault": "500"}),
            "\"fault\" must be one of [429, 503, dropBeforeProcessing, dropAfterProcessing]",
        ),
        (json!({"route": route, "fault": "503", "count": 0}), "\"count\" must be"),
        (
            json!({"route": "GET /_sandbox/requests", "fault": "503"}),
            "admin routes are never failed",
        ),
    ] {
        let refused = sandbox.call("POST", "/_sandbox/fail-requests", Some(body)).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);
        let message = refused.body["message"].as_str().unwrap_or_default();
        assert!(message.contains(says), "{message}");
    }

    sandbox
        .call("POST", "/_sandbox/fail-requests", Some(ask("429", 1)))
        .await;
    assert_eq!(
        sandbox.call("POST", "/_sandbox/reset", None).await.status,
        StatusCode::NO_CONTENT
    );
    let org = sandbox.organisation("After reset").await;
    let read = sandbox.call("GET", &format!("/v1/organisations/{org}"), None).await;
    assert_eq!(read.status, StatusCode::OK, "the reset dropped the queued fault");
}

/// As Symfony's router does: a GET (or HEAD) with a trailing slash is redirected to the path
/// without it, query kept; other methods get the router's 404.
#[tokio::test]
async fn a_trailing_slash_redirects_a_get_and_is_no_route_for_a_post() {
    let sandbox = Sandbox::new();
    for (path, to) in [
        ("/v1/organisations/", "/v1/organisations"),
        ("/v1/systems/?limit=2&offset=0", "/v1/systems?limit=2&offset=0"),
    ] {
        for method in ["GET", "HEAD"] {
            let reply = sandbox.call(method, path, None).await;
            assert_eq!(reply.status, StatusCode::MOVED_PERMANENTLY, "{method} {path}");
            assert_eq!(reply.headers["location"], to, "{method} {path}");
        }
    }
    let target = sandbox.call("GET", "/v1/organisations", None).await;
    assert_eq!(target.status, StatusCode::OK);
    let post = sandbox
        .call("POST", "/v1/organisations/", Some(json!({"name": "Slash"})))
        .await;
    assert_eq!(post.status, StatusCode::NOT_FOUND);
    assert_eq!(post.body["message"], "No route found for \"POST /v1/organisations/\"");
    // The root is no path with a trailing slash.
    assert_eq!(sandbox.call("GET", "/", None).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn requests_are_counted_per_route_template() {
    let sandbox = Sandbox::new();
    let org = sandbox.organisation("Counted").await;
    sandbox.call("GET", &format!("/v1/organisations/{org}"), None).await;
    sandbox.call("GET", &format!("/v1/organisations/{org}"), None).await;
    sandbox.call("GET", "/v1/organisations/1/teams/2", None).await;
    sandbox
        .call_as(None, "GET", "/v1/organisations", None)
        .await
        .expect("401");
    let counts = sandbox.call("GET", "/_sandbox/requests", None).await;
    assert_eq!(counts.status, StatusCode::OK);
    let mut body = counts.body.clone();
    let arrivals = body
        .as_object_mut()
        .and_then(|o| o.remove("arrivals"))
        .expect("arrivals");
    let agents = body
        .as_object_mut()
        .and_then(|o| o.remove("userAgents"))
        .expect("userAgents");
    let per_agent: Vec<u64> = agents
        .as_object()
        .expect("object")
        .values()
        .filter_map(|v| v.as_u64())
        .collect();
    assert_eq!(
        per_agent.iter().sum::<u64>(),
        5,
        "every API request, by User-Agent: {agents}"
    );
    assert_eq!(
        body,
        json!({
            "requests": {
                "GET /v1/organisations": 1,
                "GET /v1/organisations/{organisationId}": 2,
                "GET /v1/organisations/{organisationId}/teams/{teamId}": 1,
                "POST /v1/organisations": 1
            },
            "total": 5,
            "faults": {"429": 0, "503": 0, "dropBeforeProcessing": 0, "dropAfterProcessing": 0},
            "faultsByRoute": {}
        })
    );
    // Every request that reached the gate has an arrival record; times are milliseconds since
    // the sandbox started, so only their order is checked here.
    let get_item = &arrivals["GET /v1/organisations/{organisationId}"];
    assert_eq!(get_item["count"], 2);
    let (first, last) = (get_item["firstMs"].as_u64(), get_item["lastMs"].as_u64());
    assert!(first.zip(last).is_some_and(|(f, l)| f <= l), "{get_item}");
    assert_eq!(arrivals["POST /v1/organisations"]["count"], 1);
    assert_eq!(arrivals["GET /v1/organisations"]["count"], 1, "the 401 arrived too");
    assert!(
        arrivals.get("GET /_sandbox/requests").is_none(),
        "admin routes are not API requests"
    );
    let cleared = sandbox.call("POST", "/_sandbox/reset-counters", None).await;
    assert_eq!(cleared.status, StatusCode::NO_CONTENT);
    let counts = sandbox.call("GET", "/_sandbox/requests", None).await;
    assert_eq!(counts.body["total"], 0);
    assert_eq!(counts.body["arrivals"], json!({}));
    assert_eq!(counts.body["userAgents"], json!({}));
    // Counters were cleared, data was not.
    assert_eq!(
        sandbox
            .call("GET", &format!("/v1/organisations/{org}"), None)
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn reset_clears_data_and_counters_but_never_reuses_ids() {
    let sandbox = Sandbox::new();
    let first = sandbox.organisation("Before").await;
    let reset = sandbox.call("POST", "/_sandbox/reset", None).await;
    assert_eq!(reset.status, StatusCode::NO_CONTENT);
    let list = sandbox.call("GET", "/v1/organisations", None).await;
    assert_eq!(list.body, json!({"organisations": []}));
    let second = sandbox.organisation("After").await;
    assert!(second > first);
    let counts = sandbox.call("GET", "/_sandbox/requests", None).await;
    assert_eq!(counts.body["total"], 2, "{:?}", counts.body);
}

#[tokio::test]
async fn request_bodies_are_recorded_per_route_until_counters_are_cleared() {
    let sandbox = Sandbox::new();
    let org = sandbox.organisation("Bodies").await;
    let path = format!("/v1/organisations/{org}");
    let patch = json!({"name": "Bodies", "taxNumber": "BE-Bodies", "city": "Gent"});
    sandbox.call("PATCH", &path, Some(patch.clone())).await;
    // Rejected requests are recorded too: the body is what the client sent.
    let bad = json!({"name": "", "taxNumber": "BE-Bodies"});
    assert_eq!(
        sandbox.call("PATCH", &path, Some(bad.clone())).await.status,
        StatusCode::BAD_REQUEST
    );
    sandbox.call("GET", &path, None).await;
    let raw = sandbox.call_raw("POST", "/v1/organisations", "not json").await;
    assert_eq!(raw, StatusCode::BAD_REQUEST);
    let bodies = sandbox.call("GET", "/_sandbox/bodies", None).await;
    assert_eq!(bodies.status, StatusCode::OK);
    assert_eq!(
        bodies.body,
        json!({
            "PATCH /v1/organisations/{organisationId}": [patch, bad],
            "POST /v1/organisations": [{"name": "Bodies", "taxNumber": "BE-Bodies"}, "not json"]
        }),
        "GETs have no body; a body that is not JSON is kept as text"
    );
    sandbox.call("POST", "/_sandbox/reset-counters", None).await;
    assert_eq!(sandbox.call("GET", "/_sandbox/bodies", None).await.body, json!({}));
    sandbox.call("PATCH", &path, Some(patch)).await;
    sandbox.call("POST", "/_sandbox/reset", None).await;
    assert_eq!(sandbox.call("GET", "/_sandbox/bodies", None).await.body, json!({}));
}

#[tokio::test]
async fn echo_auth_puts_the_received_key_in_error_bodies_only() {
    let plain = Sandbox::new();
    let reply = plain.call("GET", "/v1/organisations/1", None).await;
    assert_eq!(reply.body, json!({"code": 404, "message": "Organisation is not found"}));

    let sandbox = Sandbox::with(level27_sandbox::Config {
        echo_auth: true,
        ..Default::default()
    });
    let reply = sandbox.call("GET", "/v1/organisations/1", None).await;
    assert_eq!(
        reply.body,
        json!({"code": 404, "message": "Organisation is not found (Authorization: sandbox)"})
    );
    let reply = sandbox
        .call_as(Some("wrong-key"), "GET", "/v1/organisations", None)
        .await
        .expect("response");
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.body["message"], "Bad credentials (Authorization: wrong-key)");
    // A form error carries it among the form's global errors, after the real ones.
    let reply = sandbox
        .call("POST", "/v1/organisations", Some(json!({"name": "x", "bogus": 1})))
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        reply.body["organisation"]["errors"]["errors"],
        json!(["This form should not contain extra fields.", "(Authorization: sandbox)"])
    );
    assert_eq!(
        reply.body["organisation"]["errors"]["children"]["taxNumber"],
        json!({"errors": ["This value should not be blank."]})
    );
    // Successful answers are untouched.
    let id = sandbox.organisation("Echo").await;
    let reply = sandbox.call("GET", &format!("/v1/organisations/{id}"), None).await;
    assert!(!String::from_utf8_lossy(&reply.raw).contains("Authorization"));
}

/// An admin route with the wrong method answers 405 in the API's error shape, as the API's own
/// routes do, not with an empty body.
#[tokio::test]
async fn admin_routes_with_another_method_are_405_json() {
    let sandbox = Sandbox::new();
    for (method, path) in [
        ("GET", "/_sandbox/reset"),
        ("GET", "/_sandbox/reset-counters"),
        ("GET", "/_sandbox/fail-next"),
        ("POST", "/_sandbox/requests"),
        ("DELETE", "/_sandbox/state"),
        ("PUT", "/_sandbox/bodies"),
    ] {
        let reply = sandbox.call(method, path, None).await;
        assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        assert_eq!(reply.body["code"], 405, "{method} {path}: {:?}", reply.body);
        let message = reply.body["message"].as_str().unwrap_or_default();
        assert!(message.contains(path), "{method} {path}: {message}");
    }
}

/// A mistyped admin route is a 404 of the sandbox, never slowed, failed or counted as an API
/// request: the README promises that of every `/_sandbox` path.
#[tokio::test]
async fn unknown_admin_paths_are_never_failed_nor_counted() {
    let sandbox = Sandbox::with(level27_sandbox::Config {
        fail_rate: 1.0,
        seed: Some(3),
        ..Default::default()
    });
    for _ in 0..12 {
        let reply = sandbox
            .call_as(Some("sandbox"), "GET", "/_sandbox/request", None)
            .await
            .expect("answered, not dropped");
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{:?}", reply.body);
        assert_eq!(reply.body["code"], 404);
    }
    let denied = sandbox.call_as(None, "GET", "/_sandbox/request", None).await;
    assert_eq!(denied.expect("answered").status, StatusCode::UNAUTHORIZED);
    let counts = sandbox.call("GET", "/_sandbox/requests", None).await;
    assert_eq!(counts.body["total"], 0, "{}", counts.body);
    assert_eq!(counts.body["arrivals"], json!({}), "{}", counts.body);
    assert_eq!(counts.body["faults"]["429"], 0, "{}", counts.body);
}

/// A body over the sandbox's limit (2 MiB) is a 413 in the API's error shape, on API and admin
/// routes alike, not a 400 saying the JSON is invalid.
#[tokio::test]
async fn a_body_over_the_limit_is_413_json() {
    let sandbox = Sandbox::new();
    let street = "x".repeat(3 * 1024 * 1024);
    let body = json!({"name": "Big", "taxNumber": "BE0555555555", "street": street});
    for path in ["/v1/organisations", "/_sandbox/fail-next"] {
        let reply = sandbox.call("POST", path, Some(body.clone())).await;
        assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE, "{path}: {:?}", reply.body);
        assert_eq!(reply.body["code"], 413, "{path}");
        let message = reply.body["message"].as_str().unwrap_or_default();
        assert!(message.contains("2 MiB"), "{path}: {message}");
    }
    let list = sandbox.call("GET", "/v1/organisations", None).await;
    assert_eq!(list.body, json!({"organisations": []}), "nothing was created");
    // Just under the limit is served.
    let street = "x".repeat(1024 * 1024);
    let body = json!({"name": "Large", "taxNumber": "BE0555555555", "street": street});
    assert_eq!(
        sandbox.call("POST", "/v1/organisations", Some(body)).await.status,
        StatusCode::CREATED
    );
}
