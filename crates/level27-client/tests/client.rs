//! The client against an in-process fake API: what the provider relies on, one behaviour per test.

mod support;

use std::time::{Duration, Instant};

use level27_client::{Client, Config, Error, FieldError, RetryPolicy, PAGE_SIZE};
use serde_json::{json, Value};
use support::{FakeServer, Reply};

const KEY: &str = "k3y-0123456789abcdef-s3cr3t";

fn config(base_url: String) -> Config {
    Config {
        base_url,
        api_key: KEY.to_string(),
        request_timeout: Duration::from_secs(5),
        max_retries: 3,
        requests_per_second: None,
        user_agent: "level27-client-tests".to_string(),
    }
}

/// Back-off in milliseconds so retry tests stay fast; `Retry-After` is still honoured up to 60 s.
fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(4),
        max_retry_after: Duration::from_secs(60),
    }
}

fn client_with(config: Config) -> Client {
    Client::with_retry_policy(config, fast_retries()).unwrap()
}

fn client(server: &FakeServer) -> Client {
    client_with(config(server.base_url()))
}

fn items(n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| json!({"id": i + 1, "name": format!("team-{i}")}))
        .collect()
}

/// A server that returns as many items as asked for.
const UNCAPPED: usize = usize::MAX;

/// A list endpoint over `all` that honours limit/offset, returns at most `cap` items a page and
/// optionally a `total`.
fn list_handler(
    all: Vec<Value>,
    cap: usize,
    with_total: bool,
) -> impl Fn(&support::Request, usize) -> Reply + Send + Sync + 'static {
    move |req, _| {
        let limit = req.query_usize("limit").unwrap_or(5).min(cap);
        let offset = req.query_usize("offset").unwrap_or(0);
        let page: Vec<Value> = all.iter().skip(offset).take(limit).cloned().collect();
        let mut body = json!({ "teams": page });
        if with_total {
            body["total"] = json!(all.len());
        }
        Reply::Json(200, body)
    }
}

fn pages_requested(server: &FakeServer) -> Vec<(usize, usize)> {
    server
        .requests()
        .iter()
        .map(|r| (r.query_usize("limit").unwrap(), r.query_usize("offset").unwrap()))
        .collect()
}

// ---- headers and envelopes ----

#[tokio::test]
async fn sends_raw_api_key_and_json_headers() {
    let server = FakeServer::start(|req, _| match req.method.as_str() {
        "GET" => Reply::Json(200, json!({"organisation": {"id": 12}})),
        _ => Reply::Json(201, json!({"team": {"id": 7, "name": "ops"}})),
    })
    .await;
    // A trailing slash on the base URL is tolerated.
    let client = client_with(config(format!("{}/", server.base_url())));

    let org = client.get("/organisations/12").await.unwrap();
    assert_eq!(org, json!({"organisation": {"id": 12}}));
    let team = client.post("/teams", &json!({"name": "ops"})).await.unwrap();
    assert_eq!(team["team"]["id"], 7);

    let reqs = server.requests();
    let get = &reqs[0];
    assert_eq!(get.target, "/v1/organisations/12");
    assert_eq!(get.header("authorization"), Some(KEY), "raw key, no Bearer prefix");
    assert_eq!(get.header("accept"), Some("application/json"));
    assert_eq!(get.header("user-agent"), Some("level27-client-tests"));
    assert_eq!(get.header("content-type"), None, "no Content-Type without a body");

    let post = &reqs[1];
    assert_eq!(post.target, "/v1/teams");
    assert_eq!(post.header("authorization"), Some(KEY));
    assert_eq!(post.header("content-type"), Some("application/json"));
    assert_eq!(post.json(), json!({"name": "ops"}));
}

