//! Data sources derived from a resource spec: find one object by `id` or by a unique natural key
//! (a name), and expose the resource's attributes as computed values. Data sources over a whole
//! collection (`level27_teams`) are declared in `framework::list_datasource` and served through the
//! same type.

use super::codecs;
use super::config_check::validate_attributes;
use super::ctx::{cancellable, Ctx};
use super::diag::{AttrPath, Diagnostic, Diagnostics};
use super::errors::{parent_not_found, translate};
use super::list_datasource::ListDataSource;
use super::mapping::{attribute_from_api, lookup, state_from_api};
use super::paths::{render_path, unwrap_envelope};
use super::provider_defaults::apply_provider_defaults;
use super::resource::ResourceSpec;
use super::schema::{Attribute, Block, Mode, Schema};
use super::value::{Object, Type, Value};
use serde_json::Value as Json;

pub struct DataSource {
    pub type_name: &'static str,
    pub schema: Schema,
    pub ty: Type,
    pub(super) kind: Kind,
    /// Reads a catalogue ([`DataSource::catalogue`]).
    pub(super) catalogue: bool,
}

pub(super) enum Kind {
    /// One object by `id` or by a natural key.
    Lookup(Box<Lookup>),
    /// A collection endpoint, or an endpoint answering one bare object.
    List(ListDataSource),
}

pub(super) struct Lookup {
    spec: ResourceSpec,
    keys: &'static [&'static str],
    /// After a lookup by key, GET the matched item: list items can have a smaller shape than the
    /// item itself (domains, systems).
    get_matched: bool,
    /// No item endpoint (regions, configurations): a lookup by id finds it in the list too.
    in_list: bool,
    /// Key → query parameter, each sent when the key is set; `None`: the first key set is sent
    /// as the API's `filter`.
    query: Option<&'static [(&'static str, &'static str)]>,
    /// Keys that a lookup by key leaves out (or sets to `""`) to match objects where they are
    /// empty: a record's `name`, the apex.
    unset_means_empty: &'static [&'static str],
    /// The list data source that reads every match (`level27_domain_records`), named when a
    /// lookup matches several.
    all: Option<&'static str>,
    /// What a lookup by key that matched nothing may have got wrong, from the configuration
    /// (a record name written in full, where names are relative).
    no_match_hint: Option<fn(&Object) -> Option<String>>,
}

impl DataSource {
    /// `keys`: the attributes (besides `id`) that can identify the object, e.g. `["name"]`.
    pub fn from_resource(spec: ResourceSpec, description: &'static str, keys: &'static [&'static str]) -> DataSource {
        let mut lookup_keys: Vec<&str> = keys.to_vec();
        lookup_keys.push("id");
        let attributes = spec
            .attributes
            .iter()
            .filter(|a| !a.write_only)
            .map(|a| data_source_attribute(a, &lookup_keys))
            .map(|mut d| {
                // A required argument that is no parent in the path (an app's `plan_id`, never
                // answered) is nothing a lookup could take: it is read, as far as it can be.
                let parent = spec.endpoint.collection.contains(&format!("{{{}}}", d.name));
                let key = lookup_keys.contains(&d.name);
                if !key && !parent && (d.mode == Mode::Required || d.provider_default.is_some()) && d.api.read.is_some()
                {
                    // The organisation of a top-level object is read from it, not a parent.
                    d.mode = Mode::Computed;
                    d.provider_default = None;
                    d.validators.clear();
                } else if d.mode == Mode::Required && !parent {
                    d.mode = Mode::Computed;
                    d.validators.clear();
                }
                d
            })
            .collect();
        let schema = Schema {
            version: 0,
            block: Block {
                attributes,
                blocks: Vec::new(),
                description,
                deprecated: None,
            },
        };
        let ty = schema.block.value_type();
        DataSource {
            type_name: spec.type_name,
            schema,
            ty,
            catalogue: false,
            kind: Kind::Lookup(Box::new(Lookup {
                spec,
                keys,
                get_matched: false,
                in_list: false,
                query: None,
                unset_means_empty: &[],
                all: None,
                no_match_hint: None,
            })),
        }
    }

    /// A lookup by key reads the matched object with a GET of its item path, for APIs whose list
    /// items leave out fields the item has. Costs one request more per lookup by key.
    pub fn get_matched_item(mut self) -> DataSource {
        if let Kind::Lookup(l) = &mut self.kind {
            l.get_matched = true;
        }
        self
    }

    /// The list read is a catalogue: objects the API does not change during a run (regions,
    /// configurations). A read whose filters are all matched here reads the whole list once per
    /// provider process, kept across writes and shared with the plan checks declaring it so.
    pub fn catalogue(mut self) -> DataSource {
        self.catalogue = true;
        self
    }

    /// For objects the API only lists (no item endpoint): a lookup by id reads the list as a
    /// lookup by key does.
    pub fn find_in_list(mut self) -> DataSource {
        if let Kind::Lookup(l) = &mut self.kind {
            l.in_list = true;
        }
        self
    }

    /// A lookup by key sends these keys, when set, as these query parameters (`("type", "type")`,
    /// `("name", "filter")`) instead of the first key set as `filter`: for lists whose `filter`
    /// does not match every key (a record's type is its own parameter).
    pub fn query_keys(mut self, pairs: &'static [(&'static str, &'static str)]) -> DataSource {
        if let Kind::Lookup(l) = &mut self.kind {
            l.query = Some(pairs);
        }
        self
    }

    /// These keys, left out of a lookup by key (or set to `""`), match objects where they are
    /// null or `""` (a record's `name`: the apex) instead of matching anything.
    pub fn unset_means_empty(mut self, keys: &'static [&'static str]) -> DataSource {
        if let Kind::Lookup(l) = &mut self.kind {
            l.unset_means_empty = keys;
        }
        self
    }

