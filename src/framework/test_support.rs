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

/// A scripted HTTP API for engine tests that need requests to happen: `handler` answers each
/// request (method, path without query, JSON body) with a status and a JSON body; every request is
/// recorded. Lists are paged by the fake itself (`limit`/`offset`) when the handler answers an
/// object holding one array, as the Level27 API pages its lists.
pub mod fake_api {
    use serde_json::Value as Json;
    use std::sync::{Arc, Mutex};
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
    use tokio::net::TcpListener;

    pub type Handler = Arc<dyn Fn(&str, &str, &Json) -> (u16, Json) + Send + Sync>;

    #[derive(Clone, Debug, PartialEq)]
    pub struct Request {
        pub method: String,
        pub path: String,
        pub body: Json,
    }

    pub struct FakeApi {
        pub url: String,
        pub requests: Arc<Mutex<Vec<Request>>>,
    }

    impl FakeApi {
        pub fn requests(&self) -> Vec<Request> {
            self.requests.lock().unwrap().clone()
        }

        /// `METHOD path` of every request, in order.
        pub fn lines(&self) -> Vec<String> {
            self.requests()
                .iter()
                .map(|r| format!("{} {}", r.method, r.path))
                .collect()
        }

        pub fn client(&self) -> level27_client::Client {
            level27_client::Client::new(level27_client::Config {
                base_url: self.url.clone(),
                api_key: "k".into(),
                request_timeout: std::time::Duration::from_secs(5),
                max_retries: 0,
                requests_per_second: None,
                user_agent: "engine-test".into(),
            })
            .unwrap()
        }
    }

    pub async fn start(handler: impl Fn(&str, &str, &Json) -> (u16, Json) + Send + Sync + 'static) -> FakeApi {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests: Arc<Mutex<Vec<Request>>> = Arc::default();
        let handler: Handler = Arc::new(handler);
        let recorded = requests.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (handler, recorded) = (handler.clone(), recorded.clone());
                tokio::spawn(async move {
                    let (read, mut write) = stream.into_split();
                    let mut read = BufReader::new(read);
                    let mut line = String::new();
                    if read.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    let mut parts = line.split_whitespace();
                    let method = parts.next().unwrap_or_default().to_string();
                    let target = parts.next().unwrap_or_default().to_string();
                    let mut length = 0usize;
                    loop {
                        let mut h = String::new();
                        if read.read_line(&mut h).await.unwrap_or(0) == 0 || h.trim().is_empty() {
                            break;
                        }
                        if let Some((k, v)) = h.split_once(':') {
                            if k.eq_ignore_ascii_case("content-length") {
                                length = v.trim().parse().unwrap_or(0);
                            }
                        }
                    }
                    let mut body = vec![0; length];
                    let _ = read.read_exact(&mut body).await;
                    let body: Json = serde_json::from_slice(&body).unwrap_or(Json::Null);
                    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
                    recorded.lock().unwrap().push(Request {
                        method: method.clone(),
                        path: path.to_string(),
                        body: body.clone(),
                    });
                    let (status, mut answer) = handler(&method, path, &body);
                    page(&mut answer, query);
                    let text = if status == 204 {
                        String::new()
                    } else {
                        answer.to_string()
                    };
                    let response = format!(
                        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{text}",
                        text.len()
                    );
                    let _ = write.write_all(response.as_bytes()).await;
                });
            }
        });
        FakeApi { url, requests }
    }

    fn page(answer: &mut Json, query: &str) {
        let param = |k: &str| {
            query
                .split('&')
                .find_map(|p| p.strip_prefix(&format!("{k}=")))
                .and_then(|v| v.parse::<usize>().ok())
        };
        let (Some(limit), offset) = (param("limit"), param("offset").unwrap_or(0)) else {
            return;
        };
        if let Json::Object(o) = answer {
            for v in o.values_mut() {
                if let Json::Array(items) = v {
                    *items = items.iter().skip(offset).take(limit).cloned().collect();
                }
            }
        }
    }
}
