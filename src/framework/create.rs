//! Create: the request, the read-back or wait, and the reconciliation of a create whose outcome
//! is unknown (a lost response), which is looked up by natural key and never blindly repeated.

use super::ctx::{cancellable, Ctx, CANCELLED};
use super::diag::{Diagnostic, Diagnostics};
use super::errors::{parent_not_found, translate};
use super::mapping::{lookup, request_body, sendable, state_from_api};
use super::paths::unwrap_envelope;
use super::provider_defaults::resolve_provider_defaults;
use super::resource::Resource;
use super::schema::{Attribute, Block};
use super::timeouts::{self, Operation};
use super::value::{Object, Value};
use super::wait::{Goal, Observed, Wait};
use level27_client::Error as ApiError;
use serde_json::Value as Json;

/// Pauses before asking again when the natural-key lookup after a create fails.
const LOOKUP_PAUSES: &[std::time::Duration] = &[std::time::Duration::from_secs(1), std::time::Duration::from_secs(3)];

/// A failed create: the diagnostics, and the state of the object when the API did create it.
#[derive(Debug)]
pub struct CreateFailed {
    pub state: Option<Object>,
    pub diags: Diagnostics,
}

impl From<Diagnostic> for CreateFailed {
    fn from(d: Diagnostic) -> Self {
        Diagnostics::from(d).into()
    }
}

impl From<Diagnostics> for CreateFailed {
    fn from(diags: Diagnostics) -> Self {
        CreateFailed { state: None, diags }
    }
}

/// Terraform accepts no unknown value in the state an apply returns, at any depth.
fn known_or_null(state: &Object) -> Object {
    state.iter().map(|(k, v)| (k.clone(), deep_known_or_null(v))).collect()
}

/// Whether a failed request left the API's view unknown (no connection, a 5xx, a 429, each past
/// the client's retries) rather than answering something about the object.
fn unanswered(e: &ApiError) -> bool {
    matches!(e, ApiError::Transport { .. } | ApiError::InvalidResponse { .. })
        || e.status().is_some_and(|s| s == 429 || s >= 500)
}

/// A read-back after a create that did not give the object.
enum ReadBackFailed {
    /// The API did not answer (see [`unanswered`]): the object exists, only unread.
    Unanswered(Diagnostics),
    /// An answer that something is wrong (the object gone, access denied, a failed status), or
    /// an interrupt.
    Failed(Diagnostics),
}

/// The state of an object the API made but did not answer a read of: the plan's known values,
/// and the create's answer (`answered`, read over the plan) where the plan leaves the value to
/// the API, such as the id; null where neither says. Terraform accepts it as the plan's result,
/// and the next refresh reads the object.
fn unread_state(planned: &Object, answered: &Object) -> Object {
    let null = Value::Null;
    planned
        .keys()
        .chain(answered.keys())
        .map(|k| {
            let (p, a) = (planned.get(k).unwrap_or(&null), answered.get(k).unwrap_or(&null));
            let v = match p.admits(a) {
                true => deep_known_or_null(a),
                false => deep_known_or_null(p),
            };
            (k.clone(), v)
        })
        .collect()
}

fn deep_known_or_null(v: &Value) -> Value {
    match v {
        Value::Unknown => Value::Null,
        Value::List(items) => Value::List(items.iter().map(deep_known_or_null).collect()),
        Value::Set(items) => Value::Set(items.iter().map(deep_known_or_null).collect()),
        Value::Tuple(items) => Value::Tuple(items.iter().map(deep_known_or_null).collect()),
        Value::Map(m) => Value::Map(known_or_null(m)),
        Value::Object(o) => Value::Object(known_or_null(o)),
        other => other.clone(),
    }
}

impl Resource {
    /// A refused create, said on the attributes: the create form's fields for team and link
    /// sets (`autoTeams`, `autoNetworks`), which those attributes are not sent as otherwise,
    /// land on them too.
    fn create_error(&self, e: &ApiError) -> Diagnostics {
        let mut block = self.block().clone();
        let fields = (self.spec.membership.iter())
            .filter_map(|m| Some((m.attribute, m.create_field?)))
            .chain(
                self.spec
                    .links
                    .iter()
                    .filter_map(|l| Some((l.attribute, l.create_field?))),
            );
        for (attribute, field) in fields {
            if let Some(a) = block
                .attributes
                .iter_mut()
                .find(|a| a.name == attribute && a.api.send.is_none())
            {
                a.api.send = Some(field);
            }
        }
        let mut d = translate(e, &self.action("create"), Some(&block));
        self.add_refusal_hints(&mut d);
        d
    }

