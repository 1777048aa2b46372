//! Plan rules, derived from the schema declarations:
//! - on create, computed attributes the configuration leaves out are unknown (or their default);
//! - on update they keep their prior value, unless declared `changes_on_update` and something
//!   the user sets has changed (`changes_with`: one of the attributes it is derived from);
//! - a changed `requires_replace` attribute turns the update into a replacement;
//! - write-only attributes are never planned into state.
//!
//! Nested attributes follow the same rules per element, recursively. Each configured element is
//! paired with a prior element, whose computed values it keeps: a single object with the prior
//! object, list elements by index, map elements by key, set elements by equal configured values
//! (a set element has no other identity). An element without a partner is new: its computed
//! values are unknown. A `requires_replace` sub-attribute forces replacement when it changes in
//! an element that exists before and after; adding or removing elements does not (mark the
//! nested attribute itself `requires_replace` for that). Sets cannot carry `requires_replace`
//! sub-attributes (`spec_check` rejects them): a changed element is a new one, and the protocol
//! has no path step for a set element.

use super::codecs::{self, Codec};
use super::diag::AttrPath;
use super::schema::{Attribute, Block, Mode, NestedAttributes, Nesting};
use super::value::{pair_exact_first, Object, Value};

#[derive(Debug)]
pub struct Plan {
    pub planned: Object,
    pub requires_replace: Vec<AttrPath>,
}

/// Plans the attributes of `block`. `proposed` is Terraform's proposed new state (the
/// configuration merged with the prior state for computed attributes); nested blocks such as
/// `timeouts` are taken from it as they are. The prior state's origin is unknown (an import):
/// see `plan_known`.
pub fn plan(block: &Block, prior: Option<&Object>, proposed: &Object, config: &Object) -> Plan {
    plan_known(block, prior, proposed, config, &[])
}

/// `plan`, for a prior state in which the attributes `known` (from `known_from_private`) hold
/// what the create sent: their null means "created without", so setting one later replaces the
/// object as any change of it does, rather than being adopted as after an import.
pub fn plan_known(block: &Block, prior: Option<&Object>, proposed: &Object, config: &Object, known: &[String]) -> Plan {
    let mut planned = proposed.clone();
    planned.extend(plan_object(&block.attributes, prior, config));
    let mut requires_replace = Vec::new();
    if let Some(prior) = prior {
        replacements(
            &block.attributes,
            &AttrPath::default(),
            prior,
            &planned,
            known,
            &mut requires_replace,
        );
    }
    Plan {
        planned,
        requires_replace,
    }
}

/// Plans one object (the resource, or one element of a nested attribute) from its configuration
/// and its prior object (`None`: the object is new).
fn plan_object(attrs: &[Attribute], prior: Option<&Object>, config: &Object) -> Object {
    // First every attribute as if nothing volatile changed: what the user sets, defaults, and
    // computed values kept from the prior state.
    let mut planned: Object = attrs
        .iter()
        .map(|a| {
            let prior_value = prior.map(|p| get(p, a.name));
            (a.name.to_string(), plan_value(a, prior_value, get(config, a.name)))
        })
        .collect();

    // "Something the user sets has changed" compares the planned values with the prior ones, not
    // the configuration: removing an optional attribute (config null, prior set) is a change too.
    let user_changed = prior.is_some_and(|prior| {
        attrs
            .iter()
            .any(|a| a.mode.is_configurable() && !a.write_only && get(&planned, a.name) != get(prior, a.name))
    });
    let Some(prior) = prior else { return planned };
    for a in attrs {
        let volatile = a.changes_on_update
            && a.mode.is_computed()
            && !a.write_only
            && a.default.is_none()
            && get(config, a.name).is_null();
        let due = if a.changes_with.is_empty() {
            user_changed
        } else {
            a.changes_with.iter().any(|n| get(&planned, n) != get(prior, n))
        };
        if volatile && due {
            planned.insert(a.name.to_string(), Value::Unknown);
        }
    }
    planned
}

