//! `object_in_list_only`, `fill_from` and `infer_from` against a scripted API: bundles whose
//! create and item answers hold only `limits` (as `/custompackages`), and boxes that must send
//! their bundle's kind and never answer their bundle's id (as `/apps`).

use super::ctx::Ctx;
use super::resource::{Endpoint, Resource, ResourceSpec, UpdateVerb};
use super::schema::{Attribute, ListSource};
use super::test_support::{page, FakeApi, Seen};
use super::value::{Object, Value};
use serde_json::{json, Value as Json};
use std::sync::{Arc, Mutex};

fn bundle() -> ResourceSpec {
    ResourceSpec {
        type_name: "level27_bundle",
        description: "A bundle.",
        attributes: vec![
            Attribute::id("id").computed().read_from("id").describe("Id."),
            Attribute::id("organisation_id")
                .required()
                .send_as("organisation")
                .read_from("organisation")
                .requires_replace()
                .describe("Organisation."),
            Attribute::string("name").required().api("name").describe("Name."),
            Attribute::string("kind").required().api("kind").describe("Kind."),
        ],
        endpoint: Endpoint {
            collection: "/bundles",
            item: "/bundles/{id}",
            singular: "bundle",
            plural: "bundles",
            update: UpdateVerb::Put,
        },
        natural_key: &["name", "organisation_id"],
        object_in_list_only: true,
        ..ResourceSpec::default()
    }
}

static BUNDLES: ListSource = ListSource {
    path: "/bundles",
    plural: "bundles",
    key: "id",
    by: "bundle_id",
    paged: true,
};

static BUNDLES_BY_MATCH: ListSource = ListSource {
    path: "/bundles",
    plural: "bundles",
    key: "id",
    by: "id",
    paged: true,
};

fn boxed() -> ResourceSpec {
    ResourceSpec {
        type_name: "level27_box",
        description: "A box.",
        attributes: vec![
            Attribute::id("id").computed().read_from("id").describe("Id."),
            Attribute::id("organisation_id")
                .required()
                .send_as("organisation")
                .read_from("organisation")
                .requires_replace()
                .describe("Organisation."),
            Attribute::string("name").required().api("name").describe("Name."),
            Attribute::id("bundle_id")
                .required()
                .send_as("bundle")
                .infer_from(
                    &BUNDLES_BY_MATCH,
                    &[("organisation.id", "organisation_id"), ("kind", "kind")],
                    "id",
                )
                .requires_replace()
                .describe("Bundle."),
            Attribute::string("kind")
                .computed()
                .send_as("kind")
                .read_from("kind")
                .fill_from(&BUNDLES, "kind")
                .describe("Kind."),
        ],
        endpoint: Endpoint {
            collection: "/boxes",
            item: "/boxes/{id}",
            singular: "box",
            plural: "boxes",
            update: UpdateVerb::Put,
        },
        ..ResourceSpec::default()
    }
}

#[derive(Default)]
struct World {
    bundles: Vec<Json>,
    boxes: Vec<Json>,
    /// Bundle creates whose connection drops before the API sees them.
    lost_bundle_posts: usize,
}

fn api(world: Arc<Mutex<World>>) -> impl Fn(&Seen) -> (u16, Json) + Send + Sync + 'static {
    move |req: &Seen| {
        let mut w = world.lock().unwrap();
        let segs: Vec<&str> = req.path.trim_start_matches('/').split('/').collect();
        match (req.method.as_str(), segs.as_slice()) {
            ("POST", ["bundles"]) if w.lost_bundle_posts > 0 => {
                w.lost_bundle_posts -= 1;
                (super::test_support::DROP, Json::Null)
            }
            ("POST", ["bundles"]) => {
                let id = 500 + w.bundles.len() as u64;
                w.bundles
                    .push(json!({"id": id, "name": req.body["name"], "kind": req.body["kind"],
                                      "organisation": {"id": req.body["organisation"]}}));
                (201, json!({"limits": {"database": {"max": 2}}}))
            }
            ("GET", ["bundles"]) => (200, page(req, "bundles", &w.bundles)),
            ("GET", ["bundles", _]) => (200, json!({"limits": {}})),
            ("POST", ["boxes"]) => {
                let id = 900 + w.boxes.len() as u64;
                let b = json!({"id": id, "name": req.body["name"], "kind": req.body["kind"], "bundle": null,
                               "organisation": {"id": req.body["organisation"]}});
                w.boxes.push(b.clone());
                (201, json!({ "box": b }))
            }
            ("PUT", ["boxes", id]) => match w
                .boxes
                .iter_mut()
                .find(|b| b["id"].as_u64().is_some_and(|n| id.parse() == Ok(n)))
            {
                Some(b) => {
                    b["name"] = req.body["name"].clone();
                    b["kind"] = req.body["kind"].clone();
                    (204, Json::Null)
                }
                None => (404, json!({"code": 404, "message": "Box is not found"})),
            },
            ("GET", ["boxes", id]) => match w
                .boxes
                .iter()
                .find(|b| b["id"].as_u64().is_some_and(|n| id.parse() == Ok(n)))
            {
                Some(b) => (200, json!({ "box": b })),
                None => (404, json!({"code": 404, "message": "Box is not found"})),
            },
            _ => (404, json!({"code": 404, "message": "No route found"})),
        }
    }
}