#[tokio::test]
async fn updates_and_deletes_accept_no_content() {
    let server = FakeServer::start(|req, _| match req.method.as_str() {
        "DELETE" => Reply::Json(200, json!({"success": true})),
        _ => Reply::Raw(204, vec![], String::new()),
    })
    .await;
    let client = client(&server);
    client.put("/teams/7", &json!({"name": "a"})).await.unwrap();
    client.patch("/teams/7", &json!({"name": "b"})).await.unwrap();
    client.delete("/teams/7").await.unwrap();
    // A POST answered with 204 gives Null rather than an error.
    assert_eq!(
        client.post("/teams/7/actions", &json!({"type": "x"})).await.unwrap(),
        Value::Null
    );
    let methods: Vec<_> = server.requests().iter().map(|r| r.method.clone()).collect();
    assert_eq!(methods, ["PUT", "PATCH", "DELETE", "POST"]);
    assert_eq!(server.requests()[1].json(), json!({"name": "b"}));
}

#[tokio::test]
async fn success_with_a_non_json_body_is_invalid_response() {
    let server = FakeServer::start(|_, _| Reply::Raw(200, vec![], "<html>hi</html>".into())).await;
    let err = client(&server).get("/teams/1").await.unwrap_err();
    assert!(matches!(err, Error::InvalidResponse { .. }), "{err:?}");
    assert_eq!(server.hits(), 1);
}

// ---- paging ----

#[tokio::test]
async fn list_of_23_asks_once_more_to_prove_the_end() {
    let server = FakeServer::start(list_handler(items(23), UNCAPPED, false)).await;
    let query = [("filter", "ops".to_string()), ("limit", "5".to_string())];
    let got = client(&server).list("/teams", "teams", &query).await.unwrap();
    assert_eq!(got, items(23));
    // A short first page may be the server's own cap, so one more (empty) page is asked for.
    assert_eq!(pages_requested(&server), [(PAGE_SIZE, 0), (PAGE_SIZE, 23)]);
    // The caller's own parameters go along; its `limit` does not override paging.
    let req = &server.requests()[0];
    assert_eq!(req.query("filter").as_deref(), Some("ops"));
    assert_eq!(req.target.matches("limit=").count(), 1);
}

#[tokio::test]
async fn list_pages_through_everything() {
    const P: usize = PAGE_SIZE;
    let server = FakeServer::start(list_handler(items(2 * P + P / 2), UNCAPPED, false)).await;
    let got = client(&server).list("/teams", "teams", &[]).await.unwrap();
    assert_eq!(got, items(2 * P + P / 2));
    assert_eq!(pages_requested(&server), [(P, 0), (P, P), (P, 2 * P)]);
}

#[tokio::test]
async fn list_of_an_exact_multiple_ends_on_an_empty_page() {
    const P: usize = PAGE_SIZE;
    let server = FakeServer::start(list_handler(items(2 * P), UNCAPPED, false)).await;
    let got = client(&server).list("/teams", "teams", &[]).await.unwrap();
    assert_eq!(got.len(), 2 * P);
    assert_eq!(pages_requested(&server), [(P, 0), (P, P), (P, 2 * P)]);
}

#[tokio::test]
async fn list_of_nothing() {
    let server = FakeServer::start(|_, _| Reply::Json(200, json!({"teams": []}))).await;
    assert!(client(&server).list("/teams", "teams", &[]).await.unwrap().is_empty());
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn a_list_answered_whole_is_one_request_without_paging() {
    let server = FakeServer::start(|_, _| Reply::Json(200, json!({"providers": [{"id": 1}, {"id": 4}]}))).await;
    let got = client(&server)
        .list_whole("/domains/providers", "providers")
        .await
        .unwrap();
    assert_eq!(got, vec![json!({"id": 1}), json!({"id": 4})]);
    assert_eq!(server.hits(), 1);
    assert_eq!(server.requests()[0].query("limit"), None, "no paging parameters");

    // The envelope is checked as for a paged list.
    let err = client(&server)
        .list_whole("/domains/providers", "types")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidResponse { .. }), "{err:?}");
}

#[tokio::test]
async fn list_loop_with_a_server_capping_pages_at_5() {
    // The paging loop, driven at the page size the server caps at.
    let server = FakeServer::start(list_handler(items(23), 5, false)).await;
    let got = client(&server)
        .list_with_page_size("/teams", "teams", &[], 5)
        .await
        .unwrap();
    assert_eq!(got, items(23));
    assert_eq!(pages_requested(&server), [(5, 0), (5, 5), (5, 10), (5, 15), (5, 20)]);
}

