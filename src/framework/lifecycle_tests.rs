//! The lifecycle's capabilities against a scripted API, request by request: asynchronous statuses,
//! team membership, desired states through actions, attributes read from a shared list, gone
//! statuses and plan-time checks. (The resource families prove them again end to end against the
//! sandbox with the real Terraform.)

use super::config_check::ConfigRule;
use super::ctx::Ctx;
use super::desired_state::{DesiredState, State};
use super::membership::{Membership, TeamsFrom};
use super::plan_checks::{PlanCheck, RangeCheck};
use super::resource::{Endpoint, Resource, ResourceSpec, UpdateVerb};
use super::schema::{Attribute, ListSource};
use super::shared_reads::SharedReads;
use super::test_support::{page, FakeApi, Seen};
use super::value::{Object, Type, Value};
use super::wait::StatusRule;
use serde_json::{json, Value as Json};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use tokio_util::sync::CancellationToken;

static INFO: ListSource = ListSource {
    path: "/organisations/{organisation_id}/gadgetinfo",
    plural: "infos",
    key: "gadgetId",
    by: "id",
    paged: true,
};

fn spec() -> ResourceSpec {
    ResourceSpec {
        type_name: "level27_gadget",
        description: "A test object with every capability.",
        attributes: vec![
            Attribute::id("id").computed().read_from("id"),
            Attribute::id("organisation_id")
                .required()
                .send_as("organisation")
                .read_from("organisation.id")
                .requires_replace(),
            Attribute::string("name").required().api("name"),
            Attribute::string("type").optional().api("type"),
            Attribute::string("version").optional().api("version"),
            Attribute::new("team_ids", Type::Set(Box::new(Type::String))).optional_computed(),
            Attribute::string("power_state").optional_computed(),
            Attribute::bool("handle_dns").computed().read_via(&INFO, "handleDns"),
            Attribute::number("cpu").optional().api("cpu"),
            Attribute::id("configuration_id").optional().send_as("configuration"),
        ],
        endpoint: Endpoint {
            collection: "/gadgets",
            item: "/gadgets/{id}",
            singular: "gadget",
            plural: "gadgets",
            update: UpdateVerb::Put,
        },
        status: Some(StatusRule::default()),
        rules: vec![ConfigRule::RequiredWhen {
            attribute: "version",
            when: "type",
            is: &["php"],
        }],
        membership: Some(Membership {
            attribute: "team_ids",
            entity: "systems",
            organisation: "organisation_id",
            create_field: None,
            read: TeamsFrom::Field("teams"),
        }),
        desired_states: vec![DesiredState {
            attribute: "power_state",
            observed: "runningStatus",
            states: &[
                State {
                    name: "running",
                    observed: &["running"],
                    actions: &["start"],
                },
                State {
                    name: "stopped",
                    observed: &["stopped"],
                    actions: &["shutdown", "stop"],
                },
            ],
            path: "/gadgets/{id}/actions",
            action_field: "type",
        }],
        plan_checks: vec![PlanCheck::Range(RangeCheck {
            by: "configuration_id",
            path: "/configurations",
            plural: "configurations",
            within: None,
            key: "id",
            bounds: &[("cpu", "minCpu", "maxCpu")],
            fits: None,
            catalogue: false,
        })],
        ..ResourceSpec::default()
    }
}

/// The fake platform: gadgets that are `to_create` when made, `creating` at the first look and
/// `ok` after; a `shutdown` the platform refuses and a `stop` it takes; team links.
#[derive(Default)]
struct Platform {
    gadgets: BTreeMap<u64, Json>,
    looks: BTreeMap<u64, u32>,
    next: u64,
    /// Actions whose connection drops after the platform carried them out.
    lost_actions: u32,
    /// Actions whose connection drops before the platform sees them.
    unsent_actions: u32,
    /// Team links whose connection drops after the platform made them.
    lost_links: u32,
    /// Team links whose connection drops before the platform sees them.
    unsent_links: u32,
}

fn platform() -> impl Fn(&Seen) -> (u16, Json) + Send + Sync + 'static {
    platform_losing_actions(0)
}

fn platform_losing_actions(lost_actions: u32) -> impl Fn(&Seen) -> (u16, Json) + Send + Sync + 'static {
    platform_dropping_actions(lost_actions, 0)
}

