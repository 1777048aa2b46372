//! Team membership: which teams of its organisation see an object (app, plan, domain, system),
//! as a `team_ids` set on the object.
//!
//! Declared per resource ([`Membership`]); the attribute is optional and computed, so leaving it
//! out of the configuration means "not managed" and never shows a diff. When set, it is sent on
//! create through the API's `autoTeams` CSV field where the create form takes one, and otherwise
//! reconciled through the team-entity endpoints (seed §2.7 of `level27-api-A.md`:
//! `POST /organisations/{organisationId}/teams/{teamId}/{entity}` with `{"objectId": id}`, and
//! `DELETE …/{entity}/{objectId}`), adding and removing only the difference.
//!
//! Seed: the DELETE's last path parameter is undocumented (the link's own id or the object's);
//! we use the object's id, which the caller knows without listing the links, and the sandbox
//! follows the same choice.

use super::ctx::{cancellable, Ctx};
use super::diag::{AttrPath, Diagnostic, Diagnostics};
use super::errors::translate;
use super::links::apply_difference;
use super::mapping::lookup;
use super::paths::{render_path, unwrap_envelope};
use super::value::{Object, Value};
use serde_json::{json, Value as Json};
use std::collections::BTreeSet;

/// Where an object's teams are read from.
#[derive(Clone, Copy, Debug)]
pub enum TeamsFrom {
    /// A field of the object: an array of team objects or ids (`teams`).
    Field(&'static str),
    /// Another endpoint of the object (`/apps/{id}/organisations`, envelope `organisations`),
    /// whose items each hold a `teams` array: the app's teams are the union.
    Endpoint {
        path: &'static str,
        plural: &'static str,
        teams: &'static str,
    },
}

#[derive(Clone, Debug)]
pub struct Membership {
    /// The set-of-ids attribute (`team_ids`).
    pub attribute: &'static str,
    /// The team-entity family: `apps`, `custompackages`, `domains`, `systems`.
    pub entity: &'static str,
    /// The attribute holding the organisation whose teams these are.
    pub organisation: &'static str,
    /// The create form's CSV field of team ids (`autoTeams`), if it has one.
    pub create_field: Option<&'static str>,
    pub read: TeamsFrom,
}

/// The ids in a set-of-ids value (unknown and null: none known).
pub fn ids(v: &Value) -> BTreeSet<String> {
    v.elements()
        .iter()
        .filter_map(|e| e.as_str().map(str::to_string))
        .collect()
}

/// What a change from `before` to `after` adds and removes.
pub fn difference(before: &Value, after: &Value) -> (Vec<String>, Vec<String>) {
    let (b, a) = (ids(before), ids(after));
    (a.difference(&b).cloned().collect(), b.difference(&a).cloned().collect())
}

/// Team ids from the API's spellings: numbers, numeric strings, `{"id": …}` objects.
fn team_ids_in(v: &Json, out: &mut BTreeSet<String>) {
    if let Json::Array(items) = v {
        for item in items {
            match item {
                Json::Number(n) => {
                    out.insert(n.to_string());
                }
                Json::String(s) if !s.is_empty() => {
                    out.insert(s.clone());
                }
                Json::Object(_) => team_ids_in(&Json::Array(vec![lookup(item, "id").clone()]), out),
                _ => {}
            }
        }
    }
}

impl Membership {
    /// The create body's field for the planned teams, when the create form takes one.
    pub fn create_body(&self, planned: &Object) -> Option<(&'static str, Json)> {
        let field = self.create_field?;
        let v = planned.get(self.attribute)?;
        if v.is_null() || v.contains_unknown() {
            return None;
        }
        Some((field, Json::String(ids(v).into_iter().collect::<Vec<_>>().join(","))))
    }

    /// Reads the object's teams; `obj` is its API answer.
    pub async fn read(&self, ctx: &Ctx<'_>, obj: &Json, state: &Object) -> Result<Value, Diagnostics> {
        let mut found = BTreeSet::new();
        match self.read {
            TeamsFrom::Field(f) => team_ids_in(lookup(obj, f), &mut found),
            TeamsFrom::Endpoint { path, plural, teams } => {
                let path = render(path, state)?;
                let items = cancellable(ctx, ctx.reads.list(ctx.client, &path, plural))
                    .await?
                    .map_err(|e| translate(&e, &format!("read the teams at {path}"), None))?;
                for item in items.iter() {
                    team_ids_in(lookup(item, teams), &mut found);
                }
            }
        }
        Ok(Value::Set(found.into_iter().map(Value::String).collect()))
    }

