//! What every request passes before its handler: the request log, latency, fault injection,
//! counting and the API key.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, Method, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::faults::Fault;
use crate::Shared;

/// The gate of the Level27 API routes (`/v1/...` and unknown paths).
pub(crate) async fn api(State(app): State<Shared>, request: Request, next: Next) -> Response {
    let route = route_key(&request);
    app.counters.arrival(&route);
    let agent = request.headers().get(header::USER_AGENT).and_then(|v| v.to_str().ok());
    app.counters.user_agent(agent.unwrap_or_default());
    if !app.config.latency.is_zero() {
        tokio::time::sleep(app.config.latency).await;
    }
    let fault = app.faults.pick(&route);
    match fault {
        Some(f @ (Fault::TooManyRequests | Fault::Unavailable | Fault::DropBefore)) => {
            app.counters.fault(&route, f);
            return app.faults.response(f);
        }
        Some(Fault::DropAfter) | None => {}
    }
    app.counters.request(&route);
    let response = match authorize(&app, &request) {
        Ok(()) => next.run(request).await,
        Err(e) => e.into_response(),
    };
    match fault {
        Some(f @ Fault::DropAfter) => {
            app.counters.fault(&route, f);
            app.faults.response(f)
        }
        _ => response,
    }
}

/// The gate of the `/_sandbox` routes: the key only.
pub(crate) async fn admin(State(app): State<Shared>, request: Request, next: Next) -> Response {
    match authorize(&app, &request) {
        Ok(()) => next.run(request).await,
        Err(e) => e.into_response(),
    }
}

/// Seed: `Authorization: <hash or API token>`, the raw value with no `Bearer` prefix.
fn authorize(app: &Shared, request: &Request) -> Result<(), ApiError> {
    match request.headers().get(header::AUTHORIZATION) {
        None => Err(ApiError::Unauthorized("Authorization header is missing")),
        Some(value) if value.as_bytes() == app.config.api_key.as_bytes() => Ok(()),
        Some(_) => Err(ApiError::Unauthorized("Bad credentials")),
    }
}

/// `"GET /v1/organisations/{organisationId}"`, or the raw path when no route matched.
fn route_key(request: &Request) -> String {
    let path = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| request.uri().path(), MatchedPath::as_str);
    format!("{} {}", request.method(), path)
}

/// Logs one line per request at INFO (visible with `--verbose`, on stderr).
pub(crate) async fn log(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let uri = request.uri().clone();
    let response = next.run(request).await;
    tracing::info!(
        "{method} {uri} -> {} ({} ms)",
        response.status().as_u16(),
        started.elapsed().as_millis()
    );
    response
}

/// Unknown paths: Symfony's router message.
pub(crate) async fn no_route(method: Method, uri: Uri) -> ApiError {
    ApiError::NotFound(format!("No route found for \"{method} {}\"", uri.path()))
}

/// A known path with a method it does not have (e.g. PATCH on a team).
pub(crate) async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    ApiError::MethodNotAllowed(format!(
        "No route found for \"{method} {}\": Method Not Allowed",
        uri.path()
    ))
}
