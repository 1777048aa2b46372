//! `/_sandbox/...`: routes for tests and users of the sandbox, not part of the Level27 API.
//! They need the same `Authorization` key as the API, and are never slowed down or failed.
//!
//! - `GET /_sandbox/requests`: request counts per method and path template, injected faults (in
//!   total and per route), and when requests to each route arrived.
//! - `POST /_sandbox/reset`: removes every object and clears the counters (204).
//! - `POST /_sandbox/reset-counters`: clears the counters only (204).
//! - `GET /_sandbox/state`: the whole state, as written to the data file.
//! - `GET /_sandbox/bodies`: the JSON bodies of API requests per route (cleared with the counters).
//! - `POST /_sandbox/fail-next` `{"kind": "component", "status": "creating_failed"}`: the next
//!   such action on an object of that asynchronous kind ends in that failed status (204).
//! - `POST /_sandbox/fail-requests` `{"route": "GET /v1/systems/{systemId}", "fault": "503",
//!   "count": 5}`: the next `count` (default 1) requests to that route meet that fault (204).

use std::collections::{BTreeMap, VecDeque};
use std::sync::Mutex;
use std::time::Instant;

use axum::body::{to_bytes, Body};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::faults::Fault;
use crate::form::json_object;
use crate::gate::{too_large, MAX_BODY};
use crate::store::Phase;
use crate::Shared;

/// How many bodies `/_sandbox/bodies` keeps per route (the most recent), so a long-running
/// sandbox does not grow without bound.
const BODIES_PER_ROUTE: usize = 1000;

pub(crate) fn routes() -> Router<Shared> {
    Router::new()
        .route("/_sandbox/requests", get(requests))
        .route("/_sandbox/reset", post(reset))
        .route("/_sandbox/reset-counters", post(reset_counters))
        .route("/_sandbox/state", get(state))
        .route("/_sandbox/bodies", get(bodies))
        .route("/_sandbox/fail-next", post(fail_next))
        .route("/_sandbox/fail-requests", post(fail_requests))
        .method_not_allowed_fallback(crate::gate::method_not_allowed)
}

/// Counts of API requests. A request is counted under `"METHOD /path/{template}"` when it
/// reached the API (including 401s, 404s, 405s and requests whose connection was dropped after
/// processing); requests answered by an injected 429/503 or dropped before processing never
/// reached it and are counted only under `faults` and `faultsByRoute`.
///
/// `/_sandbox/requests` answers (the first three keys are the original format, unchanged):
///
/// ```json
/// {"requests": {"POST /v1/organisations": 3}, "total": 3,
///  "faults": {"429": 1, "503": 0, "dropBeforeProcessing": 0, "dropAfterProcessing": 1},
///  "faultsByRoute": {"POST /v1/organisations": {"429": 1, "503": 0, "dropBeforeProcessing": 0,
///                                               "dropAfterProcessing": 1}},
///  "arrivals": {"POST /v1/organisations": {"count": 4, "firstMs": 12, "lastMs": 950}},
///  "userAgents": {"terraform-provider-level27/0.1.0 Terraform/1.11.4": 4}}
/// ```
///
/// `faultsByRoute` lists the routes that met at least one fault. `arrivals` counts every request
/// that reached the gate, faulted or not, with the first and last arrival in milliseconds since
/// the sandbox started (before `--latency-ms`): the spread of a client's requests, measured
/// where it cannot be flattered by a slow or fast test machine. `userAgents` counts the requests
/// that arrived per `User-Agent` header, so a client can check what it announces.
pub(crate) struct Counters {
    started: Instant,
    inner: Mutex<CounterMaps>,
}

impl Default for Counters {
    fn default() -> Self {
        Counters {
            started: Instant::now(),
            inner: Mutex::default(),
        }
    }
}