    /// Links and unlinks teams so that the object's teams go from `before` to `after`. Only the
    /// difference is sent; nothing is sent when `after` is null (not managed) or unknown.
    ///
    /// `item` is the object's own path and envelope key (`/apps/13002`, `app`): after a link
    /// whose answer was lost, the object's teams are read there to decide whether to send it
    /// again.
    pub async fn reconcile(
        &self,
        ctx: &Ctx<'_>,
        state: &Object,
        (object, item): (&str, (&str, &str)),
        before: &Value,
        after: &Value,
    ) -> Result<bool, Diagnostics> {
        if after.is_null() || after.contains_unknown() || difference(before, after) == (vec![], vec![]) {
            return Ok(false);
        }
        let org = state
            .get(self.organisation)
            .and_then(Value::as_str)
            .ok_or_else(|| missing(self.organisation))?;
        let id = state.get("id").and_then(Value::as_str).ok_or_else(|| missing("id"))?;
        let object_id: i64 = id.parse().map_err(|_| missing("id"))?;
        let changed = apply_difference(
            before,
            after,
            |team| async move {
                let path = format!("/organisations/{org}/teams/{team}/{}", self.entity);
                let body = json!({ "objectId": object_id });
                // A lost answer is looked up in the object's teams: there, the link was made;
                // read without it, the request never arrived and is sent once more.
                // Seed: silent on linking a team twice (level27-api-A.md §2.7); the sandbox
                // answers the existing link, and the lookup first means a repeat is only sent
                // for a link the API shows missing.
                let mut repeats = 1;
                loop {
                    let e = match cancellable(ctx, ctx.client.post(&path, &body)).await? {
                        Ok(_) => return Ok(()),
                        Err(e) => e,
                    };
                    if e.is_outcome_unknown() {
                        match self.has_team(ctx, state, item, &team).await {
                            Some(true) => return Ok(()),
                            Some(false) if repeats > 0 => {
                                repeats -= 1;
                                continue;
                            }
                            _ => {}
                        }
                    }
                    let mut d = self.failed(&e, "add", "to", &team, org, object);
                    if e.is_outcome_unknown() {
                        // The team's link may exist now; the next refresh reads the teams.
                        for x in d.0.iter_mut() {
                            x.detail.push_str(
                                " Running `terraform apply` again is safe: it reads team_ids first and adds only what is missing.",
                            );
                        }
                    }
                    return Err(d);
                }
            },
            |team| async move {
                let path = format!("/organisations/{org}/teams/{team}/{}/{id}", self.entity);
                match cancellable(ctx, ctx.client.delete(&path)).await? {
                    Ok(()) => Ok(()),
                    // Already unlinked: the goal is reached.
                    Err(e) if e.is_not_found() => Ok(()),
                    Err(e) => Err(self.failed(&e, "remove", "from", &team, org, object)),
                }
            },
        )
        .await?;
        ctx.reads.invalidate();
        Ok(changed)
    }

    /// Whether the object's teams, read afresh, hold `team`; `None` when they cannot be read.
    async fn has_team(
        &self,
        ctx: &Ctx<'_>,
        state: &Object,
        (path, singular): (&str, &str),
        team: &str,
    ) -> Option<bool> {
        // The shared reads may hold the teams from before the link.
        ctx.reads.invalidate();
        let answer = match self.read {
            TeamsFrom::Field(_) => cancellable(ctx, ctx.client.get(path)).await.ok()?.ok()?,
            TeamsFrom::Endpoint { .. } => Json::Null,
        };
        let teams = self.read(ctx, unwrap_envelope(&answer, singular), state).await.ok()?;
        Some(ids(&teams).contains(team))
    }