/// The planned value of one attribute. `prior` is `None` when the object holding it is new.
fn plan_value(a: &Attribute, prior: Option<&Value>, configured: &Value) -> Value {
    if a.write_only {
        Value::Null
    } else if a.mode.is_computed() && configured.is_null() {
        match (prior, &a.default) {
            // An imported object's create-only value the API never returns (a domain's `action`)
            // stays unknown to state rather than planning its default as a change.
            (Some(Value::Null), Some(_)) if a.api.create_only => Value::Null,
            (_, Some(default)) => default.clone(),
            (None, None) => Value::Unknown,
            (Some(p), None) => p.clone(),
        }
    } else if let Some(nested) = &a.nested {
        plan_nested(nested, prior.unwrap_or(&Value::Null), configured)
    } else {
        configured.clone()
    }
}

/// The planned value of a configured nested attribute: each element planned against its partner.
fn plan_nested(n: &NestedAttributes, prior: &Value, config: &Value) -> Value {
    let attrs = &n.attributes;
    match (n.nesting, config) {
        (Nesting::Single, Value::Object(c)) => Value::Object(plan_object(attrs, prior.as_object(), c)),
        (Nesting::List, Value::List(items)) => {
            let before = prior.elements();
            Value::List(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, c)| plan_element(attrs, before.get(i), c))
                    .collect(),
            )
        }
        (Nesting::Map, Value::Map(items)) => {
            let before = prior.as_map();
            Value::Map(
                items
                    .iter()
                    .map(|(k, c)| (k.clone(), plan_element(attrs, before.and_then(|m| m.get(k)), c)))
                    .collect(),
            )
        }
        (Nesting::Set, Value::Set(items)) => {
            let before = prior.elements();
            // An element's identity is what the user sets: planned as new (computed values
            // unknown, which fit anything), it must fit the prior element. An element with an
            // unknown configured value cannot be identified yet and is new.
            let as_new: Vec<Option<Value>> = items
                .iter()
                .map(|c| (!c.contains_unknown()).then(|| plan_element(attrs, None, c)))
                .collect();
            // Then, as an import leaves the API's spelling in state, elements that differ from a
            // prior one only in spelling (see `codecs`).
            let partners = pair_exact_first(
                &as_new,
                before,
                |new, old| new.as_ref().is_some_and(|new| new.admits(old)),
                |new, old| new.as_ref().is_some_and(|new| admits_respelt(attrs, new, old)),
            );
            Value::Set(
                items
                    .iter()
                    .zip(partners)
                    .map(|(c, p)| plan_element(attrs, p.and_then(|j| before.get(j)), c))
                    .collect(),
            )
        }
        // Null, unknown, or a shape Terraform would not send: the configuration as it is.
        _ => config.clone(),
    }
}

/// Whether a new element (planned as new) is the prior one `old` but for spellings its
/// sub-attributes' normalisers accept.
fn admits_respelt(attrs: &[Attribute], new: &Value, old: &Value) -> bool {
    let (Value::Object(n), Value::Object(o)) = (new, old) else {
        return false;
    };
    attrs.iter().all(|a| {
        let (nv, ov) = (get(n, a.name), get(o, a.name));
        nv.admits(ov) || codecs::respelt(a, ov, nv, o)
    })
}

/// One element of a nested attribute; `prior` is its partner, if it has one.
fn plan_element(attrs: &[Attribute], prior: Option<&Value>, config: &Value) -> Value {
    match config {
        Value::Object(c) => Value::Object(plan_object(attrs, prior.and_then(Value::as_object), c)),
        other => other.clone(),
    }
}

/// Whether a null prior of `a` may be unknowing: a value that replaces the object when it
/// changes, but which the API may never have returned (see `replacements`).
fn adoptable(a: &Attribute) -> bool {
    a.requires_replace && a.mode != Mode::Computed && (a.mode.is_computed() || a.api.read.is_none())
}

/// The private state a create leaves (Terraform keeps it with the state and hands it back to
/// every plan): the names of the top-level attributes whose value in that state is what the
/// create sent, null included, though the API may never answer them. Empty when there are none.
pub fn known_at_create(block: &Block) -> Vec<u8> {
    let names: Vec<&str> = block
        .attributes
        .iter()
        .filter(|a| adoptable(a))
        .map(|a| a.name)
        .collect();
    if names.is_empty() {
        return Vec::new();
    }
    serde_json::json!({ PRIVATE_KEY: names }).to_string().into_bytes()
}