fn obj(pairs: &[(&str, Value)]) -> Object {
    pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
}

fn s(v: &str) -> Value {
    Value::string(v)
}

async fn with_ctx<R>(api: &FakeApi, f: impl AsyncFnOnce(&Ctx<'_>) -> R) -> R {
    let parts = crate::framework::test_support::CtxParts::default();
    f(&parts.ctx(api)).await
}

#[tokio::test]
async fn an_object_only_its_list_describes_is_found_there_after_one_create() {
    let world = Arc::new(Mutex::new(World::default()));
    let fake = FakeApi::start(api(world.clone())).await;
    let r = Resource::new(bundle());
    let planned = obj(&[
        ("id", Value::Unknown),
        ("organisation_id", s("7")),
        ("name", s("shop")),
        ("kind", s("run")),
    ]);
    let state = with_ctx(&fake, async |ctx| r.create(ctx, &planned, &planned).await)
        .await
        .unwrap_or_else(|e| panic!("{:?}", e.diags));
    assert_eq!(state["id"], s("500"));
    assert_eq!(state["name"], s("shop"));
    let lines = fake.lines();
    assert_eq!(lines.iter().filter(|l| *l == "POST /bundles").count(), 1, "{lines:?}");
    assert!(!lines.iter().any(|l| l.starts_with("GET /bundles/")), "{lines:?}");

    // A refresh reads the list, never the item (which says nothing about the bundle).
    world.lock().unwrap().bundles[0]["name"] = json!("renamed");
    let read = with_ctx(&fake, async |ctx| r.read(ctx, &state).await).await.unwrap();
    assert_eq!(read.expect("still listed")["name"], s("renamed"));
    world.lock().unwrap().bundles.clear();
    let gone = with_ctx(&fake, async |ctx| r.read(ctx, &state).await).await.unwrap();
    assert!(gone.is_none(), "a bundle missing from the list is gone");
    assert!(!fake.lines().iter().any(|l| l.starts_with("GET /bundles/")));
}

/// A create whose connection dropped before the API made anything is repeated once the list
/// shows nothing; the repeat's answer (only `limits`) says nothing either, so the new bundle is
/// found in the list too, not reported as "no id" and left behind unmanaged.
#[tokio::test]
async fn an_object_only_its_list_describes_is_found_there_after_a_repeated_create() {
    let world = Arc::new(Mutex::new(World {
        lost_bundle_posts: 1,
        ..World::default()
    }));
    let fake = FakeApi::start(api(world.clone())).await;
    let r = Resource::new(bundle());
    let planned = obj(&[
        ("id", Value::Unknown),
        ("organisation_id", s("7")),
        ("name", s("shop")),
        ("kind", s("run")),
    ]);
    let state = with_ctx(&fake, async |ctx| r.create(ctx, &planned, &planned).await)
        .await
        .unwrap_or_else(|e| panic!("the repeated create's bundle was not found: {:?}", e.diags));
    assert_eq!(state["id"], s("500"));
    assert_eq!(world.lock().unwrap().bundles.len(), 1, "made once");
    let lines = fake.lines();
    assert_eq!(lines.iter().filter(|l| *l == "POST /bundles").count(), 2, "{lines:?}");
}

#[tokio::test]
async fn a_create_sends_what_another_list_holds_and_an_import_infers_the_unanswered_id() {
    let world = Arc::new(Mutex::new(World::default()));
    world.lock().unwrap().bundles = vec![
        json!({"id": 500, "name": "a", "kind": "run", "organisation": {"id": 7}}),
        json!({"id": 501, "name": "b", "kind": "walk", "organisation": {"id": 7}}),
    ];
    let fake = FakeApi::start(api(world.clone())).await;
    let r = Resource::new(boxed());
    let planned = obj(&[
        ("id", Value::Unknown),
        ("organisation_id", s("7")),
        ("name", s("shop")),
        ("bundle_id", s("501")),
        ("kind", Value::Unknown),
    ]);
    let state = with_ctx(&fake, async |ctx| r.create(ctx, &planned, &planned).await)
        .await
        .unwrap_or_else(|e| panic!("{:?}", e.diags));
    let posted = fake.seen().into_iter().find(|q| q.method == "POST").expect("a POST");
    assert_eq!(posted.body["kind"], "walk", "{}", posted.body);
    assert_eq!(posted.body["bundle"], 501, "{}", posted.body);
    assert_eq!(state["kind"], s("walk"));
    assert_eq!(state["bundle_id"], s("501"), "kept from the plan: the answer has none");

    // After an import only the id is known: the one walk bundle of organisation 7 is inferred.
    let imported = obj(&[("id", state["id"].clone())]);
    let read = with_ctx(&fake, async |ctx| r.read(ctx, &imported).await).await.unwrap();
    assert_eq!(read.expect("exists")["bundle_id"], s("501"));

    // With two candidates nothing is guessed.
    world
        .lock()
        .unwrap()
        .bundles
        .push(json!({"id": 502, "name": "c", "kind": "walk", "organisation": {"id": 7}}));
    let read = with_ctx(&fake, async |ctx| r.read(ctx, &imported).await).await.unwrap();
    let read = read.expect("exists");
    assert!(read.get("bundle_id").is_none_or(Value::is_null), "{read:?}");

    // A known value is never looked up: a refresh is one GET.
    let before = fake.lines().len();
    with_ctx(&fake, async |ctx| r.read(ctx, &state).await).await.unwrap();
    assert_eq!(fake.lines()[before..], ["GET /boxes/900".to_string()]);
}

/// An app whose plan's base package changed must send the new one with its next PUT (the API
/// refuses the old): a value filled from another list is looked up again on update when the
/// plan leaves it unknown, not resent from the state.
#[tokio::test]
async fn an_update_sends_what_another_list_holds_now() {
    let world = Arc::new(Mutex::new(World::default()));
    world.lock().unwrap().bundles = vec![json!({"id": 501, "name": "b", "kind": "walk", "organisation": {"id": 7}})];
    world.lock().unwrap().boxes =
        vec![json!({"id": 900, "name": "shop", "kind": "walk", "bundle": null, "organisation": {"id": 7}})];
    let fake = FakeApi::start(api(world.clone())).await;
    let r = Resource::new(boxed());
    let prior = obj(&[
        ("id", s("900")),
        ("organisation_id", s("7")),
        ("name", s("shop")),
        ("bundle_id", s("501")),
        ("kind", s("walk")),
    ]);
    world.lock().unwrap().bundles[0]["kind"] = json!("fly");
    let mut planned = prior.clone();
    planned.insert("name".into(), s("shop-2"));
    planned.insert("kind".into(), Value::Unknown);
    let state = with_ctx(&fake, async |ctx| r.update(ctx, &prior, &planned, &planned).await)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let put = fake.seen().into_iter().find(|q| q.method == "PUT").expect("a PUT");
    assert_eq!(put.body["kind"], "fly", "{}", put.body);
    assert_eq!(state["kind"], s("fly"));
}

#[test]
fn a_spread_map_is_sent_as_fields_and_read_back_for_its_own_keys_only() {
    use super::mapping::{request_body, state_from_api};
    use super::schema::Block;
    use super::value::Type;
    let block = Block {
        attributes: vec![
            Attribute::string("name").required().api("name").describe("Name."),
            Attribute::new("parameters", Type::Map(Box::new(Type::String)))
                .optional()
                .send_as("parameters")
                .read_from("appcomponentparameters")
                .spread()
                .describe("Parameters."),
            Attribute::string("password_wo")
                .optional()
                .write_only()
                .send_as("pass")
                .describe("Password."),
        ],
        ..Block::default()
    };
    let params = Value::Map([("memory".to_string(), s("256"))].into_iter().collect());
    let state = obj(&[
        ("name", s("cache")),
        ("parameters", params.clone()),
        ("password_wo", Value::Null),
    ]);
    let body = request_body(&block, &state, Some(&state), false);
    assert_eq!(
        Json::Object(body),
        json!({"name": "cache", "memory": "256"}),
        "no null password either"
    );
    let answer = json!({"name": "cache", "appcomponentparameters": {"memory": 512, "maxmemoryPolicy": "lru"}});
    let read = state_from_api(&block, &answer, &state);
    let want = Value::Map([("memory".to_string(), s("512"))].into_iter().collect());
    assert_eq!(read["parameters"], want, "drift on its own key, nothing of the others");
}
