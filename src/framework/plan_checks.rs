//! Plan-time checks that need the API: a vm's cpu, memory and disk must lie within the limits of
//! the configuration (size plan) it names (`RangeCheck`); a component's `parameters` must be
//! parameters its type takes (`ParameterCheck`); an image must be one of its zone's region's
//! (`AmongCheck`); an `organisation_id`, `network_ids` or `team_ids` must name objects that exist
//! (`ExistsCheck`); a value must fit the object a path names: a record name must not repeat its
//! domain's, a url's component must take urls (`ParentCheck`). Only the API knows any of it. The
//! checks run when the plan is made, so a bad value fails `terraform plan` instead of an apply
//! halfway through.
//!
//! Each lookup is read through `SharedReads`: one request per list, catalogue or object per
//! provider process, however many resources need it. A plan's checks run concurrently.

use super::ctx::{cancellable, Ctx};
use super::diag::{AttrPath, Diagnostic, Diagnostics};
use super::errors::{misconfigured, translate};
use super::mapping::lookup;
use super::paths::{placeholders, render_path};
use super::shared_reads::{id_text, Existence, Listing, SharedReads};
use super::validate::{id_hint, parse_api_id};
use super::value::{Object, Value};
use futures_util::future::join_all;
use level27_client::Error as ApiError;
use serde_json::Value as Json;
use std::sync::Arc;

/// A check at plan time against what only the API knows (`ResourceSpec::plan_checks`).
#[derive(Clone, Debug)]
pub enum PlanCheck {
    Range(RangeCheck),
    Parameters(ParameterCheck),
    Among(AmongCheck),
    Exists(ExistsCheck),
    Parent(ParentCheck),
    Options(OptionsCheck),
}

impl PlanCheck {
    /// The diagnostics for `planned` (`prior` the state it replaces, `None` for a create): `Err`
    /// when the lookup itself failed.
    pub async fn check(
        &self,
        ctx: &Ctx<'_>,
        prior: Option<&Object>,
        planned: &Object,
    ) -> Result<Diagnostics, Diagnostics> {
        match self {
            PlanCheck::Range(c) => c.check(ctx, planned).await,
            PlanCheck::Parameters(c) => c.check(ctx, planned).await,
            PlanCheck::Among(c) => c.check(ctx, planned).await,
            PlanCheck::Exists(c) => c.check(ctx, prior, planned).await,
            PlanCheck::Parent(c) => c.check(ctx, planned).await,
            PlanCheck::Options(c) => c.check(ctx, planned).await,
        }
    }

    /// The attributes the check reads, path placeholders included (for `spec_check`, and to
    /// tell whether a plan changes anything the check depends on).
    pub fn attributes(&self) -> Vec<&'static str> {
        match self {
            PlanCheck::Range(c) => std::iter::once(c.by)
                .chain(c.bounds.iter().map(|b| b.0))
                .chain(placeholders(c.path))
                .collect(),
            PlanCheck::Parameters(c) => std::iter::once(c.attribute)
                .chain(std::iter::once(c.by))
                .chain(c.owned.iter().map(|o| o.1))
                .collect(),
            PlanCheck::Among(c) => vec![c.attribute, c.by],
            PlanCheck::Exists(c) => std::iter::once(c.attribute).chain(c.depends_on()).collect(),
            PlanCheck::Parent(c) => placeholders(c.path).chain(c.reads.iter().copied()).collect(),
            PlanCheck::Options(c) => std::iter::once(c.attribute).chain(placeholders(c.path)).collect(),
        }
    }

    /// Whether the plan changes something the check reads: a create, or one of its attributes
    /// differs from the prior state. Otherwise the apply sends nothing the check could fail, and
    /// a refresh's plan costs no lookup.
    pub(crate) fn concerns(&self, prior: Option<&Object>, planned: &Object) -> bool {
        let Some(prior) = prior else { return true };
        self.attributes().iter().any(|a| prior.get(*a) != planned.get(*a))
    }
}

/// Runs the plan's `checks` that concern it, concurrently: a vm's configuration and region
/// lookups go out together, and the plan waits for the longest chain of lookups rather than
/// their sum. The diagnostics come in the order the checks are declared, whatever the order the
/// answers arrive in. A failed lookup is an error (an `ExistsCheck`'s only on a rejected key), so
/// that the plan promises no apply the API may refuse.
pub async fn run_all(checks: &[PlanCheck], ctx: &Ctx<'_>, prior: Option<&Object>, planned: &Object) -> Diagnostics {
    let due: Vec<&PlanCheck> = checks.iter().filter(|c| c.concerns(prior, planned)).collect();
    let results = join_all(due.iter().map(|c| c.check(ctx, prior, planned))).await;
    let results: Vec<(&PlanCheck, Diagnostics)> = due
        .into_iter()
        .zip(results)
        .map(|(c, r)| (c, r.unwrap_or_else(|d| d)))
        .collect();
    // A missing organisation makes every lookup below it a 404 (its teams): said once, on the
    // organisation, rather than again on each team it would have.
    let missing: Vec<&str> = results
        .iter()
        .filter_map(|(c, d)| match c {
            PlanCheck::Exists(e) if d.has_errors() => Some(e.attribute),
            _ => None,
        })
        .collect();
    let mut diags = Diagnostics::default();
    for (check, d) in results {
        let below_missing = match check {
            PlanCheck::Exists(e) => e.depends_on().any(|a| missing.contains(&a)),
            _ => false,
        };
        if !below_missing {
            diags.extend(d);
        }
    }
    diags
}

/// A range an attribute must lie in, read from the API object another attribute names.
#[derive(Clone, Debug)]
pub struct RangeCheck {
    /// The attribute naming the object holding the limits (`configuration_id`).
    pub by: &'static str,
    /// The list holding it (`/systemproviderconfigurations`, envelope key) and its id field.
    pub path: &'static str,
    pub plural: &'static str,
    /// When the limits are objects nested in each listed item (a region's `zones`): that array
    /// field, whose elements are searched instead.
    pub within: Option<&'static str>,
    pub key: &'static str,
    /// (attribute, minimum field, maximum field): `("cpu", "minCpu", "maxCpu")`. A limit the API
    /// leaves out (or null) does not bound.
    pub bounds: &'static [(&'static str, &'static str, &'static str)],
    /// Which of the listed objects this resource may name at all (a vm's configuration must not
    /// be baremetal hardware); `None`: any.
    pub fits: Option<Fits>,
    /// The list is a catalogue ([`SharedReads::catalogue`]): read once per process.
    pub catalogue: bool,
}

/// What a [`RangeCheck`]'s object must be for the resource to name it: the API lists the
/// configurations of vms and of baremetal servers together, and refuses the other kind's only at
/// create. A named object that does not fit is an error on `by` listing those that do (its
/// bounds are not checked: they belong to something else).
#[derive(Clone, Copy, Debug)]
pub struct Fits {
    /// Whether a listed object fits. It should answer true when the object does not say (the
    /// API decides at apply, as without the check).
    pub test: fn(&Json) -> bool,
    /// What fits, for the message: `a configuration for a vm`.
    pub what: &'static str,
    /// Where the user finds the objects that fit: `data "level27_system_configurations"`.
    pub see: &'static str,
}

/// `id (name)` of a listed object, or its id alone.
fn listed_as(item: &Json, key: &str) -> String {
    let id = id_text(lookup(item, key)).unwrap_or_else(|| lookup(item, key).to_string());
    match lookup(item, "name") {
        Json::String(n) => format!("{id} ({n})"),
        _ => id,
    }
}

