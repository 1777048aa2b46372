//! Validation of a whole configuration: every attribute's validators, at every depth, with
//! diagnostics on the full attribute path.

use super::diag::{AttrPath, Diagnostic, Diagnostics};
use super::schema::{Attribute, Block, Mode, Nesting};
use super::value::{Object, Value};

/// Runs every validator on the configuration: attributes, the sub-attributes of each element of
/// nested attributes, and nested blocks, with diagnostics on the full path. Null and unknown
/// values are skipped (unknown ones are validated again at plan time, when they may be known).
pub fn validate_attributes(block: &Block, config: &Object) -> Diagnostics {
    let mut diags = Diagnostics::default();
    validate_block(block, config, &Location::default(), &mut diags);
    diags
}

/// Where a value is: the path Terraform can point at, and how it reads in a message. They part
/// inside sets: a set element has no path step in the protocol, so the path stops at the set
/// (which Terraform highlights) while the message still names the sub-attribute (`networks[*].ip`).
/// `name` is the attribute's dotted name without element selectors (`timeouts.create`,
/// `networks.ip`): a diagnostic's summary, where a bare `create` would not say what was invalid.
#[derive(Clone, Default)]
struct Location {
    path: AttrPath,
    text: String,
    name: String,
    in_set: bool,
}

impl Location {
    fn attr(&self, name: &str) -> Location {
        let mut l = self.clone();
        if !l.in_set {
            l.path = l.path.then(name);
        }
        if !l.text.is_empty() {
            l.text.push('.');
        }
        l.text.push_str(name);
        if !l.name.is_empty() {
            l.name.push('.');
        }
        l.name.push_str(name);
        l
    }

    fn index(&self, i: usize) -> Location {
        let mut l = self.clone();
        if !l.in_set {
            l.path = l.path.index(i);
        }
        l.text.push_str(&format!("[{i}]"));
        l
    }

    fn key(&self, k: &str) -> Location {
        let mut l = self.clone();
        if !l.in_set {
            l.path = l.path.key(k);
        }
        l.text.push_str(&format!("[{k:?}]"));
        l
    }

    fn set_element(&self) -> Location {
        let mut l = self.clone();
        l.in_set = true;
        l.text.push_str("[*]");
        l
    }
}

fn validate_block(block: &Block, config: &Object, at: &Location, diags: &mut Diagnostics) {
    validate_object(&block.attributes, config, at, diags);
    for b in &block.blocks {
        let here = at.attr(b.name);
        let v = config.get(b.name).unwrap_or(&Value::Null);
        each_element(b.nesting, v, &here, &mut |o, l| validate_block(&b.block, o, l, diags));
    }
}

fn validate_object(attrs: &[Attribute], config: &Object, at: &Location, diags: &mut Diagnostics) {
    for a in attrs {
        let v = config.get(a.name).unwrap_or(&Value::Null);
        // The attribute's location (three strings and a path) only where it is used: an error, or
        // a nested block's elements. Every plan of every resource validates every attribute.
        for check in &a.validators {
            if let Err(msg) = check.check(v) {
                let here = at.attr(a.name);
                diags.push(
                    Diagnostic::error(format!("Invalid {}", here.name), format!("{} {msg}.", here.text)).at(here.path),
                );
            }
        }
        if let Some(n) = &a.nested {
            let here = at.attr(a.name);
            each_element(n.nesting, v, &here, &mut |o, l| {
                validate_object(&n.attributes, o, l, diags)
            });
        }
    }
}

/// A managed object's arguments set to `""` where the API decides the value when they are left
/// out (a component's `path`, `/public_html`): the API treats `""` as unset and answers its own
/// value, so the state could not hold the `""` configured and Terraform would call the apply's
/// result inconsistent. (A data source's `""` is a lookup key, not checked here.) An argument a
/// validator already refuses is not refused twice.
pub fn empty_where_the_api_decides(block: &Block, config: &Object) -> Diagnostics {
    let mut diags = Diagnostics::default();
    for a in &block.attributes {
        let empty = matches!(config.get(a.name), Some(Value::String(s)) if s.is_empty());
        // Validators run last, and only on a `""`: every plan checks every attribute here.
        let validated = || a.validators.iter().any(|c| c.check(&Value::string("")).is_err());
        if empty && a.mode == Mode::OptionalComputed && a.api.read.is_some() && !validated() {
            diags.push(
                Diagnostic::error(
                    format!("Invalid {}", a.name),
                    format!(
                        "{0} = \"\" is no value: the API treats an empty string as unset and answers its own value. Leave {0} out to keep the API's value.",
                        a.name
                    ),
                )
                .at(AttrPath::attr(a.name)),
            );
        }
    }
    diags
}

