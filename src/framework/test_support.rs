//! Shared test fixtures: a block with one nested attribute of every nesting, and value builders.

use super::schema::{Attribute, Block, Nesting};
use super::value::{Object, Value};

/// A virtual machine of sorts: networks (list), tags (set), records (map), settings (single) and
/// interfaces (a computed list), each with required, optional, defaulted, computed and
/// requires-replace sub-attributes.
pub fn vm() -> Block {
    Block {
        attributes: vec![
            Attribute::number("id").computed().read_from("id"),
            Attribute::string("name").required().api("name"),
            Attribute::nested(
                "networks",
                Nesting::List,
                vec![
                    Attribute::number("network_id")
                        .required()
                        .requires_replace()
                        .api("networkId"),
                    Attribute::string("ip").computed().read_from("ip"),
                    Attribute::string("mac").optional_computed().api("mac"),
                    Attribute::bool("primary").default(Value::Bool(false)).api("primary"),
                    Attribute::string("label").optional().api("label"),
                ],
            )
            .optional_computed()
            .api("networks"),
            Attribute::nested(
                "tags",
                Nesting::Set,
                vec![
                    Attribute::string("key").required().api("key"),
                    Attribute::string("value").optional().api("value"),
                    // Sent, never read back: kept from the matching element.
                    Attribute::string("comment").optional().send_as("comment"),
                    Attribute::number("tag_id").computed().read_from("id"),
                ],
            )
            .optional()
            .api("tags"),
            Attribute::nested(
                "records",
                Nesting::Map,
                vec![
                    Attribute::string("content")
                        .required()
                        .requires_replace()
                        .api("content"),
                    Attribute::number("ttl").default(Value::int(3600)).api("ttl"),
                    Attribute::number("record_id").computed().read_from("id"),
                ],
            )
            .optional()
            .api("records"),
            Attribute::nested(
                "settings",
                Nesting::Single,
                vec![
                    Attribute::string("mode").required().requires_replace().api("mode"),
                    Attribute::number("size").optional().api("size"),
                    Attribute::string("revision")
                        .computed()
                        .changes_on_update()
                        .read_from("revision"),
                ],
            )
            .optional()
            .api("settings"),
            Attribute::nested(
                "interfaces",
                Nesting::List,
                vec![Attribute::string("device").computed().read_from("device")],
            )
            .computed()
            .read_from("interfaces"),
        ],
        ..Block::default()
    }
}

pub fn obj(pairs: &[(&str, Value)]) -> Object {
    pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
}

pub fn o(pairs: &[(&str, Value)]) -> Value {
    Value::Object(obj(pairs))
}

pub fn list(items: &[Value]) -> Value {
    Value::List(items.to_vec())
}

pub fn set(items: &[Value]) -> Value {
    Value::Set(items.to_vec())
}

pub fn map(pairs: &[(&str, Value)]) -> Value {
    Value::Map(obj(pairs))
}

pub fn s(v: &str) -> Value {
    Value::string(v)
}

pub fn n(v: i64) -> Value {
    Value::int(v)
}

/// A network element as Terraform sends it in configuration (unset sub-attributes are null).
pub fn net_config(id: i64) -> Value {
    o(&[
        ("network_id", n(id)),
        ("ip", Value::Null),
        ("mac", Value::Null),
        ("primary", Value::Null),
        ("label", Value::Null),
    ])
}

/// A network element as stored in state.
pub fn net_state(id: i64, ip: &str) -> Value {
    o(&[
        ("network_id", n(id)),
        ("ip", s(ip)),
        ("mac", s(&format!("mac-{id}"))),
        ("primary", Value::Bool(false)),
        ("label", Value::Null),
    ])
}

pub fn tag_config(key: &str, value: &str) -> Value {
    o(&[
        ("key", s(key)),
        ("value", s(value)),
        ("comment", Value::Null),
        ("tag_id", Value::Null),
    ])
}

pub fn tag_state(key: &str, value: &str, id: i64) -> Value {
    o(&[
        ("key", s(key)),
        ("value", s(value)),
        ("comment", Value::Null),
        ("tag_id", n(id)),
    ])
}

/// Looks a value up by path in an object: `at(&o, &["networks", "0", "ip"])`.
pub fn at<'a>(o: &'a Object, path: &[&str]) -> &'a Value {
    let Some((first, rest)) = path.split_first() else {
        return &Value::Null;
    };
    let mut cur = o.get(*first).unwrap_or(&Value::Null);
    for step in rest {
        cur = match cur {
            Value::Object(m) | Value::Map(m) => m.get(*step).unwrap_or(&Value::Null),
            Value::List(items) | Value::Set(items) => step
                .parse::<usize>()
                .ok()
                .and_then(|i| items.get(i))
                .unwrap_or(&Value::Null),
            _ => &Value::Null,
        };
    }
    cur
}

/// One request the fake API received: its method, path, decoded query parameters and JSON body.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub body: serde_json::Value,
}