    /// `list` reads all the objects a lookup may match: a lookup matching several names it.
    pub fn all_through(mut self, list: &'static str) -> DataSource {
        if let Kind::Lookup(l) = &mut self.kind {
            l.all = Some(list);
        }
        self
    }

    /// `hint` says, from the configuration, what a lookup that matched nothing may have got wrong.
    pub fn hint_when_none(mut self, hint: fn(&Object) -> Option<String>) -> DataSource {
        if let Kind::Lookup(l) = &mut self.kind {
            l.no_match_hint = Some(hint);
        }
        self
    }

    /// Every declaration problem (names that do not exist, placeholders without an attribute).
    pub fn check(&self) -> Result<(), Vec<String>> {
        match &self.kind {
            Kind::Lookup(l) => {
                let mut problems = l.spec.check().err().unwrap_or_default();
                let declared = l.query.unwrap_or_default().iter().map(|(k, _)| k);
                for k in declared.chain(l.unset_means_empty) {
                    if !l.keys.contains(k) {
                        problems.push(format!(
                            "{}: {k} is used by the lookup but is not one of its keys",
                            self.type_name
                        ));
                    }
                }
                if problems.is_empty() {
                    Ok(())
                } else {
                    Err(problems)
                }
            }
            Kind::List(l) => l.check(),
        }
    }

    pub fn validate(&self, config: &Object) -> Diagnostics {
        match &self.kind {
            Kind::Lookup(l) => l.validate(self.type_name, &self.schema.block, config),
            Kind::List(_) => validate_attributes(&self.schema.block, config),
        }
    }

    pub async fn read(&self, ctx: &Ctx<'_>, config: &Object) -> Result<Object, Diagnostics> {
        let mut with_defaults = config.clone();
        apply_provider_defaults(&self.schema.block, config, ctx.provider_config, &mut with_defaults)?;
        let config = &with_defaults;
        let diags = self.validate(config);
        if diags.has_errors() {
            return Err(diags);
        }
        match &self.kind {
            Kind::Lookup(l) => {
                l.read(ctx, self.type_name, &self.schema.block, config, self.catalogue)
                    .await
            }
            Kind::List(l) => l.read(ctx, &self.schema.block, config, self.catalogue).await,
        }
    }
}

impl Lookup {
    fn key_description(&self) -> String {
        std::iter::once("id")
            .chain(self.keys.iter().copied())
            .collect::<Vec<_>>()
            .join(" or ")
    }