#[derive(Default)]
struct CounterMaps {
    requests: BTreeMap<String, u64>,
    faults: BTreeMap<&'static str, u64>,
    faults_by_route: BTreeMap<String, BTreeMap<&'static str, u64>>,
    arrivals: BTreeMap<String, Arrivals>,
    user_agents: BTreeMap<String, u64>,
    bodies: BTreeMap<String, VecDeque<Value>>,
}

struct Arrivals {
    count: u64,
    first_ms: u64,
    last_ms: u64,
}

impl Counters {
    /// A request to `route` arrived (before latency and fault injection).
    pub(crate) fn arrival(&self, route: &str) {
        let now = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let mut maps = self.lock();
        match maps.arrivals.get_mut(route) {
            Some(seen) => {
                seen.count += 1;
                seen.first_ms = seen.first_ms.min(now);
                seen.last_ms = seen.last_ms.max(now);
            }
            None => {
                let first = Arrivals {
                    count: 1,
                    first_ms: now,
                    last_ms: now,
                };
                maps.arrivals.insert(route.to_string(), first);
            }
        }
    }

    /// The `User-Agent` a request came with (cut to 200 characters; absent is `""`).
    pub(crate) fn user_agent(&self, agent: &str) {
        let agent: String = agent.chars().take(200).collect();
        *self.lock().user_agents.entry(agent).or_default() += 1;
    }

    /// The body of a request that reached the API (JSON, or the raw text when it is not JSON).
    pub(crate) fn body(&self, route: &str, body: Value) {
        let mut maps = self.lock();
        let kept = maps.bodies.entry(route.to_string()).or_default();
        if kept.len() == BODIES_PER_ROUTE {
            kept.pop_front();
        }
        kept.push_back(body);
    }

    pub(crate) fn request(&self, route: &str) {
        *self.lock().requests.entry(route.to_string()).or_default() += 1;
    }

    pub(crate) fn fault(&self, route: &str, fault: Fault) {
        let mut maps = self.lock();
        *maps.faults.entry(fault.key()).or_default() += 1;
        *maps
            .faults_by_route
            .entry(route.to_string())
            .or_default()
            .entry(fault.key())
            .or_default() += 1;
    }

    fn clear(&self) {
        *self.lock() = CounterMaps::default();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, CounterMaps> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn to_json(&self) -> Value {
        let maps = self.lock();
        let total: u64 = maps.requests.values().sum();
        // Every kind, zeros included, so readers need no defaults.
        let by_kind = |counts: &BTreeMap<&'static str, u64>| -> Value {
            let kinds: serde_json::Map<String, Value> = Fault::ALL
                .iter()
                .map(|f| (f.key().to_string(), json!(counts.get(f.key()).copied().unwrap_or(0))))
                .collect();
            Value::Object(kinds)
        };
        let faults_by_route: serde_json::Map<String, Value> = maps
            .faults_by_route
            .iter()
            .map(|(route, counts)| (route.clone(), by_kind(counts)))
            .collect();
        let arrivals: serde_json::Map<String, Value> = maps
            .arrivals
            .iter()
            .map(|(route, a)| {
                let seen = json!({ "count": a.count, "firstMs": a.first_ms, "lastMs": a.last_ms });
                (route.clone(), seen)
            })
            .collect();
        json!({
            "requests": maps.requests,
            "total": total,
            "faults": by_kind(&maps.faults),
            "faultsByRoute": faults_by_route,
            "arrivals": arrivals,
            "userAgents": maps.user_agents,
        })
    }
}

async fn bodies(State(app): State<Shared>) -> Json<Value> {
    Json(json!(app.counters.lock().bodies))
}

async fn requests(State(app): State<Shared>) -> Json<Value> {
    Json(app.counters.to_json())
}

async fn reset(State(app): State<Shared>) -> Result<StatusCode, ApiError> {
    app.store.reset()?;
    app.counters.clear();
    app.clear_failures();
    app.faults.clear_queued();
    Ok(StatusCode::NO_CONTENT)
}

