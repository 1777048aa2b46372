//! Sets reconciled through link endpoints: a system's `network_ids` are not a field its PUT
//! takes, they are links made with `POST /systems/{id}/networks {"network": 7}` and removed with
//! `DELETE /systems/{id}/networks/{systemHasNetworkId}`. Team membership is the same pattern
//! with other paths ([`super::membership`] uses [`apply_difference`]).
//!
//! Declared per resource ([`Links`]): the attribute is an optional+computed set of ids (left
//! out: not managed); it is sent on create through the create form's field where there is one,
//! read back from the object, and on change only the difference is added and removed, so a link
//! the change does not touch is never detached.

use super::ctx::{cancellable, Ctx};
use super::diag::{AttrPath, Diagnostic, Diagnostics};
use super::errors::translate;
use super::mapping::lookup;
use super::membership::{difference, ids};
use super::paths::render_path;
use super::value::{Object, Value};
use serde_json::{Map, Value as Json};
use std::collections::BTreeSet;
use std::future::Future;

/// How the link to remove is addressed.
#[derive(Clone, Debug)]
pub enum LinkId {
    /// By the member's own id: `{member}` in the remove path.
    Member,
    /// By the link's own id (`{link}` in the remove path), found in a list of the object's links:
    /// the item whose `member` field is the member; its `id` field.
    Listed {
        path: &'static str,
        plural: &'static str,
        member: &'static str,
        id: &'static str,
    },
}

#[derive(Clone, Debug)]
pub struct Links {
    /// The set-of-ids attribute (`network_ids`).
    pub attribute: &'static str,
    /// The create form's field taking the ids as an array of numbers (`autoNetworks`), if any.
    pub create_field: Option<&'static str>,
    /// POST path adding one member (`{attribute}` placeholders from state, `{member}` the id).
    pub add: &'static str,
    /// The POST body's field holding the member's id (`network` → `{"network": 7}`).
    pub body: &'static str,
    /// DELETE path removing one member (`{member}` or `{link}`, see [`LinkId`]).
    pub remove: &'static str,
    pub link_id: LinkId,
    /// Where the object's answer lists its members: the array field and, in each item, the
    /// member's id (`networks`, `networkId`).
    pub read: (&'static str, &'static str),
}

/// Adds then removes the difference between `before` and `after` with the given requests.
/// Nothing is sent when `after` is null (not managed) or unknown; returns whether anything was.
pub async fn apply_difference<A, R, FA, FR>(
    before: &Value,
    after: &Value,
    mut add: A,
    mut remove: R,
) -> Result<bool, Diagnostics>
where
    A: FnMut(String) -> FA,
    R: FnMut(String) -> FR,
    FA: Future<Output = Result<(), Diagnostics>>,
    FR: Future<Output = Result<(), Diagnostics>>,
{
    if after.is_null() || after.contains_unknown() {
        return Ok(false);
    }
    let (added, removed) = difference(before, after);
    if added.is_empty() && removed.is_empty() {
        return Ok(false);
    }
    for member in added {
        add(member).await?;
    }
    for member in removed {
        remove(member).await?;
    }
    Ok(true)
}

/// Numbers where the id is one (the API's ids are JSON numbers), text otherwise.
fn id_json(id: &str) -> Json {
    id.parse::<u64>()
        .map_or_else(|_| Json::String(id.to_string()), Json::from)
}

fn id_text(v: &Json) -> Option<String> {
    match v {
        Json::Number(n) => Some(n.to_string()),
        Json::String(s) if !s.is_empty() => Some(s.clone()),
        Json::Object(_) => id_text(lookup(v, "id")),
        _ => None,
    }
}

/// `template` with `{name}` (a value, not an attribute) replaced, then rendered from `state`.
fn fill(template: &str, name: &str, value: &str, state: &Object) -> Result<String, Diagnostics> {
    let mut with = state.clone();
    with.insert(name.to_string(), Value::string(value));
    render_path(template, &with).map_err(|n| {
        Diagnostics::from(Diagnostic::error(
            format!("Missing {n}"),
            format!("Linking needs {n} to address the object."),
        ))
    })
}