#[tokio::test]
async fn list_without_total_survives_a_server_capping_pages_at_50() {
    // The API's maximum `limit` is undocumented: a cap below PAGE_SIZE must not cut the list.
    let server = FakeServer::start(list_handler(items(120), 50, false)).await;
    let got = client(&server).list("/teams", "teams", &[]).await.unwrap();
    assert_eq!(got, items(120));
    // Pages of 50, 50, then 20: shorter than an earlier page, so that is the end.
    assert_eq!(
        pages_requested(&server),
        [(PAGE_SIZE, 0), (PAGE_SIZE, 50), (PAGE_SIZE, 100)]
    );
}

#[tokio::test]
async fn list_without_total_on_a_capped_server_ends_on_an_empty_page_at_an_exact_multiple() {
    let server = FakeServer::start(list_handler(items(100), 50, false)).await;
    let got = client(&server).list("/teams", "teams", &[]).await.unwrap();
    assert_eq!(got, items(100));
    assert_eq!(
        pages_requested(&server),
        [(PAGE_SIZE, 0), (PAGE_SIZE, 50), (PAGE_SIZE, 100)]
    );
}

#[tokio::test]
async fn list_with_total_stops_as_soon_as_the_total_is_in() {
    const P: usize = PAGE_SIZE;
    let server = FakeServer::start(list_handler(items(2 * P), UNCAPPED, true)).await;
    let got = client(&server).list("/teams", "teams", &[]).await.unwrap();
    assert_eq!(got, items(2 * P));
    // No extra empty page: the total already says there is nothing more.
    assert_eq!(pages_requested(&server), [(P, 0), (P, P)]);
}

#[tokio::test]
async fn list_follows_total_when_the_server_caps_pages_below_the_limit() {
    let server = FakeServer::start(list_handler(items(23), 5, true)).await;
    let got = client(&server).list("/teams", "teams", &[]).await.unwrap();
    assert_eq!(got, items(23));
    assert_eq!(
        pages_requested(&server),
        [
            (PAGE_SIZE, 0),
            (PAGE_SIZE, 5),
            (PAGE_SIZE, 10),
            (PAGE_SIZE, 15),
            (PAGE_SIZE, 20)
        ]
    );
}

#[tokio::test]
async fn list_without_the_plural_key_is_invalid_response() {
    let server = FakeServer::start(|_, _| Reply::Json(200, json!({"team": {"id": 1}}))).await;
    let err = client(&server).list("/teams", "teams", &[]).await.unwrap_err();
    assert!(matches!(err, Error::InvalidResponse { .. }), "{err:?}");
    assert!(err.to_string().contains("\"teams\""), "{err}");
}