    fn validate(&self, type_name: &str, block: &Block, config: &Object) -> Diagnostics {
        let mut diags = validate_attributes(block, config);
        let set: Vec<&str> = std::iter::once("id")
            .chain(self.keys.iter().copied())
            .filter(|k| config.get(*k).is_some_and(|v| !v.is_null()))
            .collect();
        if set.is_empty() {
            diags.push(Diagnostic::error(
                "Missing lookup argument",
                format!("data.{type_name} needs {} to find the object.", self.key_description()),
            ));
        } else if set.len() > 1 && set.contains(&"id") {
            diags.push(
                Diagnostic::error(
                    "Conflicting lookup arguments",
                    format!("Set either id or {}, not both.", self.keys.join("/")),
                )
                .at(AttrPath::attr("id")),
            );
        }
        diags
    }

    async fn read(
        &self,
        ctx: &Ctx<'_>,
        type_name: &str,
        block: &Block,
        config: &Object,
        catalogue: bool,
    ) -> Result<Object, Diagnostics> {
        let action = format!("read data.{type_name}");
        let not_found = |what: String| -> Diagnostics {
            Diagnostic::error(format!("No {type_name} found"), format!("No object matches {what}.")).into()
        };
        let path_err = |name: String| -> Diagnostics {
            Diagnostic::error(format!("Missing {name}"), format!("data.{type_name} needs {name}.")).into()
        };
        // The object at its item path, or the not-found error naming `what` was looked for.
        let get_item = |state: &Object, what: String| {
            let path = render_path(self.spec.endpoint.item, state).map_err(path_err);
            let action = &action;
            async move {
                match cancellable(ctx, ctx.client.get(&path?)).await? {
                    Ok(r) => Ok(unwrap_envelope(&r, self.spec.endpoint.singular).clone()),
                    Err(e) if e.is_not_found() => Err(not_found(what)),
                    Err(e) => Err(translate(&e, action, Some(block))),
                }
            }
        };

        // The parents searched (` in organisation_id = "1000"`): one that defaults to the
        // provider's argument is easily another than the reader has in mind.
        let within: String = super::paths::placeholders(self.spec.endpoint.collection)
            .filter_map(|p| {
                Some(format!(
                    " in {p} = {}",
                    config.get(p).filter(|v| !v.is_null())?.display()
                ))
            })
            .collect();
        let by_id = config.get("id").is_some_and(|v| !v.is_null());
        let object: Json = if by_id && !self.in_list && !self.spec.object_in_list_only {
            get_item(config, format!("id = {}{within}", config["id"].display())).await?
        } else {
            let collection = render_path(self.spec.endpoint.collection, config).map_err(path_err)?;
            // An object only its list describes is found there by id as well.
            let keys: &[&str] = if by_id { &["id"] } else { self.keys };
            // Keys that, unset, match only objects where they are empty (the apex's name).
            let empty = |v: Option<&Value>| v.is_none_or(|v| v.is_null() || v.as_str() == Some(""));
            let empties: Vec<&str> = if by_id {
                Vec::new()
            } else {
                self.unset_means_empty
                    .iter()
                    .copied()
                    .filter(|k| empty(config.get(*k)))
                    .collect()
            };
            // `id` narrows a name lookup too; by id it is the key already, named once.
            let wanted: Vec<(&str, &Value)> = keys
                .iter()
                .chain(std::iter::once(&"id").filter(|_| !by_id))
                .filter(|k| !empties.contains(k))
                .filter_map(|k| Some((*k, config.get(*k).filter(|v| !v.is_null())?)))
                .collect();
            let text = |v: &Value| v.as_str().filter(|s| !s.is_empty()).map(str::to_string);
            let query: Vec<(&str, String)> = match self.query {
                _ if by_id => Vec::new(),
                Some(pairs) => pairs
                    .iter()
                    .filter(|(k, _)| !empties.contains(k))
                    .filter_map(|(k, q)| Some((*q, codecs::as_filter(block.attribute(k), text(config.get(*k)?)?))))
                    .collect(),
                None => wanted
                    .first()
                    .and_then(|(k, v)| Some(codecs::as_filter(block.attribute(k), text(v)?)))
                    .map(|f| ("filter", f))
                    .into_iter()
                    .collect(),
            };
            // Every item is matched below on every key the query carries: a whole list this
            // process read already (a refresh's) answers as well as a filtered one from the API.
            let local = by_id
                || self
                    .query
                    .is_none_or(|pairs| pairs.iter().all(|(k, _)| keys.contains(k)));
            let plural = self.spec.endpoint.plural;
            let failed = |e: &level27_client::Error| {
                parent_not_found(e, self.spec.endpoint.collection, config, &action)
                    .unwrap_or_else(|| translate(e, &action, Some(block)))
            };
            // A catalogue is read whole, once per process; another list whole only if this
            // process read it already, else filtered by the API.
            let catalogued = match local && catalogue {
                true => Some(
                    cancellable(ctx, ctx.reads.catalogue(ctx.client, &collection, plural))
                        .await?
                        .map_err(|e| failed(&e))?,
                ),
                false => ctx.reads.cached(&collection, plural).filter(|_| local),
            };
            let items = match catalogued {
                Some(listing) => listing.to_vec(),
                None => cancellable(ctx, ctx.client.list(&collection, plural, &query))
                    .await?
                    .map_err(|e| failed(&e))?,
            };
            // The items of this kind that match, exactly or (`loosely`) ignoring case.
            let matching = |loosely: bool| -> Vec<(Json, Object)> {
                items
                    .iter()
                    .filter_map(|item| {
                        // A collection shared by several resource types (`/systems`): only this kind.
                        let kind = self.spec.kind.as_ref();
                        if kind.is_some_and(|k| lookup(item, k.field).as_str().is_some_and(|v| v != k.value)) {
                            return None;
                        }
                        let s = state_from_api(block, item, &Object::new());
                        // Equal, or the same under the attribute's normaliser (`WWW` is `www`).
                        let same = |k: &str, want: &Value| {
                            let got = s.get(k).unwrap_or(&Value::Null);
                            got == want
                                || block.attribute(k).is_some_and(|a| codecs::respelt(a, want, got, &s))
                                || (loosely
                                    && matches!((got.as_str(), want.as_str()), (Some(g), Some(w)) if g.to_lowercase() == w.to_lowercase()))
                        };
                        let hit = wanted.iter().all(|(k, v)| same(k, v)) && empties.iter().all(|k| empty(s.get(*k)));
                        hit.then(|| (item.clone(), s))
                    })
                    .collect()
            };
            let (mut matches, states): (Vec<Json>, Vec<Object>) = matching(false).into_iter().unzip();
            let what = wanted
                .iter()
                .map(|(k, v)| format!("{k} = {}", v.display()))
                .chain(empties.iter().map(|k| format!("{k} empty")))
                .collect::<Vec<_>>()
                .join(", ")
                + &within;
            let matched = match matches.len() {
                // Names are exact (`Flexible`, not `flexible`); one in another case is suggested.
                0 => {
                    let suggestion = matching(true).into_iter().next().map(|(_, s)| {
                        wanted
                            .iter()
                            .map(|(k, _)| format!("{k} = {}", s.get(*k).unwrap_or(&Value::Null).display()))
                            .collect::<Vec<_>>()
                            .join(", ")
                    });
                    return Err(match suggestion {
                        Some(near) => Diagnostic::error(
                            format!("No {type_name} found"),
                            format!("No object matches {what}. Lookups compare exactly, case included: did you mean {near}?"),
                        )
                        .into(),
                        None => {
                            let mut d = not_found(what);
                            if let Some(hint) = self.no_match_hint.and_then(|h| h(config)) {
                                for x in d.0.iter_mut() {
                                    x.detail.push_str(&format!(" {hint}"));
                                }
                            }
                            d
                        }
                    });
                }
                1 => matches.remove(0),
                n => {
                    let ids: Vec<String> = matches.iter().map(|m| lookup(m, "id").to_string()).collect();
                    // The keys left out whose values tell the matches apart would narrow it
                    // (two plans of one name in one organisation: not `organisation_id`); `id`
                    // always does.
                    let differs = |k: &str| {
                        let first = states.first().and_then(|s| s.get(k));
                        states.iter().any(|s| s.get(k) != first)
                    };
                    let unset: Vec<&str> = self
                        .keys
                        .iter()
                        .copied()
                        .filter(|k| !empties.contains(k) && !wanted.iter().any(|(w, _)| w == k) && differs(k))
                        .collect();
                    let mut narrow = match unset.as_slice() {
                        [] => "set id to pick one".to_string(),
                        keys => format!("set {} too, or id, to pick one", keys.join(" or ")),
                    };
                    if let Some(list) = self.all {
                        narrow.push_str(&format!(", or read them all with data \"{list}\""));
                    }
                    return Err(Diagnostic::error(
                        format!("{n} objects match"),
                        format!(
                            "{n} {type_name} objects match {what} (ids {}); {narrow}.",
                            ids.join(", ")
                        ),
                    )
                    .into());
                }
            };
            if self.get_matched {
                // The item path's placeholders: the parents from the configuration, the id from
                // the match.
                let found = state_from_api(block, &matched, config);
                get_item(&found, what).await?
            } else {
                matched
            }
        };
        if let Some(k) = &self.spec.kind {
            k.check_data(&object, type_name, &lookup(&object, "id").to_string())?;
        }
        // Path parents (organisation_id) come from the configuration; what the engine reads for
        // a resource (links, desired states) is read the same way.
        let mut state = state_from_api(block, &object, config);
        for l in &self.spec.links {
            state.insert(l.attribute.to_string(), l.read(&object));
        }
        for d in &self.spec.desired_states {
            state.insert(d.attribute.to_string(), d.read(&object));
        }
        read_via_lists(ctx, type_name, block, &mut state).await?;
        super::resource::infer(ctx, block, &mut state, &action).await?;
        // Team membership is read as the resource reads it (the object's `teams`, or its endpoint).
        if let Some(m) = &self.spec.membership {
            let teams = m.read(ctx, &object, &state).await?;
            state.insert(m.attribute.to_string(), teams);
        }
        Ok(state)
    }
}