/// The attributes `known_at_create` recorded in a private state; none for any other (an
/// import's, a move's, an older provider's: empty or not ours).
pub fn known_from_private(private: &[u8]) -> Vec<String> {
    serde_json::from_slice::<serde_json::Value>(private)
        .ok()
        .and_then(|v| v.get(PRIVATE_KEY).cloned())
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default()
}

const PRIVATE_KEY: &str = "known_at_create";

/// Collects the paths whose change forces a replacement, descending into nested attributes.
/// `known`: the top-level attributes whose prior null is knowledge (`plan_known`).
fn replacements(
    attrs: &[Attribute],
    at: &AttrPath,
    prior: &Object,
    planned: &Object,
    known: &[String],
    out: &mut Vec<AttrPath>,
) {
    for a in attrs {
        let old = get(prior, a.name);
        let new = get(planned, a.name);
        let path = at.clone().then(a.name);
        if a.requires_replace && a.mode != Mode::Computed {
            // A null prior of an attribute the API never returns (after an import, or from a
            // state written before the attribute existed) is not knowledge of the object: the
            // configured value is adopted, not a reason to replace. After this provider's own
            // create it is (`known`): the object was made without the value. A new spelling of
            // the same value (see `codecs`) replaces nothing either.
            let unknown_before = old.is_null() && adoptable(a) && !known.iter().any(|k| k == a.name);
            if new != old && !unknown_before && !codecs::equivalent(a, old, new, prior) {
                out.push(path);
            }
        } else if let Some(n) = &a.nested {
            if let Codec::Numbered(numbered) = a.api.codec {
                out.extend(numbered.replacement(n, &path, old, new));
            }
            nested_replacements(n, path, old, new, out);
        }
    }
}

/// Replacements inside the elements that exist before and after (see the module comment).
fn nested_replacements(n: &NestedAttributes, path: AttrPath, old: &Value, new: &Value, out: &mut Vec<AttrPath>) {
    let attrs = &n.attributes;
    // Not known yet: a requires-replace value inside may change, so replacing is the safe plan
    // (as for an unknown top-level value).
    if new.is_unknown() {
        if !old.is_null() && n.nesting != Nesting::Set && forces_replacement(attrs) {
            out.push(path);
        }
        return;
    }
    let mut element = |path: AttrPath, old: &Value, new: &Value| match (old, new) {
        (Value::Object(o), Value::Object(p)) => replacements(attrs, &path, o, p, &[], out),
        (Value::Object(_), Value::Unknown) if forces_replacement(attrs) => out.push(path),
        _ => {}
    };
    match (n.nesting, old, new) {
        (Nesting::Single, _, _) => element(path, old, new),
        (Nesting::List, Value::List(o), Value::List(p)) => {
            for (i, (o, p)) in o.iter().zip(p).enumerate() {
                element(path.clone().index(i), o, p);
            }
        }
        (Nesting::Map, Value::Map(o), Value::Map(p)) => {
            for (k, p) in p {
                if let Some(o) = o.get(k) {
                    element(path.clone().key(k.clone()), o, p);
                }
            }
        }
        _ => {}
    }
}

