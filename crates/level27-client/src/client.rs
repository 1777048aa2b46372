//! The HTTP client: one `reqwest::Client` shared by every clone, with retries, rate limit, paging and
//! error mapping in one place.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, LOCATION, RETRY_AFTER};
use reqwest::Method;
use serde_json::Value;
use tokio::time::Instant;
use tracing::{debug, trace};

use crate::config::{Config, RetryPolicy};
use crate::error::{body_message, is_route_not_found, mentions_role, Error, ValidationErrors};
use crate::rate_limit::{Hold, RateLimiter};
use crate::redact::{redact_json, RedactedBody};
use crate::retry::{backoff, parse_retry_after};

/// Items requested per page by [`Client::list`]. The API defaults to 5 when `limit` is absent
/// and documents no maximum (seed: every list's `limit` says only "default: 5"). Level27's own
/// provider asks `/networks` for `limit=10000` against the real API, so large pages are accepted
/// there. A page costs a round trip whose wait every Terraform worker reading that list shares
/// (a refresh of 500 records of one zone: 2 requests at 1000, 6 at 100). A server capping pages
/// lower costs nothing extra: paging continues from the items received (see
/// [`Client::list_with_page_size`]).
pub const PAGE_SIZE: usize = 1000;

/// Stops a list whose server keeps returning full pages (1 000 000 items at [`PAGE_SIZE`]).
const MAX_PAGES: usize = 10_000;

/// A Level27 API client. Cheap to clone: clones share the connection pool and the rate limit.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    /// Without trailing slash; paths start with one.
    base_url: String,
    /// Kept only to scrub it from anything a server echoes back.
    api_key: String,
    max_retries: u32,
    /// Only for messages; reqwest enforces it.
    request_timeout: Duration,
    retry: RetryPolicy,
    limiter: Option<RateLimiter>,
    /// Set by a 429's `Retry-After`; every request waits it out.
    hold: Hold,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("max_retries", &self.inner.max_retries)
            .finish_non_exhaustive()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verb {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Verb {
    fn as_str(self) -> &'static str {
        match self {
            Verb::Get => "GET",
            Verb::Post => "POST",
            Verb::Put => "PUT",
            Verb::Patch => "PATCH",
            Verb::Delete => "DELETE",
        }
    }

    fn method(self) -> Method {
        match self {
            Verb::Get => Method::GET,
            Verb::Post => Method::POST,
            Verb::Put => Method::PUT,
            Verb::Patch => Method::PATCH,
            Verb::Delete => Method::DELETE,
        }
    }

    /// PUT and PATCH count as idempotent here: the API's updates set fields, so repeating one lands in
    /// the same state.
    fn idempotent(self) -> bool {
        self != Verb::Post
    }
}

/// What a successful call returns.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Want {
    /// A JSON body is required.
    Json,
    /// A JSON body, or `Value::Null` when the answer has none (204 or empty).
    JsonOrNull,
    /// The body is ignored.
    Nothing,
}

impl Client {
    /// Builds the client (and its one connection pool). Fails on an unusable configuration only; no
    /// request is made.
    pub fn new(config: Config) -> Result<Client, Error> {
        Client::with_retry_policy(config, RetryPolicy::default())
    }