/// Values only another list holds (`read_via`), read as a resource reads them: one shared read
/// of each list, the item whose key is the state's `by` attribute. A key the state lacks, or no
/// such item, leaves the attribute as it is.
pub(super) async fn read_via_lists(
    ctx: &Ctx<'_>,
    type_name: &str,
    block: &Block,
    state: &mut Object,
) -> Result<(), Diagnostics> {
    let action = format!("read data.{type_name}");
    for a in block.attributes.iter() {
        let Some(source) = a.api.via else { continue };
        let Some(key) = state.get(source.by).and_then(Value::as_str).map(str::to_string) else {
            continue;
        };
        let path = render_path(source.path, state).map_err(|name| {
            Diagnostics::from(Diagnostic::error(
                format!("Missing {name}"),
                format!("data.{type_name} needs {name}."),
            ))
        })?;
        let items = cancellable(ctx, ctx.reads.source(ctx.client, &path, source))
            .await?
            .map_err(|e| translate(&e, &action, Some(block)))?;
        if let Some(item) = items.find(source.key, &key) {
            state.insert(a.name.to_string(), attribute_from_api(a, item, &Value::Null));
        }
    }
    Ok(())
}

/// Re-declares a resource attribute for a data source: everything computed, except the lookup
/// keys (optional) and the parents in the path (required, as in the resource).
pub fn data_source_attribute(a: &Attribute, lookup_keys: &[&str]) -> Attribute {
    let mut d = a.clone();
    d.description = a.data_description.unwrap_or(a.description);
    d.validators.clear();
    d.default = None;
    d.requires_replace = false;
    d.changes_on_update = false;
    if lookup_keys.contains(&a.name) {
        d.mode = Mode::OptionalComputed;
        d.validators = a.validators.clone();
        // A key narrows only when set: the provider's default organisation would hide the
        // objects of the others.
        d.provider_default = None;
    } else if a.api.read.is_none() && (a.mode == Mode::Required || a.provider_default.is_some()) {
        // A parent in the path (organisation_id): an input, as in the resource.
        d.mode = a.mode;
        d.validators = a.validators.clone();
    } else {
        // Read from the object (a contact's `organisation.id`): nothing to default.
        d.mode = Mode::Computed;
        d.provider_default = None;
    }
    // What a data source reads is computed at every depth: the configuration sets no element.
    if d.mode == Mode::Computed {
        if let Some(n) = d.nested.as_mut() {
            n.attributes.iter_mut().for_each(computed_only);
        }
    }
    d
}