impl Links {
    /// The create body's field for the planned members, when the create form takes one.
    pub fn create_body(&self, planned: &Object) -> Option<(&'static str, Json)> {
        let field = self.create_field?;
        let v = planned.get(self.attribute)?;
        if v.is_null() || v.contains_unknown() {
            return None;
        }
        Some((field, Json::Array(ids(v).iter().map(|i| id_json(i)).collect())))
    }

    /// The members as the object's answer lists them.
    pub fn read(&self, obj: &Json) -> Value {
        let (field, member) = self.read;
        let found: BTreeSet<String> = match lookup(obj, field) {
            Json::Array(items) => items.iter().filter_map(|i| id_text(lookup(i, member))).collect(),
            _ => BTreeSet::new(),
        };
        Value::Set(found.into_iter().map(Value::String).collect())
    }

    /// Links and unlinks so the members go from `before` to `after`, only the difference.
    /// `object` names the object in errors (`level27_vm 4200`).
    pub async fn reconcile(
        &self,
        ctx: &Ctx<'_>,
        state: &Object,
        object: &str,
        before: &Value,
        after: &Value,
    ) -> Result<bool, Diagnostics> {
        // The links' own ids, listed once, only when something is removed.
        let listed: std::sync::Mutex<Option<Vec<Json>>> = std::sync::Mutex::new(None);
        let changed = apply_difference(
            before,
            after,
            |member| async move {
                let path = fill(self.add, "member", &member, state)?;
                let mut body = Map::new();
                body.insert(self.body.to_string(), id_json(&member));
                let body = Json::Object(body);
                // A lost answer is looked up in the object's links: there, the member was added;
                // listed without it, the request never arrived and is sent once more.
                // Seed: silent on linking a network twice (L36120); the sandbox refuses it as
                // "already linked", the one plausible answer, so a repeat never links twice.
                let mut repeats = 1;
                loop {
                    let r = cancellable(ctx, ctx.client.post(&path, &body)).await?;
                    let e = match r {
                        Ok(_) => return Ok(()),
                        Err(e) => e,
                    };
                    if e.is_outcome_unknown() {
                        match self.is_linked(ctx, state, &member).await {
                            Some(true) => return Ok(()),
                            Some(false) if repeats > 0 => {
                                repeats -= 1;
                                continue;
                            }
                            _ => {}
                        }
                    }
                    let mut d = self.failed(&e, &format!("add {member} to {} of {object}", self.attribute));
                    if e.is_outcome_unknown() {
                        for x in d.0.iter_mut() {
                            x.detail.push_str(&format!(
                                " Running `terraform apply` again is safe: it reads {} first and adds only what is missing.",
                                self.attribute
                            ));
                        }
                    }
                    return Err(d);
                }
            },
            |member| {
                let listed = &listed;
                async move {
                    let path = match &self.link_id {
                        LinkId::Member => fill(self.remove, "member", &member, state)?,
                        LinkId::Listed {
                            path,
                            plural,
                            member: field,
                            id,
                        } => {
                            let known = listed.lock().ok().and_then(|l| l.clone());
                            let items = match known {
                                Some(items) => items,
                                None => {
                                    let list_path = fill(path, "member", &member, state)?;
                                    let items = cancellable(ctx, ctx.client.list(&list_path, plural, &[]))
                                        .await?
                                        .map_err(|e| {
                                            self.failed(&e, &format!("list the links of {object} to remove {member}"))
                                        })?;
                                    if let Ok(mut l) = listed.lock() {
                                        *l = Some(items.clone());
                                    }
                                    items
                                }
                            };
                            let link = items
                                .iter()
                                .find(|i| id_text(lookup(i, field)).as_deref() == Some(member.as_str()))
                                .and_then(|i| id_text(lookup(i, id)));
                            // Not linked any more: the goal is reached.
                            let Some(link) = link else { return Ok(()) };
                            fill(self.remove, "link", &link, state)?
                        }
                    };
                    match cancellable(ctx, ctx.client.delete(&path)).await? {
                        Ok(()) => Ok(()),
                        Err(e) if e.is_not_found() => Ok(()),
                        Err(e) => Err(self.failed(&e, &format!("remove {member} from {} of {object}", self.attribute))),
                    }
                }
            },
        )
        .await?;
        if changed {
            ctx.reads.invalidate();
        }
        Ok(changed)
    }