    /// Creates the object and returns its state ([`Resource::create_warned`] without the
    /// warnings).
    pub async fn create(&self, ctx: &Ctx<'_>, planned: &Object, config: &Object) -> Result<Object, CreateFailed> {
        Ok(self.create_warned(ctx, planned, config).await?.0)
    }

    /// Creates the object and returns its state, with warnings. A failure after the API accepted
    /// the create (a failed wait, a read-back the API refused, a cancellation) still returns the
    /// state with the new id, so that Terraform keeps the object (tainted, to be replaced)
    /// instead of losing track of it. A read-back the API leaves unanswered (past the client's
    /// retries) is no failure of the object: it is kept with the values it was created with, and
    /// a warning, so that the next refresh reads it instead of an apply replacing it.
    pub async fn create_warned(
        &self,
        ctx: &Ctx<'_>,
        planned: &Object,
        config: &Object,
    ) -> Result<(Object, Diagnostics), CreateFailed> {
        let planned = &resolve_provider_defaults(self.block(), planned, ctx.provider_config);
        let planned = &self.fill_planned(ctx, planned, "create").await?;
        let collection = self.path(self.spec.endpoint.collection, planned)?;
        let send = sendable(self.block(), planned, config);
        let mut body = request_body(self.block(), &send, None, false);
        if let Some((field, teams)) = self.spec.membership.as_ref().and_then(|m| m.create_body(planned)) {
            body.insert(field.to_string(), teams);
        }
        for (field, members) in self.spec.links.iter().filter_map(|l| l.create_body(planned)) {
            body.insert(field.to_string(), members);
        }
        if let Some(k) = &self.spec.kind {
            body.insert(k.field.to_string(), Json::String(k.value.to_string()));
        }
        for r in &self.spec.resolves {
            r.add_to(ctx, planned, &mut body).await?;
        }
        let body = Json::Object(body);
        let posted = cancellable(ctx, ctx.client.post(&collection, &body))
            .await
            .map_err(|d| self.maybe_created(planned, d))?;
        ctx.reads.invalidate();
        let response = match posted {
            Ok(r) => self.created_object(ctx, &collection, planned, &r).await?,
            Err(e) if e.is_outcome_unknown() && !self.spec.natural_key.is_empty() => {
                tracing::warn!(
                    resource = self.spec.type_name,
                    "create outcome unknown; looking the object up before deciding"
                );
                self.reconcile_create(ctx, &collection, &body, planned, e).await?
            }
            Err(e) => {
                // A 404 on the collection: the parent the configuration names does not exist.
                let mut d = parent_not_found(&e, self.spec.endpoint.collection, planned, &self.action("create"))
                    .unwrap_or_else(|| self.create_error(&e));
                if self.refused_as_taken(&d) {
                    let hint = self.import_hint(ctx, &collection, planned).await;
                    self.said_on_unique(&mut d, &hint);
                }
                return Err(if e.is_outcome_unknown() {
                    self.maybe_created(planned, d)
                } else {
                    d
                }
                .into());
            }
        };
        let mut state = state_from_api(self.block(), &response, planned);
        if state.get("id").is_none_or(|v| v.is_null()) {
            return Err(Diagnostic::error(
                format!("Failed to {}", self.action("create")),
                "The Level27 API answered the create without an object id.",
            )
            .into());
        }
        // From here on the object exists: every failure hands its state back. An interrupt says
        // so too, as "abandoned" alone reads as if nothing had been made.
        let created = |state: &Object, mut d: Diagnostics| {
            for x in d.0.iter_mut().filter(|x| x.summary == CANCELLED) {
                x.detail.push_str(&format!(
                    " {} was created already: Terraform keeps it as tainted, and the next apply deletes it and creates it again.",
                    self.named(state)
                ));
            }
            CreateFailed {
                state: Some(self.finish(ctx, planned, known_or_null(state))),
                diags: d,
            }
        };
        let item = self
            .path(self.spec.endpoint.item, &state)
            .map_err(|d| created(&state, d))?;
        let timeout = timeouts::get(planned, Operation::Create);
        let mut obj = response;
        // Set when a read-back went unanswered: the state is then the plan's (`unread_state`).
        let mut unread: Option<Diagnostics> = None;
        if let Some(rule) = &self.spec.status {
            // The create's answer shows the first status: no look is needed when it is already
            // final, and the first poll waits one interval when it is not.
            let answered = rule.observe(&obj);
            if answered == Observed::Ready && self.differs_from_plan(&state, planned) {
                // A lost create's object found in the list, which leaves fields out (a
                // system's has no `customerFqdn`): read once, as for an incomplete answer below.
                match self.read_created(ctx, &state, &item, timeout).await {
                    Ok(o) => {
                        obj = o;
                        state = state_from_api(self.block(), &obj, &state);
                    }
                    Err(ReadBackFailed::Unanswered(d)) => unread = Some(d),
                    Err(ReadBackFailed::Failed(d)) => return Err(created(&state, d)),
                }
            } else if answered != Observed::Ready {
                let first_look_done = matches!(answered, Observed::Pending(_));
                obj = self
                    .wait(
                        ctx,
                        rule,
                        &item,
                        Wait {
                            goal: Goal::Ready,
                            verb: "create",
                            timeout,
                            first_look_done,
                        },
                    )
                    .await
                    .map_err(|d| created(&state, d))?
                    .unwrap_or_default();
                state = state_from_api(self.block(), &obj, &state);
            }
        } else if self.differs_from_plan(&state, planned) {
            // Seed: the 201 examples show fields as null that the request set (L635-680). Where an
            // answer leaves out what was sent, the object is read back once rather than storing a
            // state that contradicts the plan.
            tracing::debug!(
                resource = self.spec.type_name,
                "create answer incomplete; reading the object back"
            );
            match self.read_created(ctx, &state, &item, timeout).await {
                Ok(o) => {
                    obj = o;
                    state = state_from_api(self.block(), &obj, &state);
                }
                Err(ReadBackFailed::Unanswered(d)) => unread = Some(d),
                Err(ReadBackFailed::Failed(d)) => return Err(created(&state, d)),
            }
        }
        // What the create form does not take: team links (when it has no `autoTeams`) and
        // desired states, each followed by one more read.
        let mut again = false;
        if let Some(m) = self.spec.membership.as_ref().filter(|m| m.create_field.is_none()) {
            let teams = planned.get(m.attribute).unwrap_or(&Value::Null);
            let named = self.named(&state);
            again |= m
                .reconcile(
                    ctx,
                    &state,
                    (&named, (item.as_str(), self.spec.endpoint.singular)),
                    &Value::Null,
                    teams,
                )
                .await
                .map_err(|d| created(&state, d))?;
        }
        for l in self.spec.links.iter().filter(|l| l.create_field.is_none()) {
            let members = planned.get(l.attribute).unwrap_or(&Value::Null);
            again |= l
                .reconcile(ctx, &state, &self.named(&state), &Value::Null, members)
                .await
                .map_err(|d| created(&state, d))?;
        }
        let mut wanted = state.clone();
        for d in &self.spec.desired_states {
            wanted.insert(
                d.attribute.to_string(),
                planned.get(d.attribute).cloned().unwrap_or_default(),
            );
        }
        again |= self
            .reach_desired_states(ctx, &wanted, &obj, timeout)
            .await
            .map_err(|d| created(&state, d))?;
        if again {
            // Also a second chance for a read-back left unanswered above.
            match self.read_created(ctx, &state, &item, timeout).await {
                Ok(o) => {
                    obj = o;
                    unread = None;
                }
                Err(ReadBackFailed::Unanswered(d)) => unread = Some(d),
                Err(ReadBackFailed::Failed(d)) => return Err(created(&state, d)),
            }
        }
        if let Some(d) = unread {
            // `obj` is the create's answer, which contradicts the plan: the plan's values stand.
            let state = unread_state(planned, &state);
            let warning = self.unread_warning(&state, &d);
            tracing::warn!(
                resource = self.spec.type_name,
                "created, but the read-back went unanswered; kept with the planned values"
            );
            return Ok((self.finish(ctx, planned, state), warning));
        }
        let state = self.state_of(ctx, &obj, &state).await.map_err(|d| created(&state, d))?;
        Ok((self.finish(ctx, planned, state), Diagnostics::default()))
    }

