//! Desired-state attributes reached through actions: a vm's `power_state = "stopped"` is not a
//! field the API takes, it is `POST /systems/{id}/actions {"type": "shutdown"}` followed by a
//! wait until `runningStatus` says so.
//!
//! Declared per resource ([`DesiredState`]): the attribute is read back from the observed field
//! (mapped to the desired-state names), applied after create and whenever the plan changes it,
//! and drift (someone stopped the vm in the panel) shows as an in-place change.

use super::ctx::{cancellable, Ctx};
use super::diag::{AttrPath, Diagnostic, Diagnostics};
use super::errors::translate;
use super::mapping::lookup;
use super::paths::{render_path, unwrap_envelope};
use super::resource::Resource;
use super::value::{Object, Value};
use super::wait::{wait_for, Goal, StatusRule, WaitError};
use serde_json::{json, Value as Json};
use std::time::Duration;

/// One value of a desired-state attribute.
#[derive(Clone, Debug)]
pub struct State {
    /// The value users write (`running`).
    pub name: &'static str,
    /// The observed values that mean it (`running`).
    pub observed: &'static [&'static str],
    /// Actions that reach it, tried in order when the API refuses one (`shutdown`, then `stop`).
    pub actions: &'static [&'static str],
}

#[derive(Clone, Debug)]
pub struct DesiredState {
    pub attribute: &'static str,
    /// The object's field that shows the current state (`runningStatus`).
    pub observed: &'static str,
    pub states: &'static [State],
    /// The action endpoint (`/systems/{id}/actions`) and the body field naming the action.
    pub path: &'static str,
    pub action_field: &'static str,
}

impl DesiredState {
    /// The attribute's value for an API object: the desired-state name its observed value means,
    /// or the observed value itself while it is in between (`starting`), which shows as drift.
    pub fn read(&self, obj: &Json) -> Value {
        let observed = match lookup(obj, self.observed) {
            Json::String(s) => s.clone(),
            Json::Null => return Value::Null,
            other => other.to_string(),
        };
        match self.states.iter().find(|s| s.observed.contains(&observed.as_str())) {
            Some(s) => Value::string(s.name),
            None => Value::String(observed),
        }
    }

    fn state(&self, name: &str) -> Option<&State> {
        self.states.iter().find(|s| s.name == name)
    }

    /// Allowed values, for the attribute's validator and docs.
    pub fn names(&self) -> Vec<&'static str> {
        self.states.iter().map(|s| s.name).collect()
    }
}

impl Resource {
    /// Brings every desired-state attribute of `planned` about, from the object as `obj` shows
    /// it. Returns whether an action was taken (the object must then be read again).
    pub(crate) async fn reach_desired_states(
        &self,
        ctx: &Ctx<'_>,
        planned: &Object,
        obj: &Json,
        timeout: Duration,
    ) -> Result<bool, Diagnostics> {
        let mut acted = false;
        for d in &self.spec.desired_states {
            let Some(want) = planned.get(d.attribute).and_then(Value::as_str) else {
                continue;
            };
            let before = d.read(obj);
            if before.as_str() == Some(want) {
                continue;
            }
            let Some(state) = d.state(want) else { continue };
            let path = render_path(d.path, planned).map_err(|n| {
                Diagnostics::from(Diagnostic::error(
                    format!("Missing {n}"),
                    format!("{} needs {n} to act on the object.", self.spec.type_name),
                ))
            })?;
            self.act(ctx, d, state, &path, planned, &before).await?;
            self.wait_observed(ctx, d, state, planned, timeout).await?;
            acted = true;
        }
        Ok(acted)
    }

