//! Helpers: an in-process sandbox called through `tower::ServiceExt::oneshot`, and a raw
//! HTTP/1.1 client for tests that need a real socket.

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::Router;
use level27_sandbox::Config;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tower::ServiceExt;

pub const KEY: &str = "sandbox";

pub struct Sandbox {
    router: Router,
}

#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    /// The JSON body, or `Null` when the body is empty.
    pub body: Value,
    pub raw: Vec<u8>,
}

impl Sandbox {
    pub fn new() -> Self {
        Self::with(Config::default())
    }

    pub fn with(config: Config) -> Self {
        Sandbox {
            router: level27_sandbox::router(config).expect("router"),
        }
    }

    pub async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Reply {
        self.call_as(Some(KEY), method, path, body)
            .await
            .expect("a response body that does not break")
    }

    /// Like `call`, with a chosen key; `Err` when the response body fails (injected drop).
    pub async fn call_as(
        &self,
        key: Option<&str>,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> Result<Reply, String> {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(key) = key {
            request = request.header("Authorization", key);
        }
        let body = match body {
            Some(v) => {
                request = request.header("Content-Type", "application/json");
                Body::from(serde_json::to_vec(&v).expect("json"))
            }
            None => Body::empty(),
        };
        let response = self
            .router
            .clone()
            .oneshot(request.body(body).expect("request"))
            .await
            .expect("infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let raw = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .map_err(|e| e.to_string())?
            .to_vec();
        let body = if raw.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&raw).unwrap_or_else(|e| {
                panic!(
                    "{method} {path}: body is not JSON ({e}): {}",
                    String::from_utf8_lossy(&raw)
                )
            })
        };
        Ok(Reply {
            status,
            headers,
            body,
            raw,
        })
    }

    /// Sends a raw (not necessarily JSON) body; returns the status.
    pub async fn call_raw(&self, method: &str, path: &str, body: &'static str) -> StatusCode {
        let request = Request::builder()
            .method(method)
            .uri(path)
            .header("Authorization", KEY)
            .body(Body::from(body))
            .expect("request");
        let response = self.router.clone().oneshot(request).await.expect("infallible");
        response.status()
    }

    /// Creates an organisation and returns its id.
    pub async fn organisation(&self, name: &str) -> u64 {
        let reply = self
            .call(
                "POST",
                "/v1/organisations",
                Some(serde_json::json!({"name": name, "taxNumber": format!("BE-{name}")})),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
        reply.body["organisation"]["id"].as_u64().expect("id")
    }
}

impl Sandbox {
    /// Creates an organisation through injected faults: retries until it exists, and finds it in
    /// the state when a drop after processing made the retry's tax number a duplicate.
    pub async fn organisation_retrying(&self, name: &str) -> u64 {
        let body = serde_json::json!({"name": name, "taxNumber": format!("BE-{name}")});
        for _ in 0..100 {
            match self
                .call_as(Some(KEY), "POST", "/v1/organisations", Some(body.clone()))
                .await
            {
                Ok(reply) if reply.status == StatusCode::CREATED => {
                    return reply.body["organisation"]["id"].as_u64().expect("id");
                }
                Ok(reply) if reply.status == StatusCode::BAD_REQUEST => break,
                _ => continue,
            }
        }
        let state = self.call("GET", "/_sandbox/state", None).await;
        state.body["organisations"]
            .as_object()
            .and_then(|orgs| orgs.values().find(|o| o["name"] == name))
            .and_then(|o| o["id"].as_u64())
            .unwrap_or_else(|| panic!("no organisation {name} after retries: {}", state.body))
    }
}

/// Sends one HTTP/1.1 request with `Connection: close` and returns every byte received, or the
/// I/O error that ended the read.
pub async fn raw_http(
    addr: std::net::SocketAddr,
    method: &str,
    path: &str,
    body: Option<&str>,
) -> std::io::Result<Vec<u8>> {
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    let body = body.unwrap_or("");
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: {KEY}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await?;
    let mut received = Vec::new();
    stream.read_to_end(&mut received).await?;
    Ok(received)
}

/// The status code and body of a raw HTTP/1.1 response (bodies here have a Content-Length).
pub fn parse_http(bytes: &[u8]) -> (u16, String) {
    let text = String::from_utf8_lossy(bytes);
    let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}