#[tokio::test]
async fn list_fails_instead_of_looping_when_offset_is_ignored() {
    // Full pages, the same every time: nothing says where the list ends.
    let all = items(PAGE_SIZE);
    let server = FakeServer::start(move |_, _| Reply::Json(200, json!({ "teams": all }))).await;
    let err = client(&server).list("/teams", "teams", &[]).await.unwrap_err();
    assert!(matches!(err, Error::InvalidResponse { .. }), "{err:?}");
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn an_unpaged_list_shorter_than_a_page_is_complete() {
    // `/custpackages` takes no limit/offset: the whole catalogue comes back every time.
    let all = items(4);
    let server = FakeServer::start(move |_, _| Reply::Json(200, json!({ "teams": all }))).await;
    let got = client(&server).list("/teams", "teams", &[]).await.unwrap();
    assert_eq!(got.len(), 4, "each item once: {got:?}");
    assert_eq!(server.hits(), 2);
}

// ---- error mapping ----

#[tokio::test]
async fn validation_errors_are_parsed_into_fields() {
    let server = FakeServer::start(|_, _| {
        Reply::Json(
            400,
            json!({"organisation": {"errors": {
                "errors": ["This organisation with the same tax number already exists in our database."],
                "children": {
                    "name": {},
                    "taxNumber": {"errors": ["Invalid tax number."]},
                    "billing": {"children": {"address": {"children": {"zip": {"errors": ["Bad zip."]}}}}}
                }
            }}}),
        )
    })
    .await;
    let err = client(&server)
        .post("/organisations", &json!({"name": "x"}))
        .await
        .unwrap_err();
    let Error::Validation(v) = &err else { panic!("{err:?}") };
    assert_eq!(v.status, 400);
    assert_eq!(v.entity.as_deref(), Some("organisation"));
    assert_eq!(
        v.global,
        ["This organisation with the same tax number already exists in our database."]
    );
    assert_eq!(
        v.fields,
        [
            FieldError {
                path: vec!["taxNumber".into()],
                message: "Invalid tax number.".into()
            },
            FieldError {
                path: vec!["billing".into(), "address".into(), "zip".into()],
                message: "Bad zip.".into()
            },
        ]
    );
    assert!(err.to_string().contains("taxNumber: Invalid tax number."), "{err}");
    assert_eq!(server.hits(), 1, "a 400 is not retried");
}

#[tokio::test]
async fn other_400_bodies_become_global_messages() {
    let server = FakeServer::start(|_, i| match i {
        0 => Reply::Json(400, json!({"code": 400, "message": "Bad request"})),
        _ => Reply::Raw(400, vec![], "something broke".into()),
    })
    .await;
    let client = client(&server);
    let Error::Validation(v) = client.get("/teams/x").await.unwrap_err() else {
        panic!()
    };
    assert_eq!(v.global, ["Bad request"]);
    let Error::Validation(v) = client.get("/teams/x").await.unwrap_err() else {
        panic!()
    };
    assert_eq!(v.global, ["something broke"]);
    assert!(v.fields.is_empty());
}

#[tokio::test]
async fn not_found() {
    let server = FakeServer::start(|_, _| Reply::Json(404, json!({"code": 404, "message": "Team not found"}))).await;
    let err = client(&server).get("/teams/9").await.unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(err.to_string(), "GET /teams/9: 404 not found: Team not found");
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn a_404_from_the_router_is_a_wrong_url_not_a_missing_object() {
    // Symfony's answer for a path no route matches: what a base URL without /v1 gets.
    let server = FakeServer::start(|req, _| {
        Reply::Json(
            404,
            json!({"code": 404, "message": format!("No route found for \"{} {}\"", req.method, req.path())}),
        )
    })
    .await;
    let base = server.base_url();
    let no_v1 = base.trim_end_matches("/v1").to_string();
    let client = client_with(config(no_v1.clone()));
    for err in [
        client.get("/organisations/1000").await.unwrap_err(),
        client.delete("/organisations/1000").await.unwrap_err(),
    ] {
        assert!(matches!(err, Error::RouteNotFound { .. }), "{err:?}");
        assert!(!err.is_not_found(), "a wrong URL must never read as a deleted object");
        let text = err.to_string();
        assert!(
            text.contains(&format!("{no_v1}/organisations/1000")),
            "names the full URL: {text}"
        );
        assert!(text.contains("api_url") && text.contains("/v1"), "{text}");
    }
}

#[tokio::test]
async fn unauthorized_forbidden_and_the_role_500() {
    let server = FakeServer::start(|req, _| match req.path() {
        "/v1/a" => Reply::Json(401, json!({"message": "Bad credentials"})),
        "/v1/b" => Reply::Json(403, json!({"message": "no access to this app"})),
        "/v1/c" => Reply::Json(
            500,
            json!({"message": "Response when a user does not have a proper role to access a controller"}),
        ),
        _ => Reply::Json(500, json!({"message": "database down"})),
    })
    .await;
    let client = client(&server);

    let err = client.get("/a").await.unwrap_err();
    assert!(matches!(err, Error::Unauthorized { .. }), "{err:?}");
    assert!(err.to_string().contains("LEVEL27_API_KEY"), "{err}");

    let err = client.get("/b").await.unwrap_err();
    assert!(matches!(err, Error::Forbidden { .. }), "{err:?}");

    let err = client.get("/c").await.unwrap_err();
    assert!(matches!(err, Error::Forbidden { .. }), "{err:?}");
    assert!(err.to_string().contains("missing role"), "{err}");

    let err = client.get("/d").await.unwrap_err();
    assert!(matches!(err, Error::Status { status: 500, .. }), "{err:?}");
    // None of these is retried.
    assert_eq!(server.hits(), 4);
}

// ---- retries ----

#[tokio::test]
async fn retry_after_of_a_429_is_honoured() {
    let server = FakeServer::start(|_, i| match i {
        0 => Reply::Raw(429, vec![("Retry-After".into(), "1".into())], "{}".into()),
        _ => Reply::Json(200, json!({"team": {"id": 1}})),
    })
    .await;
    let started = Instant::now();
    let got = client(&server).get("/teams/1").await.unwrap();
    assert_eq!(got["team"]["id"], 1);
    assert_eq!(server.hits(), 2);
    // The back-off alone would be about a millisecond.
    assert!(started.elapsed() >= Duration::from_secs(1), "{:?}", started.elapsed());
}

#[tokio::test]
async fn a_429_holds_every_concurrent_request_not_just_its_own() {
    let server = FakeServer::start(|r, _| match r.path() {
        "/v1/first" => Reply::Raw(429, vec![("Retry-After".into(), "1".into())], "{}".into()),
        _ => Reply::Json(200, json!({"team": {"id": 2}})),
    })
    .await;
    let mut cfg = config(server.base_url());
    cfg.max_retries = 1;
    let c = client_with(cfg);
    let first = {
        let c = c.clone();
        tokio::spawn(async move { c.get("/first").await })
    };
    // Once the 429 is in, a second request must wait out the same Retry-After.
    while server.hits() < 1 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    let started = Instant::now();
    let second = c.get("/second").await.unwrap();
    assert_eq!(second["team"]["id"], 2);
    assert!(
        started.elapsed() >= Duration::from_millis(500),
        "the second request went out during the hold: {:?}",
        started.elapsed()
    );
    assert!(first.await.unwrap().is_err(), "the first keeps getting 429");
}

/// An API URL the server redirects (http:// for https://) is an error naming where it redirects
/// and the setting to change; the redirect is not followed (a POST would turn into a GET).
#[tokio::test]
async fn a_redirect_names_the_new_address_and_the_setting() {
    let server = FakeServer::start(|_, _| {
        Reply::Raw(
            301,
            vec![("Location".into(), "https://api.example/v1/teams/1".into())],
            "".into(),
        )
    })
    .await;
    let err = client(&server).get("/teams/1").await.unwrap_err();
    let text = err.to_string();
    assert!(text.contains("redirects to https://api.example/v1/teams/1"), "{text}");
    assert!(text.contains("LEVEL27_API_URL") && text.contains("`api_url`"), "{text}");
    assert_eq!(server.hits(), 1, "not retried, not followed");
}

/// Retries spent: the error says how many attempts were made and which provider setting sets that
/// number; a 429 also names the setting that keeps the provider under the API's rate limit.
#[tokio::test]
async fn exhausted_retries_name_the_settings_that_govern_them() {
    for (status, also) in [(429, Some("requests_per_second")), (503, None)] {
        let server =
            FakeServer::start(move |_, _| Reply::Raw(status, vec![("Retry-After".into(), "0".into())], "{}".into()))
                .await;
        let text = client(&server).get("/teams/1").await.unwrap_err().to_string();
        assert!(text.contains("gave up after 4 attempts"), "{status}: {text}");
        assert!(text.contains("`max_retries`"), "{status}: {text}");
        assert_eq!(
            also.is_some_and(|s| text.contains(s)),
            also.is_some(),
            "{status}: {text}"
        );
    }
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let text = client_with(config(format!("http://{closed}/v1")))
        .get("/teams/1")
        .await
        .unwrap_err()
        .to_string();
    assert!(text.contains("`max_retries`"), "{text}");
}

#[tokio::test]
async fn retry_after_is_capped() {
    let server = FakeServer::start(|_, i| match i {
        0 => Reply::Raw(429, vec![("Retry-After".into(), "3600".into())], "{}".into()),
        _ => Reply::Json(200, json!({})),
    })
    .await;
    let policy = RetryPolicy {
        max_retry_after: Duration::from_millis(20),
        ..fast_retries()
    };
    let client = Client::with_retry_policy(config(server.base_url()), policy).unwrap();
    tokio::time::timeout(Duration::from_secs(30), client.get("/x"))
        .await
        .expect("an hour-long Retry-After must be capped")
        .unwrap();
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn get_retries_503_502_504_and_dropped_connections() {
    let server = FakeServer::start(|_, i| match i {
        0 => Reply::Json(503, json!({"message": "maintenance"})),
        1 => Reply::Raw(502, vec![], "<html>bad gateway</html>".into()),
        2 => Reply::Drop,
        _ => Reply::Json(200, json!({"app": {"id": 3}})),
    })
    .await;
    let got = client(&server).get("/apps/3").await.unwrap();
    assert_eq!(got["app"]["id"], 3);
    assert_eq!(server.hits(), 4);
}

#[tokio::test]
async fn max_retries_bounds_the_attempts() {
    for max_retries in [0u32, 2] {
        let server = FakeServer::start(|_, _| Reply::Json(503, json!({"message": "busy"}))).await;
        let client = client_with(Config {
            max_retries,
            ..config(server.base_url())
        });
        let err = client.get("/apps").await.unwrap_err();
        assert!(matches!(err, Error::Status { status: 503, .. }), "{err:?}");
        assert_eq!(server.hits(), max_retries as usize + 1);
    }
}

#[tokio::test]
async fn get_timeouts_are_retried_then_reported_as_transport() {
    let server = FakeServer::start(|_, _| Reply::Hang).await;
    let client = client_with(Config {
        request_timeout: Duration::from_millis(200),
        max_retries: 1,
        ..config(server.base_url())
    });
    let err = client.get("/apps").await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(err.to_string().contains("no complete answer within 200ms"), "{err}");
    // A slow API: the message names the setting that allows more time.
    assert!(err.to_string().contains("`request_timeout`"), "{err}");
    assert_eq!(server.hits(), 2);
}

#[tokio::test]
async fn post_with_a_dropped_connection_is_outcome_unknown_and_not_retried() {
    let server = FakeServer::start(|_, _| Reply::Drop).await;
    let err = client(&server).post("/apps", &json!({"name": "a"})).await.unwrap_err();
    assert!(err.is_outcome_unknown(), "{err:?}");
    assert!(err.to_string().starts_with("POST /apps: outcome unknown"), "{err}");
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn post_gateway_errors_and_timeouts_are_outcome_unknown_and_not_retried() {
    for reply in [502u16, 504, 0] {
        let server = FakeServer::start(move |_, _| match reply {
            0 => Reply::Hang,
            status => Reply::Json(status, json!({"message": "gateway"})),
        })
        .await;
        let client = client_with(Config {
            request_timeout: Duration::from_millis(300),
            ..config(server.base_url())
        });
        let err = client.post("/apps", &json!({"name": "a"})).await.unwrap_err();
        assert!(err.is_outcome_unknown(), "{reply}: {err:?}");
        assert_eq!(server.hits(), 1, "{reply}");
    }
}

#[tokio::test]
async fn post_429_and_503_are_retried() {
    let server = FakeServer::start(|_, i| match i {
        0 => Reply::Raw(429, vec![("Retry-After".into(), "0".into())], "{}".into()),
        1 => Reply::Json(503, json!({"message": "maintenance"})),
        _ => Reply::Json(201, json!({"app": {"id": 5}})),
    })
    .await;
    let got = client(&server).post("/apps", &json!({"name": "a"})).await.unwrap();
    assert_eq!(got["app"]["id"], 5);
    assert_eq!(server.hits(), 3);
    // Every attempt carried the same body.
    assert!(server.requests().iter().all(|r| r.json() == json!({"name": "a"})));
}

#[tokio::test]
async fn post_that_cannot_connect_is_a_transport_error_not_an_unknown_outcome() {
    // A port nobody listens on: the connection is refused, so nothing was processed.
    let addr = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let client = client_with(Config {
        max_retries: 2,
        ..config(format!("http://{addr}/v1"))
    });
    let err = client.post("/apps", &json!({"name": "a"})).await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(
        err.to_string().contains(&format!("could not connect to {addr}: ")),
        "names the host and port it tried: {err}"
    );
    assert!(err.to_string().contains("3 attempts"), "{err}");
}

#[tokio::test]
async fn a_connect_error_names_the_setting_to_check() {
    let addr = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let client = client_with(Config {
        max_retries: 0,
        ..config(format!("http://{addr}/v1"))
    });
    let err = client.get("/apps").await.unwrap_err().to_string();
    assert!(err.contains("LEVEL27_API_URL") && err.contains("api_url"), "{err}");
}

#[tokio::test]
async fn https_to_a_plain_http_server_says_so() {
    // A server that answers plain HTTP where the client expects a TLS handshake.
    let server = FakeServer::start(|_, _| Reply::Json(200, json!({}))).await;
    let https = server.base_url().replacen("http://", "https://", 1);
    let client = client_with(Config {
        max_retries: 0,
        ..config(https)
    });
    let err = client.get("/apps").await.unwrap_err().to_string();
    assert!(err.contains("not answer in TLS") && err.contains("http://"), "{err}");
    assert!(err.contains("LEVEL27_API_URL"), "{err}");
}

#[tokio::test]
async fn the_plain_http_hint_survives_the_getting_started_key() {
    // The getting-started guide's key is "sandbox": every message is scrubbed of the key, so the
    // client's own hint must not hold that word, or the user reads "(a local <redacted>)".
    let server = FakeServer::start(|_, _| Reply::Json(200, json!({}))).await;
    let client = client_with(Config {
        max_retries: 0,
        api_key: "sandbox".to_string(),
        ..config(server.base_url().replacen("http://", "https://", 1))
    });
    let err = client.get("/apps").await.unwrap_err().to_string();
    assert!(err.contains("plain HTTP"), "{err}");
    assert!(!err.contains("<redacted>"), "{err}");
}

#[tokio::test]
async fn https_to_a_plain_http_server_is_not_retried() {
    // Plain HTTP will not turn into TLS on a retry: the wrong URL is said after one attempt, not
    // after the back-off of every retry. An HTTP server answers a TLS ClientHello with a 400, as
    // the sandbox does (the fake server would only close the connection).
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let connections = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = connections.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let mut hello = [0u8; 512];
            let _ = socket.read(&mut hello).await;
            let _ = socket
                .write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                .await;
        }
    });
    let client = client_with(Config {
        max_retries: 3,
        ..config(format!("https://{addr}/v1"))
    });
    let err = client.get("/apps").await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("not answer in TLS"), "{text}");
    assert!(!text.contains("attempts"), "gave up at once: {text}");
    assert_eq!(connections.load(std::sync::atomic::Ordering::SeqCst), 1);
}