/// Calls `f` on each known object element of a nested value, with its location.
fn each_element(nesting: Nesting, v: &Value, at: &Location, f: &mut dyn FnMut(&Object, &Location)) {
    match (nesting, v) {
        (Nesting::Single, Value::Object(o)) => f(o, at),
        (Nesting::List, Value::List(items)) => {
            for (i, item) in items.iter().enumerate() {
                if let Value::Object(o) = item {
                    f(o, &at.index(i));
                }
            }
        }
        (Nesting::Set, Value::Set(items)) => {
            let l = at.set_element();
            for item in items {
                if let Value::Object(o) = item {
                    f(o, &l);
                }
            }
        }
        (Nesting::Map, Value::Map(items)) => {
            for (k, item) in items {
                if let Value::Object(o) = item {
                    f(o, &at.key(k));
                }
            }
        }
        // Null or unknown: nothing to check yet.
        _ => {}
    }
}

/// A rule over a whole configuration: what one attribute's validators cannot see.
#[derive(Clone, Debug)]
pub enum ConfigRule {
    /// Exactly one of these is set (a component's `system_id` or `systemgroup_id`).
    ExactlyOneOf(&'static [&'static str]),
    /// At most one of these is set.
    AtMostOneOf(&'static [&'static str]),
    /// `attribute` must be set when `when` has one of the values `is` (php needs `version`;
    /// an onsite contact needs `fax`).
    RequiredWhen {
        attribute: &'static str,
        when: &'static str,
        is: &'static [&'static str],
    },
    /// `attribute` may be set only when `when` has one of the values `is` (`jailed` is for php
    /// and other web components, not mysql).
    OnlyWhen {
        attribute: &'static str,
        when: &'static str,
        is: &'static [&'static str],
    },
    /// A check of its own: the diagnostics for a configuration (record content per record type).
    Custom(fn(&Object) -> Diagnostics),
    /// A check of its own of the object the plan makes: at plan time it sees, for each optional
    /// and computed attribute the configuration leaves out, the value the plan keeps (the API's),
    /// since the API checks the object it will hold, not the request (a domain's `handle_dns`,
    /// false since an earlier apply, still needs a name server).
    AsPlanned(fn(&Object) -> Diagnostics),
}

fn is_set(config: &Object, name: &str) -> Option<bool> {
    match config.get(name).unwrap_or(&Value::Null) {
        Value::Unknown => None,
        v => Some(!v.is_null()),
    }
}

/// Whether `name` is set to an empty value: `""` or an empty list, set or map. The API treats
/// them as unset, so a rule requiring the attribute says so at plan time.
fn is_empty(config: &Object, name: &str) -> bool {
    match config.get(name).unwrap_or(&Value::Null) {
        Value::String(s) => s.is_empty(),
        Value::List(v) | Value::Set(v) => v.is_empty(),
        Value::Map(m) => m.is_empty(),
        _ => false,
    }
}

fn choices(is: &[&str]) -> String {
    is.iter().map(|v| format!("{v:?}")).collect::<Vec<_>>().join(", ")
}