    /// [`Client::new`] with a different back-off (tests use milliseconds).
    pub fn with_retry_policy(config: Config, retry: RetryPolicy) -> Result<Client, Error> {
        let base_url = crate::config::check_base_url(&config.base_url)
            .map_err(|problem| Error::Config(format!("base_url {problem}")))?;
        if config.api_key.trim().is_empty() {
            return Err(Error::Config(
                "the api key is empty: set LEVEL27_API_KEY or the provider's api_key".to_string(),
            ));
        }
        let mut auth = HeaderValue::from_str(&config.api_key).map_err(|_| {
            Error::Config(
                "the api key contains characters not allowed in an HTTP header (check LEVEL27_API_KEY \
                 or api_key for stray newlines)"
                    .to_string(),
            )
        })?;
        // Keeps it out of reqwest's and hyper's own debug output.
        auth.set_sensitive(true);
        if config.request_timeout.is_zero() {
            return Err(Error::Config("request_timeout must be greater than zero".to_string()));
        }
        let limiter = RateLimiter::from_rate(config.requests_per_second).map_err(Error::Config)?;

        let mut headers = HeaderMap::with_capacity(2);
        headers.insert(AUTHORIZATION, auth);
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        let http = reqwest::Client::builder()
            .use_rustls_tls()
            .default_headers(headers)
            .user_agent(config.user_agent.as_str())
            .timeout(config.request_timeout)
            // Shorter than the whole-attempt timeout so that a slow connect surfaces as a connect
            // error: a POST that never connected is known not to have been processed and may be retried.
            .connect_timeout((config.request_timeout / 2).clamp(Duration::from_millis(1), Duration::from_secs(10)))
            .tcp_nodelay(true)
            .pool_idle_timeout(Duration::from_secs(60))
            // A redirected POST would silently become a GET; surface 3xx as an error instead.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?;

        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                api_key: config.api_key,
                max_retries: config.max_retries,
                request_timeout: config.request_timeout,
                retry,
                limiter,
                hold: Hold::default(),
            }),
        })
    }

    /// The base URL without trailing slash.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// GET `path` (e.g. `/organisations/12`, may carry a query string) and return its JSON body.
    pub async fn get(&self, path: &str) -> Result<Value, Error> {
        self.execute(Verb::Get, path, &[], None, Want::Json).await
    }

    /// Every item of a list endpoint: pages with explicit `limit`/`offset` (the API defaults to 5
    /// items) and returns the items under `plural_key`. `limit`/`offset` in `query` are ignored.
    pub async fn list(&self, path: &str, plural_key: &str, query: &[(&str, String)]) -> Result<Vec<Value>, Error> {
        self.list_with_page_size(path, plural_key, query, PAGE_SIZE).await
    }

    /// The items of a list the API answers whole, without `limit`/`offset` (the seed's
    /// `/domains/providers`): one GET. [`Client::list`] would spend a second request to learn
    /// that the server ignores paging.
    pub async fn list_whole(&self, path: &str, plural_key: &str) -> Result<Vec<Value>, Error> {
        let mut answer = self.get(path).await?;
        take_items(&mut answer, path, plural_key)
    }

    /// [`Client::list`] with another page size, for an endpoint known to cap its pages lower.
    ///
    /// When the answer carries a `total`, paging stops once that many items are in. Otherwise it
    /// stops at an empty page or at a page shorter than an earlier page of this listing. A page
    /// shorter than `page_size` alone proves nothing: the API's maximum `limit` is undocumented,
    /// and a server capping pages at 50 would otherwise cut the list after its first page. The
    /// price is one more request when everything fits in the first page.
    pub async fn list_with_page_size(
        &self,
        path: &str,
        plural_key: &str,
        query: &[(&str, String)],
        page_size: usize,
    ) -> Result<Vec<Value>, Error> {
        let page_size = page_size.max(1);
        let mut params: Vec<(&str, String)> = query
            .iter()
            .filter(|(k, _)| *k != "limit" && *k != "offset")
            .cloned()
            .collect();
        let fixed = params.len();
        let mut items: Vec<Value> = Vec::new();
        let mut previous_first: Option<Value> = None;
        // The longest page seen so far: the server's real page size, as far as we know.
        let mut longest_page = 0usize;
        for _ in 0..MAX_PAGES {
            params.truncate(fixed);
            params.push(("limit", page_size.to_string()));
            params.push(("offset", items.len().to_string()));
            let mut page = self.execute(Verb::Get, path, &params, None, Want::Json).await?;
            let total = page.get("total").and_then(total_as_u64);
            let page_items = take_items(&mut page, path, plural_key)?;
            let n = page_items.len();
            if n == 0 {
                break;
            }
            // A server that ignores `offset` would return the first page forever.
            let first = page_items.first().map(identity);
            if first.is_some() && first == previous_first {
                // Seed: catalogues such as `/custpackages` take no `limit`/`offset`; a server
                // that ignores them and answered less than a page has answered everything.
                if n < page_size && longest_page == n {
                    break;
                }
                return Err(Error::InvalidResponse {
                    method: "GET".to_string(),
                    path: path.to_string(),
                    message: "the server returned the same page twice; it seems to ignore offset".to_string(),
                });
            }
            previous_first = first;
            items.extend(page_items);
            let done = match total {
                Some(t) => items.len() as u64 >= t,
                // Shorter than an earlier page: the server had fewer left than its page size.
                None => n < longest_page,
            };
            if done {
                break;
            }
            longest_page = longest_page.max(n);
        }
        debug!(path, items = items.len(), "listed");
        Ok(items)
    }

    /// POST a JSON body; returns the JSON answer (200/201), or `Value::Null` for a 204 or empty body.
    ///
    /// Never repeated when its outcome is unknown: see [`Error::OutcomeUnknown`].
    pub async fn post(&self, path: &str, body: &Value) -> Result<Value, Error> {
        self.execute(Verb::Post, path, &[], Some(body), Want::JsonOrNull).await
    }

    /// PUT a JSON body; the API answers 204.
    pub async fn put(&self, path: &str, body: &Value) -> Result<(), Error> {
        self.execute(Verb::Put, path, &[], Some(body), Want::Nothing)
            .await
            .map(drop)
    }

    /// PATCH a JSON body; the API answers 204.
    pub async fn patch(&self, path: &str, body: &Value) -> Result<(), Error> {
        self.execute(Verb::Patch, path, &[], Some(body), Want::Nothing)
            .await
            .map(drop)
    }

    /// DELETE. A 404 on a retry after an attempt whose outcome was unknown counts as success: the
    /// object is gone either way. A 404 on the first attempt is [`Error::NotFound`].
    pub async fn delete(&self, path: &str) -> Result<(), Error> {
        self.execute(Verb::Delete, path, &[], None, Want::Nothing)
            .await
            .map(drop)
    }

    /// One call: attempts, retries and the mapping of the final answer.
    async fn execute(
        &self,
        verb: Verb,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
        want: Want,
    ) -> Result<Value, Error> {
        self.execute_inner(verb, path, query, body, want)
            .await
            .map_err(|e| e.scrub(&self.inner.api_key))
    }

    async fn execute_inner(
        &self,
        verb: Verb,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
        want: Want,
    ) -> Result<Value, Error> {
        let inner = &*self.inner;
        let url = if path.starts_with('/') {
            format!("{}{}", inner.base_url, path)
        } else {
            format!("{}/{}", inner.base_url, path)
        };
        let body_bytes = match body {
            Some(v) => {
                trace!(method = verb.as_str(), path, body = %LazyRedacted(v), "level27 request body");
                Some(serde_json::to_vec(v).map_err(|e| Error::InvalidResponse {
                    method: verb.as_str().to_string(),
                    path: path.to_string(),
                    message: format!("cannot encode the request body: {e}"),
                })?)
            }
            None => None,
        };
        let err = |kind: fn(String, String, String) -> Error, message: String| {
            kind(verb.as_str().to_string(), path.to_string(), message)
        };
        // The query in the debug lines: a list's filters and page, which the path alone does not say.
        let shown_query = query
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&");
        // Set once an attempt may have reached the API (so a later 404 on DELETE means "gone").
        let mut maybe_processed = false;
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let last = attempt > inner.max_retries;
            inner.hold.wait().await;
            if let Some(limiter) = &inner.limiter {
                limiter.acquire().await;
            }
            let started = Instant::now();
            let mut request = inner.http.request(verb.method(), &url);
            if !query.is_empty() {
                request = request.query(query);
            }
            if let Some(bytes) = &body_bytes {
                request = request
                    .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                    .body(bytes.clone());
            }

            let response = match request.send().await {
                Ok(r) => r,
                Err(e) => {
                    let elapsed_ms = elapsed_ms(started);
                    let message = describe(&e, inner);
                    debug!(method = verb.as_str(), path, query = %shown_query, elapsed_ms, attempt, error = %message, "level27 request failed");
                    // A server that answered the handshake in plain HTTP will not speak TLS on
                    // a retry: a wrong API URL, said at once. (An early end of the handshake may
                    // be a passing hiccup, and is retried.)
                    if not_tls(&e, inner) && innermost_cause(&e).contains("InvalidContentType") {
                        return Err(err(transport, message));
                    }
                    // A connect error means nothing reached the API: safe to retry for every verb.
                    let not_sent = e.is_connect();
                    if !not_sent && !verb.idempotent() {
                        // A timeout leaves the API possibly still at work; a dropped connection does not.
                        let kind = if e.is_timeout() {
                            outcome_pending
                        } else {
                            outcome_unknown
                        };
                        return Err(err(kind, message));
                    }
                    maybe_processed |= !not_sent;
                    if last {
                        return Err(err(transport, attempts_note(message, attempt)));
                    }
                    self.pause(verb, path, attempt, None, &message).await;
                    continue;
                }
            };

            let status = response.status().as_u16();
            if (300..400).contains(&status) {
                // Redirects are not followed (see the builder): an API URL with http:// where the
                // server wants https://, or an old address, is a setting to correct.
                let to = response
                    .headers()
                    .get(LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .map(|l| format!(" to {}", display_url(l)))
                    .unwrap_or_default();
                debug!(method = verb.as_str(), path, status, "level27 request redirected");
                return Err(Error::Status {
                    method: verb.as_str().to_string(),
                    path: path.to_string(),
                    status,
                    message: format!(
                        "the server at {} redirects{to}; set the API URL (the provider's `api_url` or \
                         LEVEL27_API_URL) to the address it redirects to, e.g. https:// for http://",
                        display_url(&inner.base_url)
                    ),
                });
            }
            let retry_after = response
                .headers()
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| parse_retry_after(v, SystemTime::now()));
            let bytes = match response.bytes().await {
                Ok(b) => b,
                Err(e) if (200..300).contains(&status) => {
                    let message = format!(
                        "status {status} but the body could not be read: {}",
                        describe(&e, inner)
                    );
                    debug!(method = verb.as_str(), path, status, elapsed_ms = elapsed_ms(started), attempt, error = %message, "level27 request failed");
                    if !verb.idempotent() {
                        // Processed, but the created object is lost to us: the caller must look it up.
                        return Err(err(outcome_unknown, message));
                    }
                    maybe_processed = true;
                    if last {
                        return Err(err(transport, attempts_note(message, attempt)));
                    }
                    self.pause(verb, path, attempt, None, &message).await;
                    continue;
                }
                // For an error status the status decides; its body is only decoration.
                Err(_) => Default::default(),
            };
            debug!(
                method = verb.as_str(),
                path,
                query = %shown_query,
                status,
                elapsed_ms = elapsed_ms(started),
                attempt,
                "level27 request"
            );
            trace!(method = verb.as_str(), path, status, body = %RedactedBody { body: &bytes, secret: &inner.api_key }, "level27 response body");

            if (200..300).contains(&status) {
                return decode_success(verb, path, status, &bytes, want);
            }
            match status {
                // Seed: silent on 429/503. Choice: both are answered without processing the request
                // (rate limiter, maintenance mode, the sandbox's injected faults), so even a POST is
                // repeated. The sandbox must keep that promise.
                429 | 503 if !last => {
                    if let (429, Some(d)) = (status, retry_after) {
                        let d = d.min(inner.retry.max_retry_after);
                        inner.hold.extend(tokio::time::Instant::now() + d);
                    }
                    let why = format!("status {status}");
                    self.pause(verb, path, attempt, retry_after, &why).await;
                }
                // A gateway error says nothing about whether the API processed the request.
                502 | 504 if !verb.idempotent() => {
                    // 504: the gateway stopped waiting, the API may not have.
                    let kind = if status == 504 {
                        outcome_pending
                    } else {
                        outcome_unknown
                    };
                    return Err(err(kind, format!("{status} {}", body_message(status, &bytes))));
                }
                502 | 504 if !last => {
                    maybe_processed = true;
                    let why = format!("status {status}");
                    self.pause(verb, path, attempt, retry_after, &why).await;
                }
                404 if verb == Verb::Delete
                    && maybe_processed
                    && !is_route_not_found(&body_message(status, &bytes)) =>
                {
                    debug!(path, "level27 DELETE: 404 after an unknown outcome, the object is gone");
                    return Ok(Value::Null);
                }
                _ => return Err(status_error(verb, path, &url, status, &bytes, attempt)),
            }
        }
    }

    /// Sleeps before the next attempt: the server's `Retry-After` (capped) when given, else back-off.
    async fn pause(&self, verb: Verb, path: &str, attempt: u32, retry_after: Option<Duration>, why: &str) {
        let policy = &self.inner.retry;
        let delay = match retry_after {
            Some(d) => d.min(policy.max_retry_after),
            None => backoff(policy, attempt),
        };
        debug!(
            method = verb.as_str(),
            path,
            attempt,
            delay_ms = delay.as_millis() as u64,
            reason = why,
            "level27 retrying"
        );
        tokio::time::sleep(delay).await;
    }
}