#[tokio::test]
async fn delete_after_an_unknown_outcome_treats_404_as_gone() {
    let server = FakeServer::start(|_, i| match i {
        0 => Reply::Raw(502, vec![], String::new()),
        1 => Reply::Drop,
        _ => Reply::Json(404, json!({"message": "App not found"})),
    })
    .await;
    client(&server).delete("/apps/5").await.unwrap();
    assert_eq!(server.hits(), 3);
}

#[tokio::test]
async fn delete_of_a_missing_object_is_not_found() {
    let server = FakeServer::start(|_, i| match i {
        // A 503 is answered without processing, so the later 404 is a real "never existed".
        0 => Reply::Json(503, json!({})),
        _ => Reply::Json(404, json!({"message": "App not found"})),
    })
    .await;
    let err = client(&server).delete("/apps/5").await.unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
}

// ---- rate limit ----

#[tokio::test]
async fn rate_limit_is_shared_by_clones_and_covers_retries() {
    let server = FakeServer::start(|_, _| Reply::Json(200, json!({}))).await;
    let a = client_with(Config {
        requests_per_second: Some(20.0),
        ..config(server.base_url())
    });
    let b = a.clone();
    let started = Instant::now();
    let (ra, rb) = tokio::join!(
        async {
            for _ in 0..3 {
                a.get("/x").await?;
            }
            Ok::<_, Error>(())
        },
        async {
            for _ in 0..3 {
                b.get("/y").await?;
            }
            Ok::<_, Error>(())
        }
    );
    ra.unwrap();
    rb.unwrap();
    // 6 requests at 20/s: at least 5 intervals of 50 ms. Unlimited, they take a few milliseconds.
    assert!(
        started.elapsed() >= Duration::from_millis(250),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.hits(), 6);

    // Retries are attempts too and wait for their slot.
    let server = FakeServer::start(|_, i| match i {
        0 | 1 => Reply::Json(503, json!({})),
        _ => Reply::Json(200, json!({})),
    })
    .await;
    let c = client_with(Config {
        requests_per_second: Some(10.0),
        ..config(server.base_url())
    });
    let started = Instant::now();
    c.get("/x").await.unwrap();
    assert_eq!(server.hits(), 3);
    assert!(
        started.elapsed() >= Duration::from_millis(200),
        "{:?}",
        started.elapsed()
    );
}