    /// Reads back an object the create made (the API says it is ready, or it has no status): a
    /// GET, which the client repeats under its retry policy while the API does not answer; a
    /// status not final yet is waited for.
    async fn read_created(
        &self,
        ctx: &Ctx<'_>,
        state: &Object,
        item: &str,
        timeout: std::time::Duration,
    ) -> Result<Json, ReadBackFailed> {
        if self.spec.object_in_list_only {
            return (self.read_back(ctx, state, item, timeout, "create").await).map_err(ReadBackFailed::Failed);
        }
        let answer = match cancellable(ctx, ctx.client.get(item))
            .await
            .map_err(ReadBackFailed::Failed)?
        {
            Ok(r) => unwrap_envelope(&r, self.spec.endpoint.singular).clone(),
            Err(e) => {
                let d = translate(&e, &self.action_on("read back", state), Some(self.block()));
                return Err(match unanswered(&e) {
                    true => ReadBackFailed::Unanswered(d),
                    false => ReadBackFailed::Failed(d),
                });
            }
        };
        match &self.spec.status {
            Some(rule) if rule.observe(&answer) != Observed::Ready => {
                (self.read_back(ctx, state, item, timeout, "create").await).map_err(ReadBackFailed::Failed)
            }
            _ => Ok(answer),
        }
    }

