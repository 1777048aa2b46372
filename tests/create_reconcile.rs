//! The engine's answer to a create whose response is lost: it looks the object up and adopts it
//! when the create did happen, creates it once more only when it certainly did not, and never
//! leaves a duplicate; a create whose answer is incomplete is read back; a failure after the API
//! made the object still hands its id back. Driven through the real API client against a
//! scripted HTTP server (not Terraform: these are the engine's rules, under exact control).

use level27::framework::diag::Severity;
use level27::framework::{CreateFailed, Ctx, Diagnostics, Object, Resource, Value};
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
    item_gets: usize,
}

#[derive(Clone, Copy, PartialEq)]
enum FirstPost {
    DropAfterProcessing,
    DropBeforeProcessing,
    /// Answers after the client gave up (it times out at 1 s), having made the team by then.
    SlowButDone,
    /// Never answers and never makes the team.
    SlowAndNothing,
    /// Makes the team and answers 201 with the id only.
    IdOnly,
    /// As `IdOnly`, and reading the team back finds nothing (404): the API answered.
    IdOnlyThenReadFails,
    /// As `IdOnly`, and the API answers every read of the team with a 503 (unavailable).
    IdOnlyThenUnavailable,
    /// As `IdOnly`, and the API answers the first read of the team with a 503, then the team.
    IdOnlyThenUnavailableOnce,
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
                    if line.starts_with("POST ") {
                        let posts = {
                            let mut api = api.lock().expect("lock");
                            api.posts += 1;
                            api.posts
                        };
                        if posts == 1 && matches!(first, FirstPost::SlowButDone | FirstPost::SlowAndNothing) {
                            tokio::time::sleep(Duration::from_millis(1500)).await;
                            if first == FirstPost::SlowAndNothing {
                                return;
                            }
                        }
                    }
                    let (status, reply) = {
                        let mut api = api.lock().expect("lock");
                        let path = line.split(' ').nth(1).unwrap_or_default().to_string();
                        if line.starts_with("POST ") {
                            let req: serde_json::Value = serde_json::from_slice(&body).expect("json");
                            let name = req["name"].as_str().expect("name").to_string();
                            let first_post = api.posts == 1;
                            if first_post && first == FirstPost::DropBeforeProcessing {
                                return; // connection closed, nothing done
                            }
                            let id = 5000 + api.teams.len() as i64;
                            api.teams.push((id, name.clone()));
                            match first {
                                FirstPost::IdOnly
                                | FirstPost::IdOnlyThenReadFails
                                | FirstPost::IdOnlyThenUnavailable
                                | FirstPost::IdOnlyThenUnavailableOnce => {
                                    ("201 Created", serde_json::json!({"team": {"id": id}}))
                                }
                                // done, but the client never hears of it
                                _ if first_post => return,
                                _ => ("201 Created", serde_json::json!({"team": {"id": id, "name": name}})),
                            }
                        } else if let Some(id) = path.strip_prefix("/v1/organisations/1/teams/") {
                            api.item_gets += 1;
                            let found = api.teams.iter().find(|(i, _)| i.to_string() == id).cloned();
                            let unavailable =
                                ("503 Service Unavailable", serde_json::json!({"message": "maintenance"}));
                            match (first, found) {
                                (FirstPost::IdOnlyThenReadFails, _) => {
                                    ("404 Not Found", serde_json::json!({"message": "Team is not found"}))
                                }
                                (FirstPost::IdOnlyThenUnavailable, _) => unavailable,
                                (FirstPost::IdOnlyThenUnavailableOnce, _) if api.item_gets == 1 => unavailable,
                                (_, Some((id, n))) => ("200 OK", serde_json::json!({"team": {"id": id, "name": n}})),
                                (_, None) => ("404 Not Found", serde_json::json!({"message": "not found"})),
                            }
                        } else {
                            // One page: any later offset is past the end. `lists` counts lookups.
                            let first_page =
                                !path.contains("offset=") || path.contains("offset=0&") || path.ends_with("offset=0");
                            if first_page {
                                api.lists += 1;
                            }
                            let teams: Vec<_> = api
                                .teams
                                .iter()
                                .filter(|_| first_page)
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

async fn create_team(base_url: String) -> Result<Object, CreateFailed> {
    create_team_warned(base_url).await.map(|(state, _)| state)
}

/// `create_team`, with the warnings of a create that succeeded.
async fn create_team_warned(base_url: String) -> Result<(Object, Diagnostics), CreateFailed> {
    let client = Client::new(Config {
        base_url,
        api_key: "k".into(),
        request_timeout: Duration::from_secs(1),
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
        reads: &Default::default(),
    };
    let resource = Resource::new(team::spec());
    let planned: Object = [
        ("id".to_string(), Value::Unknown),
        ("organisation_id".to_string(), Value::string("1")),
        ("name".to_string(), Value::string("ops")),
    ]
    .into_iter()
    .collect();
    resource.create_warned(&ctx, &planned, &planned).await
}

fn details(f: &CreateFailed) -> String {
    f.diags
        .0
        .iter()
        .map(|d| format!("{}: {}", d.summary, d.detail))
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn a_create_carried_out_but_unanswered_is_adopted_not_repeated() {
    let (url, api) = fake_api(FirstPost::DropAfterProcessing).await;
    let state = create_team(url).await.expect("create succeeds");
    let api = api.lock().expect("lock");
    assert_eq!(api.posts, 1, "the POST must not be repeated");
    assert_eq!(api.teams.len(), 1, "exactly one team exists");
    assert_eq!(
        state["id"],
        Value::string(api.teams[0].0.to_string()),
        "the state holds the created team"
    );
    assert_eq!(state["name"], Value::string("ops"));
}

#[tokio::test]
async fn a_create_dropped_before_it_was_carried_out_is_made_once() {
    let (url, api) = fake_api(FirstPost::DropBeforeProcessing).await;
    let state = create_team(url).await.expect("create succeeds");
    let api = api.lock().expect("lock");
    assert_eq!(api.posts, 2, "one lost POST, then one after the lookup found nothing");
    assert_eq!(api.lists, 1, "looked up once before creating again");
    assert_eq!(api.teams.len(), 1, "exactly one team exists");
    assert_eq!(state["id"], Value::string(api.teams[0].0.to_string()));
}

#[tokio::test]
async fn a_timed_out_create_that_finishes_late_is_found_not_repeated() {
    let (url, api) = fake_api(FirstPost::SlowButDone).await;
    let state = create_team(url).await.expect("create succeeds");
    let api = api.lock().expect("lock");
    assert_eq!(api.posts, 1, "a timed-out POST may still be running: never repeated");
    assert!(api.lists >= 2, "looked up again after a pause: {} lookups", api.lists);
    assert_eq!(api.teams.len(), 1);
    assert_eq!(state["id"], Value::string(api.teams[0].0.to_string()));
}

#[tokio::test]
async fn a_timed_out_create_that_made_nothing_fails_without_repeating() {
    let (url, api) = fake_api(FirstPost::SlowAndNothing).await;
    let failed = create_team(url).await.expect_err("the outcome stays unknown");
    let api = api.lock().expect("lock");
    assert_eq!(api.posts, 1, "never repeated while the first may still be running");
    assert_eq!(api.teams.len(), 0);
    assert!(failed.state.is_none(), "no object is known to exist");
    let text = details(&failed);
    assert!(
        text.contains("terraform import"),
        "says how to adopt it if it appears: {text}"
    );
    assert!(text.contains("name = \"ops\""), "names what to look for: {text}");
}

#[tokio::test]
async fn a_create_answer_without_the_sent_fields_is_read_back_once() {
    let (url, api) = fake_api(FirstPost::IdOnly).await;
    let state = create_team(url).await.expect("create succeeds");
    let api = api.lock().expect("lock");
    assert_eq!((api.posts, api.item_gets), (1, 1), "one POST, one read-back GET");
    assert_eq!(state["name"], Value::string("ops"));
    assert_eq!(state["id"], Value::string(api.teams[0].0.to_string()));
}

/// The API made the team but does not answer reading it back (503 past every retry): the team
/// is kept as created, with a warning and no error, so Terraform does not taint it and the next
/// apply does not replace it; the next refresh reads it.
#[tokio::test]
async fn a_create_whose_read_back_goes_unanswered_is_kept_as_planned_with_a_warning() {
    let (url, api) = fake_api(FirstPost::IdOnlyThenUnavailable).await;
    let (state, warnings) = create_team_warned(url).await.expect("kept, not failed");
    let api = api.lock().expect("lock");
    assert_eq!(api.posts, 1);
    assert_eq!(
        api.item_gets, 3,
        "the read-back is asked again under the retry policy (2 retries)"
    );
    assert_eq!(state["id"], Value::string(api.teams[0].0.to_string()));
    assert_eq!(state["name"], Value::string("ops"), "the planned value");
    assert_eq!(state["organisation_id"], Value::string("1"));
    assert!(state.values().all(|v| !v.is_unknown()), "{state:?}");
    assert_eq!(warnings.0.len(), 1, "{warnings:?}");
    let w = &warnings.0[0];
    assert_eq!(w.severity, Severity::Warning);
    let id = &api.teams[0].0;
    assert_eq!(w.summary, format!("level27_team {id} created, but not read back"));
    assert!(w.detail.contains("503"), "says why: {}", w.detail);
    assert!(w.detail.contains("the next plan or refresh reads it"), "{}", w.detail);
}

/// A read-back the API fails once is asked again (the client's retry policy): the state is the
/// API's, with no warning.
#[tokio::test]
async fn a_read_back_the_api_fails_once_is_asked_again() {
    let (url, api) = fake_api(FirstPost::IdOnlyThenUnavailableOnce).await;
    let (state, warnings) = create_team_warned(url).await.expect("create succeeds");
    let api = api.lock().expect("lock");
    assert_eq!((api.posts, api.item_gets), (1, 2));
    assert_eq!(state["name"], Value::string("ops"));
    assert!(warnings.0.is_empty(), "{warnings:?}");
}

/// The API answers that the team it just made is not there: a failure of the object, which
/// Terraform keeps as tainted (its id handed back) to be replaced.
#[tokio::test]
async fn a_failure_after_the_object_was_made_still_returns_its_id() {
    let (url, api) = fake_api(FirstPost::IdOnlyThenReadFails).await;
    let failed = create_team(url).await.expect_err("the read-back fails");
    let api = api.lock().expect("lock");
    let state = failed.state.as_ref().expect("the created object is handed back");
    assert_eq!(
        state["id"],
        Value::string(api.teams[0].0.to_string()),
        "Terraform keeps it (tainted)"
    );
    assert!(
        state.values().all(|v| !v.is_unknown()),
        "no unknown value in an applied state"
    );
    assert!(!failed.diags.0.is_empty());
}