// ---- secrets ----

#[tokio::test]
async fn the_api_key_never_appears_in_errors_even_when_the_server_echoes_it() {
    let server = FakeServer::start(|req, _| {
        let echoed = format!("token {} is wrong", req.header("authorization").unwrap_or(""));
        let status = req.path().trim_start_matches("/v1/").parse::<u16>().unwrap_or(200);
        match status {
            400 => Reply::Json(
                400,
                json!({"app": {"errors": {"errors": [echoed.clone()], "children": {"name": {"errors": [echoed]}}}}}),
            ),
            999 => Reply::Raw(400, vec![], echoed),
            200 => Reply::Raw(200, vec![], echoed),
            s => Reply::Json(s, json!({ "message": echoed })),
        }
    })
    .await;
    let client = client(&server);
    let mut errors = Vec::new();
    for status in [400u16, 999, 401, 403, 404, 500, 503, 502, 418, 200] {
        errors.push(client.get(&format!("/{status}")).await.unwrap_err());
    }
    errors.push(client.post("/502", &json!({})).await.unwrap_err());
    assert!(errors.iter().any(|e| e.is_outcome_unknown()));
    for e in &errors {
        let shown = format!("{e} {e:?}");
        assert!(!shown.contains(KEY), "key leaked: {shown}");
    }
    // The scrubbed message is still there, so the user sees what the server said.
    assert!(
        errors[3].to_string().contains("token <redacted> is wrong"),
        "{}",
        errors[3]
    );
}

