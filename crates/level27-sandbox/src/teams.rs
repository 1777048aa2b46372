//! `/v1/organisations/{organisationId}/teams[/{teamId}]` (seed L3610–L3926).
//!
//! Teams are synchronous. There is no PATCH (the router answers 405). Users and entities of a
//! team have their own endpoints in the seed, not implemented yet: they render as empty lists.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::error::{ApiError, BLANK, INVALID};
use crate::form::{json_object, Form};
use crate::list::ListQuery;
use crate::organisations;
use crate::store::{IdKind, State as Data};
use crate::Shared;

const ENTITY: &str = "team";
const FIELDS: &[&str] = &["name", "organisation", "adminOnly"];
const SORTABLE: &[&str] = &["id", "name", "adminOnly"];

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct Team {
    pub(crate) id: u64,
    /// The owning organisation's id (from the path).
    pub(crate) organisation: u64,
    pub(crate) name: String,
    pub(crate) admin_only: bool,
}

pub(crate) fn routes() -> Router<Shared> {
    Router::new()
        .route("/v1/organisations/{organisationId}/teams", get(list).post(create))
        .route(
            "/v1/organisations/{organisationId}/teams/{teamId}",
            get(show).put(replace).delete(remove),
        )
}

/// Resolves the path to an existing team of an existing organisation. A team that exists but
/// belongs to another organisation is "not found" too.
fn existing(data: &Data, org_id: &str, team_id: &str) -> Result<(u64, u64), ApiError> {
    let org = organisations::existing(data, org_id)?;
    team_id
        .parse::<u64>()
        .ok()
        .filter(|id| data.teams.get(id).is_some_and(|t| t.organisation == org))
        .map(|id| (org, id))
        .ok_or_else(|| ApiError::not_found("Team"))
}

async fn list(
    State(app): State<Shared>,
    Path(org_id): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    // Seed: `showAdminOnlyTeams` ("admin only", malformed enum) and `tag` are accepted and
    // ignored: the sandbox's key acts as an admin and sees every team.
    let query = ListQuery::parse(&params, SORTABLE)?;
    let items = app.store.read(|data| {
        let org = organisations::existing(data, &org_id)?;
        Ok(data
            .teams
            .values()
            .filter(|team| team.organisation == org)
            .map(|team| render(team, false))
            .collect())
    })?;
    Ok(Json(json!({ "teams": query.apply(items) })))
}

async fn show(
    State(app): State<Shared>,
    Path((org_id, team_id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let team = app.store.read(|data| {
        let (_, id) = existing(data, &org_id, &team_id)?;
        let team = data.teams.get(&id).ok_or_else(|| ApiError::not_found("Team"))?;
        Ok(render(team, true))
    })?;
    Ok(Json(json!({ ENTITY: team })))
}

async fn create(
    State(app): State<Shared>,
    Path(org_id): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let body = json_object(&body)?;
    let team = app.store.write(|data| {
        let org = organisations::existing(data, &org_id)?;
        let mut team = read_form(&body, org)?;
        team.id = data.next_id(IdKind::Team);
        let rendered = render(&team, true);
        data.teams.insert(team.id, team);
        Ok(rendered)
    })?;
    Ok((StatusCode::CREATED, Json(json!({ ENTITY: team }))))
}

/// PUT: same body as create; an omitted `adminOnly` goes back to false.
async fn replace(
    State(app): State<Shared>,
    Path((org_id, team_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let body = json_object(&body)?;
    app.store.write(|data| {
        let (org, id) = existing(data, &org_id, &team_id)?;
        let team = Team {
            id,
            ..read_form(&body, org)?
        };
        data.teams.insert(id, team);
        Ok(())
    })?;
    Ok(StatusCode::NO_CONTENT)
}

/// DELETE. Seed: no response is documented; 204 like every other delete.
async fn remove(
    State(app): State<Shared>,
    Path((org_id, team_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    app.store.write(|data| {
        let (_, id) = existing(data, &org_id, &team_id)?;
        data.teams.remove(&id);
        Ok(())
    })?;
    Ok(StatusCode::NO_CONTENT)
}

/// Reads a create/replace body into a team of organisation `org` (id not assigned).
fn read_form(body: &serde_json::Map<String, Value>, org: u64) -> Result<Team, ApiError> {
    let mut form = Form::new(ENTITY, FIELDS, body);
    let name = form.required_text("name");
    // Seed L3620 / L3800: `organisation: required(integer)` on create and PUT, although both
    // examples omit it; the table wins, so a body without it is a 400 like a missing name.
    // Seed: what a body naming another organisation than the path does is not documented. The
    // path decides where the team lives and a team never moves (the PUT is on the path's team),
    // so any other id, existing or not, is "not valid" rather than silently ignored or obeyed.
    match form.integer("organisation") {
        Ok(None) => form.error("organisation", BLANK),
        Ok(Some(id)) if u64::try_from(id).ok() != Some(org) => form.error("organisation", INVALID),
        Ok(Some(_)) | Err(()) => {}
    }
    let admin_only = form.boolean("adminOnly").ok().flatten().unwrap_or(false);
    form.finish()?;
    Ok(Team {
        id: 0,
        organisation: org,
        name: name.unwrap_or_default(),
        admin_only,
    })
}

/// Seed L3632: single teams carry `teamEntities`; list items (L3750) do not.
fn render(team: &Team, with_entities: bool) -> Value {
    let mut out = json!({
        "id": team.id,
        "name": team.name,
        "adminOnly": team.admin_only,
        "users": [],
        "entities": [],
    });
    if with_entities {
        out["teamEntities"] = json!({ "apps": [], "domains": [], "mailgroups": [], "systems": [] });
    }
    out
}