fn outcome_unknown(method: String, path: String, message: String) -> Error {
    Error::OutcomeUnknown {
        method,
        path,
        message: format!("{message}; look the object up before trying again"),
        pending: false,
    }
}

fn outcome_pending(method: String, path: String, message: String) -> Error {
    Error::OutcomeUnknown {
        method,
        path,
        message: format!("{message}; the API may still be carrying it out"),
        pending: true,
    }
}

fn transport(method: String, path: String, message: String) -> Error {
    Error::Transport { method, path, message }
}

fn attempts_note(message: String, attempts: u32) -> String {
    if attempts > 1 {
        format!("{message} (gave up after {attempts} attempts; the provider's `max_retries` sets how many)")
    } else {
        message
    }
}

fn elapsed_ms(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}

fn innermost_cause(e: &reqwest::Error) -> String {
    use std::error::Error as _;
    let mut innermost: Option<&dyn std::error::Error> = e.source();
    while let Some(next) = innermost.and_then(|s| s.source()) {
        innermost = Some(next);
    }
    innermost.map_or_else(|| e.to_string(), |s| s.to_string())
}

/// A connection to an https:// URL whose server answered the TLS handshake in plain HTTP, or not
/// at all (rustls's words for either).
fn not_tls(e: &reqwest::Error, inner: &Inner) -> bool {
    let cause = innermost_cause(e);
    e.is_connect()
        && inner.base_url.starts_with("https://")
        && (cause.contains("InvalidContentType") || cause.contains("tls handshake eof"))
}