pub(super) fn computed_only(a: &mut Attribute) {
    a.description = a.data_description.unwrap_or(a.description);
    a.mode = Mode::Computed;
    a.validators.clear();
    a.default = None;
    a.requires_replace = false;
    a.changes_on_update = false;
    if let Some(n) = a.nested.as_mut() {
        n.attributes.iter_mut().for_each(computed_only);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::test_support::*;
    use serde_json::json;

    /// Organisations whose list items are smaller than the item: the list leaves `city` out.
    async fn api() -> FakeApi {
        FakeApi::start(|req| {
            let items: Vec<Json> = (1..=7)
                .map(|i| json!({"id": i, "name": format!("org {i}"), "taxNumber": format!("BE{i}")}))
                .collect();
            match req.path.as_str() {
                "/organisations" => (200, page(req, "organisations", &items)),
                "/organisations/7" => (
                    200,
                    json!({"organisation": {"id": 7, "name": "org 7", "taxNumber": "BE7", "city": "Gent"}}),
                ),
                _ => (404, json!({"message": "Organisation not found"})),
            }
        })
        .await
    }

    async fn by_name(ds: &DataSource, api: &FakeApi, name: &str) -> Result<Object, Diagnostics> {
        read_data(ds, api, &[("name", Value::string(name))]).await
    }

    fn organisation() -> DataSource {
        DataSource::from_resource(crate::resources::organisation::spec(), "d", &["name"])
    }

    #[tokio::test]
    async fn a_lookup_by_name_gets_the_matched_item_when_declared() {
        let api = api().await;
        let state = by_name(&organisation().get_matched_item(), &api, "org 7")
            .await
            .unwrap();
        assert_eq!(state["city"], Value::string("Gent"), "read from the item, not the list");
        assert_eq!(state["id"], Value::string("7"));
        let paths: Vec<String> = api.seen().into_iter().map(|r| r.path).collect();
        assert_eq!(paths.last().map(String::as_str), Some("/organisations/7"), "{paths:?}");
    }

    #[tokio::test]
    async fn a_lookup_by_name_keeps_the_list_item_by_default() {
        let api = api().await;
        let state = by_name(&organisation(), &api, "org 7").await.unwrap();
        assert_eq!(state["id"], Value::string("7"));
        assert_eq!(state["city"], Value::Null, "the list item has no city");
        assert!(
            api.seen().iter().all(|r| r.path == "/organisations"),
            "{:?}",
            api.seen()
        );
    }

    #[tokio::test]
    async fn a_matched_item_gone_before_its_get_is_not_found_naming_the_key() {
        let api = api().await;
        let err = by_name(&organisation().get_matched_item(), &api, "org 3")
            .await
            .unwrap_err();
        assert!(err.0[0].detail.contains("name = \"org 3\""), "{err:?}");
    }

    /// Records of domain 1, the list filtered as the sandbox does (`type` exactly, `filter` a
    /// substring of the name or content).
    async fn records_api(extra_mx: bool) -> FakeApi {
        FakeApi::start(move |req| {
            let mut records = vec![
                json!({"id": 11, "type": "A", "name": "www", "content": "192.0.2.1"}),
                json!({"id": 12, "type": "MX", "name": null, "content": "mx1.example.com.", "priority": 10}),
                json!({"id": 13, "type": "MX", "name": "mail", "content": "mx9.example.com.", "priority": 10}),
                json!({"id": 14, "type": "TXT", "name": "", "content": "v=spf1 -all"}),
            ];
            if extra_mx {
                records
                    .push(json!({"id": 15, "type": "MX", "name": "", "content": "mx2.example.com.", "priority": 20}));
            }
            records.retain(|r| req.param("type").is_none_or(|t| r["type"] == t));
            records.retain(|r| {
                req.param("filter").is_none_or(|f| {
                    ["name", "content"].iter().any(|k| {
                        r[*k]
                            .as_str()
                            .is_some_and(|v| v.to_lowercase().contains(&f.to_lowercase()))
                    })
                })
            });
            match req.path.as_str() {
                "/domains/1/records" => (200, page(req, "records", &records)),
                _ => (404, json!({"message": "not found"})),
            }
        })
        .await
    }

    async fn record(api: &FakeApi, keys: &[(&str, &str)]) -> Result<Object, Diagnostics> {
        let ds = crate::data_sources::domain_record::data_source();
        let mut config = vec![("domain_id", Value::string("1"))];
        config.extend(keys.iter().map(|(k, v)| (*k, Value::string(*v))));
        read_data(&ds, api, &config).await
    }

    #[tokio::test]
    async fn a_record_lookup_by_type_alone_finds_the_apex_record() {
        let api = records_api(false).await;
        let mx = record(&api, &[("type", "MX")]).await.unwrap();
        assert_eq!(mx["id"], Value::string("12"), "the apex MX, not mail's: {mx:?}");
        let seen = api.seen();
        assert_eq!(seen[0].param("type"), Some("MX"), "the type is its own parameter");
        assert_eq!(seen[0].param("filter"), None, "no name, no filter: {seen:?}");
        // `""` is the apex as well, and the API's `""` is as empty as its null.
        let txt = record(&api, &[("type", "TXT"), ("name", "")]).await.unwrap();
        assert_eq!(txt["id"], Value::string("14"));
        // A name goes in `filter` and compares as the resource compares it.
        let www = record(&api, &[("type", "A"), ("name", "WWW")]).await.unwrap();
        assert_eq!(www["id"], Value::string("11"));
        assert!(api.seen().iter().any(|r| r.param("filter") == Some("WWW")));
        let mail = record(&api, &[("type", "MX"), ("name", "mail")]).await.unwrap();
        assert_eq!(mail["id"], Value::string("13"));
    }

    #[tokio::test]
    async fn several_matching_records_are_an_error_saying_how_many_and_how_to_narrow() {
        let api = records_api(true).await;
        let err = record(&api, &[("type", "MX")]).await.unwrap_err();
        let d = &err.0[0];
        assert_eq!(d.summary, "2 objects match");
        assert!(d.detail.contains("type = \"MX\", name empty"), "{d:?}");
        assert!(d.detail.contains("ids 12, 15"), "{d:?}");
        assert!(d.detail.contains("set id to pick one"), "{d:?}");
        assert!(
            d.detail
                .contains("or read them all with data \"level27_domain_records\""),
            "{d:?}"
        );
        // Without a type, the records of a name: the type would narrow it.
        let err = record(&api, &[("name", "")]).await.unwrap_err();
        assert!(err.0[0].detail.contains("set type too, or id"), "{err:?}");
    }

    #[tokio::test]
    async fn several_matches_suggest_only_the_keys_that_tell_them_apart() {
        let plans = |orgs: [u64; 2]| {
            move |req: &crate::framework::test_support::Seen| match req.path.as_str() {
                "/custompackages" => (
                    200,
                    page(
                        req,
                        "customPackages",
                        &[
                            json!({"id": 12000, "name": "shop", "customPackageName": "drupal_run", "type": "run", "organisation": {"id": orgs[0]}}),
                            json!({"id": 12002, "name": "shop", "customPackageName": "drupal_fly", "type": "fly", "organisation": {"id": orgs[1]}}),
                        ],
                    ),
                ),
                _ => (404, json!({"message": "not found"})),
            }
        };
        let ds = crate::data_sources::plan::data_source();
        let by_name = [("name", Value::string("shop"))];
        // One organisation: only the id picks one.
        let api = FakeApi::start(plans([1000, 1000])).await;
        let err = read_data(&ds, &api, &by_name).await.unwrap_err();
        assert!(
            err.0[0].detail.ends_with("(ids 12000, 12002); set id to pick one."),
            "{err:?}"
        );
        // Two organisations: the organisation would narrow it.
        let api = FakeApi::start(plans([1000, 1001])).await;
        let err = read_data(&ds, &api, &by_name).await.unwrap_err();
        assert!(
            err.0[0]
                .detail
                .ends_with("set organisation_id too, or id, to pick one."),
            "{err:?}"
        );
    }

    /// Regions, found only in their list (the API has no item endpoint for one).
    async fn regions_api() -> FakeApi {
        FakeApi::start(|req| match req.path.as_str() {
            "/regions" => (
                200,
                page(
                    req,
                    "regions",
                    &[json!({"id": 1, "name": "be"}), json!({"id": 2, "name": "nl"})],
                ),
            ),
            _ => (404, json!({"message": "not found"})),
        })
        .await
    }

    #[tokio::test]
    async fn an_unknown_id_found_in_a_list_is_named_once() {
        let api = regions_api().await;
        let ds = crate::data_sources::region::data_source();
        let err = read_data(&ds, &api, &[("id", Value::string("99"))]).await.unwrap_err();
        assert_eq!(err.0[0].detail, "No object matches id = \"99\".", "{err:?}");
    }

    #[tokio::test]
    async fn a_name_in_another_case_is_not_found_but_suggested() {
        let api = regions_api().await;
        let ds = crate::data_sources::region::data_source();
        let err = read_data(&ds, &api, &[("name", Value::string("BE"))])
            .await
            .unwrap_err();
        assert_eq!(
            err.0[0].detail,
            "No object matches name = \"BE\". Lookups compare exactly, case included: did you mean name = \"be\"?",
            "{err:?}"
        );
        let err = read_data(&ds, &api, &[("name", Value::string("fr"))])
            .await
            .unwrap_err();
        assert_eq!(err.0[0].detail, "No object matches name = \"fr\".", "{err:?}");
    }

    /// A team not found says in which organisation it was looked for (which may be the provider's
    /// default rather than the one the reader has in mind), by name and by id alike.
    #[tokio::test]
    async fn a_child_not_found_names_the_parent_searched() {
        let api = FakeApi::start(|req| match req.path.as_str() {
            "/organisations/7/teams" => (200, page(req, "teams", &[])),
            _ => (404, json!({"message": "Team not found"})),
        })
        .await;
        let ds = crate::data_sources::team::data_source();
        let org = ("organisation_id", Value::string("7"));
        let err = read_data(&ds, &api, &[org.clone(), ("name", Value::string("ops"))])
            .await
            .unwrap_err();
        assert_eq!(
            err.0[0].detail, "No object matches name = \"ops\" in organisation_id = \"7\".",
            "{err:?}"
        );
        let err = read_data(&ds, &api, &[org, ("id", Value::string("9"))])
            .await
            .unwrap_err();
        assert_eq!(
            err.0[0].detail, "No object matches id = \"9\" in organisation_id = \"7\".",
            "{err:?}"
        );
    }

    #[test]
    fn lookup_declarations_name_keys() {
        let ds = DataSource::from_resource(crate::resources::organisation::spec(), "d", &["name"])
            .query_keys(&[("name", "filter"), ("kind", "type")])
            .unset_means_empty(&["colour"]);
        let problems = ds.check().unwrap_err();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("kind"), "{problems:?}");
        assert!(problems[1].contains("colour"), "{problems:?}");
    }

    #[test]
    fn data_sources_read_nested_attributes_as_computed_at_every_depth() {
        let networks = vm().attributes.into_iter().find(|a| a.name == "networks").unwrap();
        let d = data_source_attribute(&networks, &["id"]);
        assert_eq!(d.mode, Mode::Computed);
        let subs = &d.nested.as_ref().unwrap().attributes;
        assert!(subs
            .iter()
            .all(|a| a.mode == Mode::Computed && a.default.is_none() && !a.requires_replace));
    }
}