fn platform_dropping_actions(
    lost_actions: u32,
    unsent_actions: u32,
) -> impl Fn(&Seen) -> (u16, Json) + Send + Sync + 'static {
    platform_of(Platform {
        lost_actions,
        unsent_actions,
        ..Platform::default()
    })
}

fn platform_of(platform: Platform) -> impl Fn(&Seen) -> (u16, Json) + Send + Sync + 'static {
    let p: Arc<Mutex<Platform>> = Arc::new(Mutex::new(Platform { next: 100, ..platform }));
    move |req: &Seen| -> (u16, Json) {
        let (method, path, body) = (req.method.as_str(), req.path.as_str(), &req.body);
        let mut p = p.lock().unwrap();
        let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        match (method, segs.as_slice()) {
            ("POST", ["gadgets"]) => {
                let id = p.next;
                p.next += 1;
                let g = json!({"id": id, "name": body["name"], "type": body.get("type"), "organisation": {"id": body["organisation"]},
                               "status": "to_create", "runningStatus": "running", "teams": []});
                p.gadgets.insert(id, g.clone());
                (201, json!({ "gadget": g }))
            }
            ("GET", ["gadgets", id]) => {
                let id: u64 = id.parse().unwrap_or(0);
                let looks = {
                    let n = p.looks.entry(id).or_insert(0);
                    *n += 1;
                    *n
                };
                match p.gadgets.get_mut(&id) {
                    Some(g) => {
                        if g["status"] == "to_create" {
                            g["status"] = json!("creating");
                        } else if g["status"] == "creating" && looks >= 2 {
                            g["status"] = json!("ok");
                        }
                        if g["runningStatus"] == "stopping" {
                            g["runningStatus"] = json!("stopped");
                        }
                        (200, json!({ "gadget": g }))
                    }
                    None => (404, json!({"code": 404, "message": "Gadget not found"})),
                }
            }
            ("GET", ["gadgets"]) => (
                200,
                json!({"gadgets": p.gadgets.values().cloned().collect::<Vec<_>>() }),
            ),
            ("PUT", ["gadgets", id]) => {
                let id: u64 = id.parse().unwrap_or(0);
                if let Some(g) = p.gadgets.get_mut(&id) {
                    g["name"] = body["name"].clone();
                }
                (204, Json::Null)
            }
            ("DELETE", ["gadgets", id]) => {
                let id: u64 = id.parse().unwrap_or(0);
                match p.gadgets.get_mut(&id) {
                    Some(g) if g["status"] == "deleting" => {
                        p.gadgets.remove(&id);
                        (204, Json::Null)
                    }
                    Some(g) => {
                        g["status"] = json!("deleted");
                        (204, Json::Null)
                    }
                    None => (404, json!({"code": 404, "message": "Gadget not found"})),
                }
            }
            ("POST", ["gadgets", _, "actions"]) if p.unsent_actions > 0 => {
                p.unsent_actions -= 1;
                (super::test_support::DROP, Json::Null)
            }
            ("POST", ["gadgets", id, "actions"]) => {
                let id: u64 = id.parse().unwrap_or(0);
                match (body["type"].as_str(), p.gadgets.get_mut(&id)) {
                    (Some("shutdown"), _) => (400, json!({"code": 400, "message": "No guest agent"})),
                    (Some("stop"), Some(g)) => {
                        g["runningStatus"] = json!("stopping");
                        let answer = json!({ "gadget": g });
                        if p.lost_actions > 0 {
                            p.lost_actions -= 1;
                            return (super::test_support::DROP, Json::Null);
                        }
                        (200, answer)
                    }
                    (Some("start"), Some(g)) => {
                        g["runningStatus"] = json!("running");
                        (200, json!({ "gadget": g }))
                    }
                    _ => (404, json!({"code": 404, "message": "Gadget not found"})),
                }
            }
            ("POST", ["organisations", _, "teams", _, "systems"]) if p.unsent_links > 0 => {
                p.unsent_links -= 1;
                (super::test_support::DROP, Json::Null)
            }
            ("POST", ["organisations", _, "teams", team, "systems"]) => {
                let team: u64 = team.parse().unwrap_or(0);
                let id = body["objectId"].as_u64().unwrap_or(0);
                if let Some(g) = p.gadgets.get_mut(&id) {
                    g["teams"]
                        .as_array_mut()
                        .unwrap()
                        .push(json!({"id": team, "name": format!("t{team}")}));
                }
                if p.lost_links > 0 {
                    p.lost_links -= 1;
                    return (super::test_support::DROP, Json::Null);
                }
                (201, json!({"entity": {"id": 1, "objectId": id}}))
            }
            ("DELETE", ["organisations", _, "teams", team, "systems", id]) => {
                let team: u64 = team.parse().unwrap_or(0);
                let id: u64 = id.parse().unwrap_or(0);
                if let Some(g) = p.gadgets.get_mut(&id) {
                    g["teams"].as_array_mut().unwrap().retain(|t| t["id"] != json!(team));
                }
                (204, Json::Null)
            }
            ("GET", ["organisations", _, "gadgetinfo"]) => {
                let infos: Vec<Json> = p
                    .gadgets
                    .keys()
                    .map(|id| json!({"gadgetId": id, "handleDns": true}))
                    .collect();
                (200, page(req, "infos", &infos))
            }
            ("GET", ["configurations"]) => (
                200,
                page(
                    req,
                    "configurations",
                    &[
                        json!({"id": 3, "name": "Small", "minCpu": 1, "maxCpu": "2"}),
                        json!({"id": 4, "name": "Large", "minCpu": 4, "maxCpu": 16}),
                    ],
                ),
            ),
            _ => (
                404,
                json!({"code": 404, "message": format!("No route found for \"{method} {path}\"")}),
            ),
        }
    }
}

