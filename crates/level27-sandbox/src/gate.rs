//! What every request passes before its handler: the request log, latency, fault injection,
//! counting and the API key.

use std::time::Instant;

use axum::body::{to_bytes, Body, Bytes};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, Method, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::faults::Fault;
use crate::Shared;

/// The gate of the Level27 API routes (`/v1/...` and unknown paths).
pub(crate) async fn api(State(app): State<Shared>, request: Request, next: Next) -> Response {
    // A mistyped `/_sandbox` path reaches the API's fallback: it stays an admin request, never
    // slowed, failed or counted.
    if is_admin(request.uri().path()) {
        return admin(State(app), request, next).await;
    }
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
    let echo = app.config.echo_auth.then(|| {
        let auth = request.headers().get(header::AUTHORIZATION);
        auth.map_or_else(
            || "none".to_string(),
            |v| String::from_utf8_lossy(v.as_bytes()).into_owned(),
        )
    });
    let (parts, body) = request.into_parts();
    let Ok(body) = to_bytes(body, MAX_BODY).await else {
        return too_large().into_response();
    };
    if !body.iter().all(u8::is_ascii_whitespace) {
        let recorded = serde_json::from_slice(&body).unwrap_or_else(|_| json!(String::from_utf8_lossy(&body)));
        app.counters.body(&route, recorded);
    }
    let request = Request::from_parts(parts, Body::from(body));
    let mut response = match authorize(&app, &request) {
        Ok(()) => next.run(request).await,
        Err(e) => e.into_response(),
    };
    if let Some(auth) = echo.filter(|_| response.status().is_client_error()) {
        response = echo_auth(response, &auth).await;
    }
    match fault {
        Some(f @ Fault::DropAfter) => {
            app.counters.fault(&route, f);
            app.faults.response(f)
        }
        _ => response,
    }
}

/// The largest request body read (axum's own default limit).
pub(crate) const MAX_BODY: usize = 2 * 1024 * 1024;

/// A body over `MAX_BODY` (or one that broke off while being read, which nobody hears).
// Seed: silent on body sizes; the API's web server refuses large bodies with a 413, and the
// sandbox says so in the API's error shape, naming its limit.
pub(crate) fn too_large() -> ApiError {
    ApiError::TooLarge(format!(
        "Request body larger than the sandbox's limit of {} MiB",
        MAX_BODY / (1024 * 1024)
    ))
}

fn is_admin(path: &str) -> bool {
    path == "/_sandbox" || path.starts_with("/_sandbox/")
}

/// `--echo-auth`: adds ` (Authorization: <value>)` to an error's `message`, or to a form error
/// tree's global `errors`, so a test can look for the key wherever a client reports errors.
async fn echo_auth(response: Response, auth: &str) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = to_bytes(body, MAX_BODY).await.unwrap_or_default();
    let Ok(mut value) = serde_json::from_slice::<Value>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    let note = format!("(Authorization: {auth})");
    if let Some(Value::String(message)) = value.get_mut("message") {
        message.push(' ');
        message.push_str(&note);
    } else if let Some(tree) = value
        .as_object_mut()
        .and_then(|o| o.values_mut().next())
        .and_then(|form| form.get_mut("errors"))
        .and_then(Value::as_object_mut)
    {
        if let Some(global) = tree.entry("errors").or_insert_with(|| json!([])).as_array_mut() {
            global.push(json!(note));
        }
    }
    parts.headers.remove(header::CONTENT_LENGTH);
    let bytes = serde_json::to_vec(&value).map(Bytes::from).unwrap_or(bytes);
    Response::from_parts(parts, Body::from(bytes))
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

/// Unknown paths: Symfony's router message, or the redirect of a path with a trailing slash.
///
/// Seed: silent on a trailing slash (`/v1/systems/`). The API's router is Symfony's (its 404
/// says "No route found for …"), whose redirecting matcher answers a GET or HEAD of a route's
/// path with a slash added by a 301 to the path without it (the query kept), and any other
/// method with the 404; the sandbox does the same. (It redirects without checking that the path
/// without the slash exists: that path then answers its own 404.)
pub(crate) async fn no_route(method: Method, uri: Uri) -> Response {
    if let Some(location) = without_trailing_slash(&method, &uri) {
        return (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, location)]).into_response();
    }
    ApiError::NotFound(format!("No route found for \"{method} {}\"", uri.path())).into_response()
}

/// Where a GET or HEAD of a path ending in `/` (not the root) is redirected: the same path and
/// query without that slash.
fn without_trailing_slash(method: &Method, uri: &Uri) -> Option<String> {
    if !matches!(*method, Method::GET | Method::HEAD) {
        return None;
    }
    let path = uri.path().strip_suffix('/').filter(|p| !p.is_empty())?;
    Some(match uri.query() {
        Some(q) => format!("{path}?{q}"),
        None => path.to_string(),
    })
}

/// A known path with a method it does not have (e.g. PATCH on a team).
pub(crate) async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    ApiError::MethodNotAllowed(format!(
        "No route found for \"{method} {}\": Method Not Allowed",
        uri.path()
    ))
}