    fn failed(
        &self,
        e: &level27_client::Error,
        verb: &str,
        to: &str,
        team: &str,
        org: &str,
        object: &str,
    ) -> Diagnostics {
        let action = format!("{verb} team {team} {to} {} of {object}", self.attribute);
        let mut d = if e.is_not_found() {
            // The team-entity path names the organisation's team: a 404 is a team id that is
            // none of the organisation's (a typo, or another organisation's team).
            Diagnostic::error(
                format!("Invalid {}", self.attribute),
                format!("Failed to {action}: team {team} is not a team of organisation {org} ({e})."),
            )
            .into()
        } else {
            translate(e, &action, None)
        };
        for x in d.0.iter_mut() {
            // The API's field (`network`) is the attribute's element: name the attribute.
            if x.summary.starts_with("Invalid value for ") {
                x.summary = format!("Invalid value for {}", self.attribute);
            }
            x.path = Some(AttrPath::attr(self.attribute));
        }
        d
    }
}

fn missing(name: &str) -> Diagnostics {
    Diagnostic::error(
        format!("Missing {name}"),
        format!("Team membership needs {name} to address the object."),
    )
    .into()
}

fn render(path: &str, state: &Object) -> Result<String, Diagnostics> {
    render_path(path, state).map_err(|name| missing(&name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(ids: &[&str]) -> Value {
        Value::Set(ids.iter().map(|s| Value::string(*s)).collect())
    }

    fn app() -> Membership {
        Membership {
            attribute: "team_ids",
            entity: "apps",
            organisation: "organisation_id",
            create_field: Some("autoTeams"),
            read: TeamsFrom::Field("teams"),
        }
    }

    #[test]
    fn only_the_difference_is_added_and_removed() {
        assert_eq!(
            difference(&set(&["1", "2", "3"]), &set(&["2", "3", "4"])),
            (vec!["4".to_string()], vec!["1".to_string()])
        );
        assert_eq!(difference(&set(&["1"]), &set(&["1"])), (vec![], vec![]));
        // From nothing known (a create, an import): everything planned is added.
        assert_eq!(difference(&Value::Null, &set(&["7"])), (vec!["7".to_string()], vec![]));
    }

    #[test]
    fn teams_read_from_every_spelling_the_api_uses() {
        let mut found = BTreeSet::new();
        team_ids_in(
            &serde_json::json!([{"id": 5, "name": "ops"}, 6, "7", {"id": "8"}, null, ""]),
            &mut found,
        );
        assert_eq!(found.into_iter().collect::<Vec<_>>(), vec!["5", "6", "7", "8"]);
    }

    #[test]
    fn the_create_form_gets_a_csv_of_the_planned_teams_only_when_known() {
        let m = app();
        let planned: Object = [("team_ids".to_string(), set(&["12", "3"]))].into_iter().collect();
        assert_eq!(
            m.create_body(&planned),
            Some(("autoTeams", Json::String("12,3".into())))
        );
        let unknown: Object = [("team_ids".to_string(), Value::Unknown)].into_iter().collect();
        assert_eq!(m.create_body(&unknown), None);
        assert_eq!(m.create_body(&Object::new()), None);
        let no_field = Membership {
            create_field: None,
            ..app()
        };
        assert_eq!(no_field.create_body(&planned), None);
    }

    /// A team that is not one of the organisation's (the API answers 404) is said on `team_ids`
    /// naming the team, the organisation and the object, not as "Failed to add team 9 of".
    #[tokio::test]
    async fn a_team_of_no_such_organisation_is_said_on_team_ids() {
        use crate::framework::test_support::FakeApi;
        let api = FakeApi::start(|_| (404, json!({"code": 404, "message": "Team is not found"}))).await;
        let parts = crate::framework::test_support::CtxParts::default();
        let ctx = parts.ctx(&api);
        let state: Object = [("id", "13002"), ("organisation_id", "1000")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), Value::string(v)))
            .collect();
        let err = app()
            .reconcile(
                &ctx,
                &state,
                ("level27_app 13002", ("/apps/13002", "app")),
                &Value::Null,
                &set(&["99999"]),
            )
            .await
            .unwrap_err();
        let d = &err.0[0];
        assert_eq!(d.path, Some(AttrPath::attr("team_ids")));
        assert!(!d.summary.ends_with(" of"), "{d:?}");
        assert!(
            d.detail.contains("team 99999") && d.detail.contains("organisation 1000") && d.detail.contains("13002"),
            "{d:?}"
        );
    }
}
