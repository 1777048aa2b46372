//! Team entities (seed §2.7 of `level27-api-A.md`, L4366–L4584 and siblings): which teams of an
//! organisation see an app, a custom package, a domain or a system.
//!
//! `POST /v1/organisations/{organisationId}/teams/{teamId}/{family}` with `{"objectId": id}`
//! links one object (201 `{"entity": {"id", "object", "objectId"}}`); `GET` on the same path lists
//! the team's links (`{"entities": […]}`); `GET` and `DELETE …/{family}/{objectId}` read and
//! remove one. The links are kept on the object (a hidden `_teams` field: link id and team id),
//! so they are persisted, cascade with the object, and render as the object's `teams` answer
//! field (`[{"id", "name"}]`) wherever its shape lists `teams`. A create form with `autoTeams`
//! (a CSV of team ids) links them as the object is made.
//!
//! Seed: the last path parameter of GET/DELETE is undocumented (the link's id or the object's);
//! the sandbox takes the object's id, as the provider does. Linking a team of another
//! organisation than the object's, or one that does not exist, is 404 "Team is not found";
//! linking twice answers the existing link (idempotent).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::core::Ctx;
use crate::entity::Entity;
use crate::error::{ApiError, BLANK, INVALID};
use crate::form::{json_object, Form};
use crate::store::{Record, State as Data};
use crate::Shared;

/// The hidden field holding an object's links.
pub(crate) const LINKS: &str = "_teams";

/// One team-entity family: its path segment, the entity kind it links, and the PHP class the
/// API names in `object`.
pub(crate) struct Family {
    pub(crate) path: &'static str,
    pub(crate) kind: &'static str,
    pub(crate) class: &'static str,
}

/// Seed L4366 (apps), L4481 (custompackages), L4596 (domains), L4826 (systems); mailgroups are
/// not served.
pub(crate) static FAMILIES: &[Family] = &[
    Family {
        path: "apps",
        kind: "app",
        class: "Level27\\AppBundle\\Entity\\App",
    },
    Family {
        path: "custompackages",
        kind: "custompackage",
        class: "Level27\\BaseBundle\\Entity\\CustomPackage",
    },
    Family {
        path: "domains",
        kind: "domain",
        class: "Level27\\DomainBundle\\Entity\\Domain",
    },
    Family {
        path: "systems",
        kind: "system",
        class: "Level27\\SystemBundle\\Entity\\System",
    },
];

/// The family of an entity kind, if objects of that kind can be linked to teams.
pub(crate) fn family_of(kind: &str) -> Option<&'static Family> {
    FAMILIES.iter().find(|f| f.kind == kind)
}

pub(crate) fn routes() -> Router<Shared> {
    Router::new()
        .route(
            "/v1/organisations/{organisationId}/teams/{teamId}/{family}",
            get(list).post(link),
        )
        .route(
            "/v1/organisations/{organisationId}/teams/{teamId}/{family}/{objectId}",
            get(show).delete(unlink),
        )
}

fn entity(app: &Shared, kind: &str) -> Option<&'static Entity> {
    app.entities.iter().copied().find(|e| e.kind == kind)
}

/// The family and its entity, or the router's 404 for a path it does not serve.
fn family(app: &Shared, path: &str) -> Result<(&'static Family, &'static Entity), ApiError> {
    FAMILIES
        .iter()
        .find(|f| f.path == path)
        .and_then(|f| Some((f, entity(app, f.kind)?)))
        .ok_or_else(|| ApiError::NotFound(format!("No route found for \"{path}\"")))
}

/// The team, which must belong to the organisation of the path.
fn team<'d>(app: &Shared, data: &'d Data, org: u64, team: u64) -> Result<&'d Record, ApiError> {
    let teams = entity(app, "team").ok_or_else(|| ApiError::not_found("Team"))?;
    data.get(teams, team)
        .filter(|t| t.get("organisation").and_then(Value::as_u64) == Some(org))
        .ok_or_else(|| ApiError::not_found("Team"))
}

fn links(record: &Record) -> Vec<(u64, u64)> {
    record
        .get(LINKS)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|l| Some((l.get("id")?.as_u64()?, l.get("team")?.as_u64()?)))
                .collect()
        })
        .unwrap_or_default()
}

fn entity_json(family: &Family, link: u64, object: u64) -> Value {
    json!({ "id": link, "object": family.class, "objectId": object })
}

/// Adds a link from `team` to the object; returns the link's id (the existing one if linked).
pub(crate) fn add(data: &mut Data, record: &mut Record, team: u64) -> u64 {
    let mut all = links(record);
    if let Some((id, _)) = all.iter().find(|(_, t)| *t == team) {
        return *id;
    }
    let id = {
        let next = data.next_ids.entry("teamEntity".to_string()).or_insert(90_000);
        let id = *next;
        *next += 1;
        id
    };
    all.push((id, team));
    record.insert(
        LINKS.to_string(),
        Value::Array(all.iter().map(|(id, t)| json!({"id": id, "team": t})).collect()),
    );
    id
}

/// The object's teams as the API answers them: `[{"id", "name"}]`.
pub(crate) fn render_teams(ctx: &Ctx, data: &Data, record: &Record) -> Value {
    let teams = ctx.entities.iter().copied().find(|e| e.kind == "team");
    Value::Array(
        links(record)
            .into_iter()
            .filter_map(|(_, t)| {
                let r = data.get(teams?, t)?;
                Some(json!({"id": t, "name": r.get("name").cloned().unwrap_or(Value::Null)}))
            })
            .collect(),
    )
}