    /// Posts the first action of `state` the API accepts. `before` is what the object showed.
    async fn act(
        &self,
        ctx: &Ctx<'_>,
        d: &DesiredState,
        state: &State,
        path: &str,
        planned: &Object,
        before: &Value,
    ) -> Result<(), Diagnostics> {
        let mut last = None;
        for action in state.actions {
            let body = json!({ d.action_field: action });
            let mut repeats = 1;
            loop {
                match cancellable(ctx, ctx.client.post(path, &body)).await? {
                    Ok(_) => {
                        ctx.reads.invalidate();
                        return Ok(());
                    }
                    // The answer was lost: the object says whether the action was taken.
                    // Another observed value than before means it is under way (or done), to be
                    // waited for. The same one means it never arrived or was refused: it is
                    // sent once more, which cannot overshoot since it aims at a state.
                    Err(e) if e.is_outcome_unknown() => {
                        ctx.reads.invalidate();
                        let now = self.observe(ctx, d, planned).await;
                        if now.as_ref().is_some_and(|now| now != before) {
                            tracing::debug!(action, "action answer lost; the object shows it taken");
                            return Ok(());
                        }
                        if now.is_some() && repeats > 0 {
                            repeats -= 1;
                            tracing::debug!(action, "action answer lost; the object shows nothing: sending it again");
                            continue;
                        }
                        let mut diags = self.action_failed(&e, d, action);
                        for x in diags.0.iter_mut() {
                            x.detail.push_str(&format!(
                                " Running `terraform apply` again is safe: it reads {} first and acts only if it is still not {:?}.",
                                d.attribute, state.name
                            ));
                        }
                        return Err(diags);
                    }
                    // Refused (400/403/409…): the next action may be allowed (shutdown needs an
                    // agent in the guest; stop does not). Other errors end here.
                    Err(e)
                        if e.status()
                            .is_some_and(|s| (400..500).contains(&s) && s != 401 && s != 404) =>
                    {
                        tracing::debug!(action, status = e.status(), "action refused; trying the next");
                        last = Some(e);
                        break;
                    }
                    Err(e) => return Err(self.action_failed(&e, d, action)),
                }
            }
        }
        Err(match last {
            Some(e) => self.action_failed(&e, d, state.actions.last().copied().unwrap_or_default()),
            None => Diagnostic::error("No action", format!("{} = {:?} has no action", d.attribute, state.name)).into(),
        })
    }

    /// The desired-state value the object shows now; `None` when it cannot be read.
    async fn observe(&self, ctx: &Ctx<'_>, d: &DesiredState, planned: &Object) -> Option<Value> {
        let item = self.path(self.spec.endpoint.item, planned).ok()?;
        let r = cancellable(ctx, ctx.client.get(&item)).await.ok()?.ok()?;
        Some(d.read(unwrap_envelope(&r, self.spec.endpoint.singular)))
    }

    fn action_failed(&self, e: &level27_client::Error, d: &DesiredState, action: &str) -> Diagnostics {
        let mut diags = translate(e, &format!("{action} {}", self.spec.type_name), Some(self.block()));
        for x in diags.0.iter_mut() {
            x.path = Some(AttrPath::attr(d.attribute));
        }
        diags
    }

    async fn wait_observed(
        &self,
        ctx: &Ctx<'_>,
        d: &DesiredState,
        state: &State,
        planned: &Object,
        timeout: Duration,
    ) -> Result<(), Diagnostics> {
        let item = self.path(self.spec.endpoint.item, planned)?;
        let rule = StatusRule {
            field: d.observed,
            ready: state.observed,
            gone: &[],
            category: None,
            ..StatusRule::default()
        };
        let singular = self.spec.endpoint.singular;
        let r = wait_for(&rule, Goal::Ready, timeout, ctx.stop, false, || {
            let fut = ctx.client.get(&item);
            async move {
                match fut.await {
                    Ok(r) => Ok(Some(unwrap_envelope(&r, singular).clone())),
                    Err(e) if e.is_not_found() => Ok(None),
                    Err(e) => Err(e),
                }
            }
        })
        .await;
        match r {
            Ok(_) => Ok(()),
            Err(WaitError::Cancelled) => Err(super::ctx::cancelled()),
            Err(WaitError::Fetch(e)) => Err(translate(&e, &self.action("read"), Some(self.block()))),
            Err(other) => {
                let how = match other {
                    WaitError::TimedOut { last_status, after } => {
                        format!("it still showed {} {last_status:?} after {after:?}", d.observed)
                    }
                    WaitError::Failed(s, _) => format!("it reached {s:?}"),
                    _ => "it disappeared".to_string(),
                };
                Err(Diagnostic::error(
                    format!("{} did not reach {} = {:?}", self.spec.type_name, d.attribute, state.name),
                    format!("After the {} action, {how}. Check the object in the Level27 panel; raise the timeouts if the platform is slow.", state.actions.join("/")),
                )
                .at(AttrPath::attr(d.attribute))
                .into())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn power() -> DesiredState {
        DesiredState {
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
                    observed: &["stopped", "shutoff"],
                    actions: &["shutdown", "stop"],
                },
            ],
            path: "/systems/{id}/actions",
            action_field: "type",
        }
    }

    #[test]
    fn observed_values_read_as_the_desired_names() {
        let d = power();
        assert_eq!(d.read(&json!({"runningStatus": "running"})), Value::string("running"));
        assert_eq!(d.read(&json!({"runningStatus": "shutoff"})), Value::string("stopped"));
        // In between: shown as it is, so the plan shows the way back to the desired value.
        assert_eq!(d.read(&json!({"runningStatus": "starting"})), Value::string("starting"));
        assert_eq!(d.read(&json!({})), Value::Null);
        assert_eq!(d.names(), vec!["running", "stopped"]);
    }
}