    /// The warning of a create kept without its read-back (`why`: the failed read).
    fn unread_warning(&self, state: &Object, why: &Diagnostics) -> Diagnostics {
        let named = self.named(state);
        let why: Vec<String> = why.0.iter().map(|d| format!("{}: {}", d.summary, d.detail)).collect();
        Diagnostic::warning(
            format!("{named} created, but not read back"),
            format!(
                "{named} was created, but the API did not answer reading it back ({}). Terraform keeps it with the values it was created with; the next plan or refresh reads it from the API and shows any difference. It is not created again.",
                why.join("; ")
            ),
        )
        .into()
    }

    /// The object a create's answer made: the answer's, or the list's item for an object only
    /// its list describes.
    async fn created_object(
        &self,
        ctx: &Ctx<'_>,
        collection: &str,
        planned: &Object,
        answer: &Json,
    ) -> Result<Json, Diagnostics> {
        if !self.spec.object_in_list_only {
            return Ok(unwrap_envelope(answer, self.spec.endpoint.singular).clone());
        }
        // Seed (other-seeds §2.1): the answer does not describe the object; the list does, and
        // the natural key finds it there without a second create.
        self.find_by_natural_key(ctx, collection, planned)
            .await
            .map_err(|d| self.maybe_created(planned, d))?
            .ok_or_else(|| self.maybe_created(planned, self.missing_from_list(planned)))
    }

    /// Whether a state read from the API contradicts a known value of the plan.
    fn differs_from_plan(&self, state: &Object, planned: &Object) -> bool {
        self.block().attributes.iter().any(|a| {
            let want = planned.get(a.name).unwrap_or(&Value::Null);
            a.api.read.is_some()
                && !a.write_only
                && !want.is_null()
                && !want.admits(state.get(a.name).unwrap_or(&Value::Null))
        })
    }

    /// After a create whose response was lost: adopt the object if it was created, create it once
    /// more only if the API is certainly done with the lost request and made nothing.
    ///
    /// Choice: the match is by natural key, so an object that already existed with the same key
    /// (an unmanaged team of the same name) is adopted as well; telling the two apart would need a
    /// listing before every create, and the object is then the one the configuration describes.
    async fn reconcile_create(
        &self,
        ctx: &Ctx<'_>,
        collection: &str,
        body: &Json,
        planned: &Object,
        first: ApiError,
    ) -> Result<Json, Diagnostics> {
        let mut last = first;
        // Up to 3 more creates, each after a lookup; the last one's outcome is looked up too.
        let mut repeats = 0;
        loop {
            if let Some(found) = self.look_up_lost_create(ctx, collection, planned, &last).await? {
                return Ok(found);
            }
            // Repeating a request the API may still be carrying out could make a second object
            // once it finishes; and three repeats lost as well are enough.
            if last.may_still_be_running() || repeats == 3 {
                return Err(self.maybe_created(planned, self.create_error(&last)));
            }
            repeats += 1;
            let again = cancellable(ctx, ctx.client.post(collection, body))
                .await
                .map_err(|d| self.maybe_created(planned, d))?;
            match again {
                // Answered like any create: for an object only its list describes, the list.
                Ok(r) => return self.created_object(ctx, collection, planned, &r).await,
                Err(e) if e.is_outcome_unknown() => last = e,
                Err(e) => return Err(self.create_error(&e)),
            }
        }
    }