fn obj(pairs: &[(&str, Value)]) -> Object {
    pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
}

fn teams(ids: &[&str]) -> Value {
    Value::Set(ids.iter().map(|s| Value::string(*s)).collect())
}

fn planned(team_ids: Value, power: Value) -> Object {
    obj(&[
        ("id", Value::Unknown),
        ("organisation_id", Value::string("7")),
        ("name", Value::string("g1")),
        ("type", Value::Null),
        ("version", Value::Null),
        ("team_ids", team_ids),
        ("power_state", power),
        ("handle_dns", Value::Unknown),
        ("cpu", Value::Null),
        ("configuration_id", Value::Null),
    ])
}

struct Env {
    api: FakeApi,
    client: level27_client::Client,
    stop: CancellationToken,
    reads: SharedReads,
    provider: Object,
    resource: Resource,
}

impl Env {
    async fn new() -> Env {
        Env::on(platform()).await
    }

    async fn on(platform: impl Fn(&Seen) -> (u16, Json) + Send + Sync + 'static) -> Env {
        let api = FakeApi::start(platform).await;
        let client = api.client.clone();
        Env {
            api,
            client,
            stop: CancellationToken::new(),
            reads: SharedReads::default(),
            provider: Object::new(),
            resource: Resource::new(spec()),
        }
    }

    fn ctx(&self) -> Ctx<'_> {
        Ctx {
            client: &self.client,
            stop: &self.stop,
            write_only: true,
            provider_config: &self.provider,
            reads: &self.reads,
        }
    }

    fn count(&self, line: &str) -> usize {
        self.api.lines().iter().filter(|l| *l == line).count()
    }

    async fn create(&self, p: &Object) -> Object {
        match self.resource.create(&self.ctx(), p, p).await {
            Ok(s) => s,
            Err(e) => panic!("create failed: {:?}", e.diags),
        }
    }
}

#[tokio::test]
async fn create_waits_links_teams_reaches_the_desired_state_and_reads_every_source() {
    let env = Env::new().await;
    let state = env
        .create(&planned(teams(&["11", "12"]), Value::string("stopped")))
        .await;
    assert_eq!(state["id"], Value::string("100"));
    assert_eq!(state["team_ids"], teams(&["11", "12"]));
    assert_eq!(state["power_state"], Value::string("stopped"));
    assert_eq!(state["handle_dns"], Value::Bool(true), "read from the shared list");
    let lines = env.api.lines();
    // The refused shutdown falls back to stop; both teams are linked once.
    for expected in [
        "POST /gadgets",
        "POST /organisations/7/teams/11/systems",
        "POST /organisations/7/teams/12/systems",
        "POST /gadgets/100/actions",
    ] {
        assert!(lines.contains(&expected.to_string()), "{expected} in {lines:?}");
    }
    let actions: Vec<Json> = env
        .api
        .seen()
        .into_iter()
        .filter(|r| r.path == "/gadgets/100/actions")
        .map(|r| r.body)
        .collect();
    assert_eq!(actions, vec![json!({"type": "shutdown"}), json!({"type": "stop"})]);
    let link = env
        .api
        .seen()
        .into_iter()
        .find(|r| r.path == "/organisations/7/teams/11/systems")
        .unwrap();
    assert_eq!(link.body, json!({"objectId": 100}));
}

