//! Data sources derived from a resource spec: find one object by `id` or by a unique natural key
//! (a name), and expose the resource's attributes as computed values.

use super::config_check::validate_attributes;
use super::ctx::{cancellable, Ctx};
use super::diag::{AttrPath, Diagnostic, Diagnostics};
use super::errors::translate;
use super::mapping::{lookup, state_from_api};
use super::paths::{render_path, unwrap_envelope};
use super::provider_defaults::apply_provider_defaults;
use super::resource::ResourceSpec;
use super::schema::{Attribute, Block, Mode, Schema};
use super::value::{Object, Type, Value};

pub struct DataSource {
    pub type_name: &'static str,
    pub schema: Schema,
    pub ty: Type,
    spec: ResourceSpec,
    keys: &'static [&'static str],
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
            spec,
            keys,
        }
    }

    fn key_description(&self) -> String {
        std::iter::once("id")
            .chain(self.keys.iter().copied())
            .collect::<Vec<_>>()
            .join(" or ")
    }

    pub fn validate(&self, config: &Object) -> Diagnostics {
        let mut diags = validate_attributes(&self.schema.block, config);
        let set: Vec<&str> = std::iter::once("id")
            .chain(self.keys.iter().copied())
            .filter(|k| config.get(*k).is_some_and(|v| !v.is_null()))
            .collect();
        if set.is_empty() {
            diags.push(Diagnostic::error(
                "Missing lookup argument",
                format!(
                    "data.{} needs {} to find the object.",
                    self.type_name,
                    self.key_description()
                ),
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

    pub async fn read(&self, ctx: &Ctx<'_>, config: &Object) -> Result<Object, Diagnostics> {
        let mut with_defaults = config.clone();
        apply_provider_defaults(&self.schema.block, config, ctx.provider_config, &mut with_defaults)?;
        let config = &with_defaults;
        let diags = self.validate(config);
        if diags.has_errors() {
            return Err(diags);
        }
        let block = &self.schema.block;
        let action = format!("read data.{}", self.type_name);
        let not_found = |what: String| -> Diagnostics {
            Diagnostic::error(
                format!("No {} found", self.type_name),
                format!("No object matches {what}."),
            )
            .into()
        };
        let path_err = |name: String| -> Diagnostics {
            Diagnostic::error(
                format!("Missing {name}"),
                format!("data.{} needs {name}.", self.type_name),
            )
            .into()
        };

        let object = if config.get("id").is_some_and(|v| !v.is_null()) {
            let item = render_path(self.spec.endpoint.item, config).map_err(path_err)?;
            match cancellable(ctx, ctx.client.get(&item)).await? {
                Ok(r) => unwrap_envelope(&r, self.spec.endpoint.singular).clone(),
                Err(e) if e.is_not_found() => return Err(not_found(format!("id = {}", config["id"].display()))),
                Err(e) => return Err(translate(&e, &action, Some(block))),
            }
        } else {
            let collection = render_path(self.spec.endpoint.collection, config).map_err(path_err)?;
            let wanted: Vec<(&str, &Value)> = self
                .keys
                .iter()
                .filter_map(|k| Some((*k, config.get(*k).filter(|v| !v.is_null())?)))
                .collect();
            let filter = wanted.first().and_then(|(_, v)| v.as_str()).map(str::to_string);
            let query: Vec<(&str, String)> = filter.into_iter().map(|f| ("filter", f)).collect();
            let items = cancellable(ctx, ctx.client.list(&collection, self.spec.endpoint.plural, &query))
                .await?
                .map_err(|e| translate(&e, &action, Some(block)))?;
            let mut matches: Vec<_> = items
                .into_iter()
                .filter(|item| {
                    let s = state_from_api(block, item, &Object::new());
                    wanted.iter().all(|(k, v)| s.get(*k) == Some(*v))
                })
                .collect();
            let what = wanted
                .iter()
                .map(|(k, v)| format!("{k} = {}", v.display()))
                .collect::<Vec<_>>()
                .join(", ");
            match matches.len() {
                0 => return Err(not_found(what)),
                1 => matches.remove(0),
                n => {
                    let ids: Vec<String> = matches.iter().map(|m| lookup(m, "id").to_string()).collect();
                    return Err(Diagnostic::error(
                        format!("{n} objects match"),
                        format!(
                            "{n} {} objects match {what} (ids {}); use id to pick one.",
                            self.type_name,
                            ids.join(", ")
                        ),
                    )
                    .into());
                }
            }
        };
        // Path parents (organisation_id) come from the configuration.
        Ok(state_from_api(block, &object, config))
    }
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
    } else if a.api.read.is_none() && (a.mode == Mode::Required || a.provider_default.is_some()) {
        // A parent in the path (organisation_id): an input, as in the resource.
        d.mode = a.mode;
        d.validators = a.validators.clone();
    } else {
        d.mode = Mode::Computed;
    }
    // What a data source reads is computed at every depth: the configuration sets no element.
    if d.mode == Mode::Computed {
        if let Some(n) = d.nested.as_mut() {
            n.attributes.iter_mut().for_each(computed_only);
        }
    }
    d
}

fn computed_only(a: &mut Attribute) {
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