/// The failure in a few words: its innermost cause (the outer layers only say "client error"), and no
/// URL (the caller's path is already in the error).
fn describe(e: &reqwest::Error, inner: &Inner) -> String {
    let cause = innermost_cause(e);
    let text = if e.is_connect() {
        // No "sandbox" in these words: the getting-started key is "sandbox", and every error is
        // scrubbed of the key.
        let hint = if not_tls(e, inner) {
            "; the server did not answer in TLS: if it serves plain HTTP (a local test server), the API URL starts with http://"
        } else {
            ""
        };
        format!(
            "could not connect to {}: {cause}{hint}; check the API URL (the provider's `api_url` or LEVEL27_API_URL)",
            host_and_port(&inner.base_url)
        )
    } else if e.is_timeout() {
        format!(
            "no complete answer within {:?} (the provider's `request_timeout`)",
            inner.request_timeout
        )
    } else {
        cause
    };
    crate::error::scrub_str(text, &inner.api_key)
}

fn decode_success(verb: Verb, path: &str, status: u16, bytes: &[u8], want: Want) -> Result<Value, Error> {
    let empty = bytes.iter().all(u8::is_ascii_whitespace);
    match want {
        Want::Nothing => Ok(Value::Null),
        Want::JsonOrNull if empty => Ok(Value::Null),
        Want::Json if empty => Err(Error::InvalidResponse {
            method: verb.as_str().to_string(),
            path: path.to_string(),
            message: format!("status {status} with an empty body, expected JSON"),
        }),
        _ => serde_json::from_slice(bytes).map_err(|e| Error::InvalidResponse {
            method: verb.as_str().to_string(),
            path: path.to_string(),
            message: format!("status {status} but the body is not JSON ({e})"),
        }),
    }
}