#[tokio::test]
async fn a_membership_change_sends_only_the_difference_and_nothing_when_not_managed() {
    let env = Env::new().await;
    let prior = env.create(&planned(teams(&["11", "12"]), Value::Null)).await;
    let before = env.api.seen().len();

    let mut next = prior.clone();
    next.insert("team_ids".into(), teams(&["12", "13"]));
    let state = env.resource.update(&env.ctx(), &prior, &next, &next).await.unwrap();
    assert_eq!(state["team_ids"], teams(&["12", "13"]));
    let sent: Vec<String> = env.api.lines()[before..]
        .iter()
        .filter(|l| !l.starts_with("GET"))
        .cloned()
        .collect();
    assert_eq!(
        sent,
        vec![
            "POST /organisations/7/teams/13/systems".to_string(),
            "DELETE /organisations/7/teams/11/systems/100".to_string()
        ],
        "no PUT of the unchanged object, no touching team 12"
    );

    // Left out of the configuration: the plan keeps the prior value, so nothing is sent.
    let before = env.api.seen().len();
    let same = state.clone();
    env.resource.update(&env.ctx(), &state, &same, &same).await.unwrap();
    assert_eq!(env.api.seen().len(), before);
}

#[tokio::test]
async fn a_desired_state_change_acts_and_drift_reads_back() {
    let env = Env::new().await;
    let prior = env.create(&planned(Value::Null, Value::Null)).await;
    assert_eq!(prior["power_state"], Value::string("running"));
    assert_eq!(env.count("POST /gadgets/100/actions"), 0, "running already: no action");

    let mut stopped = prior.clone();
    stopped.insert("power_state".into(), Value::string("stopped"));
    let state = env
        .resource
        .update(&env.ctx(), &prior, &stopped, &stopped)
        .await
        .unwrap();
    assert_eq!(state["power_state"], Value::string("stopped"));
    assert_eq!(env.count("PUT /gadgets/100"), 0, "an action, not an update of fields");

    // Someone starts it in the panel: a refresh shows it.
    let mut back = state.clone();
    back.insert("power_state".into(), Value::string("running"));
    env.resource.update(&env.ctx(), &state, &back, &back).await.unwrap();
    let read = env.resource.read(&env.ctx(), &state).await.unwrap().unwrap();
    assert_eq!(read["power_state"], Value::string("running"));
}

/// A stop whose answer is lost after the platform took it: the object, read once, shows the
/// action under way, so the apply waits for it as for an answered one instead of failing with
/// an unknown outcome (and the action is not sent twice).
#[tokio::test]
async fn a_lost_action_the_object_shows_under_way_is_waited_for() {
    let env = Env::on(platform_losing_actions(1)).await;
    let prior = env.create(&planned(Value::Null, Value::Null)).await;
    let mut stopped = prior.clone();
    stopped.insert("power_state".into(), Value::string("stopped"));
    let state = match env.resource.update(&env.ctx(), &prior, &stopped, &stopped).await {
        Ok(state) => state,
        Err(e) => panic!("the lost stop was not recognised as taken: {e:?}"),
    };
    assert_eq!(state["power_state"], Value::string("stopped"));
    let stops = env
        .api
        .seen()
        .into_iter()
        .filter(|q| q.path == "/gadgets/100/actions" && q.body["type"] == "stop")
        .count();
    assert_eq!(stops, 1, "the stop is not repeated");
}

