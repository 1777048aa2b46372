//! What the client logs at the most verbose level: one line per attempt, redacted bodies, never the key.

mod support;

use std::fmt::{self, Write as _};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use level27_client::{Client, Config, RetryPolicy};
use serde_json::json;
use support::{FakeServer, Reply};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

const KEY: &str = "k3y-0123456789abcdef-s3cr3t";

/// Records every event and span field of every crate (reqwest and hyper included), as text.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<String>>>);

struct Line<'a>(&'a mut String);

impl Visit for Line<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        let _ = write!(self.0, "{}={:?} ", field.name(), value);
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, attrs: &Attributes<'_>) -> Id {
        let mut s = format!("span {} ", attrs.metadata().name());
        attrs.record(&mut Line(&mut s));
        self.0.lock().unwrap().push(s);
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, values: &Record<'_>) {
        let mut s = String::from("record ");
        values.record(&mut Line(&mut s));
        self.0.lock().unwrap().push(s);
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut s = format!("{} {} ", event.metadata().level(), event.metadata().target());
        event.record(&mut Line(&mut s));
        self.0.lock().unwrap().push(s);
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[tokio::test]
async fn trace_logs_show_attempts_and_redacted_bodies_but_never_the_key() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());

    let server = FakeServer::start(|req, i| match i {
        0 => Reply::Json(503, json!({})),
        _ => Reply::Json(
            201,
            json!({"apiKey": {"id": 4, "name": "ci", "hash": "NEW-TOKEN-VALUE", "echo": req.header("authorization")}}),
        ),
    })
    .await;
    let client = Client::with_retry_policy(
        Config {
            base_url: server.base_url(),
            api_key: KEY.to_string(),
            request_timeout: Duration::from_secs(5),
            max_retries: 2,
            requests_per_second: None,
            user_agent: "t".to_string(),
        },
        RetryPolicy {
            base_delay: Duration::from_millis(1),
            ..RetryPolicy::default()
        },
    )
    .unwrap();
    let created = client
        .post(
            "/organisations/1/users/2/apikeys",
            &json!({"name": "ci", "password": "hunter2", "whitelist": []}),
        )
        .await
        .unwrap();
    // The caller gets the real values; only the logs are redacted.
    assert_eq!(created["apiKey"]["hash"], "NEW-TOKEN-VALUE");

    let lines = capture.0.lock().unwrap().clone();
    let all = lines.join("\n");
    for secret in [KEY, "hunter2", "NEW-TOKEN-VALUE"] {
        assert!(!all.contains(secret), "{secret} leaked into the logs:\n{all}");
    }
    let attempts: Vec<_> = lines
        .iter()
        .filter(|l| l.starts_with("DEBUG") && l.contains("message=level27 request method="))
        .collect();
    assert_eq!(attempts.len(), 2, "{all}");
    assert!(
        attempts[0].contains("status=503") && attempts[0].contains("attempt=1"),
        "{all}"
    );
    assert!(
        attempts[1].contains("status=201") && attempts[1].contains("attempt=2"),
        "{all}"
    );
    assert!(attempts[1].contains("method=\"POST\""), "{all}");
    assert!(attempts[1].contains("elapsed_ms="), "{all}");
    assert!(all.contains("level27 retrying"), "{all}");
    // Bodies are there at trace level, with their secrets replaced.
    assert!(all.contains(r#""password":"<redacted>""#), "{all}");
    assert!(all.contains(r#""hash":"<redacted>""#), "{all}");
    // An envelope whose name looks secret (`apiKey`) is walked into, not hidden whole.
    assert!(all.contains(r#""id":4,"name":"ci""#), "{all}");
}

/// A list's query (its filters and the page asked for) is in each request's debug line: without
/// it, the log of a data source's lookup shows the same bare path for every page and filter.
#[tokio::test]
async fn debug_logs_show_each_request_query() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let server = FakeServer::start(|_, i| match i {
        0 => Reply::Json(200, json!({"records": [{"id": 1}]})),
        _ => Reply::Json(200, json!({"records": []})),
    })
    .await;
    let client = Client::new(Config {
        base_url: server.base_url(),
        api_key: KEY.to_string(),
        request_timeout: Duration::from_secs(5),
        max_retries: 0,
        requests_per_second: None,
        user_agent: "t".to_string(),
    })
    .unwrap();
    let items = client
        .list("/domains/8/records", "records", &[("type", "A".to_string())])
        .await
        .unwrap();
    assert_eq!(items.len(), 1);
    let lines = capture.0.lock().unwrap().clone();
    let all = lines.join("\n");
    let requests: Vec<_> = lines
        .iter()
        .filter(|l| l.starts_with("DEBUG") && l.contains("message=level27 request method="))
        .collect();
    assert_eq!(requests.len(), 2, "{all}");
    assert!(requests[0].contains("query=type=A&limit=1000&offset=0 "), "{all}");
    assert!(requests[1].contains("query=type=A&limit=1000&offset=1 "), "{all}");
}