impl ConfigRule {
    /// Checks `config`; values not known yet are left for the plan, when they may be.
    pub fn check(&self, config: &Object) -> Diagnostics {
        let mut diags = Diagnostics::default();
        match self {
            ConfigRule::ExactlyOneOf(names) | ConfigRule::AtMostOneOf(names) => {
                let states: Vec<Option<bool>> = names.iter().map(|n| is_set(config, n)).collect();
                let set: Vec<&str> = names
                    .iter()
                    .zip(&states)
                    .filter(|(_, s)| **s == Some(true))
                    .map(|(n, _)| *n)
                    .collect();
                let list = names.join(", ");
                if set.len() > 1 {
                    diags.push(
                        Diagnostic::error(
                            "Conflicting arguments",
                            format!("Only one of {list} may be set; {} are.", set.join(" and ")),
                        )
                        .at(AttrPath::attr(set[1])),
                    );
                } else if matches!(self, ConfigRule::ExactlyOneOf(_))
                    && set.is_empty()
                    && states.iter().all(|s| *s == Some(false))
                {
                    diags.push(Diagnostic::error(
                        "Missing argument",
                        format!("Exactly one of {list} must be set."),
                    ));
                }
            }
            ConfigRule::RequiredWhen { attribute, when, is } => {
                if let Some(v) = config.get(*when).and_then(Value::as_str) {
                    let empty = is_empty(config, attribute);
                    if is.contains(&v) && (is_set(config, attribute) == Some(false) || empty) {
                        let why = if empty { "; an empty value is no value" } else { "" };
                        diags.push(
                            Diagnostic::error(
                                format!("Missing {attribute}"),
                                format!("{attribute} is required when {when} is {v:?}{why}."),
                            )
                            .at(AttrPath::attr(*attribute)),
                        );
                    }
                }
            }
            ConfigRule::OnlyWhen { attribute, when, is } => {
                if let Some(v) = config.get(*when).and_then(Value::as_str) {
                    if !is.contains(&v) && is_set(config, attribute) == Some(true) {
                        diags.push(
                            Diagnostic::error(
                                format!("Invalid {attribute}"),
                                format!(
                                    "{attribute} applies only when {when} is one of {}; it is {v:?}.",
                                    choices(is)
                                ),
                            )
                            .at(AttrPath::attr(*attribute)),
                        );
                    }
                }
            }
            ConfigRule::Custom(f) | ConfigRule::AsPlanned(f) => diags.extend(f(config)),
        }
        diags
    }

    /// Whether the rule checks the object the plan makes ([`ConfigRule::AsPlanned`]).
    pub fn as_planned(&self) -> bool {
        matches!(self, ConfigRule::AsPlanned(_))
    }