/// A number from the API's spellings: `4`, `4.0`, `"4"`, `"30.0"`.
fn number(v: &Json) -> Option<f64> {
    match v {
        Json::Number(n) => n.as_f64(),
        Json::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn show(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

impl RangeCheck {
    /// The diagnostics for `planned` against the limits in `limits` (the looked-up object).
    pub fn check_against(&self, planned: &Object, limits: &Json, name: &str) -> Diagnostics {
        let mut diags = Diagnostics::default();
        for (attr, min, max) in self.bounds {
            let Some(v) = (match planned.get(*attr) {
                Some(Value::Number(n)) => Some(n.as_f64()),
                _ => None,
            }) else {
                continue;
            };
            let (lo, hi) = (number(lookup(limits, min)), number(lookup(limits, max)));
            let below = lo.is_some_and(|lo| v < lo);
            let above = hi.is_some_and(|hi| v > hi);
            if below || above {
                let range = match (lo, hi) {
                    // A fixed size (a baremetal configuration): one value, not a range.
                    (Some(lo), Some(hi)) if lo == hi => show(lo),
                    (Some(lo), Some(hi)) => format!("between {} and {}", show(lo), show(hi)),
                    (Some(lo), None) => format!("at least {}", show(lo)),
                    (None, Some(hi)) => format!("at most {}", show(hi)),
                    (None, None) => String::new(),
                };
                diags.push(
                    Diagnostic::error(
                        format!("Invalid {attr}"),
                        format!(
                            "{attr} = {} is outside the limits of {name}: it must be {range}.",
                            show(v)
                        ),
                    )
                    .at(AttrPath::attr(*attr)),
                );
            }
        }
        diags
    }

    /// The error when the object `id` names (`found`, among `candidates`) is not one this
    /// resource may name (`fits`), listing those that are.
    pub fn misfit(&self, id: &str, found: &Json, candidates: &[Json]) -> Option<Diagnostic> {
        let fits = self.fits.filter(|f| !(f.test)(found))?;
        let those: Vec<String> = candidates
            .iter()
            .filter(|c| (fits.test)(c))
            .map(|c| listed_as(c, self.key))
            .collect();
        let those = match those.is_empty() {
            true => "none is listed".to_string(),
            false => format!("those that are: {}", those.join(", ")),
        };
        let named = match lookup(found, "name") {
            Json::String(n) => format!(" ({n})"),
            _ => String::new(),
        };
        Some(
            Diagnostic::error(
                format!("Invalid {}", self.by),
                format!(
                    "{} = {id:?}{named} is not {}; {those} (see {}).",
                    self.by, fits.what, fits.see
                ),
            )
            .at(AttrPath::attr(self.by)),
        )
    }

    /// The objects that may hold the limits: the listed items, or the elements of their `within`
    /// arrays.
    fn candidates(&self, items: &[Json]) -> Vec<Json> {
        match self.within {
            None => items.to_vec(),
            Some(field) => items
                .iter()
                .filter_map(|i| lookup(i, field).as_array())
                .flatten()
                .cloned()
                .collect(),
        }
    }

    /// Looks the limits up (shared per run) and checks `planned`. Unknown references are checked
    /// at apply's plan, when they are known.
    pub async fn check(&self, ctx: &Ctx<'_>, planned: &Object) -> Result<Diagnostics, Diagnostics> {
        let Some(id) = planned.get(self.by).and_then(Value::as_str) else {
            return Ok(Diagnostics::default());
        };
        let path = render_path(self.path, planned).map_err(|n| {
            Diagnostics::from(Diagnostic::error(
                format!("Missing {n}"),
                format!("Checking {} needs {n}.", self.by),
            ))
        })?;
        let items = cancellable(ctx, read_list(ctx, self.catalogue, &path, self.plural))
            .await?
            .map_err(|e| translate(&e, &format!("look up {}", self.by), None))?;
        let candidates = self.candidates(&items);
        let Some(limits) = SharedReads::find(&candidates, self.key, id) else {
            return Ok(Diagnostic::error(
                format!("Invalid {}", self.by),
                format!("{} = {id:?} names nothing the API lists at {path}.", self.by),
            )
            .at(AttrPath::attr(self.by))
            .into());
        };
        let name = match lookup(limits, "name") {
            Json::String(n) => format!("{} {n:?}", self.by),
            _ => format!("{} {id}", self.by),
        };
        if let Some(d) = self.misfit(id, limits, &candidates) {
            return Ok(d.into());
        }
        Ok(self.check_against(planned, limits, &name))
    }
}

/// An id that must be among the items of a list belonging to the parent of what another
/// attribute names: a system's `image_id` among the images of the region its `zone_id` is in
/// (`/regions/{parent}/images`). Only the API knows which images a region has.
#[derive(Clone, Debug)]
pub struct AmongCheck {
    /// The attribute checked (`image_id`).
    pub attribute: &'static str,
    /// The attribute naming an element of a parent (`zone_id`).
    pub by: &'static str,
    /// The parents' list (`/regions`, envelope `regions`) and the array field of each holding
    /// the `by` elements (`zones`). A `by` found in no parent is left to the check on `by`.
    pub parents: &'static str,
    pub parents_plural: &'static str,
    pub within: &'static str,
    /// The parent's name for the message (`region`).
    pub parent_noun: &'static str,
    /// The list of the parent the attribute must name an item of, `{parent}` its id
    /// (`/regions/{parent}/images`, envelope `systemimages`), and those items' name (`images`).
    pub path: &'static str,
    pub plural: &'static str,
    pub noun: &'static str,
    /// Both lists are catalogues ([`SharedReads::catalogue`]): read once per process.
    pub catalogue: bool,
}

/// The list at `path`, shared per process: kept across writes when the check declares it a
/// catalogue, so data sources over it and the plans of an apply read it once.
async fn read_list(ctx: &Ctx<'_>, catalogue: bool, path: &str, plural: &str) -> Result<Arc<Listing>, ApiError> {
    match catalogue {
        true => ctx.reads.catalogue(ctx.client, path, plural).await,
        false => ctx.reads.list(ctx.client, path, plural).await,
    }
}

impl AmongCheck {
    /// Looks both lists up (shared per run) and checks `planned`. Unknown values are checked at
    /// apply's plan, when they are known.
    pub async fn check(&self, ctx: &Ctx<'_>, planned: &Object) -> Result<Diagnostics, Diagnostics> {
        let (Some(id), Some(by)) = (
            planned.get(self.attribute).and_then(Value::as_str),
            planned.get(self.by).and_then(Value::as_str),
        ) else {
            return Ok(Diagnostics::default());
        };
        let action = format!("look up {}", self.attribute);
        let parents = cancellable(ctx, read_list(ctx, self.catalogue, self.parents, self.parents_plural))
            .await?
            .map_err(|e| translate(&e, &action, None))?;
        let parent = parents.iter().find(|p| {
            lookup(p, self.within)
                .as_array()
                .is_some_and(|elements| SharedReads::find(elements, "id", by).is_some())
        });
        let Some(parent_id) = parent.and_then(|p| id_text(lookup(p, "id"))) else {
            return Ok(Diagnostics::default());
        };
        let path = self.path.replace("{parent}", &parent_id);
        let items = cancellable(ctx, read_list(ctx, self.catalogue, &path, self.plural))
            .await?
            .map_err(|e| translate(&e, &action, None))?;
        if items.find("id", id).is_some() {
            return Ok(Diagnostics::default());
        }
        let parent_name = match parent.map(|p| lookup(p, "name")) {
            Some(Json::String(n)) => format!("{} {n:?}", self.parent_noun),
            _ => format!("{} {parent_id}", self.parent_noun),
        };
        let listed: Vec<String> = items
            .iter()
            .map(|i| match (lookup(i, "id"), lookup(i, "name")) {
                (id, Json::String(n)) => format!("{id} ({n})"),
                (id, _) => id.to_string(),
            })
            .collect();
        Ok(Diagnostic::error(
            format!("Invalid {}", self.attribute),
            format!(
                "{} = {id:?} is not one of the {} of {parent_name}, where {} {by:?} is: they are {}.",
                self.attribute,
                self.noun,
                self.by,
                if listed.is_empty() {
                    "none".to_string()
                } else {
                    listed.join(", ")
                }
            ),
        )
        .at(AttrPath::attr(self.attribute))
        .into())
    }
}

/// Ids that must name existing objects: an `organisation_id`, a system's `network_ids`, the
/// `team_ids` of an organisation. Each id is looked up with a GET of its object's item path
/// (shared per provider process); the object's 404 is an error on the attribute, so the plan
/// fails before anything is written. Only values known at plan and new to it are checked (a
/// create's, or a changed attribute's new ids): a refresh's plan asks nothing. A lookup that
/// says nothing about the object (403, 5xx, no answer) passes, logged: the apply decides, as it
/// would without the check, rather than a plan refusing an id that may well exist.
#[derive(Clone, Debug)]
pub struct ExistsCheck {
    /// The attribute: an id, or a set or list of ids (`organisation_id`, `network_ids`).
    pub attribute: &'static str,
    /// The item path of what an id names: `{value}` is the id, other placeholders come from the
    /// plan (`/organisations/{organisation_id}/teams/{value}`).
    pub path: &'static str,
    /// What an id names, for the message (`organisation`).
    pub noun: &'static str,
    /// What the object found must hold besides existing (a network the system's zone).
    pub holds: &'static [Holds],
}

/// A list of the object an [`ExistsCheck`] finds that must hold another attribute's value: a
/// network's `zones` must include the system's `zone_id`. An answer without the list passes (the
/// API did not say), as does a value unknown at plan.
#[derive(Clone, Copy, Debug)]
pub struct Holds {
    /// The list in the answer (`network.zones`) and the key of its items (`id`; a number, a
    /// numeric string or `{"id": …}`).
    pub list: &'static str,
    pub key: &'static str,
    /// The attribute whose value the list must hold (`zone_id`), and the list's name in the
    /// message (`zones`).
    pub attribute: &'static str,
    pub plural: &'static str,
}

impl ExistsCheck {
    /// The attributes the lookup needs besides the id: its path's (`organisation_id` for a team)
    /// and those the object must hold (`zone_id` for a network).
    pub fn depends_on(&self) -> impl Iterator<Item = &'static str> + '_ {
        placeholders(self.path)
            .filter(|p| *p != "value")
            .chain(self.holds.iter().map(|h| h.attribute))
    }

    /// Errors for the lists of `answer` that lack the value `planned` has for their attribute.
    fn check_holds(&self, planned: &Object, at: &AttrPath, id: &str, path: &str, answer: &Json) -> Diagnostics {
        let mut d = Diagnostics::default();
        for h in self.holds {
            let Some(want) = planned.get(h.attribute).and_then(Value::as_str) else {
                continue;
            };
            let Some(items) = lookup(answer, h.list).as_array() else {
                continue;
            };
            let have: Vec<String> = items.iter().filter_map(|i| id_text(lookup(i, h.key))).collect();
            if !have.iter().any(|v| v == want) {
                let listed = match have.is_empty() {
                    true => "none".to_string(),
                    false => have.join(", "),
                };
                d.push(
                    Diagnostic::error(
                        format!("Invalid {}", self.attribute),
                        format!(
                            "{}: {} {id} is not available in {} {want:?} (GET {path} lists {} {listed}).",
                            self.attribute, self.noun, h.attribute, h.plural
                        ),
                    )
                    .at(at.clone()),
                );
            }
        }
        d
    }

    /// The ids `value` holds, with the path of each element: an id, or the ids of a list or set
    /// (a set's elements have no path of their own). Unknown elements are left out.
    fn ids<'v>(&self, value: &'v Value) -> Vec<(AttrPath, &'v str)> {
        let at = || AttrPath::attr(self.attribute);
        match value {
            Value::String(s) => vec![(at(), s.as_str())],
            Value::List(items) => items
                .iter()
                .enumerate()
                .filter_map(|(i, e)| e.as_str().map(|s| (at().index(i), s)))
                .collect(),
            Value::Set(items) => items.iter().filter_map(|e| e.as_str().map(|s| (at(), s))).collect(),
            _ => Vec::new(),
        }
    }

    /// Checks the ids of `planned` that `prior` does not already hold (all of them when the path
    /// changes with it: another organisation's teams), all looked up together.
    pub async fn check(
        &self,
        ctx: &Ctx<'_>,
        prior: Option<&Object>,
        planned: &Object,
    ) -> Result<Diagnostics, Diagnostics> {
        let Some(value) = planned.get(self.attribute) else {
            return Ok(Diagnostics::default());
        };
        let known: Vec<&str> = match prior {
            Some(p) if self.depends_on().all(|a| p.get(a) == planned.get(a)) => p
                .get(self.attribute)
                .map(|v| self.ids(v).into_iter().map(|(_, id)| id).collect())
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        let new = self.ids(value).into_iter().filter(|(_, id)| !known.contains(id));
        let found = join_all(new.map(|(at, id)| self.look_up(ctx, planned, at, id))).await;
        let mut diags = Diagnostics::default();
        for d in found {
            diags.extend(d?);
        }
        Ok(diags)
    }

    /// One id: an error when the API says its object does not exist.
    async fn look_up(
        &self,
        ctx: &Ctx<'_>,
        planned: &Object,
        at: AttrPath,
        id: &str,
    ) -> Result<Diagnostics, Diagnostics> {
        let error = |detail: String| Diagnostic::error(format!("Invalid {}", self.attribute), detail).at(at.clone());
        if parse_api_id(id).is_none() {
            // Refused by validation before any plan check; said here too rather than looked up.
            return Ok(error(format!(
                "{}: {id:?} is not an id (a positive whole number such as \"1000\"){}.",
                self.attribute,
                id_hint(id)
            ))
            .into());
        }
        // The path's other placeholders unknown yet: checked at the apply's plan.
        let Ok(path) = render_path(&self.path.replace("{value}", id), planned) else {
            return Ok(Diagnostics::default());
        };
        match cancellable(ctx, ctx.reads.exists(ctx.client, &path)).await? {
            Existence::Found(answer) => Ok(self.check_holds(planned, &at, id, &path, &answer)),
            Existence::Missing(answer) => {
                Ok(error(format!("{}: no {} {id} ({answer}).", self.attribute, self.noun)).into())
            }
            Existence::Unanswered(why) => {
                tracing::debug!(attribute = self.attribute, %path, error = %why, "existence not known at plan; the apply decides");
                Ok(Diagnostics::default())
            }
            Existence::Misconfigured(e) => Ok(translate(&e, &format!("check {} = {id}", self.attribute), None)),
        }
    }
}

/// A rule over the planned object and the API object its path names (a record and its domain),
/// for what only that object knows. The object is read only when `when` says the plan needs it,
/// and at most once per provider process: a rule reads only what never changes in the object's
/// life (a domain's full name), so the answer is kept across writes. A lookup that fails says
/// nothing here; the apply decides, as it would without the check.
#[derive(Clone, Debug)]
pub struct ParentCheck {
    /// The object's item path, its placeholders from the plan (`/domains/{domain_id}`), and the
    /// key its answer holds it under (`domain`).
    pub path: &'static str,
    pub envelope: &'static str,
    /// The attributes the rule reads besides the path's placeholders.
    pub reads: &'static [&'static str],
    /// Whether the planned object needs the rule at all (a record name holding a dot): no request
    /// otherwise. Unknown values should answer false: the apply's plan checks them.
    pub when: fn(&Object) -> bool,
    /// The diagnostics for the planned object against the API's object.
    pub rule: fn(&Object, &Json) -> Diagnostics,
}

impl ParentCheck {
    pub async fn check(&self, ctx: &Ctx<'_>, planned: &Object) -> Result<Diagnostics, Diagnostics> {
        if !(self.when)(planned) {
            return Ok(Diagnostics::default());
        }
        // A parent created in the same apply: checked at the apply's plan.
        let Ok(path) = render_path(self.path, planned) else {
            return Ok(Diagnostics::default());
        };
        match cancellable(ctx, ctx.reads.lasting(ctx.client, &path)).await? {
            Ok(answer) => Ok((self.rule)(planned, lookup(&answer, self.envelope))),
            Err(e) => Ok(misconfigured(&e, &format!("read {path}")).unwrap_or_else(|| {
                tracing::debug!(%path, error = %e, "plan check's object not read; the apply decides");
                Diagnostics::default()
            })),
        }
    }
}

/// A value among the options an API answer lists for the object another attribute names: a
/// php `version` among those installed on the component's system group
/// (`/systemgroups/{systemgroup_id}/componenttypes/{type}/parameters/version/availableoptions`,
/// `{"version": ["8.1", 14]}`), a `limit_group` among its app's limit groups (the keys of
/// `/apps/{app_id}/rules`' `limits`). Checked only when the value and the path's placeholders
/// are known; a path that cannot be rendered (a placeholder null: the component is on a system,
/// not a group) asks nothing. A lookup that says nothing (403, 5xx, the object's 404: an
/// `ExistsCheck` says that one) or an answer without the list passes, logged: the apply decides.
#[derive(Clone, Debug)]
pub struct OptionsCheck {
    /// The attribute checked (`version`).
    pub attribute: &'static str,
    /// The answer listing the options, placeholders from the plan.
    pub path: &'static str,
    /// Where the answer lists them: an array of strings or numbers, or an object whose keys are
    /// the options (`version`, `limits`).
    pub list: &'static str,
    /// What the options are and whose, for the message, placeholders from the plan: `versions
    /// installed on system group {systemgroup_id}`.
    pub options: &'static str,
}

impl OptionsCheck {
    /// The options `answer` lists, as text; `None` when it does not list them.
    fn listed(&self, answer: &Json) -> Option<Vec<String>> {
        match lookup(answer, self.list) {
            Json::Array(items) => Some(
                items
                    .iter()
                    .filter_map(|v| match v {
                        Json::String(s) => Some(s.clone()),
                        Json::Number(n) => Some(n.to_string()),
                        _ => None,
                    })
                    .collect(),
            ),
            Json::Object(map) => Some(map.keys().cloned().collect()),
            _ => None,
        }
    }

    /// The diagnostics for `planned` against the answer read at `path`.
    pub fn check_against(&self, planned: &Object, answer: &Json, path: &str) -> Diagnostics {
        let Some(value) = planned.get(self.attribute).and_then(Value::as_str) else {
            return Diagnostics::default();
        };
        let Some(options) = self.listed(answer) else {
            return Diagnostics::default();
        };
        if options.iter().any(|o| o == value) {
            return Diagnostics::default();
        }
        let whose = self
            .options
            .split('{')
            .enumerate()
            .map(|(i, part)| match (i, part.split_once('}')) {
                (0, _) | (_, None) => part.to_string(),
                (_, Some((name, rest))) => {
                    let v = planned.get(name).and_then(Value::as_str).unwrap_or("?");
                    format!("{v}{rest}")
                }
            })
            .collect::<String>();
        let listed = match options.is_empty() {
            true => "there are none".to_string(),
            false => format!(
                "they are {}",
                options.iter().map(|o| format!("{o:?}")).collect::<Vec<_>>().join(", ")
            ),
        };
        Diagnostic::error(
            format!("Invalid {}", self.attribute),
            format!(
                "{} = {value:?} is not one of the {whose}: {listed} (GET {path}).",
                self.attribute
            ),
        )
        .at(AttrPath::attr(self.attribute))
        .into()
    }

    pub async fn check(&self, ctx: &Ctx<'_>, planned: &Object) -> Result<Diagnostics, Diagnostics> {
        if planned.get(self.attribute).and_then(Value::as_str).is_none() {
            return Ok(Diagnostics::default());
        }
        // A placeholder null or unknown: not this object's, or checked at the apply's plan.
        let Ok(path) = render_path(self.path, planned) else {
            return Ok(Diagnostics::default());
        };
        match cancellable(ctx, ctx.reads.exists(ctx.client, &path)).await? {
            Existence::Found(answer) => Ok(self.check_against(planned, &answer, &path)),
            Existence::Missing(why) | Existence::Unanswered(why) => {
                tracing::debug!(attribute = self.attribute, %path, error = %why, "options not known at plan; the apply decides");
                Ok(Diagnostics::default())
            }
            Existence::Misconfigured(e) => Ok(translate(&e, &format!("check {}", self.attribute), None)),
        }
    }
}

/// The keys of a map attribute must be parameters that an API catalogue declares for the value
/// of another attribute: a component's `parameters` against what `/appcomponenttypes` says its
/// `type` takes. Checked only when the map has keys (no request otherwise) and both are known.
#[derive(Clone, Debug)]
pub struct ParameterCheck {
    /// The map of strings checked (`parameters`).
    pub attribute: &'static str,
    /// The attribute whose value selects the catalogue entry (`type`).
    pub by: &'static str,
    /// The catalogue: an answer holding, under `envelope`, an object keyed by the `by` value
    /// (`/appcomponenttypes`, `appcomponenttypes`).
    pub path: &'static str,
    pub envelope: &'static str,
    /// Where an entry lists its parameters (`servicetype.parameters`): objects with `name`, `type`,
    /// and optionally `readonly` and `possibleValues`.
    pub parameters: &'static str,
    /// Parameters other attributes send, refused in the map: (parameter, attribute), such as
    /// `("pass", "password_wo")`.
    pub owned: &'static [(&'static str, &'static str)],
}

/// A catalogue's flag, as the API may spell it (`true`, `1`, `"1"`).
fn flag(v: &Json) -> bool {
    matches!(v, Json::Bool(true)) || number(v) == Some(1.0)
}

impl ParameterCheck {
    /// The diagnostics for `map` (the configured keys and values) against `entry`, the
    /// catalogue's entry for `kind`.
    pub fn check_against(
        &self,
        map: &std::collections::BTreeMap<String, Value>,
        entry: &Json,
        kind: &str,
    ) -> Diagnostics {
        let declared: &[Json] = lookup(entry, self.parameters).as_array().map_or(&[], Vec::as_slice);
        let name_of = |p: &Json| lookup(p, "name").as_str().map(str::to_string);
        let settable: Vec<String> = declared
            .iter()
            .filter(|p| !flag(lookup(p, "readonly")) && !is_secret(p))
            .filter_map(name_of)
            .filter(|n| !self.owned.iter().any(|(o, _)| o == n))
            .collect();
        let takes = match settable.is_empty() {
            true => format!("{} {kind:?} takes no parameters here.", self.by),
            false => format!("{} {kind:?} takes: {}.", self.by, settable.join(", ")),
        };
        let mut diags = Diagnostics::default();
        for (key, value) in map {
            let at = AttrPath::attr(self.attribute).key(key.clone());
            let error =
                |detail: String| Diagnostic::error(format!("Invalid {}", self.attribute), detail).at(at.clone());
            if let Some((_, owner)) = self.owned.iter().find(|(o, _)| o == key) {
                diags.push(error(format!(
                    "{}[{key:?}] is set with the `{owner}` attribute, not in `{}`.",
                    self.attribute, self.attribute
                )));
                continue;
            }
            let Some(param) = declared.iter().find(|p| name_of(p).as_deref() == Some(key)) else {
                diags.push(error(format!(
                    "{}[{key:?}]: no such parameter. {takes}",
                    self.attribute
                )));
                continue;
            };
            if flag(lookup(param, "readonly")) {
                diags.push(error(format!(
                    "{}[{key:?}] is read-only: the API sets it. {takes}",
                    self.attribute
                )));
                continue;
            }
            if is_secret(param) {
                // A map is stored in state and shown in plans: no place for a password.
                diags.push(error(format!(
                    "{}[{key:?}] is a password, which `{}` would keep in state; it cannot be set here.",
                    self.attribute, self.attribute
                )));
                continue;
            }
            let Some(value) = value.as_str() else { continue };
            let allowed: Vec<&str> = lookup(param, "possibleValues")
                .as_array()
                .map(|v| v.iter().filter_map(Json::as_str).collect())
                .unwrap_or_default();
            let allowed = match lookup(param, "type").as_str() {
                _ if !allowed.is_empty() => allowed,
                Some("boolean") => vec!["true", "false"],
                _ => continue,
            };
            if !allowed.contains(&value) {
                diags.push(error(format!(
                    "{}[{key:?}] = {value:?} is not a value of this parameter: it must be one of {}.",
                    self.attribute,
                    allowed.iter().map(|v| format!("{v:?}")).collect::<Vec<_>>().join(", ")
                )));
            }
        }
        diags
    }

    /// Reads the catalogue (shared per run) and checks the planned map. Nothing to check, or a
    /// value unknown until apply, costs no request. A failed lookup is an error, not a pass: the
    /// plan would otherwise promise an apply the API may refuse.
    pub async fn check(&self, ctx: &Ctx<'_>, planned: &Object) -> Result<Diagnostics, Diagnostics> {
        let Some(Value::Map(map)) = planned.get(self.attribute) else {
            return Ok(Diagnostics::default());
        };
        let Some(kind) = planned.get(self.by).and_then(Value::as_str) else {
            return Ok(Diagnostics::default());
        };
        if map.is_empty() {
            return Ok(Diagnostics::default());
        }
        let catalogue = cancellable(ctx, ctx.reads.object(ctx.client, self.path))
            .await?
            .map_err(|e| translate(&e, &format!("look up the parameters of {} {kind:?}", self.by), None))?;
        // Not `lookup`: a type name is a key as it is, dots and all.
        let entry = lookup(&catalogue, self.envelope).get(kind).unwrap_or(&Json::Null);
        if entry.is_null() {
            return Ok(Diagnostic::error(
                format!("Invalid {}", self.by),
                format!("{} = {kind:?} is not a type the API lists at {}.", self.by, self.path),
            )
            .at(AttrPath::attr(self.by))
            .into());
        }
        Ok(self.check_against(map, entry, kind))
    }
}

/// Whether a catalogue parameter holds a secret (`password-sha512`, `password-sha1`).
fn is_secret(param: &Json) -> bool {
    lookup(param, "type")
        .as_str()
        .is_some_and(|t| t.starts_with("password"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check() -> RangeCheck {
        RangeCheck {
            by: "configuration_id",
            path: "/systemproviderconfigurations",
            plural: "systemproviderConfigurations",
            within: None,
            key: "id",
            bounds: &[
                ("cpu", "minCpu", "maxCpu"),
                ("memory", "minMemory", "maxMemory"),
                ("disk", "minDisk", "maxDisk"),
            ],
            fits: None,
            catalogue: false,
        }
    }

    fn planned(cpu: i64, memory: i64, disk: i64) -> Object {
        [
            ("configuration_id".to_string(), Value::string("3")),
            ("cpu".to_string(), Value::int(cpu)),
            ("memory".to_string(), Value::int(memory)),
            ("disk".to_string(), Value::int(disk)),
        ]
        .into_iter()
        .collect()
    }

    #[test]
    fn values_outside_the_limits_are_errors_on_their_attributes() {
        // The API spells limits as numbers and as strings ("30.0").
        let limits = json!({"id": 3, "name": "Flexible", "minCpu": 1, "maxCpu": 8,
                            "minMemory": "1", "maxMemory": "32", "minDisk": "30.0", "maxDisk": null});
        let ok = check().check_against(&planned(2, 4, 60), &limits, "Flexible");
        assert!(!ok.has_errors(), "{ok:?}");
        let d = check().check_against(&planned(12, 0, 20), &limits, "configuration_id \"Flexible\"");
        let paths: Vec<_> = d.0.iter().map(|d| d.path.clone()).collect();
        assert_eq!(
            paths,
            vec![
                Some(AttrPath::attr("cpu")),
                Some(AttrPath::attr("memory")),
                Some(AttrPath::attr("disk"))
            ]
        );
        assert!(
            d.0[0].detail.contains("cpu = 12") && d.0[0].detail.contains("between 1 and 8"),
            "{}",
            d.0[0].detail
        );
        assert!(d.0[2].detail.contains("at least 30"), "{}", d.0[2].detail);
        // No maximum: a big disk passes.
        assert!(!check().check_against(&planned(2, 4, 5000), &limits, "x").has_errors());
    }

    #[test]
    fn a_fixed_size_is_named_as_one_value() {
        // Baremetal S: 8 CPUs exactly.
        let limits = json!({"id": 50, "minCpu": 8, "maxCpu": 8, "minMemory": "32.0", "maxMemory": "32.0"});
        let d = check().check_against(&planned(4, 32, 60), &limits, "configuration_id \"Baremetal S\"");
        assert_eq!(
            d.0[0].detail,
            "cpu = 4 is outside the limits of configuration_id \"Baremetal S\": it must be 8."
        );
    }

    #[test]
    fn an_object_that_does_not_fit_is_an_error_on_by_listing_those_that_do() {
        fn not_hardware(c: &Json) -> bool {
            !lookup(c, "externalId").as_str().is_some_and(|e| e.starts_with("hw_"))
        }
        let listed = vec![
            json!({"id": 42, "name": "Small", "externalId": "small", "minCpu": 1, "maxCpu": 1}),
            json!({"id": 45, "name": "Flexible", "externalId": "flexible"}),
            json!({"id": 50, "name": "Hardware S", "externalId": "hw_s", "minCpu": 8, "maxCpu": 8}),
            json!({"id": 60, "name": "Unsaid"}),
        ];
        let for_vms = RangeCheck {
            fits: Some(Fits {
                test: not_hardware,
                what: "a configuration for a vm",
                see: "data \"configurations\"",
            }),
            ..check()
        };
        let d = for_vms.misfit("50", &listed[2], &listed).expect("hardware is refused");
        assert_eq!(d.summary, "Invalid configuration_id");
        assert_eq!(d.path, Some(AttrPath::attr("configuration_id")));
        assert_eq!(
            d.detail,
            "configuration_id = \"50\" (Hardware S) is not a configuration for a vm; those that are: 42 (Small), 45 (Flexible), 60 (Unsaid) (see data \"configurations\")."
        );
        // What fits passes, and so does an object that does not say what it is for.
        assert!(for_vms.misfit("42", &listed[0], &listed).is_none());
        assert!(for_vms.misfit("60", &listed[3], &listed).is_none());
        // Without `fits`, anything listed may be named.
        assert!(check().misfit("50", &listed[2], &listed).is_none());
    }

    #[test]
    fn nested_limits_are_searched_in_every_item() {
        let regions = vec![
            json!({"id": 1, "zones": [{"id": 20, "maxCpu": 32}, {"id": 21, "maxCpu": 8}]}),
            json!({"id": 2, "zones": [{"id": 30, "maxCpu": 16}]}),
        ];
        let zones = RangeCheck {
            within: Some("zones"),
            ..check()
        };
        let found = zones.candidates(&regions);
        assert_eq!(
            SharedReads::find(&found, "id", "30"),
            Some(&json!({"id": 30, "maxCpu": 16}))
        );
        assert_eq!(SharedReads::find(&found, "id", "2"), None, "a region is no zone");
        assert_eq!(check().candidates(&regions), regions);
    }

    fn parameters() -> ParameterCheck {
        ParameterCheck {
            attribute: "parameters",
            by: "type",
            path: "/appcomponenttypes",
            envelope: "appcomponenttypes",
            parameters: "servicetype.parameters",
            owned: &[("pass", "password_wo")],
        }
    }

    /// The catalogue as the seed spells it (L16945): a map keyed by type name.
    fn catalogue() -> Json {
        json!({"appcomponenttypes": {
            "redis": {"servicetype": {"name": "redis", "parameters": [
                {"name": "user", "type": "username", "readonly": true},
                {"name": "pass", "type": "password-sha512", "readonly": false},
                {"name": "memory", "type": "select", "readonly": false, "possibleValues": ["64", "128"]},
                {"name": "persistent", "type": "boolean", "readonly": false},
                {"name": "admin_pass", "type": "password-sha1", "readonly": 0},
                {"name": "config", "type": "textarea"}
            ]}},
            "url": {"servicetype": {"name": "url", "parameters": []}}
        }})
    }

    fn map(pairs: &[(&str, Value)]) -> std::collections::BTreeMap<String, Value> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
    }

    #[test]
    fn parameters_must_be_settable_parameters_of_the_type() {
        let cat = catalogue();
        let redis = &cat["appcomponenttypes"]["redis"];
        let ok = map(&[
            ("memory", Value::string("128")),
            ("config", Value::string("maxclients 10")),
            // Unknown until apply: the key is checked now, the value at apply's plan.
            ("persistent", Value::Unknown),
        ]);
        let d = parameters().check_against(&ok, redis, "redis");
        assert!(!d.has_errors(), "{d:?}");
        let d = parameters().check_against(&map(&[("maxmemory", Value::Unknown)]), redis, "redis");
        assert_eq!(d.0.len(), 1, "{d:?}");
        assert_eq!(d.0[0].path, Some(AttrPath::attr("parameters").key("maxmemory")));
        assert!(
            d.0[0].detail.contains("no such parameter")
                && d.0[0]
                    .detail
                    .contains("type \"redis\" takes: memory, persistent, config."),
            "{}",
            d.0[0].detail
        );

        let bad = map(&[
            ("user", Value::string("me")),
            ("pass", Value::string("s3cret")),
            ("admin_pass", Value::string("s3cret")),
            ("memory", Value::string("1000")),
            ("persistent", Value::string("yes")),
        ]);
        let d = parameters().check_against(&bad, redis, "redis");
        let by_key = |k: &str| {
            d.0.iter()
                .find(|x| x.path == Some(AttrPath::attr("parameters").key(k)))
                .map(|x| x.detail.clone())
                .unwrap_or_default()
        };
        assert!(by_key("user").contains("read-only"), "{d:?}");
        assert!(by_key("pass").contains("`password_wo` attribute"), "{d:?}");
        assert!(by_key("admin_pass").contains("is a password"), "{d:?}");
        assert!(by_key("memory").contains("one of \"64\", \"128\""), "{d:?}");
        assert!(by_key("persistent").contains("one of \"true\", \"false\""), "{d:?}");
        assert_eq!(d.0.len(), 5);
        assert!(d.0.iter().all(|x| x.summary == "Invalid parameters"));

        let d = parameters().check_against(
            &map(&[("x", Value::string("1"))]),
            &cat["appcomponenttypes"]["url"],
            "url",
        );
        assert!(d.0[0].detail.contains("takes no parameters"), "{}", d.0[0].detail);
    }

    async fn check_with(
        api: &crate::framework::test_support::FakeApi,
        reads: &SharedReads,
        planned: &Object,
    ) -> Result<Diagnostics, Diagnostics> {
        let stop = tokio_util::sync::CancellationToken::new();
        let provider_config = Object::new();
        let ctx = Ctx {
            client: &api.client,
            stop: &stop,
            write_only: true,
            provider_config: &provider_config,
            reads,
        };
        PlanCheck::Parameters(parameters()).check(&ctx, None, planned).await
    }

    fn component(kind: Value, params: Value) -> Object {
        [("type".to_string(), kind), ("parameters".to_string(), params)]
            .into_iter()
            .collect()
    }

    #[tokio::test]
    async fn the_catalogue_is_read_once_and_only_for_parameters_that_are_set() {
        let api = crate::framework::test_support::FakeApi::start(|req| match req.path.as_str() {
            "/appcomponenttypes" => (200, catalogue()),
            _ => (404, json!({"code": 404, "message": "No route found"})),
        })
        .await;
        let reads = SharedReads::default();
        let redis = || Value::string("redis");
        let memory = |v: &str| Value::Map(map(&[("memory", Value::string(v))]));
        // Nothing to check, or not known yet: no request.
        for planned in [
            component(redis(), Value::Null),
            component(redis(), Value::Map(map(&[]))),
            component(redis(), Value::Unknown),
            component(Value::Unknown, memory("128")),
        ] {
            assert!(!check_with(&api, &reads, &planned).await.unwrap().has_errors());
        }
        assert!(api.lines().is_empty(), "{:?}", api.lines());
        assert!(!check_with(&api, &reads, &component(redis(), memory("64")))
            .await
            .unwrap()
            .has_errors());
        let d = check_with(&api, &reads, &component(redis(), memory("2")))
            .await
            .unwrap();
        assert!(d.0[0].detail.contains("\"2\" is not a value"), "{d:?}");
        let d = check_with(&api, &reads, &component(Value::string("php"), memory("64")))
            .await
            .unwrap();
        assert_eq!(d.0[0].path, Some(AttrPath::attr("type")), "{d:?}");
        assert_eq!(api.lines(), vec!["GET /appcomponenttypes"], "one read per run");
    }

    #[tokio::test]
    async fn an_image_must_be_one_of_its_zones_regions_images() {
        use crate::framework::test_support::page;
        let api = crate::framework::test_support::FakeApi::start(|req| {
            let regions = [
                json!({"id": 1, "name": "be", "zones": [{"id": 20}, {"id": 21}]}),
                json!({"id": 2, "name": "nl", "zones": [{"id": 30}]}),
            ];
            let be = [
                json!({"id": 12, "name": "ubuntu_2404lts_server"}),
                json!({"id": 14, "name": "debian_12_server"}),
            ];
            match req.path.as_str() {
                "/regions" => (200, page(req, "regions", &regions)),
                "/regions/1/images" => (200, page(req, "systemimages", &be)),
                "/regions/2/images" => (200, page(req, "systemimages", &[json!({"id": 22})])),
                _ => (404, json!({"code": 404, "message": "No route found"})),
            }
        })
        .await;
        let images = PlanCheck::Among(AmongCheck {
            attribute: "image_id",
            by: "zone_id",
            parents: "/regions",
            parents_plural: "regions",
            within: "zones",
            parent_noun: "region",
            path: "/regions/{parent}/images",
            plural: "systemimages",
            noun: "images",
            catalogue: true,
        });
        let parts = crate::framework::test_support::CtxParts::default();
        let ctx = parts.ctx(&api);
        let system = |image: Value, zone: &str| -> Object {
            [
                ("image_id".to_string(), image),
                ("zone_id".to_string(), Value::string(zone)),
            ]
            .into_iter()
            .collect()
        };
        let ok = images
            .check(&ctx, None, &system(Value::string("14"), "21"))
            .await
            .unwrap();
        assert!(!ok.has_errors(), "{ok:?}");
        // Unknown until apply, or a zone in no region (its own check says so): nothing to say.
        assert!(!images
            .check(&ctx, None, &system(Value::Unknown, "20"))
            .await
            .unwrap()
            .has_errors());
        assert!(!images
            .check(&ctx, None, &system(Value::string("12"), "99"))
            .await
            .unwrap()
            .has_errors());
        // nl's image in a be zone.
        let d = images
            .check(&ctx, None, &system(Value::string("22"), "20"))
            .await
            .unwrap();
        assert_eq!(d.0[0].path, Some(AttrPath::attr("image_id")));
        assert_eq!(
            d.0[0].detail,
            "image_id = \"22\" is not one of the images of region \"be\", where zone_id \"20\" is: they are 12 (ubuntu_2404lts_server), 14 (debian_12_server)."
        );
        // Catalogues: a write (an apply's create) forgets neither list.
        ctx.reads.invalidate();
        assert!(!images
            .check(&ctx, None, &system(Value::string("14"), "21"))
            .await
            .unwrap()
            .has_errors());
        // Each list read once (a read is its pages, offset after offset).
        let mut lines = api.lines();
        lines.dedup();
        assert_eq!(lines, vec!["GET /regions", "GET /regions/1/images"]);
    }

    #[tokio::test]
    async fn a_failed_lookup_is_an_error_not_a_pass() {
        let api =
            crate::framework::test_support::FakeApi::start(|_| (403, json!({"code": 403, "message": "Access denied"})))
                .await;
        let planned = component(
            Value::string("redis"),
            Value::Map(map(&[("memory", Value::string("64"))])),
        );
        let d = check_with(&api, &SharedReads::default(), &planned).await.unwrap_err();
        assert!(d.has_errors(), "{d:?}");
        assert!(
            d.0[0].detail.contains("GET /appcomponenttypes")
                && d.0[0].detail.contains("look up the parameters of type \"redis\""),
            "{d:?}"
        );
    }

    fn organisation() -> PlanCheck {
        PlanCheck::Exists(ExistsCheck {
            attribute: "organisation_id",
            path: "/organisations/{value}",
            noun: "organisation",
            holds: &[],
        })
    }

    fn networks() -> PlanCheck {
        PlanCheck::Exists(ExistsCheck {
            attribute: "network_ids",
            path: "/networks/{value}",
            noun: "network",
            holds: &[],
        })
    }

    fn teams() -> PlanCheck {
        PlanCheck::Exists(ExistsCheck {
            attribute: "team_ids",
            path: "/organisations/{organisation_id}/teams/{value}",
            noun: "team",
            holds: &[],
        })
    }

    fn ids(v: &[&str]) -> Value {
        Value::Set(v.iter().map(|i| Value::string(*i)).collect())
    }

    fn owned(org: Value, networks: Value, teams: Value) -> Object {
        [
            ("organisation_id".to_string(), org),
            ("network_ids".to_string(), networks),
            ("team_ids".to_string(), teams),
        ]
        .into_iter()
        .collect()
    }

    /// Organisation 7 with teams 5 and 6, networks 7 and 8; nothing else exists.
    async fn objects() -> crate::framework::test_support::FakeApi {
        crate::framework::test_support::FakeApi::start(|req| {
            let not_found = |what: &str| (404, json!({"code": 404, "message": format!("{what} not found")}));
            match req.path.as_str() {
                "/organisations/7" | "/organisations/7/teams/5" | "/organisations/7/teams/6" => (200, json!({})),
                "/networks/7" | "/networks/8" => (200, json!({"network": {"id": 7}})),
                p if p.starts_with("/organisations/7/teams/") => not_found("Team"),
                p if p.starts_with("/organisations/") => not_found("Organisation"),
                p if p.starts_with("/networks/") => not_found("Network"),
                _ => (404, json!({"code": 404, "message": "No route found"})),
            }
        })
        .await
    }

    #[tokio::test]
    async fn ids_that_name_nothing_are_errors_on_their_attribute() {
        let api = objects().await;
        let parts = crate::framework::test_support::CtxParts::default();
        let ctx = parts.ctx(&api);
        let checks = [organisation(), networks(), teams()];
        let planned = owned(Value::string("7"), ids(&["7", "998"]), ids(&["5", "997"]));
        let d = run_all(&checks, &ctx, None, &planned).await;
        let said: Vec<_> =
            d.0.iter()
                .map(|d| (d.path.clone(), d.summary.as_str(), d.detail.as_str()))
                .collect();
        assert_eq!(
            said,
            vec![
                (
                    Some(AttrPath::attr("network_ids")),
                    "Invalid network_ids",
                    "network_ids: no network 998 (GET /networks/998: 404 not found: Network not found)."
                ),
                (
                    Some(AttrPath::attr("team_ids")),
                    "Invalid team_ids",
                    "team_ids: no team 997 (GET /organisations/7/teams/997: 404 not found: Team not found)."
                ),
            ]
        );
        // A list's element is named by its index.
        let listed = PlanCheck::Exists(ExistsCheck {
            attribute: "network_ids",
            path: "/networks/{value}",
            noun: "network",
            holds: &[],
        });
        let planned = owned(
            Value::Null,
            Value::List(vec![Value::string("8"), Value::string("999")]),
            Value::Null,
        );
        let d = run_all(&[listed], &ctx, None, &planned).await;
        assert_eq!(d.0.len(), 1, "{d:?}");
        assert_eq!(d.0[0].path, Some(AttrPath::attr("network_ids").index(1)));

        // A missing organisation is said once, not again on each of its teams.
        let planned = owned(Value::string("999"), Value::Null, ids(&["5"]));
        let d = run_all(&checks, &ctx, None, &planned).await;
        assert_eq!(d.0.len(), 1, "{d:?}");
        assert_eq!(d.0[0].path, Some(AttrPath::attr("organisation_id")));
        assert_eq!(
            d.0[0].detail,
            "organisation_id: no organisation 999 (GET /organisations/999: 404 not found: Organisation not found)."
        );

        // Each object asked for once in the process, whoever asks and however often.
        let d = run_all(
            &checks,
            &ctx,
            None,
            &owned(Value::string("7"), ids(&["998"]), ids(&["5"])),
        )
        .await;
        assert_eq!(d.0.len(), 1, "{d:?}");
        let mut lines = api.lines();
        lines.sort();
        assert_eq!(
            lines,
            vec![
                "GET /networks/7",
                "GET /networks/8",
                "GET /networks/998",
                "GET /networks/999",
                "GET /organisations/7",
                "GET /organisations/7/teams/5",
                "GET /organisations/7/teams/997",
                "GET /organisations/999",
                "GET /organisations/999/teams/5",
            ]
        );
    }

    #[tokio::test]
    async fn a_network_outside_the_planned_zone_is_an_error_on_the_network() {
        let api = crate::framework::test_support::FakeApi::start(|req| match req.path.as_str() {
            "/networks/7" => (200, json!({"network": {"id": 7, "zones": [{"id": 20}, {"id": "21"}]}})),
            "/networks/9" => (200, json!({"network": {"id": 9, "zones": [{"id": 20}]}})),
            // The API did not say where it is available: nothing to check.
            "/networks/10" => (200, json!({"network": {"id": 10}})),
            _ => (404, json!({"code": 404, "message": "Network not found"})),
        })
        .await;
        let parts = crate::framework::test_support::CtxParts::default();
        let ctx = parts.ctx(&api);
        let check = [PlanCheck::Exists(ExistsCheck {
            attribute: "network_ids",
            path: "/networks/{value}",
            noun: "network",
            holds: &[Holds {
                list: "network.zones",
                key: "id",
                attribute: "zone_id",
                plural: "zones",
            }],
        })];
        let in_zone = |zone: Value| -> Object {
            let mut o = owned(Value::Null, ids(&["7", "9", "10"]), Value::Null);
            o.insert("zone_id".into(), zone);
            o
        };
        let d = run_all(&check, &ctx, None, &in_zone(Value::string("21"))).await;
        let said: Vec<_> = d.0.iter().map(|d| (d.path.clone(), d.detail.as_str())).collect();
        assert_eq!(
            said,
            vec![(
                Some(AttrPath::attr("network_ids")),
                "network_ids: network 9 is not available in zone_id \"21\" (GET /networks/9 lists zones 20)."
            )]
        );
        assert!(run_all(&check, &ctx, None, &in_zone(Value::string("20")))
            .await
            .0
            .is_empty());
        // A zone known only at apply: checked at the apply's plan.
        assert!(run_all(&check, &ctx, None, &in_zone(Value::Unknown)).await.0.is_empty());
        // Another zone for a planned system asks about its networks again (from what was read).
        let prior = in_zone(Value::string("20"));
        let d = run_all(&check, &ctx, Some(&prior), &in_zone(Value::string("21"))).await;
        assert_eq!(d.0.len(), 1, "{d:?}");
    }

    #[tokio::test]
    async fn only_known_values_new_to_the_plan_are_looked_up() {
        let api = objects().await;
        let parts = crate::framework::test_support::CtxParts::default();
        let ctx = parts.ctx(&api);
        let checks = [organisation(), networks(), teams()];
        let prior = owned(Value::string("999"), ids(&["997", "998"]), ids(&["996"]));
        // A refresh's plan: nothing changed, nothing asked (even of ids that no longer exist:
        // the apply sends none of them).
        assert!(run_all(&checks, &ctx, Some(&prior), &prior.clone()).await.0.is_empty());
        // Unknown until apply: checked at the apply's plan.
        let unknown = owned(Value::Unknown, Value::Unknown, Value::Set(vec![Value::Unknown]));
        assert!(run_all(&checks, &ctx, None, &unknown).await.0.is_empty());
        // Teams of an organisation not known yet: their path is not known either.
        assert!(
            run_all(&checks, &ctx, None, &owned(Value::Unknown, Value::Null, ids(&["5"])))
                .await
                .0
                .is_empty()
        );
        assert!(api.lines().is_empty(), "{:?}", api.lines());

        // A network added: only it is looked up.
        let planned = owned(Value::string("999"), ids(&["997", "998", "8"]), ids(&["996"]));
        assert!(run_all(&checks, &ctx, Some(&prior), &planned).await.0.is_empty());
        assert_eq!(api.lines(), vec!["GET /networks/8"]);

        // Another organisation: every team is new to it.
        let prior = owned(Value::string("7"), Value::Null, ids(&["5"]));
        let planned = owned(Value::string("8"), Value::Null, ids(&["5"]));
        let d = run_all(&checks, &ctx, Some(&prior), &planned).await;
        assert_eq!(d.0.len(), 1, "the organisation only: {d:?}");
        assert!(
            api.lines().contains(&"GET /organisations/8/teams/5".to_string()),
            "{:?}",
            api.lines()
        );
    }

    #[tokio::test]
    async fn a_lookup_that_says_nothing_of_the_object_lets_the_apply_decide() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let calls = std::sync::Arc::new(AtomicUsize::new(0));
        let count = calls.clone();
        let api = crate::framework::test_support::FakeApi::start(move |req| {
            count.fetch_add(1, Ordering::SeqCst);
            match req.path.as_str() {
                "/organisations/7" => (403, json!({"code": 403, "message": "Access denied"})),
                "/networks/7" => (503, json!({"code": 503, "message": "Maintenance"})),
                // The router's 404 (a wrong api_url) says nothing about the object.
                _ => (
                    404,
                    json!({"code": 404, "message": "No route found for \"GET /teams\""}),
                ),
            }
        })
        .await;
        let parts = crate::framework::test_support::CtxParts::default();
        let ctx = parts.ctx(&api);
        let checks = [organisation(), networks(), teams()];
        let planned = owned(Value::string("7"), ids(&["7"]), ids(&["5"]));
        for _ in 0..2 {
            let d = run_all(&checks, &ctx, None, &planned).await;
            assert!(d.0.is_empty(), "{d:?}");
        }
        assert_eq!(calls.load(Ordering::SeqCst), 3, "asked once each: {:?}", api.lines());
    }

    /// A rejected key says nothing about any object, and that the apply cannot succeed: the plan
    /// fails with the key's message rather than pass (a CI plan step going green on a wrong
    /// secret), whichever check met it.
    #[tokio::test]
    async fn a_rejected_key_fails_the_plan_rather_than_leave_it_to_the_apply() {
        let api =
            crate::framework::test_support::FakeApi::start(|_| (401, json!({"code": 401, "message": "Unauthorized"})))
                .await;
        let parts = crate::framework::test_support::CtxParts::default();
        let ctx = parts.ctx(&api);
        let said = |d: &Diagnostics, action: &str| {
            d.has_errors()
                && d.0.iter().all(|x| x.summary == "Level27 API key rejected")
                && d.0[0].detail.contains(&format!("while trying to {action}"))
                && d.0[0].detail.contains("LEVEL27_API_KEY")
        };
        let d = run_all(
            &[organisation()],
            &ctx,
            None,
            &owned(Value::string("7"), ids(&[]), ids(&[])),
        )
        .await;
        assert!(said(&d, "check organisation_id = 7"), "{d:?}");
        let d = run_all(&[parent()], &ctx, None, &child(Value::string("1"), "www.example.be")).await;
        assert!(said(&d, "read /parents/1"), "{d:?}");
    }

    #[tokio::test]
    async fn an_id_written_oddly_is_told_how_to_write_it_without_a_request() {
        let api = objects().await;
        let parts = crate::framework::test_support::CtxParts::default();
        let d = run_all(
            &[organisation()],
            &parts.ctx(&api),
            None,
            &owned(Value::string("007"), Value::Null, Value::Null),
        )
        .await;
        assert_eq!(
            d.0[0].detail,
            "organisation_id: \"007\" is not an id (a positive whole number such as \"1000\"); write it as \"7\"."
        );
        assert!(api.lines().is_empty(), "{:?}", api.lines());
    }

    #[tokio::test]
    async fn a_plan_that_changes_nothing_a_check_reads_asks_nothing() {
        let api = crate::framework::test_support::FakeApi::start(|req| {
            let items = [json!({"id": 3, "minCpu": 1, "maxCpu": 2})];
            (
                200,
                crate::framework::test_support::page(req, "systemproviderConfigurations", &items),
            )
        })
        .await;
        let parts = crate::framework::test_support::CtxParts::default();
        let ctx = parts.ctx(&api);
        let range = [PlanCheck::Range(check())];
        // Out of the limits since the API lowered them: nothing is sent, so nothing is said.
        let prior = planned(4, 4, 60);
        assert!(run_all(&range, &ctx, Some(&prior), &prior.clone()).await.0.is_empty());
        assert!(api.lines().is_empty(), "{:?}", api.lines());
        // A name change elsewhere in the object is no concern of the check either.
        let mut renamed = prior.clone();
        renamed.insert("name".into(), Value::string("other"));
        assert!(run_all(&range, &ctx, Some(&prior), &renamed).await.0.is_empty());
        assert!(api.lines().is_empty(), "{:?}", api.lines());
        // A resize is checked.
        let d = run_all(&range, &ctx, Some(&prior), &planned(3, 4, 60)).await;
        assert!(d.0[0].detail.contains("between 1 and 2"), "{d:?}");
    }

    /// A parent whose `label` a planned `name` must not end with (the shape of a record's check).
    fn parent() -> PlanCheck {
        PlanCheck::Parent(ParentCheck {
            path: "/parents/{parent_id}",
            envelope: "parent",
            reads: &["name"],
            when: |p| p.get("name").and_then(Value::as_str).is_some_and(|n| n.contains('.')),
            rule: |planned, parent| match (planned.get("name").and_then(Value::as_str), parent["label"].as_str()) {
                (Some(n), Some(l)) if n.ends_with(l) => Diagnostic::error("Invalid name", format!("{n} ends with {l}"))
                    .at(AttrPath::attr("name"))
                    .into(),
                _ => Diagnostics::default(),
            },
        })
    }

    fn child(parent_id: Value, name: &str) -> Object {
        [
            ("parent_id".to_string(), parent_id),
            ("name".to_string(), Value::string(name)),
        ]
        .into_iter()
        .collect()
    }

    #[tokio::test]
    async fn a_parent_is_read_once_per_process_and_only_when_the_rule_needs_it() {
        let api = crate::framework::test_support::FakeApi::start(|req| match req.path.as_str() {
            "/parents/1" => (200, json!({"parent": {"id": 1, "label": "example.be"}})),
            "/parents/2" => (503, json!({"code": 503, "message": "Maintenance"})),
            _ => (404, json!({"code": 404, "message": "Parent not found"})),
        })
        .await;
        let parts = crate::framework::test_support::CtxParts::default();
        let ctx = parts.ctx(&api);
        let checks = [parent()];
        // No dot: the rule cannot fail, nothing is read. A parent unknown until apply: neither.
        assert!(run_all(&checks, &ctx, None, &child(Value::string("1"), "www"))
            .await
            .0
            .is_empty());
        assert!(run_all(&checks, &ctx, None, &child(Value::Unknown, "www.example.be"))
            .await
            .0
            .is_empty());
        assert!(api.lines().is_empty(), "{:?}", api.lines());

        let d = run_all(&checks, &ctx, None, &child(Value::string("1"), "www.example.be")).await;
        assert_eq!(d.0.len(), 1, "{d:?}");
        assert_eq!(d.0[0].path, Some(AttrPath::attr("name")));
        assert_eq!(d.0[0].detail, "www.example.be ends with example.be");
        assert!(run_all(&checks, &ctx, None, &child(Value::string("1"), "a.b"))
            .await
            .0
            .is_empty());
        // Kept across writes: an apply's plans of many children read their parent once.
        parts.reads.invalidate();
        let d = run_all(&checks, &ctx, None, &child(Value::string("1"), "mail.example.be")).await;
        assert_eq!(d.0.len(), 1, "{d:?}");
        // A failed read (an outage, a parent that is gone) says nothing: the apply decides.
        assert!(
            run_all(&checks, &ctx, None, &child(Value::string("2"), "www.example.be"))
                .await
                .0
                .is_empty()
        );
        assert!(
            run_all(&checks, &ctx, None, &child(Value::string("3"), "www.example.be"))
                .await
                .0
                .is_empty()
        );
        assert_eq!(api.lines(), vec!["GET /parents/1", "GET /parents/2", "GET /parents/3"]);
        // Unchanged since the prior state: not even the rule runs.
        let prior = child(Value::string("1"), "www.example.be");
        assert!(run_all(&checks, &ctx, Some(&prior), &prior.clone()).await.0.is_empty());
    }

    fn versions() -> PlanCheck {
        PlanCheck::Options(OptionsCheck {
            attribute: "version",
            path: "/groups/{group_id}/types/{type}/versions",
            list: "version",
            options: "versions installed on group {group_id}",
        })
    }

    fn versioned(group: Value, kind: &str, version: Value) -> Object {
        [
            ("group_id".to_string(), group),
            ("type".to_string(), Value::string(kind)),
            ("version".to_string(), version),
        ]
        .into_iter()
        .collect()
    }

    #[tokio::test]
    async fn a_value_must_be_among_the_options_the_api_lists() {
        let api = crate::framework::test_support::FakeApi::start(|req| match req.path.as_str() {
            // The seed's example mixes strings and numbers.
            "/groups/3/types/php/versions" => (200, json!({"version": ["8.1", "8.2", 14]})),
            "/groups/4/types/php/versions" => (200, json!({"version": []})),
            // The API did not list them: nothing to check.
            "/groups/5/types/php/versions" => (200, json!({})),
            "/groups/6/types/php/versions" => (503, json!({"code": 503, "message": "Maintenance"})),
            "/groups/7/types/php/versions" => (403, json!({"code": 403, "message": "Access denied"})),
            _ => (404, json!({"code": 404, "message": "Systemgroup not found"})),
        })
        .await;
        let parts = crate::framework::test_support::CtxParts::default();
        let ctx = parts.ctx(&api);
        let checks = [versions()];
        for ok in ["8.2", "14"] {
            let d = run_all(
                &checks,
                &ctx,
                None,
                &versioned(Value::string("3"), "php", Value::string(ok)),
            )
            .await;
            assert!(d.0.is_empty(), "{ok}: {d:?}");
        }
        let d = run_all(
            &checks,
            &ctx,
            None,
            &versioned(Value::string("3"), "php", Value::string("7.4")),
        )
        .await;
        let said: Vec<_> =
            d.0.iter()
                .map(|d| (d.path.clone(), d.summary.as_str(), d.detail.as_str()))
                .collect();
        assert_eq!(
            said,
            vec![(
                Some(AttrPath::attr("version")),
                "Invalid version",
                "version = \"7.4\" is not one of the versions installed on group 3: they are \"8.1\", \"8.2\", \"14\" (GET /groups/3/types/php/versions)."
            )]
        );
        let d = run_all(
            &checks,
            &ctx,
            None,
            &versioned(Value::string("4"), "php", Value::string("8.2")),
        )
        .await;
        assert!(d.0[0].detail.contains("group 4: there are none ("), "{d:?}");
        // No list, an outage, no access, a group that does not exist (its own check says so), a
        // value or group unknown until apply, no group at all (on a system instead): all pass.
        for planned in [
            versioned(Value::string("5"), "php", Value::string("7.4")),
            versioned(Value::string("6"), "php", Value::string("7.4")),
            versioned(Value::string("7"), "php", Value::string("7.4")),
            versioned(Value::string("99"), "php", Value::string("7.4")),
            versioned(Value::string("3"), "php", Value::Unknown),
            versioned(Value::Unknown, "php", Value::string("7.4")),
            versioned(Value::Null, "php", Value::string("7.4")),
            versioned(Value::string("3"), "php", Value::Null),
        ] {
            let d = run_all(&checks, &ctx, None, &planned).await;
            assert!(d.0.is_empty(), "{planned:?}: {d:?}");
        }
        let mut lines = api.lines();
        lines.sort();
        assert_eq!(
            lines,
            vec![
                "GET /groups/3/types/php/versions",
                "GET /groups/4/types/php/versions",
                "GET /groups/5/types/php/versions",
                "GET /groups/6/types/php/versions",
                "GET /groups/7/types/php/versions",
                "GET /groups/99/types/php/versions",
            ],
            "each answer read once"
        );
        // Unchanged since the prior state (a refresh's plan): nothing asked, even of a value the
        // API no longer lists.
        let prior = versioned(Value::string("4"), "php", Value::string("8.2"));
        assert!(run_all(&checks, &ctx, Some(&prior), &prior.clone()).await.0.is_empty());
    }

    #[test]
    fn options_may_be_the_keys_of_an_object() {
        let groups = OptionsCheck {
            attribute: "limit_group",
            path: "/apps/{app_id}/rules",
            list: "limits",
            options: "limit groups of app {app_id}",
        };
        let planned: Object = [
            ("app_id".to_string(), Value::string("9")),
            ("limit_group".to_string(), Value::string("mailbox")),
        ]
        .into_iter()
        .collect();
        let answer = json!({"limits": {"database": {"max": 2}, "application": {"max": 2}}});
        let d = groups.check_against(&planned, &answer, "/apps/9/rules");
        assert_eq!(
            d.0[0].detail,
            "limit_group = \"mailbox\" is not one of the limit groups of app 9: they are \"database\", \"application\" (GET /apps/9/rules)."
        );
        let mut fine = planned.clone();
        fine.insert("limit_group".into(), Value::string("database"));
        assert!(groups.check_against(&fine, &answer, "/apps/9/rules").0.is_empty());
    }
}
