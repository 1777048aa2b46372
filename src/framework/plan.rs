//! Plan rules, derived from the schema declarations:
//! - on create, computed attributes the configuration leaves out are unknown (or their default);
//! - on update they keep their prior value, unless declared `changes_on_update` and something
//!   the user sets has changed;
//! - a changed `requires_replace` attribute turns the update into a replacement;
//! - write-only attributes are never planned into state.

use super::diag::AttrPath;
use super::schema::{Block, Mode};
use super::value::{Object, Value};

#[derive(Debug)]
pub struct Plan {
    pub planned: Object,
    pub requires_replace: Vec<AttrPath>,
}

/// Plans the top-level attributes of `block`. `proposed` is Terraform's proposed new state (the
/// configuration merged with the prior state for computed attributes); nested blocks such as
/// `timeouts` are taken from it as they are.
pub fn plan(block: &Block, prior: Option<&Object>, proposed: &Object, config: &Object) -> Plan {
    let mut planned = proposed.clone();
    let mut requires_replace = Vec::new();

    // First every attribute as if nothing volatile changed: what the user sets, defaults, and
    // computed values kept from the prior state.
    for a in &block.attributes {
        let configured = get(config, a.name);
        let value = if a.write_only {
            Value::Null
        } else if a.mode.is_computed() && configured.is_null() {
            match (prior, &a.default) {
                (_, Some(default)) => default.clone(),
                (None, None) => Value::Unknown,
                (Some(p), None) => get(p, a.name).clone(),
            }
        } else {
            configured.clone()
        };
        planned.insert(a.name.to_string(), value);
    }

    // "Something the user sets has changed" compares the planned values with the prior ones, not
    // the configuration: removing an optional attribute (config null, prior set) is a change too.
    let user_changed = prior.is_some_and(|prior| {
        block
            .attributes
            .iter()
            .any(|a| a.mode.is_configurable() && !a.write_only && get(&planned, a.name) != get(prior, a.name))
    });

    for a in &block.attributes {
        if user_changed
            && a.changes_on_update
            && a.mode.is_computed()
            && !a.write_only
            && a.default.is_none()
            && get(config, a.name).is_null()
        {
            planned.insert(a.name.to_string(), Value::Unknown);
        }
        if a.requires_replace && a.mode != Mode::Computed {
            if let Some(p) = prior {
                let old = get(p, a.name);
                if get(&planned, a.name) != old && !(old.is_null() && a.mode.is_computed()) {
                    requires_replace.push(AttrPath::attr(a.name));
                }
            }
        }
    }
    Plan {
        planned,
        requires_replace,
    }
}

/// For a Terraform that does not know write-only attributes (before 1.11) they are ordinary
/// sensitive attributes: their configured value must be planned and kept in state, or Terraform
/// rejects the plan as inconsistent. Copies them from `source` (config, plan or prior state).
pub fn keep_write_only(block: &Block, source: &Object, target: &mut Object) {
    for a in block.attributes.iter().filter(|a| a.write_only) {
        target.insert(a.name.to_string(), get(source, a.name).clone());
    }
}