    /// The attributes a rule names, for `spec_check`.
    pub fn names(&self) -> Vec<&'static str> {
        match self {
            ConfigRule::ExactlyOneOf(n) | ConfigRule::AtMostOneOf(n) => n.to_vec(),
            ConfigRule::RequiredWhen { attribute, when, .. } | ConfigRule::OnlyWhen { attribute, when, .. } => {
                vec![attribute, when]
            }
            ConfigRule::Custom(_) | ConfigRule::AsPlanned(_) => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_string_for_a_value_the_api_decides_is_refused() {
        let block = Block {
            attributes: vec![
                Attribute::string("path").optional_computed().api("path"),
                Attribute::string("city").optional().api("city"),
                Attribute::string("mode")
                    .optional_computed()
                    .api("mode")
                    .validate(one_of(&["a"])),
            ],
            ..Block::default()
        };
        let config = |path: &str, mode: &str| obj(&[("path", s(path)), ("city", s("")), ("mode", s(mode))]);
        let d = empty_where_the_api_decides(&block, &config("", "a"));
        assert_eq!(d.0.len(), 1, "{d:?}");
        assert_eq!(d.0[0].path, Some(AttrPath::attr("path")));
        assert!(
            d.0[0].detail.starts_with("path = \"\" is no value"),
            "{}",
            d.0[0].detail
        );
        assert!(
            d.0[0].detail.ends_with("Leave path out to keep the API's value."),
            "{}",
            d.0[0].detail
        );
        // An optional string the API leaves empty keeps `""`; a value passes; a validator's own
        // refusal is said once.
        assert!(empty_where_the_api_decides(&block, &config("/www", "a")).0.is_empty());
        assert!(empty_where_the_api_decides(&block, &config("/www", "")).0.is_empty());
    }
    use crate::framework::diag::PathStep;
    use crate::framework::schema::Attribute;
    use crate::framework::schema::{NestedBlock, Nesting};
    use crate::framework::test_support::*;
    use crate::framework::validate::{int_between, not_blank, one_of};

    fn block() -> Block {
        let mut b = vm();
        let sub = |b: &mut Block, attr: &str, sub: &str, v: crate::framework::validate::Validator| {
            let a = b.attributes.iter_mut().find(|a| a.name == attr).unwrap();
            let n = a.nested.as_mut().unwrap();
            n.attributes
                .iter_mut()
                .find(|a| a.name == sub)
                .unwrap()
                .validators
                .push(v);
        };
        sub(&mut b, "networks", "network_id", int_between(1, 100));
        sub(&mut b, "tags", "key", not_blank());
        sub(&mut b, "records", "ttl", int_between(60, 86400));
        sub(&mut b, "settings", "mode", one_of(&["fast", "slow"]));
        b.blocks.push(NestedBlock {
            name: "disks",
            nesting: Nesting::List,
            max_items: 0,
            block: Block {
                attributes: vec![Attribute::number("size").required().validate(int_between(1, 10))],
                ..Block::default()
            },
        });
        b
    }

    fn path(d: &Diagnostic) -> Vec<PathStep> {
        d.path.clone().unwrap_or_default().0
    }

    fn attr(a: &str) -> PathStep {
        PathStep::Attr(a.into())
    }

    #[test]
    fn sub_attribute_validators_run_per_element_on_the_full_path() {
        let config = obj(&[
            ("name", s("vm")),
            ("networks", list(&[net_config(5), net_config(500)])),
            ("tags", set(&[tag_config("env", "prod"), tag_config(" ", "x")])),
            (
                "records",
                map(&[("www", o(&[("content", s("1.2.3.4")), ("ttl", n(5))]))]),
            ),
            ("settings", o(&[("mode", s("warp"))])),
            ("disks", list(&[o(&[("size", n(4))]), o(&[("size", n(40))])])),
        ]);
        let diags = validate_attributes(&block(), &config);
        let paths: Vec<Vec<PathStep>> = diags.0.iter().map(path).collect();
        assert_eq!(
            paths,
            vec![
                vec![attr("networks"), PathStep::Index(1), attr("network_id")],
                // A set element has no path step: the set, with the sub-attribute named.
                vec![attr("tags")],
                vec![attr("records"), PathStep::Key("www".into()), attr("ttl")],
                vec![attr("settings"), attr("mode")],
                vec![attr("disks"), PathStep::Index(1), attr("size")],
            ],
            "{diags:?}"
        );
        assert!(
            diags.0[0]
                .detail
                .starts_with("networks[1].network_id must be between 1 and 100"),
            "{}",
            diags.0[0].detail
        );
        assert!(
            diags.0[1].detail.starts_with("tags[*].key must not be empty"),
            "{}",
            diags.0[1].detail
        );
        assert!(
            diags.0[2].detail.starts_with("records[\"www\"].ttl "),
            "{}",
            diags.0[2].detail
        );
        // The summary names the attribute in full, element selectors aside: a bare
        // "Invalid network_id" (or "Invalid create" for `timeouts.create`) says too little.
        let summaries: Vec<&str> = diags.0.iter().map(|d| d.summary.as_str()).collect();
        assert_eq!(
            summaries,
            vec![
                "Invalid networks.network_id",
                "Invalid tags.key",
                "Invalid records.ttl",
                "Invalid settings.mode",
                "Invalid disks.size"
            ]
        );
    }

    #[test]
    fn unknown_nested_values_are_left_for_plan_time() {
        let config = obj(&[
            (
                "networks",
                list(&[Value::Unknown, o(&[("network_id", Value::Unknown)])]),
            ),
            ("tags", Value::Unknown),
            ("settings", o(&[("mode", Value::Unknown)])),
        ]);
        assert_eq!(validate_attributes(&block(), &config), Diagnostics::default());
    }

    #[test]
    fn blocks_inside_blocks_report_a_real_path() {
        let inner = NestedBlock {
            name: "loader",
            nesting: Nesting::Single,
            max_items: 0,
            block: Block {
                attributes: vec![Attribute::string("kind").optional().validate(one_of(&["efi", "bios"]))],
                ..Block::default()
            },
        };
        let b = Block {
            blocks: vec![NestedBlock {
                name: "boot",
                nesting: Nesting::Single,
                max_items: 0,
                block: Block {
                    blocks: vec![inner],
                    ..Block::default()
                },
            }],
            ..Block::default()
        };
        let config = obj(&[("boot", o(&[("loader", o(&[("kind", s("floppy"))]))]))]);
        let d = validate_attributes(&b, &config);
        assert_eq!(d.0.len(), 1, "{d:?}");
        assert_eq!(path(&d.0[0]), vec![attr("boot"), attr("loader"), attr("kind")]);
        assert!(
            d.0[0].detail.starts_with("boot.loader.kind must be one of"),
            "{}",
            d.0[0].detail
        );
    }

    mod rules {
        use super::super::*;

        fn cfg(pairs: &[(&str, Value)]) -> Object {
            pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
        }

        #[test]
        fn exactly_one_of() {
            let r = ConfigRule::ExactlyOneOf(&["system_id", "systemgroup_id"]);
            let both = cfg(&[
                ("system_id", Value::string("1")),
                ("systemgroup_id", Value::string("2")),
            ]);
            let d = r.check(&both);
            assert_eq!(d.0.len(), 1);
            assert_eq!(d.0[0].path, Some(AttrPath::attr("systemgroup_id")));
            assert!(
                d.0[0].detail.contains("Only one of system_id, systemgroup_id"),
                "{}",
                d.0[0].detail
            );
            let none = cfg(&[("system_id", Value::Null), ("systemgroup_id", Value::Null)]);
            assert!(r.check(&none).0[0].detail.contains("Exactly one of"));
            assert!(!r.check(&cfg(&[("system_id", Value::string("1"))])).has_errors());
            // One not known yet: it may be the one.
            let unknown = cfg(&[("system_id", Value::Unknown), ("systemgroup_id", Value::Null)]);
            assert!(!r.check(&unknown).has_errors());
            assert!(!ConfigRule::AtMostOneOf(&["a", "b"]).check(&cfg(&[])).has_errors());
        }

        #[test]
        fn required_and_allowed_per_value_of_another_attribute() {
            let version = ConfigRule::RequiredWhen {
                attribute: "version",
                when: "type",
                is: &["php"],
            };
            let php = cfg(&[("type", Value::string("php")), ("version", Value::Null)]);
            let d = version.check(&php);
            assert_eq!(d.0[0].path, Some(AttrPath::attr("version")));
            assert!(
                d.0[0].detail.contains("required when type is \"php\""),
                "{}",
                d.0[0].detail
            );
            assert!(!version.check(&cfg(&[("type", Value::string("mysql"))])).has_errors());
            assert!(!version.check(&cfg(&[("type", Value::Unknown)])).has_errors());
            // The API treats "" as unset (and refuses an empty list the same way): an empty
            // value is no value, and is said at plan time rather than by the API at apply.
            for empty in [Value::string(""), Value::List(vec![]), Value::Set(vec![])] {
                let d = version.check(&cfg(&[("type", Value::string("php")), ("version", empty.clone())]));
                assert!(
                    d.0.first().is_some_and(
                        |d| d.detail.contains("required when type is \"php\"") && d.detail.contains("empty")
                    ),
                    "{empty:?}: {d:?}"
                );
            }
            let given = cfg(&[
                ("type", Value::string("php")),
                ("version", Value::List(vec![Value::Unknown])),
            ]);
            assert!(!version.check(&given).has_errors());

            let jailed = ConfigRule::OnlyWhen {
                attribute: "jailed",
                when: "type",
                is: &["php", "nodejs"],
            };
            let mysql = cfg(&[("type", Value::string("mysql")), ("jailed", Value::Bool(true))]);
            let d = jailed.check(&mysql);
            assert_eq!(d.0[0].path, Some(AttrPath::attr("jailed")));
            assert!(d.0[0].detail.contains("\"php\", \"nodejs\""), "{}", d.0[0].detail);
            assert!(!jailed
                .check(&cfg(&[("type", Value::string("php")), ("jailed", Value::Bool(true))]))
                .has_errors());
            assert!(!jailed.check(&cfg(&[("type", Value::string("mysql"))])).has_errors());
        }

        #[test]
        fn custom_rules_see_the_whole_configuration() {
            fn a_needs_ipv4(c: &Object) -> Diagnostics {
                let mut d = Diagnostics::default();
                if c.get("type").and_then(Value::as_str) == Some("A")
                    && c.get("content")
                        .and_then(Value::as_str)
                        .is_some_and(|s| s.parse::<std::net::Ipv4Addr>().is_err())
                {
                    d.push(
                        Diagnostic::error("Invalid content", "An A record holds an IPv4 address.")
                            .at(AttrPath::attr("content")),
                    );
                }
                d
            }
            let r = ConfigRule::Custom(a_needs_ipv4);
            assert!(r
                .check(&cfg(&[("type", Value::string("A")), ("content", Value::string("www"))]))
                .has_errors());
            assert!(!r
                .check(&cfg(&[
                    ("type", Value::string("A")),
                    ("content", Value::string("192.0.2.1"))
                ]))
                .has_errors());
        }
    }
}