/// `host:port` of a URL (the default port of its scheme when it names none), for a connection
/// error: where the client tried to go, without the path, the query or credentials.
fn host_and_port(url: &str) -> String {
    let Ok(u) = reqwest::Url::parse(url) else {
        return "the API".to_string();
    };
    match (u.host_str(), u.port_or_known_default()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_string(),
        _ => "the API".to_string(),
    }
}

/// `url` without credentials (a base URL may carry `user:password@`): fit for a message.
fn display_url(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut u) => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.to_string()
        }
        Err(_) => url.to_string(),
    }
}

fn status_error(verb: Verb, path: &str, url: &str, status: u16, bytes: &[u8], attempts: u32) -> Error {
    let method = verb.as_str().to_string();
    let path = path.to_string();
    match status {
        400 | 422 => Error::Validation(ValidationErrors::from_body(status, bytes)),
        401 => {
            let server = body_message(status, bytes);
            Error::Unauthorized {
                message: format!(
                    "the API rejected the api key (check LEVEL27_API_KEY or the provider's api_key): {server}"
                ),
            }
        }
        403 => Error::Forbidden {
            method,
            path,
            message: body_message(status, bytes),
        },
        404 => {
            let message = body_message(status, bytes);
            if is_route_not_found(&message) {
                Error::RouteNotFound {
                    method,
                    url: display_url(url),
                    message,
                }
            } else {
                Error::NotFound { method, path, message }
            }
        }
        _ => {
            let message = body_message(status, bytes);
            // Seed: a missing role is documented as 500 "user does not have a proper role to access a
            // controller"; it is an access problem, not a server fault, so it maps to Forbidden.
            if status == 500 && mentions_role(&message) {
                Error::Forbidden {
                    method,
                    path,
                    message: format!("missing role (HTTP 500): {message}"),
                }
            } else {
                // A 429 that outlasted every retry: the rate limit is the API's, per key, so the way
                // out is a slower client.
                let message = if status == 429 {
                    format!(
                        "{message}: the API limits the request rate of each api key; the provider's \
                         `requests_per_second` keeps under it"
                    )
                } else {
                    message
                };
                Error::Status {
                    method,
                    path,
                    status,
                    message: attempts_note(message, attempts),
                }
            }
        }
    }
}