/// Whether a change inside elements of these attributes can force a replacement.
fn forces_replacement(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|a| {
        (a.requires_replace && a.mode != Mode::Computed)
            || a.nested
                .as_ref()
                .is_some_and(|n| n.nesting != Nesting::Set && forces_replacement(&n.attributes))
    })
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
    fn an_imported_object_keeps_a_create_only_default_unset() {
        let a = Attribute::string("action")
            .default(Value::string("none"))
            .send_as("action")
            .create_only()
            .requires_replace();
        assert_eq!(plan_value(&a, Some(&Value::Null), &Value::Null), Value::Null);
        assert_eq!(plan_value(&a, None, &Value::Null), Value::string("none"));
        let kept = Value::string("create");
        assert_eq!(plan_value(&a, Some(&kept), &Value::Null), Value::string("none"));
    }

    #[test]
    fn an_imported_object_adopts_a_never_read_value_instead_of_being_replaced() {
        let block = Block {
            attributes: vec![
                Attribute::number("id").computed().read_from("id"),
                Attribute::string("name").required().api("name"),
                // Create-only and never returned by the API (a domain's `action`).
                Attribute::string("action")
                    .optional()
                    .send_as("action")
                    .create_only()
                    .requires_replace(),
                // Read back: a real change replaces.
                Attribute::string("zone").required().api("zone").requires_replace(),
            ],
            ..Block::default()
        };
        // After an import the state holds what the API returned: no action.
        let prior = obj(&[
            ("id", Value::int(7)),
            ("name", Value::string("a")),
            ("action", Value::Null),
            ("zone", Value::string("z1")),
        ]);
        let config = obj(&[
            ("name", Value::string("a")),
            ("action", Value::string("none")),
            ("zone", Value::string("z1")),
        ]);
        let mut proposed = prior.clone();
        proposed.insert("action".into(), Value::string("none"));
        let p = plan(&block, Some(&prior), &proposed, &config);
        assert!(p.requires_replace.is_empty(), "{:?}", p.requires_replace);
        assert_eq!(p.planned["action"], Value::string("none"));

        // Once known, changing it replaces (the API cannot change it in place)…
        let known = obj(&[
            ("id", Value::int(7)),
            ("name", Value::string("a")),
            ("action", Value::string("none")),
            ("zone", Value::string("z1")),
        ]);
        let mut transfer = known.clone();
        transfer.insert("action".into(), Value::string("transfer"));
        let p = plan(&block, Some(&known), &transfer, &transfer);
        assert_eq!(p.requires_replace, vec![AttrPath::attr("action")]);
        // …and a null prior of a value the API does return is a real change.
        let mut no_zone = prior.clone();
        no_zone.insert("zone".into(), Value::Null);
        let p = plan(&block, Some(&no_zone), &proposed, &config);
        assert_eq!(p.requires_replace, vec![AttrPath::attr("zone")]);
    }

    #[test]
    fn a_never_read_value_left_out_at_create_replaces_when_set_later() {
        let block = Block {
            attributes: vec![
                Attribute::number("id").computed().read_from("id"),
                // Create-only and never returned (a url's `auto_ssl_certificate`).
                Attribute::bool("auto")
                    .optional()
                    .send_as("auto")
                    .create_only()
                    .requires_replace(),
                Attribute::string("zone").required().api("zone").requires_replace(),
            ],
            ..Block::default()
        };
        let private = known_at_create(&block);
        let known = known_from_private(&private);
        assert_eq!(known, vec!["auto".to_string()], "only what the API may never answer");
        let prior = obj(&[
            ("id", Value::int(7)),
            ("auto", Value::Null),
            ("zone", Value::string("z")),
        ]);
        let config = obj(&[("auto", Value::Bool(true)), ("zone", Value::string("z"))]);
        let mut proposed = prior.clone();
        proposed.insert("auto".into(), Value::Bool(true));
        // Created here without it: the object has none, and only a new one can.
        let p = plan_known(&block, Some(&prior), &proposed, &config, &known);
        assert_eq!(p.requires_replace, vec![AttrPath::attr("auto")]);
        // Imported (no such private state, or another's): adopted, as before.
        for other in [&b""[..], b"not json", br#"{"other": 1}"#] {
            let p = plan_known(&block, Some(&prior), &proposed, &config, &known_from_private(other));
            assert!(p.requires_replace.is_empty(), "{:?}", p.requires_replace);
        }
        // Nothing to record when every such attribute is read back.
        let read_back = Block {
            attributes: vec![Attribute::string("zone").required().api("zone").requires_replace()],
            ..Block::default()
        };
        assert!(known_at_create(&read_back).is_empty());
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
    fn a_derived_value_is_unknown_only_when_what_it_derives_from_changes() {
        let block = Block {
            attributes: vec![
                Attribute::string("first_name").required(),
                Attribute::string("email").required(),
                Attribute::string("full_name").computed().changes_with(&["first_name"]),
            ],
            ..Block::default()
        };
        let prior = obj(&[
            ("first_name", Value::string("Ada")),
            ("email", Value::string("a@acme.example")),
            ("full_name", Value::string("Ada Peeters")),
        ]);
        let with = |k: &str, v: &str| {
            let mut o = prior.clone();
            o.insert(k.into(), Value::string(v));
            o.remove("full_name");
            o
        };
        let config = with("email", "b@acme.example");
        let p = plan(&block, Some(&prior), &config, &config);
        assert_eq!(
            p.planned["full_name"],
            Value::string("Ada Peeters"),
            "the email is not the name"
        );
        let config = with("first_name", "Grace");
        let p = plan(&block, Some(&prior), &config, &config);
        assert_eq!(p.planned["full_name"], Value::Unknown);
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

    mod nested {
        use super::super::*;
        use crate::framework::diag::PathStep;
        use crate::framework::test_support::*;

        /// Plans as Terraform calls it: the proposed state is the configuration over the prior.
        fn plan_of(prior: Option<&Object>, config: &Object) -> Plan {
            let mut proposed = prior.cloned().unwrap_or_default();
            proposed.extend(config.clone());
            plan(&vm(), prior, &proposed, config)
        }

        fn config() -> Object {
            obj(&[
                ("name", s("vm")),
                ("networks", list(&[net_config(1), net_config(2)])),
                ("tags", set(&[tag_config("env", "prod"), tag_config("team", "ops")])),
                (
                    "records",
                    map(&[(
                        "www",
                        o(&[
                            ("content", s("1.2.3.4")),
                            ("ttl", Value::Null),
                            ("record_id", Value::Null),
                        ]),
                    )]),
                ),
                (
                    "settings",
                    o(&[("mode", s("fast")), ("size", n(2)), ("revision", Value::Null)]),
                ),
            ])
        }

        fn prior() -> Object {
            obj(&[
                ("id", n(7)),
                ("name", s("vm")),
                ("networks", list(&[net_state(1, "10.0.0.1"), net_state(2, "10.0.0.2")])),
                (
                    "tags",
                    set(&[tag_state("team", "ops", 21), tag_state("env", "prod", 20)]),
                ),
                (
                    "records",
                    map(&[(
                        "www",
                        o(&[("content", s("1.2.3.4")), ("ttl", n(3600)), ("record_id", n(30))]),
                    )]),
                ),
                (
                    "settings",
                    o(&[("mode", s("fast")), ("size", n(2)), ("revision", s("r1"))]),
                ),
                ("interfaces", list(&[o(&[("device", s("eth0"))])])),
            ])
        }

        fn path(steps: &[PathStep]) -> AttrPath {
            AttrPath(steps.to_vec())
        }

        fn attr(a: &str) -> PathStep {
            PathStep::Attr(a.into())
        }

        #[test]
        fn create_plans_computed_sub_attributes_unknown_and_applies_their_defaults() {
            let mut cfg = config();
            cfg.insert(
                "networks".into(),
                list(&[
                    net_config(1),
                    o(&[
                        ("network_id", n(2)),
                        ("mac", s("aa")),
                        ("primary", Value::Bool(true)),
                        ("label", Value::Null),
                        ("ip", Value::Null),
                    ]),
                ]),
            );
            let p = plan_of(None, &cfg);
            let v = &p.planned;
            assert_eq!(*at(v, &["networks", "0", "ip"]), Value::Unknown);
            assert_eq!(
                *at(v, &["networks", "0", "mac"]),
                Value::Unknown,
                "optional+computed, unset"
            );
            assert_eq!(*at(v, &["networks", "0", "primary"]), Value::Bool(false), "default");
            assert_eq!(*at(v, &["networks", "0", "label"]), Value::Null, "optional, unset");
            assert_eq!(*at(v, &["networks", "1", "mac"]), s("aa"));
            assert_eq!(*at(v, &["networks", "1", "primary"]), Value::Bool(true));
            assert_eq!(*at(v, &["records", "www", "ttl"]), n(3600));
            assert_eq!(*at(v, &["records", "www", "record_id"]), Value::Unknown);
            assert_eq!(*at(v, &["settings", "revision"]), Value::Unknown);
            assert_eq!(*at(v, &["settings", "size"]), n(2));
            for i in ["0", "1"] {
                assert_eq!(*at(v, &["tags", i, "tag_id"]), Value::Unknown);
            }
            assert_eq!(v["interfaces"], Value::Unknown, "a computed nested attribute");
            assert!(p.requires_replace.is_empty());

            // Left out, an optional+computed nested attribute is the API's to decide.
            cfg.insert("networks".into(), Value::Null);
            assert_eq!(plan_of(None, &cfg).planned["networks"], Value::Unknown);
        }

        #[test]
        fn an_unchanged_configuration_plans_the_prior_state_whatever_the_set_order() {
            let prior = prior();
            let p = plan_of(Some(&prior), &config());
            assert_eq!(p.planned, prior, "computed sub-values are kept: an empty plan");
            assert!(p.requires_replace.is_empty());
            // The config lists the set's elements in another order than the state: same plan.
            let Value::Set(tags) = &config()["tags"] else {
                unreachable!()
            };
            let mut reordered = config();
            reordered.insert("tags".into(), set(&[tags[1].clone(), tags[0].clone()]));
            assert_eq!(plan_of(Some(&prior), &reordered).planned, prior);
        }

        #[test]
        fn lists_grow_and_shrink_by_index() {
            let prior = prior();
            let mut grown = config();
            grown.insert("networks".into(), list(&[net_config(1), net_config(2), net_config(3)]));
            let p = plan_of(Some(&prior), &grown);
            let v = &p.planned;
            assert_eq!(*at(v, &["networks", "0", "ip"]), s("10.0.0.1"));
            assert_eq!(*at(v, &["networks", "1", "mac"]), s("mac-2"));
            assert_eq!(*at(v, &["networks", "2", "ip"]), Value::Unknown, "a new element");
            assert_eq!(*at(v, &["networks", "2", "mac"]), Value::Unknown);
            assert_eq!(*at(v, &["networks", "2", "primary"]), Value::Bool(false));
            assert!(p.requires_replace.is_empty(), "adding an element is an update");

            let mut shrunk = config();
            shrunk.insert("networks".into(), list(&[net_config(1)]));
            let p = plan_of(Some(&prior), &shrunk);
            assert_eq!(p.planned["networks"], list(&[net_state(1, "10.0.0.1")]));
            assert!(p.requires_replace.is_empty(), "removing an element is an update");
        }

        #[test]
        fn set_elements_keep_computed_values_only_when_what_the_user_sets_is_equal() {
            let prior = prior();
            let mut cfg = config();
            cfg.insert(
                "tags".into(),
                set(&[tag_config("team", "dev"), tag_config("env", "prod")]),
            );
            let p = plan_of(Some(&prior), &cfg);
            let Value::Set(tags) = &p.planned["tags"] else {
                panic!("{:?}", p.planned["tags"])
            };
            let by_key = |k: &str| {
                tags.iter()
                    .find(|t| at(t.as_object().unwrap(), &["key"]) == &s(k))
                    .unwrap()
            };
            assert_eq!(by_key("env"), &tag_state("env", "prod", 20), "unchanged: kept");
            assert_eq!(
                by_key("team").as_object().unwrap()["tag_id"],
                Value::Unknown,
                "changed: a new element"
            );
            // An element whose configured value is unknown cannot be identified yet.
            cfg.insert(
                "tags".into(),
                set(&[
                    tag_config("env", "prod"),
                    o(&[("key", s("team")), ("value", Value::Unknown)]),
                ]),
            );
            let p = plan_of(Some(&prior), &cfg);
            let Value::Set(tags) = &p.planned["tags"] else {
                unreachable!()
            };
            assert!(tags.contains(&tag_state("env", "prod", 20)));
            assert!(tags
                .iter()
                .any(|t| t.as_object().unwrap().get("tag_id") == Some(&Value::Unknown)));
        }

        #[test]
        fn map_elements_are_matched_by_key() {
            let prior = prior();
            let mut cfg = config();
            cfg.insert(
                "records".into(),
                map(&[
                    ("www", o(&[("content", s("1.2.3.4")), ("ttl", Value::Null)])),
                    ("mail", o(&[("content", s("5.6.7.8")), ("ttl", n(60))])),
                ]),
            );
            let p = plan_of(Some(&prior), &cfg);
            let v = &p.planned;
            assert_eq!(*at(v, &["records", "www", "record_id"]), n(30));
            assert_eq!(*at(v, &["records", "mail", "record_id"]), Value::Unknown);
            assert_eq!(*at(v, &["records", "mail", "ttl"]), n(60));
            assert!(p.requires_replace.is_empty(), "a new key is an update");
        }

        #[test]
        fn requires_replace_sub_attributes_point_at_the_changed_element() {
            let prior = prior();
            let mut cfg = config();
            cfg.insert("networks".into(), list(&[net_config(1), net_config(9)]));
            cfg.insert(
                "records".into(),
                map(&[("www", o(&[("content", s("9.9.9.9")), ("ttl", Value::Null)]))]),
            );
            cfg.insert("settings".into(), o(&[("mode", s("slow")), ("size", n(2))]));
            let p = plan_of(Some(&prior), &cfg);
            assert_eq!(
                p.requires_replace,
                vec![
                    path(&[attr("networks"), PathStep::Index(1), attr("network_id")]),
                    path(&[attr("records"), PathStep::Key("www".into()), attr("content")]),
                    path(&[attr("settings"), attr("mode")]),
                ]
            );

            // Unknown values may change a requires-replace sub-attribute: replace, as at the top.
            let mut cfg = config();
            cfg.insert(
                "networks".into(),
                list(&[o(&[("network_id", Value::Unknown)]), net_config(2)]),
            );
            let p = plan_of(Some(&prior), &cfg);
            assert_eq!(
                p.requires_replace,
                vec![path(&[attr("networks"), PathStep::Index(0), attr("network_id")])]
            );
            cfg.insert("networks".into(), Value::Unknown);
            assert_eq!(
                plan_of(Some(&prior), &cfg).requires_replace,
                vec![AttrPath::attr("networks")]
            );
        }

        #[test]
        fn volatile_sub_attributes_are_unknown_only_when_their_element_changes() {
            let prior = prior();
            let mut cfg = config();
            cfg.insert("settings".into(), o(&[("mode", s("fast")), ("size", n(4))]));
            let p = plan_of(Some(&prior), &cfg);
            assert_eq!(*at(&p.planned, &["settings", "revision"]), Value::Unknown);
            // Something else changed, not the settings: their revision is kept.
            let mut cfg = config();
            cfg.insert("name".into(), s("renamed"));
            let p = plan_of(Some(&prior), &cfg);
            assert_eq!(*at(&p.planned, &["settings", "revision"]), s("r1"));
        }

        #[test]
        fn computed_nested_attributes_left_out_keep_their_prior_value() {
            let prior = prior();
            let mut cfg = config();
            cfg.insert("networks".into(), Value::Null);
            let p = plan_of(Some(&prior), &cfg);
            assert_eq!(p.planned["networks"], prior["networks"], "optional+computed, unset");
            assert_eq!(p.planned["interfaces"], prior["interfaces"], "computed");
            // Defaults of sub-attributes win over the prior value, as at the top level.
            let mut cfg = config();
            let mut prior = prior.clone();
            prior.insert(
                "records".into(),
                map(&[(
                    "www",
                    o(&[("content", s("1.2.3.4")), ("ttl", n(60)), ("record_id", n(30))]),
                )]),
            );
            cfg.insert(
                "records".into(),
                map(&[("www", o(&[("content", s("1.2.3.4")), ("ttl", Value::Null)]))]),
            );
            assert_eq!(
                *at(&plan_of(Some(&prior), &cfg).planned, &["records", "www", "ttl"]),
                n(3600)
            );
        }
    }
}