/// An action lost before the platform saw it (here the `shutdown` it would refuse): the object
/// shows nothing changed, so the action is sent once more (it aims at a state, so a second one
/// cannot overshoot), refused, and the next action (`stop`) reaches the state.
#[tokio::test]
async fn a_lost_action_the_object_does_not_show_is_sent_again() {
    let env = Env::on(platform_dropping_actions(0, 1)).await;
    let prior = env.create(&planned(Value::Null, Value::Null)).await;
    let mut stopped = prior.clone();
    stopped.insert("power_state".into(), Value::string("stopped"));
    let state = match env.resource.update(&env.ctx(), &prior, &stopped, &stopped).await {
        Ok(state) => state,
        Err(e) => panic!("the lost shutdown was not sent again: {e:?}"),
    };
    assert_eq!(state["power_state"], Value::string("stopped"));
    let actions: Vec<String> = (env.api.seen().into_iter())
        .filter(|q| q.path == "/gadgets/100/actions")
        .map(|q| q.body["type"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(actions, ["shutdown", "shutdown", "stop"]);
}

fn team_links(env: &Env) -> Vec<String> {
    (env.api.seen().into_iter())
        .filter(|q| q.method == "POST" && q.path.contains("/teams/"))
        .map(|q| q.path)
        .collect()
}

/// A gadget with team 11 created on `platform`: the environment, to count requests, and the
/// create's outcome.
async fn create_with_team(platform: Platform) -> (Env, Result<Object, super::Diagnostics>) {
    let env = Env::on(platform_of(platform)).await;
    let p = planned(teams(&["11"]), Value::Null);
    let created = env.resource.create(&env.ctx(), &p, &p).await.map_err(|e| e.diags);
    (env, created)
}

/// A team link whose answer is lost after the platform made it: the object's teams, read once,
/// show it, so the create ends well and the link is not sent twice.
#[tokio::test]
async fn a_lost_team_link_the_object_shows_is_done() {
    let (env, created) = create_with_team(Platform {
        lost_links: 1,
        ..Platform::default()
    })
    .await;
    let state = created.unwrap_or_else(|e| panic!("the lost link was not recognised as made: {e:?}"));
    assert_eq!(state["team_ids"], teams(&["11"]));
    assert_eq!(team_links(&env), ["/organisations/7/teams/11/systems"]);
}

/// A team link lost before the platform saw it: the object's teams do not show it, so it is
/// sent once more; a second loss is an error that says a re-run is safe.
#[tokio::test]
async fn a_lost_team_link_the_object_does_not_show_is_sent_again() {
    let (env, created) = create_with_team(Platform {
        unsent_links: 1,
        ..Platform::default()
    })
    .await;
    let state = created.unwrap_or_else(|e| panic!("the unsent link was not sent again: {e:?}"));
    assert_eq!(state["team_ids"], teams(&["11"]));
    assert_eq!(team_links(&env).len(), 2);

    let (env, created) = create_with_team(Platform {
        unsent_links: 2,
        ..Platform::default()
    })
    .await;
    let err = match created {
        Ok(state) => panic!("two lost links passed: {state:?}"),
        Err(e) => e,
    };
    assert!(format!("{err:?}").contains("again is safe"), "{err:?}");
    assert_eq!(team_links(&env).len(), 2, "sent once more, not again and again");
}

#[tokio::test]
async fn a_refresh_of_many_objects_reads_a_shared_list_once() {
    let env = Env::new().await;
    let mut states = Vec::new();
    for _ in 0..3 {
        states.push(env.create(&planned(Value::Null, Value::Null)).await);
    }
    env.reads.invalidate();
    let before = env.count("GET /organisations/7/gadgetinfo");
    for s in &states {
        let r = env.resource.read(&env.ctx(), s).await.unwrap().unwrap();
        assert_eq!(r["handle_dns"], Value::Bool(true));
    }
    let one_list = env.count("GET /organisations/7/gadgetinfo") - before;
    // One paged listing (the client asks for a second page to be sure it has all) for 3 objects.
    assert!((1..=2).contains(&one_list), "{one_list}");
}

#[tokio::test]
async fn a_gone_status_reads_as_deleted_and_delete_waits_for_the_404() {
    let env = Env::new().await;
    let state = env.create(&planned(Value::Null, Value::Null)).await;
    env.resource.delete(&env.ctx(), &state).await.unwrap();
    assert!(env.count("DELETE /gadgets/100") >= 1);
    assert_eq!(env.resource.read(&env.ctx(), &state).await.unwrap(), None);

    // An object the API still answers for with status `deleted` is gone as well.
    let other = env.create(&planned(Value::Null, Value::Null)).await;
    env.client.delete("/gadgets/101").await.unwrap();
    assert_eq!(env.resource.read(&env.ctx(), &other).await.unwrap(), None);
}

#[tokio::test]
async fn plan_checks_look_each_list_up_once_per_run() {
    let env = Env::new().await;
    let mut p = planned(Value::Null, Value::Null);
    p.insert("configuration_id".into(), Value::string("3"));
    p.insert("cpu".into(), Value::int(4));
    let d = env.resource.check_plan(&env.ctx(), None, &p).await;
    assert!(d.has_errors());
    assert!(d.0[0].detail.contains("between 1 and 2"), "{}", d.0[0].detail);
    p.insert("configuration_id".into(), Value::string("4"));
    assert!(!env.resource.check_plan(&env.ctx(), None, &p).await.has_errors());
    p.insert("configuration_id".into(), Value::string("9"));
    let d = env.resource.check_plan(&env.ctx(), None, &p).await;
    assert!(d.0[0].detail.contains("names nothing"), "{}", d.0[0].detail);
    // Unknown until apply: not checked now.
    p.insert("configuration_id".into(), Value::Unknown);
    assert!(!env.resource.check_plan(&env.ctx(), None, &p).await.has_errors());
    let lists = env.count("GET /configurations");
    assert!((1..=2).contains(&lists), "three checks, one listing: {lists}");
}

#[test]
fn whole_configuration_rules_run_with_validate() {
    let r = Resource::new(spec());
    let config = obj(&[
        ("name", Value::string("g")),
        ("type", Value::string("php")),
        ("version", Value::Null),
    ]);
    let d = r.validate(&config);
    assert!(d.0.iter().any(|d| d.summary == "Missing version"), "{d:?}");
    assert_eq!(spec().check(), Ok(()));
}

/// A create whose answers are all lost: three dropped before the API acted, the fourth after it
/// made the object. The object is looked up after every lost answer, the last one included, and
/// adopted; nothing is created twice.
#[tokio::test]
async fn a_create_lost_again_and_again_is_looked_up_after_its_last_repeat_too() {
    let made: Arc<Mutex<Vec<Json>>> = Arc::default();
    let posts = Arc::new(Mutex::new(0));
    let (m, p) = (made.clone(), posts.clone());
    let api = FakeApi::start(move |req| {
        let mut made = m.lock().unwrap();
        match (req.method.as_str(), req.path.as_str()) {
            ("POST", "/widgets") => {
                let mut n = p.lock().unwrap();
                *n += 1;
                if *n == 4 {
                    made.push(json!({"id": 7, "name": req.body["name"]}));
                }
                (super::test_support::DROP, Json::Null)
            }
            ("GET", "/widgets") => (200, page(req, "widgets", &made)),
            _ => (404, json!({"code": 404, "message": "not found"})),
        }
    })
    .await;
    let widget = lost_answer_widget();
    let parts = super::test_support::CtxParts::default();
    let planned = super::test_support::obj(&[("id", Value::Unknown), ("name", Value::string("w"))]);
    let state = match widget.create(&parts.ctx(&api), &planned, &planned).await {
        Ok(s) => s,
        Err(e) => panic!("the object the last repeat made was not adopted: {:?}", e.diags),
    };
    assert_eq!(state["id"], Value::string("7"));
    assert_eq!(*posts.lock().unwrap(), 4, "the first create and three repeats");
    assert_eq!(made.lock().unwrap().len(), 1, "one object");
}

/// A plan that changes nothing a check reads (every refresh's plan) runs no check and needs no
/// API client; a create runs them, and so does a change of what a check reads.
#[test]
fn plan_checks_are_due_only_for_what_a_plan_changes() {
    use super::test_support::{obj, s};
    let team = Resource::new(crate::resources::team::spec());
    let state = obj(&[("id", s("5")), ("organisation_id", s("1000")), ("name", s("ops"))]);
    assert!(team.has_checks_due(None, &state), "a create");
    assert!(!team.has_checks_due(Some(&state), &state), "a plan without changes");
    let renamed = obj(&[("id", s("5")), ("organisation_id", s("1000")), ("name", s("dev"))]);
    assert!(!team.has_checks_due(Some(&state), &renamed), "a change no check reads");
    let moved = obj(&[("id", s("5")), ("organisation_id", s("1001")), ("name", s("ops"))]);
    assert!(team.has_checks_due(Some(&state), &moved), "another organisation");
    // A domain's extension is resolved at create only.
    let domain = Resource::new(crate::resources::domain::spec());
    let d = obj(&[("name", s("acme")), ("extension", s("be"))]);
    assert!(domain.has_checks_due(None, &d));
    assert!(!domain.has_checks_due(Some(&d), &d));
}

/// Records whose create answer is lost after the API made them: found in the domain's list and
/// adopted, never made twice. The list answers as the sandbox does (Seed: `filter` is a
/// case-insensitive substring of a record's `name` or `content`; the API writes contents its own
/// way: an MX host with a trailing dot, TXT in quotes, IPv6 in full), so a lookup by the record's
/// type, or one comparing the configured spelling with the API's, finds nothing.
#[tokio::test]
async fn a_lost_record_create_is_found_whatever_its_type_and_spelling() {
    use super::test_support::{obj, s, CtxParts, DROP};
    let cases = [
        ("A", Some("www"), "203.0.113.10", None, "203.0.113.10"),
        ("MX", None, "MX1.Example.net", Some(10), "mx1.example.net."),
        ("TXT", None, "v=spf1 -all", None, "\"v=spf1 -all\""),
        ("TXT", Some(""), "v=DMARC1", None, "\"v=DMARC1\""),
        (
            "AAAA",
            Some("v6"),
            "2001:DB8::10",
            None,
            "2001:0db8:0000:0000:0000:0000:0000:0010",
        ),
    ];
    for (kind, name, content, priority, written) in cases {
        let made: Arc<Mutex<Vec<Json>>> = Arc::default();
        let m = made.clone();
        let api = FakeApi::start(move |req| {
            let mut made = m.lock().unwrap();
            match (req.method.as_str(), req.path.as_str()) {
                ("POST", "/domains/8000/records") => {
                    let id = 900_000 + made.len();
                    let record = json!({"id": id, "type": req.body["type"], "name": req.body["name"],
                        "content": written, "priority": req.body["priority"]});
                    made.push(record);
                    (DROP, Json::Null)
                }
                ("GET", "/domains/8000/records") => {
                    let needle = req.param("filter").unwrap_or_default().to_lowercase();
                    let kept: Vec<Json> = made
                        .iter()
                        .filter(|r| {
                            ["name", "content"]
                                .iter()
                                .any(|k| r[*k].as_str().is_some_and(|v| v.to_lowercase().contains(&needle)))
                        })
                        .cloned()
                        .collect();
                    (200, page(req, "records", &kept))
                }
                _ => (404, json!({"code": 404, "message": "not found"})),
            }
        })
        .await;
        let record = Resource::new(crate::resources::domain_record::spec());
        let parts = CtxParts::default();
        let planned = obj(&[
            ("id", Value::Unknown),
            ("domain_id", s("8000")),
            ("type", s(kind)),
            ("name", name.map_or(Value::Null, s)),
            ("content", s(content)),
            ("priority", priority.map_or(Value::Null, Value::int)),
        ]);
        let state = match record.create(&parts.ctx(&api), &planned, &planned).await {
            Ok(state) => state,
            Err(e) => panic!("{kind}: the record the lost create made was not adopted: {:?}", e.diags),
        };
        assert_eq!(state["id"], s("900000"), "{kind}");
        assert_eq!(state["content"], s(content), "{kind}: the configured spelling is kept");
        assert_eq!(made.lock().unwrap().len(), 1, "{kind}: made once, not twice");
    }
}

/// A lost create of an asynchronous object found in its collection's list, already ready: the
/// list's items leave fields out (a system's list has no `customerFqdn`), so the object is read
/// once, not kept as the list shows it (Terraform refuses a state without a planned value:
/// "Provider produced inconsistent result after apply").
#[tokio::test]
async fn a_lost_create_found_in_a_list_that_leaves_fields_out_is_read_back() {
    use super::test_support::{obj, s, CtxParts, DROP};
    let made: Arc<Mutex<Vec<Json>>> = Arc::default();
    let m = made.clone();
    let api = FakeApi::start(move |req| {
        let mut made = m.lock().unwrap();
        match (req.method.as_str(), req.path.as_str()) {
            ("POST", "/machines") => {
                let id = 4200 + made.len();
                made.push(json!({"id": id, "name": req.body["name"], "fqdn": req.body["fqdn"], "status": "ok"}));
                (DROP, Json::Null)
            }
            ("GET", "/machines") => {
                let listed: Vec<Json> = made
                    .iter()
                    .map(|m| json!({"id": m["id"], "name": m["name"], "status": m["status"]}))
                    .collect();
                (200, page(req, "machines", &listed))
            }
            ("GET", "/machines/4200") if !made.is_empty() => (200, json!({"machine": made[0]})),
            _ => (404, json!({"code": 404, "message": "Machine is not found"})),
        }
    })
    .await;
    let machine = Resource::new(ResourceSpec {
        type_name: "level27_machine",
        description: "A test object whose list items leave fields out.",
        attributes: vec![
            Attribute::id("id").computed().read_from("id"),
            Attribute::string("name").required().api("name"),
            Attribute::string("fqdn").required().api("fqdn"),
        ],
        endpoint: Endpoint {
            collection: "/machines",
            item: "/machines/{id}",
            singular: "machine",
            plural: "machines",
            update: UpdateVerb::Put,
        },
        natural_key: &["name"],
        status: Some(StatusRule::default()),
        ..ResourceSpec::default()
    });
    let parts = CtxParts::default();
    let planned = obj(&[
        ("id", Value::Unknown),
        ("name", s("web1")),
        ("fqdn", s("web1.acme.example")),
    ]);
    let state = match machine.create(&parts.ctx(&api), &planned, &planned).await {
        Ok(state) => state,
        Err(e) => panic!("the machine the lost create made was not adopted: {:?}", e.diags),
    };
    assert_eq!(state["id"], s("4200"));
    assert_eq!(
        state["fqdn"],
        s("web1.acme.example"),
        "as planned, read from the object"
    );
    assert_eq!(made.lock().unwrap().len(), 1, "made once");
}

/// A lost create whose lookup fails once (the API busy: a 503 past the client's retries) is
/// looked up again after a pause: the object is adopted, not left behind for the next apply to
/// make a second time.
#[tokio::test]
async fn a_lost_create_whose_lookup_fails_once_is_looked_up_again() {
    use super::test_support::{obj, s, CtxParts, DROP};
    let made: Arc<Mutex<(Vec<Json>, u32)>> = Arc::default();
    let m = made.clone();
    let api = FakeApi::start(move |req| {
        let mut made = m.lock().unwrap();
        match (req.method.as_str(), req.path.as_str()) {
            ("POST", "/widgets") => {
                let id = 7 + made.0.len();
                made.0.push(json!({"id": id, "name": req.body["name"]}));
                (DROP, Json::Null)
            }
            ("GET", "/widgets") => {
                made.1 += 1;
                if made.1 == 1 {
                    return (503, json!({"code": 503, "message": "Service Unavailable"}));
                }
                (200, page(req, "widgets", &made.0))
            }
            _ => (404, json!({"code": 404, "message": "not found"})),
        }
    })
    .await;
    let widget = lost_answer_widget();
    let parts = CtxParts::default();
    let planned = obj(&[("id", Value::Unknown), ("name", s("w"))]);
    let state = match widget.create(&parts.ctx(&api), &planned, &planned).await {
        Ok(state) => state,
        Err(e) => panic!("the widget the lost create made was not adopted: {:?}", e.diags),
    };
    assert_eq!(state["id"], s("7"));
    assert_eq!(made.lock().unwrap().0.len(), 1, "made once");
}

/// A test object made by a POST whose answer may be lost, found again by its name.
fn lost_answer_widget() -> Resource {
    Resource::new(ResourceSpec {
        type_name: "level27_widget",
        description: "A test object made by a POST whose answer may be lost.",
        attributes: vec![
            Attribute::id("id").computed().read_from("id"),
            Attribute::string("name").required().api("name"),
        ],
        endpoint: Endpoint {
            collection: "/widgets",
            item: "/widgets/{id}",
            singular: "widget",
            plural: "widgets",
            update: UpdateVerb::Put,
        },
        natural_key: &["name"],
        ..ResourceSpec::default()
    })
}