async fn reset_counters(State(app): State<Shared>) -> StatusCode {
    app.counters.clear();
    StatusCode::NO_CONTENT
}

async fn state(State(app): State<Shared>) -> Json<Value> {
    Json(app.store.snapshot())
}

/// `{"kind": "<entity kind>", "status": "<failed status>"}`: the kind must be asynchronous and the
/// status one of its failed statuses (`creating_failed`, `update_failed`, `deleting_failed`).
/// The most requests one call may fail: a bound on what a typo can cost.
const MAX_FAILED_REQUESTS: u64 = 1000;

/// Queues faults for a route: a test's exact "the next 5 reads of a system answer 503", where
/// `--fail-rate` draws them at random.
async fn fail_requests(State(app): State<Shared>, body: Body) -> Result<StatusCode, ApiError> {
    let body = to_bytes(body, MAX_BODY).await.map_err(|_| too_large())?;
    let body = json_object(&body)?;
    let route = body.get("route").and_then(Value::as_str).unwrap_or_default();
    let Some((_, path)) = route
        .split_once(' ')
        .filter(|(m, p)| !m.is_empty() && p.starts_with('/'))
    else {
        return Err(ApiError::BadRequest(
            "\"route\" must be a method and path template, as /_sandbox/requests names routes: \"GET /v1/systems/{systemId}\"".into(),
        ));
    };
    if path.starts_with("/_sandbox") {
        return Err(ApiError::BadRequest("admin routes are never failed".into()));
    }
    let fault = body.get("fault").and_then(Value::as_str).and_then(Fault::from_key);
    let Some(fault) = fault else {
        let keys: Vec<&str> = Fault::ALL.iter().map(|f| f.key()).collect();
        return Err(ApiError::BadRequest(format!(
            "\"fault\" must be one of [{}]",
            keys.join(", ")
        )));
    };
    let count = match body.get("count") {
        None => 1,
        Some(v) => v
            .as_u64()
            .filter(|n| (1..=MAX_FAILED_REQUESTS).contains(n))
            .ok_or_else(|| {
                ApiError::BadRequest(format!(
                    "\"count\" must be a whole number from 1 to {MAX_FAILED_REQUESTS}"
                ))
            })?,
    };
    app.faults.queue(route, fault, usize::try_from(count).unwrap_or(1));
    Ok(StatusCode::NO_CONTENT)
}

async fn fail_next(State(app): State<Shared>, body: Body) -> Result<StatusCode, ApiError> {
    let body = to_bytes(body, MAX_BODY).await.map_err(|_| too_large())?;
    let body = json_object(&body)?;
    let text = |key: &str| body.get(key).and_then(Value::as_str).unwrap_or_default();
    let asynchronous = app.entities.iter().filter(|e| e.lifecycle.is_some());
    let kinds: Vec<&'static str> = asynchronous.map(|e| e.kind).collect();
    let Some(entity) = app
        .entities
        .iter()
        .find(|e| e.lifecycle.is_some() && e.kind == text("kind"))
    else {
        return Err(ApiError::BadRequest(format!(
            "\"kind\" must be an asynchronous kind: one of [{}]",
            kinds.join(", ")
        )));
    };
    let own = entity.lifecycle.and_then(|l| l.create_failure);
    if let Some(own) = own.filter(|f| f.status == text("status")) {
        app.fail_next((entity.kind, Phase::Create, Some(own.status)));
        return Ok(StatusCode::NO_CONTENT);
    }
    let Some(phase) = Phase::ALL.into_iter().find(|p| p.failed_status() == text("status")) else {
        let statuses: Vec<&str> = (Phase::ALL.iter().map(|p| p.failed_status()))
            .chain(own.map(|f| f.status))
            .collect();
        return Err(ApiError::BadRequest(format!(
            "\"status\" must be one of [{}]",
            statuses.join(", ")
        )));
    };
    app.fail_next((entity.kind, phase, None));
    Ok(StatusCode::NO_CONTENT)
}