    /// Looks for the object a lost create may have made. When the API may still be working on the
    /// request, looks again after a pause or two before concluding it made nothing.
    async fn look_up_lost_create(
        &self,
        ctx: &Ctx<'_>,
        collection: &str,
        planned: &Object,
        lost: &ApiError,
    ) -> Result<Option<Json>, Diagnostics> {
        let pauses: &[u64] = if lost.may_still_be_running() { &[0, 2, 5] } else { &[0] };
        for &secs in pauses {
            if secs > 0 {
                cancellable(ctx, tokio::time::sleep(std::time::Duration::from_secs(secs)))
                    .await
                    .map_err(|d| self.maybe_created(planned, d))?;
            }
            let found = self
                .find_by_natural_key(ctx, collection, planned)
                .await
                .map_err(|d| self.maybe_created(planned, d))?;
            if found.is_some() {
                return Ok(found);
            }
        }
        Ok(None)
    }

    /// Adds to a create's failure that the object may exist after all, and how to adopt it.
    fn maybe_created(&self, planned: &Object, mut diags: Diagnostics) -> Diagnostics {
        let keys: Vec<String> = self
            .spec
            .natural_key
            .iter()
            .filter_map(|k| planned.get(*k).and_then(Value::as_str).map(|v| format!("{k} = {v:?}")))
            .collect();
        let shape = self.import_shape();
        let which = if keys.is_empty() {
            String::new()
        } else {
            format!(" with {}", keys.join(", "))
        };
        let note = format!(
            " The create request may have reached the API: before applying again, check whether a {}{which} exists, and if it does, import it (`terraform import <address> {shape}`).",
            self.spec.type_name
        );
        for d in diags
            .0
            .iter_mut()
            .filter(|d| d.severity == super::diag::Severity::Error)
        {
            if !d.detail.ends_with('.') {
                d.detail.push('.');
            }
            d.detail.push_str(&note);
        }
        diags
    }

    /// After a create refused because another object holds a unique value: how to manage that
    /// object instead, with its import id when the natural key finds it (a failed lookup only
    /// leaves the id out), or how to give this one another value.
    async fn import_hint(&self, ctx: &Ctx<'_>, collection: &str, planned: &Object) -> String {
        let Some(u) = self.spec.unique else {
            return String::new();
        };
        let found = match self.find_by_natural_key(ctx, collection, planned).await {
            Ok(Some(item)) => {
                let state = state_from_api(self.block(), &item, planned);
                let parts: Option<Vec<&str>> = (self.spec.import_id.iter())
                    .map(|k| state.get(*k).and_then(Value::as_str))
                    .collect();
                parts.map(|p| p.join("/"))
            }
            _ => None,
        };
        let t = self.spec.type_name;
        match found {
            Some(id) => format!(
                "{t} {id} has the same {keys}: import it to manage it with this configuration (`terraform import <address> {id}`), or set another `{a}`.",
                keys = self.spec.natural_key.join(" and "),
                a = u.attribute,
            ),
            None => format!(
                "Import the {t} that has it to manage it with this configuration (`terraform import <address> {shape}`), or set another `{a}`.",
                shape = self.import_shape(),
                a = u.attribute,
            ),
        }
    }

