//! Data sources over a collection endpoint (`level27_teams`, `level27_regions`, …): the arguments
//! fill the path's `{attribute}` placeholders and the query parameters, every page of the list is
//! read, optional filters keep the items whose attribute equals the configured value, and the items
//! land in one computed nested list attribute (`teams`), each read through the same mapping as a
//! resource (`mapping::state_from_api`). Endpoints that answer one bare object without an envelope
//! (`/domains/check`) are the `ListResult::Object` form: the answer is read into the data source's
//! own computed attributes.

use super::codecs;
use super::ctx::{cancellable, Ctx};
use super::datasource::{computed_only, read_via_lists, DataSource, Kind};
use super::diag::{AttrPath, Diagnostic, Diagnostics};
use super::errors::{parent_not_found, translate};
use super::mapping::state_from_api;
use super::paths::{placeholders, render_path, with_query};
use super::resource::ResourceSpec;
use super::schema::{Attribute, Block, Mode, Nesting, Schema};
use super::value::{Number, Object, Type, Value};
use std::collections::BTreeSet;

/// What the endpoint answers and where it lands.
pub enum ListResult {
    /// A paged list under `envelope` (`{"teams": [...]}`), exposed as the computed nested list
    /// attribute `attribute`, each element made of `items` (read paths relative to the item).
    Items {
        envelope: &'static str,
        attribute: &'static str,
        description: &'static str,
        items: Vec<Attribute>,
    },
    /// One bare object (no envelope), read into the data source's own computed attributes.
    Object,
}

/// The declaration of a data source over a collection (or a bare-object endpoint).
pub struct ListDataSource {
    pub type_name: &'static str,
    pub description: &'static str,
    /// The endpoint, with `{attribute}` placeholders filled from the configuration
    /// (`/organisations/{organisation_id}/teams`).
    pub path: &'static str,
    /// The arguments (path parents, query values, filters) and, for `ListResult::Object`, the
    /// computed attributes read from the answer.
    pub attributes: Vec<Attribute>,
    /// `(attribute, query key)`: a configured value sent as a query parameter (`("type", "type")`).
    pub query: &'static [(&'static str, &'static str)],
    /// Attributes that keep only the items whose attribute of the same name equals the configured
    /// value (exact match, or the same under the item attribute's normaliser; `""` also matches
    /// null); left out, they keep every item.
    pub filters: &'static [&'static str],
    pub result: ListResult,
}

