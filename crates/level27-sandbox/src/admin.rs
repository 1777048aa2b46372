//! `/_sandbox/...`: routes for tests and users of the sandbox, not part of the Level27 API.
//! They need the same `Authorization` key as the API, and are never slowed down or failed.
//!
//! - `GET /_sandbox/requests`: request counts per method and path template, and injected faults.
//! - `POST /_sandbox/reset`: removes every object and clears the counters (204).
//! - `POST /_sandbox/reset-counters`: clears the counters only (204).
//! - `GET /_sandbox/state`: the whole state, as written to the data file.

use std::collections::BTreeMap;
use std::sync::Mutex;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::faults::Fault;
use crate::Shared;

pub(crate) fn routes() -> Router<Shared> {
    Router::new()
        .route("/_sandbox/requests", get(requests))
        .route("/_sandbox/reset", post(reset))
        .route("/_sandbox/reset-counters", post(reset_counters))
        .route("/_sandbox/state", get(state))
}

/// Counts of API requests. A request is counted under `"METHOD /path/{template}"` when it
/// reached the API (including 401s, 404s, 405s and requests whose connection was dropped after
/// processing); requests answered by an injected 429/503 or dropped before processing never
/// reached it and are counted only under `faults`.
#[derive(Default)]
pub(crate) struct Counters {
    inner: Mutex<CounterMaps>,
}

#[derive(Default)]
struct CounterMaps {
    requests: BTreeMap<String, u64>,
    faults: BTreeMap<&'static str, u64>,
}

impl Counters {
    pub(crate) fn request(&self, route: String) {
        *self.lock().requests.entry(route).or_default() += 1;
    }

    pub(crate) fn fault(&self, fault: Fault) {
        *self.lock().faults.entry(fault.key()).or_default() += 1;
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
        let faults: serde_json::Map<String, Value> = Fault::ALL
            .iter()
            .map(|f| {
                let n = maps.faults.get(f.key()).copied().unwrap_or(0);
                (f.key().to_string(), json!(n))
            })
            .collect();
        json!({ "requests": maps.requests, "total": total, "faults": faults })
    }
}

async fn requests(State(app): State<Shared>) -> Json<Value> {
    Json(app.counters.to_json())
}

async fn reset(State(app): State<Shared>) -> Result<StatusCode, ApiError> {
    app.store.reset()?;
    app.counters.clear();
    Ok(StatusCode::NO_CONTENT)
}

async fn reset_counters(State(app): State<Shared>) -> StatusCode {
    app.counters.clear();
    StatusCode::NO_CONTENT
}

async fn state(State(app): State<Shared>) -> Json<Value> {
    Json(app.store.snapshot())
}