    /// Whether the object's list of links shows `member`; `None` when there is no such list or
    /// it cannot be read.
    async fn is_linked(&self, ctx: &Ctx<'_>, state: &Object, member: &str) -> Option<bool> {
        let LinkId::Listed {
            path,
            plural,
            member: field,
            ..
        } = &self.link_id
        else {
            return None;
        };
        let list_path = fill(path, "member", member, state).ok()?;
        let items = cancellable(ctx, ctx.client.list(&list_path, plural, &[]))
            .await
            .ok()?
            .ok()?;
        Some(
            items
                .iter()
                .any(|i| id_text(lookup(i, field)).as_deref() == Some(member)),
        )
    }

    fn failed(&self, e: &level27_client::Error, action: &str) -> Diagnostics {
        let mut d = translate(e, action, None);
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn set(ids: &[&str]) -> Value {
        Value::Set(ids.iter().map(|s| Value::string(*s)).collect())
    }

    fn networks() -> Links {
        Links {
            attribute: "network_ids",
            create_field: Some("autoNetworks"),
            add: "/systems/{id}/networks",
            body: "network",
            remove: "/systems/{id}/networks/{link}",
            link_id: LinkId::Listed {
                path: "/systems/{id}/networks",
                plural: "systemHasNetworks",
                member: "network.id",
                id: "id",
            },
            read: ("networks", "networkId"),
        }
    }

    #[test]
    fn members_are_sent_on_create_as_numbers_and_read_from_the_answer() {
        let planned: Object = [("network_ids".to_string(), set(&["9", "7"]))].into_iter().collect();
        assert_eq!(networks().create_body(&planned), Some(("autoNetworks", json!([7, 9]))));
        let unknown: Object = [("network_ids".to_string(), Value::Unknown)].into_iter().collect();
        assert_eq!(networks().create_body(&unknown), None);
        let obj = json!({"networks": [{"id": 420001, "networkId": 7}, {"id": 420002, "networkId": "9"}]});
        assert_eq!(networks().read(&obj), set(&["7", "9"]));
        assert_eq!(networks().read(&json!({"networks": []})), Value::Set(vec![]));
    }

    #[test]
    fn paths_take_the_member_or_the_link() {
        let state: Object = [("id".to_string(), Value::string("4200"))].into_iter().collect();
        assert_eq!(
            fill("/systems/{id}/networks", "member", "7", &state).unwrap(),
            "/systems/4200/networks"
        );
        assert_eq!(
            fill("/systems/{id}/networks/{link}", "link", "420001", &state).unwrap(),
            "/systems/4200/networks/420001"
        );
        assert!(fill("/x/{nope}", "member", "7", &state).is_err());
    }

    #[tokio::test]
    async fn a_refused_link_names_the_member_the_attribute_and_the_object() {
        use crate::framework::test_support::FakeApi;
        let api = FakeApi::start(|_| {
            let form = json!({"errors": [], "children": {"network": {"errors": ["This value is not valid."]}}});
            (
                400,
                json!({"code": 400, "message": "Validation Failed", "errors": form}),
            )
        })
        .await;
        let parts = crate::framework::test_support::CtxParts::default();
        let ctx = parts.ctx(&api);
        let state: Object = [("id".to_string(), Value::string("4200"))].into_iter().collect();
        let err = networks()
            .reconcile(&ctx, &state, "level27_vm 4200", &set(&["7"]), &set(&["7", "999"]))
            .await
            .unwrap_err();
        let d = &err.0[0];
        assert_eq!(d.summary, "Invalid value for network_ids");
        assert_eq!(d.path, Some(AttrPath::attr("network_ids")), "{d:?}");
        assert!(
            d.detail
                .starts_with("The Level27 API rejected the request to add 999 to network_ids of level27_vm 4200: This value is not valid."),
            "{d:?}"
        );
    }

    /// A link whose answer is lost after the API made it: the object's links show it, so the
    /// change is done, neither an "unknown outcome" error nor a second link request.
    #[tokio::test]
    async fn a_lost_link_the_object_lists_is_done() {
        use crate::framework::test_support::{FakeApi, DROP};
        use std::sync::{Arc, Mutex};
        let linked: Arc<Mutex<Vec<u64>>> = Arc::default();
        let l = linked.clone();
        let api = FakeApi::start(move |req| {
            let mut linked = l.lock().unwrap();
            match req.method.as_str() {
                "POST" => {
                    linked.push(req.body["network"].as_u64().unwrap_or_default());
                    (DROP, Json::Null)
                }
                _ => listed_links(&linked),
            }
        })
        .await;
        let r = link_network_7(&api).await;
        assert!(r.is_ok(), "{r:?}");
        assert_eq!(*linked.lock().unwrap(), vec![7], "linked once");
    }

    /// System 4200's network links as the API lists them.
    fn listed_links(linked: &[u64]) -> (u16, Json) {
        let items: Vec<Json> = linked
            .iter()
            .map(|n| json!({"id": 420_000 + n, "network": {"id": n}}))
            .collect();
        (200, json!({"systemHasNetworks": items, "total": items.len()}))
    }

    /// Links network 7 to system 4200, which has none, through `api`.
    async fn link_network_7(api: &crate::framework::test_support::FakeApi) -> Result<bool, Diagnostics> {
        let parts = crate::framework::test_support::CtxParts::default();
        let state: Object = [("id".to_string(), Value::string("4200"))].into_iter().collect();
        networks()
            .reconcile(&parts.ctx(api), &state, "level27_vm 4200", &set(&[]), &set(&["7"]))
            .await
    }

    /// A link request lost before the API saw it: the object's links lack the member, so it is
    /// sent once more, and linked once.
    #[tokio::test]
    async fn a_lost_link_the_object_does_not_list_is_sent_again() {
        use crate::framework::test_support::{FakeApi, DROP};
        use std::sync::{Arc, Mutex};
        let posts = Arc::new(Mutex::new((0, Vec::<u64>::new())));
        let p = posts.clone();
        let api = FakeApi::start(move |req| {
            let mut p = p.lock().unwrap();
            match req.method.as_str() {
                "POST" => {
                    p.0 += 1;
                    if p.0 == 1 {
                        return (DROP, Json::Null);
                    }
                    p.1.push(req.body["network"].as_u64().unwrap_or_default());
                    (201, json!({"systemHasNetwork": {"id": 420_007}}))
                }
                _ => listed_links(&p.1),
            }
        })
        .await;
        let r = link_network_7(&api).await;
        assert!(r.is_ok(), "{r:?}");
        assert_eq!(posts.lock().unwrap().1, vec![7], "linked once");
        assert_eq!(posts.lock().unwrap().0, 2, "sent again once");
    }

    #[tokio::test]
    async fn only_the_difference_is_requested_and_nothing_when_not_managed() {
        use std::sync::Mutex;
        let sent = Mutex::new(Vec::new());
        let run = |before: Value, after: Value| {
            let sent = &sent;
            async move {
                apply_difference(
                    &before,
                    &after,
                    |m| async move {
                        sent.lock().unwrap().push(format!("+{m}"));
                        Ok(())
                    },
                    |m| async move {
                        sent.lock().unwrap().push(format!("-{m}"));
                        Ok(())
                    },
                )
                .await
                .unwrap()
            }
        };
        assert!(run(set(&["7", "8"]), set(&["8", "9"])).await);
        assert_eq!(*sent.lock().unwrap(), vec!["+9", "-7"], "8 is untouched");
        sent.lock().unwrap().clear();
        assert!(!run(set(&["7"]), Value::Null).await, "left out: not managed");
        assert!(!run(set(&["7"]), Value::Unknown).await);
        assert!(!run(set(&["7"]), set(&["7"])).await);
        assert!(sent.lock().unwrap().is_empty());
    }
}