/// `names` of a resource's attributes as computed item attributes: the same types and API read
/// paths as the resource, so a list item reads exactly as the resource does. A name the resource
/// does not have becomes an attribute without an API field, which `check` reports.
pub fn items_from_resource(spec: &ResourceSpec, names: &[&'static str]) -> Vec<Attribute> {
    names
        .iter()
        .map(|n| {
            spec.attributes
                .iter()
                .find(|a| a.name == *n)
                .cloned()
                .unwrap_or_else(|| Attribute::string(n))
        })
        .collect()
}

impl DataSource {
    /// A data source over a collection endpoint (or an endpoint answering one bare object).
    pub fn list(decl: ListDataSource) -> DataSource {
        let mut decl = decl;
        let mut attributes = decl.attributes.clone();
        if let ListResult::Items {
            attribute,
            description,
            items,
            ..
        } = &mut decl.result
        {
            // What the data source reads is computed at every depth.
            items.iter_mut().for_each(computed_only);
            attributes.push(
                Attribute::nested(attribute, Nesting::List, items.clone())
                    .computed()
                    .describe(description),
            );
        }
        let schema = Schema {
            version: 0,
            block: Block {
                attributes,
                blocks: Vec::new(),
                description: decl.description,
                deprecated: None,
            },
        };
        let ty = schema.block.value_type();
        DataSource {
            type_name: decl.type_name,
            schema,
            ty,
            kind: Kind::List(decl),
            catalogue: false,
        }
    }
}

impl ListDataSource {
    /// Every declaration problem, each naming the data source and the attribute concerned.
    pub fn check(&self) -> Result<(), Vec<String>> {
        let t = self.type_name;
        let mut problems = Vec::new();
        let args: BTreeSet<&str> = self
            .attributes
            .iter()
            .filter(|a| a.mode.is_configurable())
            .map(|a| a.name)
            .collect();
        let mut names: Vec<&str> = self.attributes.iter().map(|a| a.name).collect();
        if let ListResult::Items { attribute, .. } = &self.result {
            names.push(attribute);
        }
        if names.iter().collect::<BTreeSet<_>>().len() != names.len() {
            problems.push(format!("{t}: attribute names are not unique"));
        }
        for placeholder in placeholders(self.path) {
            if !args.contains(placeholder) {
                problems.push(format!("{t}: path placeholder {{{placeholder}}} is not an argument"));
            }
        }
        for (attr, key) in self.query {
            if !args.contains(attr) {
                problems.push(format!(
                    "{t}: query parameter {key} comes from {attr}, which is not an argument"
                ));
            }
        }
        match &self.result {
            ListResult::Items { items, .. } => {
                for f in self.filters {
                    if !args.contains(f) {
                        problems.push(format!("{t}: filter {f} is not an argument"));
                    }
                    if !items.iter().any(|a| a.name == *f) {
                        problems.push(format!("{t}: filter {f} is not an item attribute"));
                    }
                }
                if !items.iter().any(|a| a.name == "id") {
                    problems.push(format!("{t}: items have no id"));
                }
                for a in items.iter().filter(|a| a.api.read.is_none()) {
                    problems.push(format!(
                        "{t}: item attribute {} has no API field to be read from",
                        a.name
                    ));
                }
                for a in self.attributes.iter().filter(|a| !a.mode.is_configurable()) {
                    problems.push(format!(
                        "{t}: computed attribute {} is never set (only `ListResult::Object` reads the answer into attributes)",
                        a.name
                    ));
                }
            }
            ListResult::Object => {
                if !self.filters.is_empty() {
                    problems.push(format!("{t}: filters need a list of items"));
                }
                for a in &self.attributes {
                    if let Some(source) = a.api.via.filter(|s| !self.attributes.iter().any(|b| b.name == s.by)) {
                        problems.push(format!(
                            "{t}: attribute {} is read via {}, keyed by {}, which is not an attribute",
                            a.name, source.path, source.by
                        ));
                    }
                }
                for a in self
                    .attributes
                    .iter()
                    .filter(|a| a.mode == Mode::Computed && a.api.read.is_none())
                {
                    problems.push(format!(
                        "{t}: computed attribute {} has no API field to be read from",
                        a.name
                    ));
                }
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    /// The query parameters from the configured values; unset ones are left out. A filter's
    /// value goes as its item attribute compares it (`codecs::as_filter`: a host name without
    /// its trailing dot), so the API's own filter does not drop what the local match keeps.
    fn query_pairs(&self, config: &Object) -> Vec<(&'static str, String)> {
        let item = |attr: &str| match &self.result {
            ListResult::Items { items, .. } if self.filters.contains(&attr) => items.iter().find(|a| a.name == attr),
            _ => None,
        };
        self.query
            .iter()
            .filter_map(|(attr, key)| {
                let v = match config.get(*attr)? {
                    Value::String(s) => codecs::as_filter(item(attr), s.clone()),
                    Value::Number(Number::Int(i)) => i.to_string(),
                    Value::Number(n) => n.to_string(),
                    Value::Bool(b) => b.to_string(),
                    _ => return None,
                };
                Some((*key, v))
            })
            .collect()
    }

    pub(super) async fn read(
        &self,
        ctx: &Ctx<'_>,
        block: &Block,
        config: &Object,
        catalogue: bool,
    ) -> Result<Object, Diagnostics> {
        let t = self.type_name;
        let action = format!("read data.{t}");
        let path = render_path(self.path, config).map_err(|name| {
            Diagnostics::from(Diagnostic::error(
                format!("Missing {name}"),
                format!("data.{t} needs {name}."),
            ))
        })?;
        let query = self.query_pairs(config);
        match &self.result {
            ListResult::Items {
                envelope,
                attribute,
                items,
                ..
            } => {
                // Every query parameter is also matched here: a whole list this process read
                // already (a refresh's) answers as well as a filtered one from the API.
                let local = self.query.iter().all(|(attr, _)| self.filters.contains(attr));
                let failed = |e: &level27_client::Error| {
                    parent_not_found(e, self.path, config, &action)
                        .unwrap_or_else(|| translate(e, &action, Some(block)))
                };
                // A catalogue is read whole, once per process; another list whole only if this
                // process read it already, else filtered by the API.
                let listed = match local && catalogue {
                    true => Some(
                        cancellable(ctx, ctx.reads.catalogue(ctx.client, &path, envelope))
                            .await?
                            .map_err(|e| failed(&e))?,
                    ),
                    false => ctx.reads.cached(&path, envelope).filter(|_| local),
                };
                let answer = match listed {
                    Some(listing) => listing.to_vec(),
                    None => cancellable(ctx, ctx.client.list(&path, envelope, &query))
                        .await?
                        .map_err(|e| failed(&e))?,
                };
                let item_block = Block {
                    attributes: items.clone(),
                    ..Block::default()
                };
                let wanted: Vec<(&str, &Value)> = self
                    .filters
                    .iter()
                    .filter_map(|f| Some((*f, config.get(*f).filter(|v| !v.is_null())?)))
                    .collect();
                let found: Vec<Value> = answer
                    .iter()
                    .map(|item| state_from_api(&item_block, item, &Object::new()))
                    .filter(|item| {
                        wanted.iter().all(|(k, want)| {
                            let got = item.get(*k).unwrap_or(&Value::Null);
                            // `""` asks for no value, which the API writes as null (the apex's
                            // record name); a spelling the item's normaliser equates (`WWW` is
                            // `www`) matches as the resource's own comparison does.
                            got == *want
                                || (want.as_str() == Some("") && got.is_null())
                                || item_block
                                    .attribute(k)
                                    .is_some_and(|a| codecs::respelt(a, want, got, item))
                        })
                    })
                    .map(Value::Object)
                    .collect();
                tracing::debug!(data_source = t, listed = answer.len(), kept = found.len(), "list read");
                let mut state = config.clone();
                // An empty result is an empty list, never null: `length(...)` works on it.
                state.insert(attribute.to_string(), Value::List(found));
                Ok(state)
            }
            ListResult::Object => {
                let answer = cancellable(ctx, ctx.client.get(&with_query(&path, &query)))
                    .await?
                    .map_err(|e| {
                        let mut diags = translate(&e, &action, Some(block));
                        // A lookup of one argument that the API refuses (400: an extension it
                        // does not serve) is about that argument: said on it.
                        if let ([(argument, _)], Some(400)) = (self.query, e.status()) {
                            for d in diags.0.iter_mut().filter(|d| d.path.is_none()) {
                                d.path = Some(AttrPath::attr(*argument));
                            }
                        }
                        diags
                    })?;
                // A collection the API answers empty is empty, never null (as for `Items`):
                // `keys(...)` and `length(...)` work on it.
                let mut base = config.clone();
                for a in block.attributes.iter().filter(|a| !a.mode.is_configurable()) {
                    let empty = match &a.ty {
                        Type::List(_) => Value::List(Vec::new()),
                        Type::Set(_) => Value::Set(Vec::new()),
                        Type::Map(_) => Value::Map(Default::default()),
                        _ => continue,
                    };
                    base.insert(a.name.to_string(), empty);
                }
                let mut state = state_from_api(block, &answer, &base);
                // Values only another list holds (`read_via`: a domain type's DNSSEC support is
                // its provider's), one shared read each.
                read_via_lists(ctx, t, block, &mut state).await?;
                Ok(state)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::test_support::{page, read_data, FakeApi};
    use serde_json::{json, Value as Json};

    fn teams() -> DataSource {
        crate::data_sources::teams::data_source()
    }

    /// Reads `ds` with `config` against `api`.
    async fn read(ds: &DataSource, api: &FakeApi, config: &[(&str, Value)]) -> Result<Object, Diagnostics> {
        read_data(ds, api, config).await
    }

    /// Twelve teams of organisation 7: "web", "web-1" … "web-11" (a substring filter on "web"
    /// narrows nothing), answered `adminOnly` as 0/1 and ids as numbers.
    fn team_items() -> Vec<Json> {
        (1..=12)
            .map(|i| {
                let name = if i == 1 {
                    "web".to_string()
                } else {
                    format!("web-{}", i - 1)
                };
                json!({"id": 100 + i, "name": name, "adminOnly": i % 2, "organisation": {"id": 7}})
            })
            .collect()
    }

    async fn team_api() -> FakeApi {
        FakeApi::start(|req| {
            if req.path != "/organisations/7/teams" {
                return (404, json!({"message": "No route found"}));
            }
            let needle = req.param("filter").unwrap_or("").to_string();
            let items: Vec<Json> = team_items()
                .into_iter()
                .filter(|t| t["name"].as_str().is_some_and(|n| n.contains(&needle)))
                .collect();
            (200, page(req, "teams", &items))
        })
        .await
    }

    fn ids(state: &Object, attr: &str) -> Vec<String> {
        state[attr]
            .elements()
            .iter()
            .map(|t| t.as_object().unwrap()["id"].as_str().unwrap().to_string())
            .collect()
    }

    #[tokio::test]
    async fn every_page_is_read_into_the_plural_attribute() {
        let api = team_api().await;
        let state = read(&teams(), &api, &[("organisation_id", Value::string("7"))])
            .await
            .unwrap();
        let want: Vec<String> = (101..=112).map(|i| i.to_string()).collect();
        assert_eq!(ids(&state, "teams"), want, "all twelve, in the API's order");
        let first = state["teams"].elements()[0].as_object().unwrap().clone();
        assert_eq!(first["name"], Value::string("web"));
        assert_eq!(first["admin_only"], Value::Bool(true), "read as the resource reads it");
        assert_eq!(first.len(), 3, "exactly the declared item attributes: {first:?}");
        assert_eq!(
            state["organisation_id"],
            Value::string("7"),
            "arguments stay as configured"
        );
        // Explicit paging: never the API's default page of 5.
        let seen = api.seen();
        assert!(seen.iter().all(|r| r.param("limit").is_some()), "{seen:?}");
        assert!(seen.iter().all(|r| r.param("filter").is_none()), "{seen:?}");
    }

    #[tokio::test]
    async fn a_filter_is_sent_as_its_query_parameter_and_matches_exactly() {
        let api = team_api().await;
        let state = read(
            &teams(),
            &api,
            &[("organisation_id", Value::string("7")), ("name", Value::string("web"))],
        )
        .await
        .unwrap();
        // The server's substring filter returns all twelve; only the exact name is kept.
        assert_eq!(ids(&state, "teams"), vec!["101".to_string()]);
        assert!(api.seen().iter().all(|r| r.param("filter") == Some("web")));

        let none = read(
            &teams(),
            &api,
            &[("organisation_id", Value::string("7")), ("name", Value::string("WEB"))],
        )
        .await
        .unwrap();
        assert_eq!(
            none["teams"],
            Value::List(Vec::new()),
            "no match is an empty list, not null"
        );
    }

    #[tokio::test]
    async fn api_errors_name_the_data_source() {
        let api = FakeApi::start(|_| (403, json!({"message": "Forbidden"}))).await;
        let err = read(&teams(), &api, &[("organisation_id", Value::string("7"))])
            .await
            .unwrap_err();
        assert!(
            err.0
                .iter()
                .any(|d| d.summary.contains("data.level27_teams") || d.detail.contains("data.level27_teams")),
            "{err:?}"
        );
    }

    /// `/domains/check`-like: query parameters from the configuration, one bare object answered.
    fn check() -> DataSource {
        DataSource::list(ListDataSource {
            type_name: "level27_domain_check",
            description: "d",
            path: "/domains/check",
            attributes: vec![
                Attribute::string("name").required(),
                Attribute::string("extension").required(),
                Attribute::id("organisation_id").optional(),
                Attribute::string("status").computed().read_from("status"),
                Attribute::id("domaintype_id").computed().read_from("domaintypeId"),
            ],
            query: &[
                ("name", "name"),
                ("extension", "extension"),
                ("organisation_id", "organisationId"),
            ],
            filters: &[],
            result: ListResult::Object,
        })
    }

    #[tokio::test]
    async fn a_bare_object_answer_is_read_into_the_attributes() {
        let ds = check();
        assert_eq!(ds.check(), Ok(()));
        let api = FakeApi::start(|req| {
            assert_eq!(req.path, "/domains/check");
            let free = req.param("name") == Some("my shop");
            (
                200,
                json!({"success": true, "status": if free { "free" } else { "registered" }, "domaintypeId": 364}),
            )
        })
        .await;
        let state = read(
            &ds,
            &api,
            &[("name", Value::string("my shop")), ("extension", Value::string("be"))],
        )
        .await
        .unwrap();
        assert_eq!(state["status"], Value::string("free"));
        assert_eq!(state["domaintype_id"], Value::string("364"));
        assert_eq!(state["name"], Value::string("my shop"));
        let seen = api.seen();
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].param("extension"), Some("be"));
        assert_eq!(seen[0].param("organisationId"), None, "unset arguments are not sent");
    }

    #[tokio::test]
    async fn a_refused_lookup_of_one_argument_is_said_on_it() {
        let ds = crate::data_sources::domain_type::data_source();
        let api = FakeApi::start(|_| {
            (
                400,
                json!({"code": 400, "message": "Extension \"xyz\" is not supported"}),
            )
        })
        .await;
        let err = read(&ds, &api, &[("extension", Value::string("xyz"))])
            .await
            .unwrap_err();
        let d = &err.0[0];
        assert_eq!(d.path, Some(AttrPath::attr("extension")), "{d:?}");
        assert!(d.detail.contains("not supported"), "{d:?}");
    }

    /// A catalogue whose answer matches nothing (`category = "databases"`: the API's filter is
    /// case-sensitive) is an empty map, never null: `keys(...)` and `length(...)` work on it.
    #[tokio::test]
    async fn an_empty_collection_answered_is_empty_not_null() {
        let ds = crate::data_sources::app_component_types::data_source();
        let api = FakeApi::start(|req| {
            assert_eq!(req.path, "/appcomponenttypes");
            (200, json!({"appcomponenttypes": {}}))
        })
        .await;
        let state = read(&ds, &api, &[("category", Value::string("databases"))])
            .await
            .unwrap();
        assert_eq!(state["types"], Value::Map(Default::default()));
    }

    static PROVIDERS: crate::framework::ListSource = crate::framework::ListSource {
        path: "/domains/providers",
        plural: "providers",
        key: "domaintypes[].id",
        by: "domaintype_id",
        paged: false,
    };

    #[tokio::test]
    async fn a_bare_object_reads_what_only_another_list_holds_in_one_request() {
        let mut decl_attrs = vec![Attribute::bool("dnssec")
            .computed()
            .read_via(&PROVIDERS, "dnsSecSupported")];
        let DataSource {
            kind: Kind::List(base), ..
        } = check()
        else {
            panic!("a list data source")
        };
        decl_attrs.splice(0..0, base.attributes);
        let ds = DataSource::list(ListDataSource {
            attributes: decl_attrs,
            ..base
        });
        assert_eq!(ds.check(), Ok(()));
        let api = FakeApi::start(|req| match req.path.as_str() {
            "/domains/check" => (
                200,
                json!({"domaintypeId": req.param("extension").map(|e| if e == "be" { 364 } else { 75 })}),
            ),
            "/domains/providers" => (
                200,
                json!({"providers": [
                    {"id": 1, "dnsSecSupported": true, "domaintypes": [{"id": 364, "extension": "be"}]},
                    {"id": 4, "dnsSecSupported": false, "domaintypes": [{"id": 1}, {"id": 75}]}
                ]}),
            ),
            _ => (404, json!({})),
        })
        .await;
        let of = |ext: &'static str| {
            let (ds, api) = (&ds, &api);
            async move {
                read(
                    ds,
                    api,
                    &[("name", Value::string("x")), ("extension", Value::string(ext))],
                )
                .await
                .unwrap()["dnssec"]
                    .clone()
            }
        };
        assert_eq!(of("be").await, Value::Bool(true));
        assert_eq!(of("com").await, Value::Bool(false));
        // One GET per data source read: the providers list is answered whole (`paged: false`),
        // so no paging parameters and no page confirming the end.
        let listings: Vec<_> = api
            .seen()
            .into_iter()
            .filter(|r| r.path == "/domains/providers")
            .collect();
        assert_eq!(listings.len(), 2, "{listings:?}");
        assert!(listings.iter().all(|r| r.param("offset").is_none()), "{listings:?}");

        // A key that names no attribute is a declaration mistake.
        let mut wrong = check();
        if let Kind::List(l) = &mut wrong.kind {
            static NOWHERE: crate::framework::ListSource = crate::framework::ListSource {
                path: "/p",
                plural: "p",
                key: "id",
                by: "nowhere",
                paged: true,
            };
            l.attributes
                .push(Attribute::bool("x").computed().read_via(&NOWHERE, "x"));
        }
        let problems = wrong.check().unwrap_err();
        assert!(problems.iter().any(|p| p.contains("keyed by nowhere")), "{problems:?}");
    }

    #[test]
    fn the_plural_attribute_is_a_computed_list_of_computed_items() {
        let ds = teams();
        let t = ds.schema.block.attribute("teams").unwrap();
        assert_eq!(t.mode, Mode::Computed);
        let n = t.nested.as_ref().unwrap();
        assert_eq!(n.nesting, Nesting::List);
        let names: Vec<&str> = n.attributes.iter().map(|a| a.name).collect();
        assert_eq!(names, ["id", "name", "admin_only"]);
        assert!(n
            .attributes
            .iter()
            .all(|a| a.mode == Mode::Computed && a.validators.is_empty()));
        // Optional: the provider's `organisation_id` is the default, as for `level27_team`.
        let org = ds.schema.block.attribute("organisation_id").unwrap();
        assert_eq!(org.mode, Mode::OptionalComputed);
        assert_eq!(org.provider_default, Some("organisation_id"));
        assert_eq!(ds.schema.block.attribute("name").unwrap().mode, Mode::Optional);
    }

    #[test]
    fn declaration_mistakes_are_reported() {
        let ds = DataSource::list(ListDataSource {
            type_name: "level27_things",
            description: "d",
            path: "/parents/{parent_id}/things",
            attributes: vec![
                Attribute::string("name").optional(),
                Attribute::string("status").computed(),
            ],
            query: &[("kind", "type")],
            filters: &["name", "colour"],
            result: ListResult::Items {
                envelope: "things",
                attribute: "things",
                description: "d",
                items: vec![Attribute::string("name").read_from("name"), Attribute::string("size")],
            },
        });
        let problems = ds.check().unwrap_err();
        let typo = items_from_resource(&crate::resources::team::spec(), &["id", "nmae"]);
        assert_eq!(typo.len(), 2, "a misspelt name is kept, for check to report");
        assert!(typo[1].api.read.is_none());
        for want in [
            "{parent_id} is not an argument",
            "comes from kind, which is not an argument",
            "filter colour is not an argument",
            "filter colour is not an item attribute",
            "items have no id",
            "item attribute size has no API field",
            "computed attribute status is never set",
        ] {
            assert!(problems.iter().any(|p| p.contains(want)), "{want}: {problems:?}");
        }
    }
}
