//! A tiny in-process HTTP/1.1 server on raw tokio sockets, so tests can also misbehave in ways a web
//! framework hides: drop the connection after reading a request, or never answer.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

// Each test binary uses a different part of this module.
#[allow(dead_code)]
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    /// Path and query as sent, e.g. `/v1/teams?limit=100&offset=0`.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

#[allow(dead_code)]
impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }

    pub fn query(&self, key: &str) -> Option<String> {
        let q = self.target.split_once('?')?.1;
        q.split('&').find_map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (k == key).then(|| v.to_string())
        })
    }

    pub fn query_usize(&self, key: &str) -> Option<usize> {
        self.query(key)?.parse().ok()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

#[allow(dead_code)]
pub enum Reply {
    Json(u16, Value),
    /// Status, extra headers, raw body.
    Raw(u16, Vec<(String, String)>, String),
    /// Close the connection after reading the request, without answering.
    Drop,
    /// Never answer (the client's timeout fires).
    Hang,
}

type Handler = dyn Fn(&Request, usize) -> Reply + Send + Sync;

pub struct FakeServer {
    pub addr: SocketAddr,
    log: Arc<Mutex<Vec<Request>>>,
    accept: tokio::task::JoinHandle<()>,
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        // Aborting the accept loop drops its JoinSet, which aborts every connection task.
        self.accept.abort();
    }
}

#[allow(dead_code)]
impl FakeServer {
    /// Starts a server; `handler` gets each request and its 0-based index among all requests.
    pub async fn start(handler: impl Fn(&Request, usize) -> Reply + Send + Sync + 'static) -> FakeServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let accept_log = Arc::clone(&log);
        let accept = tokio::spawn(async move {
            let mut connections = JoinSet::new();
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                connections.spawn(serve(stream, Arc::clone(&handler), Arc::clone(&accept_log)));
            }
        });
        FakeServer { addr, log, accept }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    pub fn hits(&self) -> usize {
        self.log.lock().unwrap().len()
    }

    pub fn requests(&self) -> Vec<Request> {
        self.log.lock().unwrap().clone()
    }
}

async fn serve(stream: TcpStream, handler: Arc<Handler>, log: Arc<Mutex<Vec<Request>>>) {
    // Head and body go out in two writes; without this, Nagle plus delayed ACK adds ~40 ms.
    let _ = stream.set_nodelay(true);
    let mut reader = BufReader::new(stream);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
            return;
        }
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or("").to_string();
        let target = parts.next().unwrap_or("").to_string();
        let mut headers = Vec::new();
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).await.unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                headers.push((k.trim().to_string(), v.trim().to_string()));
            }
        }
        let len = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| v.parse::<usize>().ok())
            .unwrap_or(0);
        let mut body = vec![0; len];
        if reader.read_exact(&mut body).await.is_err() {
            return;
        }
        let request = Request {
            method,
            target,
            headers,
            body,
        };
        let index = {
            let mut log = log.lock().unwrap();
            log.push(request.clone());
            log.len() - 1
        };
        let (status, extra, body) = match handler(&request, index) {
            Reply::Json(status, v) => (status, Vec::new(), v.to_string()),
            Reply::Raw(status, extra, body) => (status, extra, body),
            Reply::Drop => return,
            Reply::Hang => std::future::pending().await,
        };
        let mut head = format!(
            "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n",
            body.len()
        );
        for (k, v) in extra {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        let stream = reader.get_mut();
        if stream.write_all(head.as_bytes()).await.is_err() || stream.write_all(body.as_bytes()).await.is_err() {
            return;
        }
    }
}