impl Seen {
    pub fn param(&self, key: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
}

type Handler = dyn Fn(&Seen) -> (u16, serde_json::Value) + Send + Sync;

/// The status a [`FakeApi`] handler answers to drop the connection without an answer: the client
/// cannot know whether the request was carried out.
pub const DROP: u16 = 0;

/// A canned HTTP API for engine tests: every request is answered by `handler`; the requests are
/// recorded in order. One request per connection, no keep-alive.
pub struct FakeApi {
    pub client: level27_client::Client,
    pub seen: std::sync::Arc<std::sync::Mutex<Vec<Seen>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeApi {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FakeApi {
    /// A handler answering [`DROP`] as the status drops the connection instead of answering.
    pub async fn start(handler: impl Fn(&Seen) -> (u16, serde_json::Value) + Send + Sync + 'static) -> FakeApi {
        FakeApi::serve(0, handler).await
    }

    /// [`FakeApi::start`], holding the answers to the first `n` requests until all `n` have
    /// arrived: callers that send them one after another wait for an answer that never comes
    /// (until the client's timeout), so only requests sent together get through. The requests are
    /// served concurrently, so `seen` records them in no fixed order.
    pub async fn start_holding(
        n: usize,
        handler: impl Fn(&Seen) -> (u16, serde_json::Value) + Send + Sync + 'static,
    ) -> FakeApi {
        FakeApi::serve(n, handler).await
    }

    async fn serve(
        hold: usize,
        handler: impl Fn(&Seen) -> (u16, serde_json::Value) + Send + Sync + 'static,
    ) -> FakeApi {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let handler: std::sync::Arc<Handler> = std::sync::Arc::new(handler);
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = seen.clone();
        let task = tokio::spawn(async move {
            let gate = std::sync::Arc::new(tokio::sync::Barrier::new(hold.max(1)));
            let mut accepted = 0;
            while let Ok((conn, _)) = listener.accept().await {
                let (handler, log) = (handler.clone(), log.clone());
                if hold == 0 {
                    answer(conn, &*handler, &log, None).await;
                } else {
                    let gate = (accepted < hold).then(|| gate.clone());
                    tokio::spawn(async move { answer(conn, &*handler, &log, gate).await });
                }
                accepted += 1;
            }
        });
        let client = level27_client::Client::new(level27_client::Config {
            base_url: url,
            api_key: "test-key".into(),
            request_timeout: std::time::Duration::from_secs(10),
            max_retries: 0,
            requests_per_second: None,
            user_agent: "engine-test".into(),
        })
        .unwrap();
        FakeApi { client, seen, task }
    }

    /// The requests received so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// `METHOD path` of every request so far, in order.
    pub fn lines(&self) -> Vec<String> {
        self.seen().iter().map(|r| format!("{} {}", r.method, r.path)).collect()
    }
}

/// Reads one request from `conn`, waits at `gate` if given, and answers it with `handler`.
async fn answer(
    mut conn: tokio::net::TcpStream,
    handler: &Handler,
    log: &std::sync::Mutex<Vec<Seen>>,
    gate: Option<std::sync::Arc<tokio::sync::Barrier>>,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        match conn.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let split = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(buf.len(), |i| i + 4);
    let head = String::from_utf8_lossy(&buf[..split]).to_string();
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())?
        })
        .unwrap_or(0);
    let mut body = buf[split..].to_vec();
    while body.len() < length {
        match conn.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => body.extend_from_slice(&chunk[..n]),
        }
    }
    let method = head.split_whitespace().next().unwrap_or("GET").to_string();
    let target = head.split_whitespace().nth(1).unwrap_or("/").to_string();
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let request = Seen {
        method,
        body: serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null),
        path: path.to_string(),
        query: query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (decode(k), decode(v))
            })
            .collect(),
    };
    if let Some(gate) = gate {
        gate.wait().await;
    }
    let (status, body) = handler(&request);
    log.lock().unwrap().push(request);
    if status == DROP {
        return; // the connection closes without a byte of answer
    }
    let body = if status == 204 { String::new() } else { body.to_string() };
    let answer = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = conn.write_all(answer.as_bytes()).await;
    let _ = conn.shutdown().await;
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                out.push(u8::from_str_radix(hex, 16).unwrap_or(b'?'));
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).to_string()
}

/// A page of `items` as the Level27 API answers a list: `limit` (5 when absent, as the API does)
/// items from `offset`, under `key`.
pub fn page(req: &Seen, key: &str, items: &[serde_json::Value]) -> serde_json::Value {
    let limit: usize = req.param("limit").and_then(|l| l.parse().ok()).unwrap_or(5);
    let offset: usize = req.param("offset").and_then(|o| o.parse().ok()).unwrap_or(0);
    let page: Vec<_> = items.iter().skip(offset).take(limit).cloned().collect();
    serde_json::json!({ key: page })
}

/// What a provider context borrows, fresh: a stop token, no shared reads yet, an empty provider
/// configuration. `CtxParts::default().ctx(&api)` is a context on a fake API.
#[derive(Default)]
pub struct CtxParts {
    pub stop: tokio_util::sync::CancellationToken,
    pub reads: super::shared_reads::SharedReads,
    pub provider_config: Object,
}

impl CtxParts {
    pub fn ctx<'a>(&'a self, api: &'a FakeApi) -> super::ctx::Ctx<'a> {
        super::ctx::Ctx {
            client: &api.client,
            stop: &self.stop,
            write_only: true,
            provider_config: &self.provider_config,
            reads: &self.reads,
        }
    }
}

/// Reads data source `ds` against `api`, as Terraform would with `config` (every other argument
/// null), with a fresh provider context.
pub async fn read_data(
    ds: &super::DataSource,
    api: &FakeApi,
    config: &[(&str, Value)],
) -> Result<Object, super::diag::Diagnostics> {
    read_data_in(&CtxParts::default(), ds, api, config).await
}

/// [`read_data`] in the provider context `parts` (with what its shared reads hold already).
pub async fn read_data_in(
    parts: &CtxParts,
    ds: &super::DataSource,
    api: &FakeApi,
    config: &[(&str, Value)],
) -> Result<Object, super::diag::Diagnostics> {
    let ctx = parts.ctx(api);
    let mut c: Object = ds
        .schema
        .block
        .attributes
        .iter()
        .map(|a| (a.name.to_string(), Value::Null))
        .collect();
    c.extend(config.iter().map(|(k, v)| (k.to_string(), v.clone())));
    ds.read(&ctx, &c).await
}