fn get<'a>(o: &'a Object, name: &str) -> &'a Value {
    o.get(name).unwrap_or(&Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::schema::Attribute;

    fn block() -> Block {
        Block {
            attributes: vec![
                Attribute::number("id").computed(),
                Attribute::number("parent_id").required().requires_replace(),
                Attribute::string("name").required(),
                Attribute::string("status").computed().changes_on_update(),
                Attribute::bool("admin").default(Value::Bool(false)),
                Attribute::string("password").write_only(),
                Attribute::string("note").optional_computed(),
            ],
            ..Block::default()
        }
    }

    fn obj(pairs: &[(&str, Value)]) -> Object {
        pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
    }

    #[test]
    fn create_marks_computed_unknown_and_applies_defaults() {
        let config = obj(&[
            ("parent_id", Value::int(1)),
            ("name", Value::string("a")),
            ("password", Value::string("s3cret")),
        ]);
        let p = plan(&block(), None, &config, &config);
        assert_eq!(p.planned["id"], Value::Unknown);
        assert_eq!(p.planned["status"], Value::Unknown);
        assert_eq!(p.planned["note"], Value::Unknown);
        assert_eq!(p.planned["admin"], Value::Bool(false));
        assert_eq!(
            p.planned["password"],
            Value::Null,
            "write-only never planned into state"
        );
        assert!(p.requires_replace.is_empty());
    }

    #[test]
    fn update_keeps_computed_values_and_unknowns_only_volatile_ones() {
        let prior = obj(&[
            ("id", Value::int(7)),
            ("parent_id", Value::int(1)),
            ("name", Value::string("a")),
            ("status", Value::string("ok")),
            ("admin", Value::Bool(false)),
            ("note", Value::string("from api")),
            ("password", Value::Null),
        ]);
        let config = obj(&[("parent_id", Value::int(1)), ("name", Value::string("b"))]);
        let mut proposed = config.clone();
        proposed.insert("id".into(), Value::int(7));
        proposed.insert("status".into(), Value::string("ok"));
        proposed.insert("note".into(), Value::string("from api"));
        let p = plan(&block(), Some(&prior), &proposed, &config);
        assert_eq!(p.planned["id"], Value::int(7));
        assert_eq!(p.planned["note"], Value::string("from api"));
        assert_eq!(p.planned["status"], Value::Unknown);
        assert!(p.requires_replace.is_empty());

        // Nothing changed: the plan equals the prior state exactly (an empty plan).
        let same = obj(&[("parent_id", Value::int(1)), ("name", Value::string("a"))]);
        let p = plan(&block(), Some(&prior), &prior, &same);
        assert_eq!(p.planned, prior);
    }

    #[test]
    fn removing_an_optional_attribute_is_a_change_for_volatile_computed_values() {
        let block = Block {
            attributes: vec![
                Attribute::number("id").computed(),
                Attribute::string("name").required(),
                Attribute::string("street").optional(),
                Attribute::string("updated_at").computed().changes_on_update(),
            ],
            ..Block::default()
        };
        let prior = obj(&[
            ("id", Value::int(7)),
            ("name", Value::string("a")),
            ("street", Value::string("Main 1")),
            ("updated_at", Value::string("monday")),
        ]);
        // `street` removed from the configuration: Terraform proposes null for it.
        let config = obj(&[("name", Value::string("a"))]);
        let mut proposed = prior.clone();
        proposed.insert("street".into(), Value::Null);
        let p = plan(&block, Some(&prior), &proposed, &config);
        assert_eq!(p.planned["street"], Value::Null);
        assert_eq!(
            p.planned["updated_at"],
            Value::Unknown,
            "the update will change updated_at"
        );
        assert_eq!(p.planned["id"], Value::int(7));

        // Still unset and unset before: no change, the plan is the prior state.
        let mut unchanged = prior.clone();
        unchanged.insert("street".into(), Value::Null);
        let p = plan(&block, Some(&unchanged), &unchanged, &config);
        assert_eq!(p.planned, unchanged);
    }

    #[test]
    fn write_only_values_are_kept_for_terraform_without_write_only_support() {
        let config = obj(&[
            ("parent_id", Value::int(1)),
            ("name", Value::string("a")),
            ("password", Value::string("s")),
        ]);
        let mut p = plan(&block(), None, &config, &config);
        assert_eq!(p.planned["password"], Value::Null);
        keep_write_only(&block(), &config, &mut p.planned);
        assert_eq!(p.planned["password"], Value::string("s"));
        assert_eq!(p.planned["id"], Value::Unknown, "other attributes untouched");
    }

    #[test]
    fn changing_a_replace_attribute_requires_replacement_even_when_unknown() {
        let prior = obj(&[
            ("id", Value::int(7)),
            ("parent_id", Value::int(1)),
            ("name", Value::string("a")),
        ]);
        for new_parent in [Value::int(2), Value::Unknown] {
            let config = obj(&[("parent_id", new_parent.clone()), ("name", Value::string("a"))]);
            let p = plan(&block(), Some(&prior), &config, &config);
            assert_eq!(p.requires_replace, vec![AttrPath::attr("parent_id")]);
        }
    }
}