    async fn find_by_natural_key(
        &self,
        ctx: &Ctx<'_>,
        collection: &str,
        planned: &Object,
    ) -> Result<Option<Json>, Diagnostics> {
        let keys: Vec<(&Attribute, &Value)> = self
            .spec
            .natural_key
            .iter()
            .filter_map(|k| Some((self.block().attribute(k)?, planned.get(*k)?)))
            .collect();
        // The API's `filter` searches names (a url's content), so only the first key is sent, and
        // an empty one (a record at the apex) not at all: the whole list is then checked.
        let filter = keys
            .first()
            .and_then(|(a, v)| Some(super::codecs::as_filter(Some(a), v.as_str()?.to_string())))
            .filter(|f| !f.is_empty());
        let query: Vec<(&str, String)> = filter.into_iter().map(|f| ("filter", f)).collect();
        // The lookup decides whether an object the API made is adopted or left behind (and made
        // again by the next apply): an API too busy to answer (5xx, 429, no answer, each past
        // the client's own retries) is asked again after a pause or two before giving up.
        let mut pauses = LOOKUP_PAUSES.iter();
        let items = loop {
            match cancellable(ctx, ctx.client.list(collection, self.spec.endpoint.plural, &query)).await? {
                Ok(items) => break items,
                Err(e) => match pauses.next() {
                    Some(&pause) if e.status().is_none_or(|s| s == 429 || s >= 500) => {
                        tracing::debug!(error = %e, "natural-key lookup failed; asking again after a pause");
                        cancellable(ctx, tokio::time::sleep(pause)).await?;
                    }
                    _ => return Err(translate(&e, &self.action("look up"), Some(self.block()))),
                },
            }
        };
        // The newest match: a lost create is the most recent object with these keys.
        Ok(items
            .into_iter()
            .filter(|item| {
                keys.iter().all(|(a, v)| {
                    // Read over the planned object, so a normaliser keeps the configured
                    // spelling of what the API writes its own way (`mx.example.` for
                    // `MX.example`, TXT in quotes) and sibling-dependent ones know the type.
                    let got = state_from_api(
                        &Block {
                            attributes: vec![(*a).clone()],
                            ..Block::default()
                        },
                        item,
                        planned,
                    );
                    got.get(a.name) == Some(*v)
                })
            })
            .max_by_key(|item| lookup(item, "id").as_i64().unwrap_or_default()))
    }
}

#[cfg(test)]
mod tests {
    use crate::framework::diag::AttrPath;
    use crate::framework::resource::Resource;
    use crate::framework::test_support::FakeApi;
    use crate::framework::value::{Object, Value};
    use serde_json::json;

    /// The state of a create left unread: the plan's known values whatever the create's answer
    /// says (it contradicts the plan, or there would be no read-back), the answer where the
    /// plan leaves the value to the API, null for what neither knows, at any depth.
    #[test]
    fn an_unread_object_holds_the_planned_values_and_what_the_answer_adds() {
        let o = |pairs: &[(&str, Value)]| -> Object { pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect() };
        let planned = o(&[
            ("id", Value::Unknown),
            ("name", Value::string("web1")),
            ("fqdn", Value::string("web1.example")),
            ("status", Value::Unknown),
            ("notes", Value::Null),
            (
                "disks",
                Value::List(vec![Value::Object(o(&[
                    ("size", Value::int(30)),
                    ("uuid", Value::Unknown),
                ]))]),
            ),
        ]);
        let answered = o(&[
            ("id", Value::string("4200")),
            ("name", Value::string("web1")),
            ("fqdn", Value::Null),
            ("notes", Value::string("by the API")),
            (
                "disks",
                Value::List(vec![Value::Object(o(&[
                    ("size", Value::int(31)),
                    ("uuid", Value::string("u")),
                ]))]),
            ),
        ]);
        let state = super::unread_state(&planned, &answered);
        assert_eq!(
            state,
            o(&[
                ("id", Value::string("4200")),
                ("name", Value::string("web1")),
                ("fqdn", Value::string("web1.example")),
                ("status", Value::Null),
                ("notes", Value::Null),
                (
                    "disks",
                    Value::List(vec![Value::Object(o(&[
                        ("size", Value::int(30)),
                        ("uuid", Value::Null)
                    ]))])
                ),
            ])
        );
    }

    /// The create form's field for a team set (`autoTeams`) is the `team_ids` attribute: the
    /// API's refusal of it is said there, not as "Invalid value for autoTeams".
    #[tokio::test]
    async fn a_refused_create_form_field_for_teams_lands_on_team_ids() {
        let api = FakeApi::start(|_| {
            (
                400,
                json!({"app": {"errors": {"children": {"autoTeams": {"errors": ["This value is not valid."]}}}}}),
            )
        })
        .await;
        let r = Resource::new(crate::resources::app::spec());
        let planned: Object = [
            ("id", Value::Unknown),
            ("organisation_id", Value::string("1000")),
            ("name", Value::string("shop")),
            ("plan_id", Value::string("12000")),
            ("base_package", Value::string("drupal_run")),
            ("type", Value::Unknown),
            ("team_ids", Value::Set(vec![Value::string("99999")])),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let parts = crate::framework::test_support::CtxParts::default();
        let err = r.create(&parts.ctx(&api), &planned, &planned).await.unwrap_err();
        let d = &err.diags.0[0];
        assert_eq!(d.summary, "Invalid value for team_ids", "{d:?}");
        assert_eq!(d.path, Some(AttrPath::attr("team_ids")), "{d:?}");
    }
}