#[test]
fn config_debug_and_config_errors_hide_the_key() {
    let cfg = config("http://127.0.0.1:1/v1".into());
    let shown = format!("{cfg:?}");
    assert!(!shown.contains(KEY), "{shown}");
    assert!(shown.contains("<redacted>"), "{shown}");

    let bad_key = format!("{KEY}\n");
    let err = Client::new(Config {
        api_key: bad_key,
        ..cfg.clone()
    })
    .unwrap_err();
    assert!(matches!(err, Error::Config(_)));
    assert!(!format!("{err} {err:?}").contains(KEY));

    // A query or fragment would swallow the path each request appends.
    for base_url in [
        "not a url",
        "ftp://example.com/v1",
        "http://",
        "https://example.com/v1?x=1",
        "https://example.com/v1#x",
    ] {
        let err = Client::new(Config {
            base_url: base_url.into(),
            ..cfg.clone()
        })
        .unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{base_url}");
    }
    let err = Client::new(Config {
        api_key: " ".into(),
        ..cfg.clone()
    })
    .unwrap_err();
    assert!(err.to_string().contains("LEVEL27_API_KEY"), "{err}");
    let err = Client::new(Config {
        requests_per_second: Some(f64::NAN),
        ..cfg.clone()
    })
    .unwrap_err();
    assert!(matches!(err, Error::Config(_)));
    assert!(Client::new(Config {
        requests_per_second: Some(0.0),
        ..cfg
    })
    .is_ok());
}