fn total_as_u64(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// What identifies a list item for the "same page twice" check: its `id` when it has one.
fn identity(item: &Value) -> Value {
    item.get("id").cloned().unwrap_or_else(|| item.clone())
}

/// The items under `plural_key` of a list answer.
fn take_items(answer: &mut Value, path: &str, plural_key: &str) -> Result<Vec<Value>, Error> {
    let invalid = |message: String| Error::InvalidResponse {
        method: "GET".to_string(),
        path: path.to_string(),
        message,
    };
    match answer.get_mut(plural_key).map(Value::take) {
        Some(Value::Array(a)) => Ok(a),
        // PHP encodes an empty array as `{}` when it was built as a map; some lists say null.
        Some(Value::Object(o)) if o.is_empty() => Ok(Vec::new()),
        Some(Value::Null) => Ok(Vec::new()),
        Some(other) => Err(invalid(format!(
            "\"{plural_key}\" is {} instead of a list",
            json_kind(&other)
        ))),
        None => Err(invalid(format!("the answer has no \"{plural_key}\" list"))),
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Redacts a request body only if the trace event is recorded.
struct LazyRedacted<'a>(&'a Value);

impl fmt::Display for LazyRedacted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&redact_json(self.0), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_errors_name_the_host_and_port_only() {
        assert_eq!(host_and_port("http://127.0.0.1:8080/v1"), "127.0.0.1:8080");
        assert_eq!(host_and_port("https://api.level27.eu/v1"), "api.level27.eu:443");
        assert_eq!(
            host_and_port("https://user:pw@api.level27.eu/v1?token=x"),
            "api.level27.eu:443"
        );
        assert_eq!(host_and_port("not a url"), "the API");
    }

    #[test]
    fn urls_in_messages_carry_no_credentials() {
        assert_eq!(
            display_url("https://user:pw@api.level27.eu/organisations/1"),
            "https://api.level27.eu/organisations/1"
        );
    }
}