/// Checks a create form's `autoTeams` (a CSV of team ids of the organisation `org`).
pub(crate) fn check_auto_teams(
    form: &mut Form,
    record: &Record,
    data: &Data,
    entities: &[&'static Entity],
    org: Option<u64>,
) {
    let Some(teams) = entities.iter().copied().find(|e| e.kind == "team") else {
        return;
    };
    for id in auto_teams(record) {
        let known = data
            .get(teams, id)
            .is_some_and(|t| org.is_none() || t.get("organisation").and_then(Value::as_u64) == org);
        if !known {
            form.error("autoTeams", INVALID);
            return;
        }
    }
}

/// The team ids of a stored `autoTeams` CSV.
pub(crate) fn auto_teams(record: &Record) -> Vec<u64> {
    record
        .get("autoTeams")
        .and_then(Value::as_str)
        .map(|s| s.split(',').filter_map(|p| p.trim().parse().ok()).collect())
        .unwrap_or_default()
}

/// Forgets every link to a deleted team.
pub(crate) fn forget_team(data: &mut Data, entities: &[&'static Entity], team: u64) {
    for e in entities.iter().copied().filter(|e| family_of(e.kind).is_some()) {
        for record in data.collection(e).values_mut() {
            let kept: Vec<Value> = links(record)
                .into_iter()
                .filter(|(_, t)| *t != team)
                .map(|(id, t)| json!({"id": id, "team": t}))
                .collect();
            if record.contains_key(LINKS) {
                record.insert(LINKS.to_string(), Value::Array(kept));
            }
        }
    }
}

fn organisation_of(record: &Record) -> Option<u64> {
    match record.get("organisation") {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::Object(o)) => o.get("id").and_then(Value::as_u64),
        _ => None,
    }
}

async fn link(
    State(app): State<Shared>,
    Path((org, team_id, path)): Path<(u64, u64, String)>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let (family, e) = family(&app, &path)?;
    let body = json_object(&body)?;
    let made = app.store.write(|data| {
        team(&app, data, org, team_id)?;
        let mut form = Form::new("entity", &["objectId"], &body);
        let object = form.raw("objectId").and_then(|v| match v {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => s.parse().ok(),
            _ => None,
        });
        match object {
            None if form.raw("objectId").is_none_or(Value::is_null) => form.error("objectId", BLANK),
            None => form.error("objectId", INVALID),
            Some(id) => {
                let same_org = data
                    .get(e, id)
                    .is_some_and(|r| organisation_of(r).is_none_or(|o| o == org));
                if !same_org {
                    form.error("objectId", INVALID);
                }
            }
        }
        form.finish()?;
        let id = object.unwrap_or_default();
        let mut record = data.get(e, id).cloned().ok_or_else(|| e.not_found())?;
        let link = add(data, &mut record, team_id);
        data.collection(e).insert(id, record);
        Ok(entity_json(family, link, id))
    })?;
    Ok((StatusCode::CREATED, Json(json!({ "entity": made }))))
}

async fn list(
    State(app): State<Shared>,
    Path((org, team_id, path)): Path<(u64, u64, String)>,
) -> Result<Json<Value>, ApiError> {
    let (family, e) = family(&app, &path)?;
    let items = app.store.read(|data| {
        team(&app, data, org, team_id)?;
        Ok(data
            .all(e)
            .flat_map(|(id, r)| {
                links(r)
                    .into_iter()
                    .filter(|(_, t)| *t == team_id)
                    .map(|(link, _)| entity_json(family, link, *id))
                    .collect::<Vec<_>>()
            })
            .collect::<Vec<_>>())
    })?;
    Ok(Json(json!({ "entities": items })))
}

async fn show(
    State(app): State<Shared>,
    Path((org, team_id, path, object)): Path<(u64, u64, String, u64)>,
) -> Result<Json<Value>, ApiError> {
    let (family, e) = family(&app, &path)?;
    let found = app.store.read(|data| {
        team(&app, data, org, team_id)?;
        let record = data.get(e, object).ok_or_else(|| e.not_found())?;
        links(record)
            .into_iter()
            .find(|(_, t)| *t == team_id)
            .map(|(link, _)| entity_json(family, link, object))
            .ok_or_else(|| ApiError::not_found("Entity"))
    })?;
    Ok(Json(json!({ "entity": found })))
}

async fn unlink(
    State(app): State<Shared>,
    Path((org, team_id, path, object)): Path<(u64, u64, String, u64)>,
) -> Result<StatusCode, ApiError> {
    let (_, e) = family(&app, &path)?;
    app.store.write(|data| {
        team(&app, data, org, team_id)?;
        let mut record = data.get(e, object).cloned().ok_or_else(|| e.not_found())?;
        let all = links(&record);
        if !all.iter().any(|(_, t)| *t == team_id) {
            return Err(ApiError::not_found("Entity"));
        }
        let kept: Vec<Value> = all
            .into_iter()
            .filter(|(_, t)| *t != team_id)
            .map(|(id, t)| json!({"id": id, "team": t}))
            .collect();
        record.insert(LINKS.to_string(), Value::Array(kept));
        data.collection(e).insert(object, record);
        Ok(())
    })?;
    Ok(StatusCode::NO_CONTENT)
}
