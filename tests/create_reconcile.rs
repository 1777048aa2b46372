//! The engine's answer to a create whose response is lost: it looks the object up and adopts it
//! when the create did happen, creates it once more only when it certainly did not, and never
//! leaves a duplicate. Driven through the real API client against a scripted HTTP server that
//! drops the connection of the first POST, either after or before carrying it out.

use level27::framework::{Ctx, Object, Resource, Value};
use level27::resources::team;
use level27_client::{Client, Config};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

#[derive(Default)]
struct Api {
    teams: Vec<(i64, String)>,
    posts: usize,
    lists: usize,
}

#[derive(Clone, Copy)]
enum FirstPost {
    DropAfterProcessing,
    DropBeforeProcessing,
}

/// Serves `/v1/organisations/1/teams` (POST, GET list) over HTTP/1.1, dropping the first POST.
async fn fake_api(first: FirstPost) -> (String, Arc<Mutex<Api>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let api = Arc::new(Mutex::new(Api::default()));
    let shared = api.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let api = shared.clone();
            tokio::spawn(async move {
                let mut stream = BufReader::new(stream);
                loop {
                    let mut line = String::new();
                    if stream.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    let mut len = 0usize;
                    loop {
                        let mut h = String::new();
                        stream.read_line(&mut h).await.expect("header");
                        if h.trim().is_empty() {
                            break;
                        }
                        if let Some(v) = h.to_ascii_lowercase().strip_prefix("content-length:") {
                            len = v.trim().parse().expect("length");
                        }
                    }
                    let mut body = vec![0; len];
                    stream.read_exact(&mut body).await.expect("body");
                    let (status, reply) = {
                        let mut api = api.lock().expect("lock");
                        if line.starts_with("POST ") {
                            api.posts += 1;
                            let req: serde_json::Value = serde_json::from_slice(&body).expect("json");
                            let name = req["name"].as_str().expect("name").to_string();
                            let first_post = api.posts == 1;
                            if first_post && matches!(first, FirstPost::DropBeforeProcessing) {
                                return; // connection closed, nothing done
                            }
                            let id = 5000 + api.teams.len() as i64;
                            api.teams.push((id, name.clone()));
                            if first_post {
                                return; // done, but the client never hears of it
                            }
                            ("201 Created", serde_json::json!({"team": {"id": id, "name": name}}))
                        } else {
                            api.lists += 1;
                            let teams: Vec<_> = api
                                .teams
                                .iter()
                                .map(|(id, n)| serde_json::json!({"id": id, "name": n}))
                                .collect();
                            ("200 OK", serde_json::json!({ "teams": teams }))
                        }
                    };
                    let text = reply.to_string();
                    let head = format!(
                        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                        text.len()
                    );
                    let s = stream.get_mut();
                    if s.write_all(head.as_bytes()).await.is_err() || s.write_all(text.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (format!("http://{addr}/v1"), api)
}

async fn create_team(base_url: String) -> Object {
    let client = Client::new(Config {
        base_url,
        api_key: "k".into(),
        request_timeout: Duration::from_secs(5),
        max_retries: 2,
        requests_per_second: None,
        user_agent: "test".into(),
    })
    .expect("client");
    let stop = CancellationToken::new();
    let ctx = Ctx {
        client: &client,
        stop: &stop,
        write_only: true,
        provider_config: &Object::new(),
    };
    let resource = Resource::new(team::spec());
    let planned: Object = [
        ("id".to_string(), Value::Unknown),
        ("organisation_id".to_string(), Value::int(1)),
        ("name".to_string(), Value::string("ops")),
    ]
    .into_iter()
    .collect();
    resource.create(&ctx, &planned).await.expect("create succeeds")
}

#[tokio::test]
async fn a_create_carried_out_but_unanswered_is_adopted_not_repeated() {
    let (url, api) = fake_api(FirstPost::DropAfterProcessing).await;
    let state = create_team(url).await;
    let api = api.lock().expect("lock");
    assert_eq!(api.posts, 1, "the POST must not be repeated");
    assert_eq!(api.teams.len(), 1, "exactly one team exists");
    assert_eq!(
        state["id"],
        Value::int(api.teams[0].0),
        "the state holds the created team"
    );
    assert_eq!(state["name"], Value::string("ops"));
}

#[tokio::test]
async fn a_create_dropped_before_it_was_carried_out_is_made_once() {
    let (url, api) = fake_api(FirstPost::DropBeforeProcessing).await;
    let state = create_team(url).await;
    let api = api.lock().expect("lock");
    assert_eq!(api.posts, 2, "one lost POST, then one after the lookup found nothing");
    assert_eq!(api.lists, 1);
    assert_eq!(api.teams.len(), 1, "exactly one team exists");
    assert_eq!(state["id"], Value::int(api.teams[0].0));
}
