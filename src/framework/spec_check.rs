//! Invariants of a `ResourceSpec` that the engine relies on but the type system cannot express.
//! A spec breaking one fails at plan or apply time in front of a user (a missing placeholder
//! value, a computed attribute that stays unknown after apply, an in-place update the API cannot
//! make); checking every spec in a unit test moves those failures to `cargo test`.

use super::codecs::{Codec, Normaliser};
use super::resource::{ResourceSpec, UpdateVerb};
use super::schema::{Attribute, Mode, Nesting};
use super::value::Type;
use std::collections::BTreeSet;

/// A value only the API decides: it must be read back, or it stays unknown after apply.
fn api_decides(a: &Attribute) -> bool {
    match a.mode {
        Mode::Computed => true,
        Mode::OptionalComputed => a.default.is_none() && a.provider_default.is_none(),
        Mode::Required | Mode::Optional => false,
    }
}

/// The invariants of a nested attribute's sub-attributes, at every depth. `name` is the nested
/// attribute's full name (`level27_vm.networks`); `read` whether it and its ancestors are read back.
fn check_nested(name: &str, parent: &Attribute, read: bool, problems: &mut Vec<String>) {
    let Some(n) = &parent.nested else { return };
    if parent.write_only {
        // Write-only values are sent from the configuration at the top level only; nested ones
        // would need the plan's element pairing applied to the configuration as well.
        problems.push(format!("{name}: a nested attribute cannot be write-only"));
    }
    let names: BTreeSet<&str> = n.attributes.iter().map(|a| a.name).collect();
    if names.len() != n.attributes.len() {
        problems.push(format!("{name}: sub-attribute names are not unique"));
    }
    for a in &n.attributes {
        let here = format!("{name}.{}", a.name);
        if a.write_only {
            problems.push(format!("{here}: write-only is supported on top-level attributes only"));
        }
        if a.provider_default.is_some() {
            problems.push(format!(
                "{here}: a provider default is supported on top-level attributes only"
            ));
        }
        if a.api.create_only || a.api.always_send {
            problems.push(format!(
                "{here}: create_only and always_send apply to the top-level attribute (the nested value is sent whole)"
            ));
        }
        if parent.mode == Mode::Computed && a.mode.is_configurable() {
            problems.push(format!(
                "{here}: the attribute holding it is computed, so the configuration cannot set it: make it computed"
            ));
        }
        if n.nesting == Nesting::Set && a.requires_replace {
            problems.push(format!(
                "{here}: a set element has no identity to replace by: mark {name} requires_replace instead"
            ));
        }
        let read_here = read && a.api.read.is_some();
        if api_decides(a) && !read_here && !a.write_only {
            problems.push(format!(
                "{here}: a computed sub-attribute needs an API field to be read from, and so does every attribute holding it"
            ));
        }
        check_codecs(&here, a, &n.attributes, problems);
        check_nested(&here, a, read_here, problems);
    }
}

/// Declarations that contradict each other, whatever the order of the builder calls.
fn check_declaration(name: &str, a: &Attribute, problems: &mut Vec<String>) {
    if a.default.is_some() && a.mode != Mode::OptionalComputed {
        problems.push(format!(
            "{name}: a default applies to an optional attribute; a mode set after `.default()` ({:?}) contradicts it",
            a.mode
        ));
    }
    if a.provider_default.is_some() && a.mode != Mode::OptionalComputed {
        problems.push(format!(
            "{name}: a provider default applies to an optional attribute; a mode set after `.provider_default()` ({:?}) contradicts it",
            a.mode
        ));
    }
    if a.api.create_only && !a.requires_replace {
        // Otherwise a changed value would be planned as an update that sends nothing.
        problems.push(format!(
            "{name}: create_only needs requires_replace (the API cannot change it in place)"
        ));
    }
    if a.api.create_only && a.api.update_only {
        problems.push(format!("{name}: create_only and update_only exclude each other"));
    }
    if (a.api.create_only || a.api.update_only || a.api.always_send) && a.api.send.is_none() {
        problems.push(format!(
            "{name}: create_only, update_only and always_send need an API field to send it as"
        ));
    }
    if a.api.update_only && a.mode == Mode::Required {
        problems.push(format!(
            "{name}: update_only values are not sent on create, so the attribute cannot be required"
        ));
    }
    if a.write_only && a.mode.is_computed() {
        problems.push(format!("{name}: a write-only attribute cannot be computed"));
    }
}

/// The codec and normaliser of `a` (full name `here`) fit its type; `siblings` are the attributes
/// beside it (for a normaliser chosen by a sibling).
fn check_codecs(here: &str, a: &Attribute, siblings: &[Attribute], problems: &mut Vec<String>) {
    let string = |t: &Type| *t == Type::String;
    let strings = |t: &Type| matches!(t, Type::List(e) | Type::Set(e) if string(e));
    let nested = a.nested.is_some();
    if a.api.codec == Codec::Csv && (nested || !strings(&a.ty)) {
        problems.push(format!("{here}: the CSV codec is for a list or set of strings or ids"));
    }
    if let Codec::Numbered(spec) = a.api.codec {
        check_numbered(here, a, spec, problems);
    }
    if a.api.id && (nested || !(string(&a.ty) || strings(&a.ty))) {
        problems.push(format!(
            "{here}: an id is a string (Attribute::id), or a list or set of them (Attribute::id_set, id_list)"
        ));
    }
    let Some(rule) = a.api.normaliser else { return };
    if nested {
        problems.push(format!(
            "{here}: a nested attribute has no normaliser: give its sub-attributes one"
        ));
        return;
    }
    if a.api.read.is_none() {
        problems.push(format!(
            "{here}: a normaliser compares the API's answer, but the attribute is never read back"
        ));
    }
    let fits = |rule: Normaliser| match rule {
        Normaliser::Custom(_) => true,
        Normaliser::BySibling { .. } => false,
        Normaliser::Hostname | Normaliser::IpAddress | Normaliser::Txt | Normaliser::Numeric => {
            string(&a.ty) || strings(&a.ty) || matches!(&a.ty, Type::Map(e) if string(e))
        }
    };
    match rule {
        Normaliser::BySibling { attribute, cases } => {
            match siblings.iter().find(|s| s.name == attribute) {
                Some(s) if s.name != a.name && s.ty == Type::String && s.nested.is_none() => {}
                _ => problems.push(format!(
                    "{here}: the normaliser is chosen by {attribute:?}, which is not a string attribute beside it"
                )),
            }
            for (value, rule) in cases {
                if !fits(*rule) {
                    problems.push(format!(
                        "{here}: the normaliser for {attribute} = {value:?} does not fit: {}",
                        why_not(*rule)
                    ));
                }
            }
        }
        rule if !fits(rule) => problems.push(format!("{here}: {}", why_not(rule))),
        _ => {}
    }
}

/// A numbered list (`framework::numbered`): a list of flat objects whose every API field names its
/// slot, read back (element `i` is slot `i + 1` in both directions).
fn check_numbered(here: &str, a: &Attribute, spec: super::numbered::Numbered, problems: &mut Vec<String>) {
    let Some(n) = a.nested.as_ref().filter(|n| n.nesting == Nesting::List) else {
        problems.push(format!(
            "{here}: numbered fields are for a Nesting::List nested attribute"
        ));
        return;
    };
    if spec.max == 0 || spec.create_only_from.is_some_and(|k| k == 0 || k > spec.max) {
        problems.push(format!(
            "{here}: numbered slots run from 1 to max (> 0), and create_only_from names one of them"
        ));
    }
    if spec.create_only_from.is_some() && a.requires_replace {
        problems.push(format!(
            "{here}: the whole list replaces already; create_only_from would add nothing"
        ));
    }
    for s in &n.attributes {
        let slot = super::numbered::SLOT;
        let fits = |f: Option<&str>| f.is_some_and(|f| f.contains(slot) && !f.contains('.'));
        if s.nested.is_some() || !fits(s.api.send) || s.api.read != s.api.send {
            problems.push(format!(
                "{here}.{}: a numbered element's sub-attribute is a flat value sent as and read back from one field naming its slot with {slot} (`.api(\"field{slot}\")`)",
                s.name
            ));
        }
    }
}

fn why_not(rule: Normaliser) -> &'static str {
    match rule {
        Normaliser::BySibling { .. } => "a normaliser chosen by a sibling cannot choose another sibling rule",
        _ => "the host name, IP address, TXT and numeric normalisers are for strings (or collections of them)",
    }
}

impl ResourceSpec {
    /// Every broken invariant, each described with the resource type and attribute concerned.
    pub fn check(&self) -> Result<(), Vec<String>> {
        let t = self.type_name;
        let mut problems = Vec::new();
        let names: BTreeSet<&str> = self.attributes.iter().map(|a| a.name).collect();

        if names.len() != self.attributes.len() {
            problems.push(format!("{t}: attribute names are not unique"));
        }

        // `upgrade_state` runs `state_upgraders[v]` for every version v below the current one.
        match usize::try_from(self.version) {
            Err(_) => problems.push(format!(
                "{t}: schema version {} is negative (state upgraders count from 0)",
                self.version
            )),
            Ok(v) if v != self.state_upgraders.len() => problems.push(format!(
                "{t}: schema version {v} needs exactly {v} state upgraders, has {}",
                self.state_upgraders.len()
            )),
            Ok(_) => {}
        }

        for a in &self.attributes {
            // Without an update endpoint, a change can only be made by replacing the object.
            if self.endpoint.update == UpdateVerb::None && a.mode.is_configurable() && !a.requires_replace {
                problems.push(format!(
                    "{t}.{}: the API cannot update this resource, so a configurable attribute must require replacement",
                    a.name
                ));
            }
            // A value only the API decides must be read back, or it stays unknown after apply.
            let engine_reads = self.membership.as_ref().is_some_and(|m| m.attribute == a.name)
                || self.desired_states.iter().any(|d| d.attribute == a.name)
                || self.links.iter().any(|l| l.attribute == a.name);
            if api_decides(a) && a.api.read.is_none() && !a.write_only && !engine_reads {
                problems.push(format!(
                    "{t}.{}: a computed attribute needs an API field to be read from",
                    a.name
                ));
            }
            // An update waits for the status rule's ready status: an attribute showing that
            // status must be unknown in an update's plan, or a refresh that saw a transitional
            // status (`to_update`, a change made elsewhere) makes the apply's `ok` contradict it.
            if self.status.as_ref().is_some_and(|s| {
                a.api.read == Some(s.field) || s.also.as_ref().is_some_and(|also| a.api.read == Some(also.field))
            }) && a.mode == Mode::Computed
                && !a.changes_on_update
            {
                problems.push(format!(
                    "{t}.{}: it shows the status an update waits for, so it must be `changes_on_update`",
                    a.name
                ));
            }
            check_declaration(&format!("{t}.{}", a.name), a, &mut problems);
            for n in a
                .changes_with
                .iter()
                .filter(|n| self.attributes.iter().all(|b| b.name != **n))
            {
                problems.push(format!("{t}.{}: changes_with names {n}, which is no attribute", a.name));
            }
            check_codecs(&format!("{t}.{}", a.name), a, &self.attributes, &mut problems);
            check_nested(&format!("{t}.{}", a.name), a, a.api.read.is_some(), &mut problems);
        }

        self.check_capabilities(&names, &mut problems);

        let unique = self.unique.as_ref().map(|u| u.attribute);
        let distinct: Vec<&str> = self
            .distinct_creates
            .iter()
            .flat_map(|d| std::iter::once(d.attribute).chain(d.within.iter().copied()))
            .collect();
        for (what, list) in [
            ("import_id", self.import_id),
            ("natural_key", self.natural_key),
            ("unique", unique.as_slice()),
            ("distinct_creates", distinct.as_slice()),
        ] {
            for name in list.iter().filter(|n| !names.contains(*n)) {
                problems.push(format!("{t}: {what} names {name:?}, which is not an attribute"));
            }
        }

        for (what, path) in [("collection", self.endpoint.collection), ("item", self.endpoint.item)] {
            match placeholders(path) {
                Ok(found) => {
                    for name in found.into_iter().filter(|n| !names.contains(n)) {
                        problems.push(format!(
                            "{t}: the {what} path {path:?} has the placeholder {{{name}}}, which is not an attribute"
                        ));
                    }
                }
                Err(why) => problems.push(format!("{t}: the {what} path {path:?} {why}")),
            }
        }

        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }
}

impl ResourceSpec {
    /// The declarations of the engine's capabilities name attributes that exist, of the right kind.
    fn check_capabilities(&self, names: &BTreeSet<&str>, problems: &mut Vec<String>) {
        let t = self.type_name;
        let attr = |n: &str| self.attributes.iter().find(|a| a.name == n);
        let named = |what: &str, n: &str, problems: &mut Vec<String>| {
            if !names.contains(n) {
                problems.push(format!("{t}: {what} names {n:?}, which is not an attribute"));
            }
        };
        for rule in &self.rules {
            for n in rule.names() {
                named("a config rule", n, problems);
            }
        }
        for r in &self.resolves {
            named("a resolved argument", r.attribute, problems);
            if let Ok(found) = placeholders(r.path) {
                for n in found {
                    named("a resolve path", n, problems);
                }
            }
        }
        for c in &self.plan_checks {
            for n in c.attributes() {
                named("a plan check", n, problems);
            }
        }
        for a in &self.attributes {
            if let Some(source) = a.api.via {
                named("a list source", source.by, problems);
                if let Ok(found) = placeholders(source.path) {
                    for n in found {
                        named("a list source path", n, problems);
                    }
                }
            }
        }
        if let Some(m) = &self.membership {
            named("the membership", m.organisation, problems);
            match attr(m.attribute) {
                None => named("the membership", m.attribute, problems),
                Some(a) => {
                    if a.mode != Mode::OptionalComputed || !matches!(&a.ty, Type::Set(e) if **e == Type::String) {
                        problems.push(format!(
                            "{t}.{}: team membership is an optional+computed set of id strings (left out: not managed)",
                            a.name
                        ));
                    }
                    if a.api.send.is_some() || a.api.read.is_some() {
                        problems.push(format!(
                            "{t}.{}: team membership is sent and read by the engine, not as an API field",
                            a.name
                        ));
                    }
                }
            }
        }
        for l in &self.links {
            match attr(l.attribute) {
                None => named("a link set", l.attribute, problems),
                Some(a)
                    if a.mode != Mode::OptionalComputed
                        || !matches!(&a.ty, Type::Set(e) if **e == Type::String)
                        || a.api.send.is_some()
                        || a.api.read.is_some() =>
                {
                    problems.push(format!(
                        "{t}.{}: a link set is an optional+computed set of id strings, sent and read by the engine",
                        a.name
                    ));
                }
                Some(_) => {}
            }
            for path in [l.add, l.remove] {
                if let Ok(found) = placeholders(path) {
                    for n in found.into_iter().filter(|n| *n != "member" && *n != "link") {
                        named("a link path", n, problems);
                    }
                }
            }
        }
        for d in &self.desired_states {
            match attr(d.attribute) {
                None => named("a desired state", d.attribute, problems),
                Some(a) if a.mode != Mode::OptionalComputed || a.api.send.is_some() || a.api.read.is_some() => {
                    problems.push(format!(
                        "{t}.{}: a desired state is optional+computed and reached through actions, not an API field",
                        a.name
                    ));
                }
                Some(_) => {}
            }
        }
        if self.refresh_from_list && self.endpoint.plural.is_empty() {
            problems.push(format!("{t}: refresh_from_list needs the collection's envelope key"));
        }
    }
}

/// The `{name}` placeholders of an endpoint path, in order.
fn placeholders(path: &str) -> Result<Vec<&str>, &'static str> {
    let mut found = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find(['{', '}']) {
        if rest[start..].starts_with('}') {
            return Err("has a '}' without '{'");
        }
        let after = &rest[start + 1..];
        let end = after.find('}').ok_or("has a '{' without '}'")?;
        let name = &after[..end];
        if name.is_empty() || name.contains('{') {
            return Err("has a malformed placeholder");
        }
        found.push(name);
        rest = &after[end + 1..];
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::resource::StateUpgrader;
    use crate::framework::schema::Attribute;

    #[test]
    fn every_resource_spec_holds_the_invariants() {
        let specs = crate::resources::all();
        assert!(!specs.is_empty());
        for spec in specs {
            assert_eq!(spec.check(), Ok(()), "{}", spec.type_name);
        }
    }

    /// The team spec with one thing broken; `check` must name that thing.
    fn rejects(why: &str, expected: &str, breaks: impl FnOnce(&mut ResourceSpec)) {
        let mut spec = crate::resources::team::spec();
        assert_eq!(spec.check(), Ok(()), "the base spec is valid");
        breaks(&mut spec);
        match spec.check() {
            Ok(()) => panic!("accepted a spec where {why}"),
            Err(problems) => assert!(
                problems.iter().any(|p| p.contains(expected)),
                "{why}: expected a problem mentioning {expected:?}, got {problems:?}"
            ),
        }
    }

    fn keep(
        s: serde_json::Map<String, serde_json::Value>,
    ) -> Result<serde_json::Map<String, serde_json::Value>, String> {
        Ok(s)
    }

    #[test]
    fn broken_specs_are_rejected() {
        rejects("version 1 has no upgrader", "state upgraders", |s| s.version = 1);
        rejects("an upgrader exists for version 0", "state upgraders", |s| {
            const ONE: &[StateUpgrader] = &[keep];
            s.state_upgraders = ONE;
        });
        rejects("the version is negative", "negative", |s| s.version = -1);
        rejects(
            "a derived value names no attribute",
            "changes_with names nickname",
            |s| {
                s.attributes.push(
                    Attribute::string("label")
                        .computed()
                        .read_from("label")
                        .changes_with(&["nickname"]),
                )
            },
        );
        rejects(
            "there is no update but name updates in place",
            "level27_team.name",
            |s| s.endpoint.update = UpdateVerb::None,
        );
        rejects("a computed attribute is never read", "level27_team.created_at", |s| {
            s.attributes.push(Attribute::string("created_at").computed())
        });
        rejects(
            "an optional+computed attribute is never read",
            "level27_team.slug",
            |s| {
                s.attributes
                    .push(Attribute::string("slug").optional_computed().send_as("slug"))
            },
        );
        rejects("the import id names no attribute", "import_id names \"team_id\"", |s| {
            s.import_id = &["organisation_id", "team_id"]
        });
        rejects(
            "the natural key names no attribute",
            "natural_key names \"title\"",
            |s| s.natural_key = &["title"],
        );
        rejects(
            "a distinct create's scope is no attribute",
            "distinct_creates names \"app\"",
            |s| {
                s.distinct_creates = Some(crate::framework::plan_claims::DistinctCreates {
                    attribute: "name",
                    within: &["app"],
                    noun: "thing",
                });
            },
        );
        rejects("the unique attribute is no attribute", "unique names \"slug\"", |s| {
            s.unique = Some(crate::framework::resource::Unique {
                attribute: "slug",
                says: "taken",
            })
        });
        rejects("the item path names no attribute", "{team_id}", |s| {
            s.endpoint.item = "/organisations/{organisation_id}/teams/{team_id}"
        });
        rejects("the collection path names no attribute", "{organisation}", |s| {
            s.endpoint.collection = "/organisations/{organisation}/teams"
        });
        rejects("a placeholder is not closed", "without '}'", |s| {
            s.endpoint.item = "/organisations/{organisation_id}/teams/{id"
        });
        rejects(
            "a default followed by required()",
            "level27_team.admin_only: a default",
            |s| {
                let a = s.attributes.iter_mut().find(|a| a.name == "admin_only").unwrap();
                *a = a.clone().default(crate::framework::Value::Bool(false)).required();
            },
        );
        rejects(
            "a provider default followed by required()",
            "level27_team.organisation_id: a provider default",
            |s| s.attributes[1] = s.attributes[1].clone().required(),
        );
        rejects(
            "a create-only attribute that would update in place",
            "level27_team.name: create_only needs requires_replace",
            |s| s.attributes[2] = s.attributes[2].clone().create_only(),
        );
        rejects("create_only and update_only", "exclude each other", |s| {
            s.attributes.push(
                Attribute::string("x")
                    .optional()
                    .api("x")
                    .requires_replace()
                    .create_only()
                    .update_only(),
            )
        });
        rejects("a required update-only attribute", "cannot be required", |s| {
            s.attributes
                .push(Attribute::string("riops").required().api("limitRiops").update_only())
        });
        rejects("create_only without an API field", "need an API field", |s| {
            s.attributes
                .push(Attribute::string("x").optional().requires_replace().create_only())
        });
        rejects("a config rule names nothing", "a config rule names \"version\"", |s| {
            s.rules.push(crate::framework::config_check::ConfigRule::RequiredWhen {
                attribute: "version",
                when: "name",
                is: &["php"],
            })
        });
        rejects(
            "membership on a list of numbers",
            "optional+computed set of id strings",
            |s| {
                s.attributes
                    .push(Attribute::new("team_ids", Type::List(Box::new(Type::Number))).optional_computed());
                s.membership = Some(crate::framework::membership::Membership {
                    attribute: "team_ids",
                    entity: "apps",
                    organisation: "organisation_id",
                    create_field: None,
                    read: crate::framework::membership::TeamsFrom::Field("teams"),
                });
            },
        );
        rejects("a desired state sent as a field", "reached through actions", |s| {
            s.attributes
                .push(Attribute::string("power_state").optional_computed().api("powerState"));
            s.desired_states.push(crate::framework::desired_state::DesiredState {
                attribute: "power_state",
                observed: "runningStatus",
                states: &[],
                path: "/systems/{id}/actions",
                action_field: "type",
            });
        });
        rejects(
            "a plan check on a missing attribute",
            "a plan check names \"cpu\"",
            |s| {
                s.plan_checks.push(crate::framework::plan_checks::PlanCheck::Range(
                    crate::framework::plan_checks::RangeCheck {
                        by: "name",
                        path: "/x",
                        plural: "xs",
                        within: None,
                        key: "id",
                        bounds: &[("cpu", "minCpu", "maxCpu")],
                        fits: None,
                        catalogue: false,
                    },
                ))
            },
        );
        rejects(
            "the status an update waits for is planned as unchanged",
            "level27_team.status: it shows the status an update waits for",
            |s| {
                s.status = Some(crate::framework::wait::StatusRule::default());
                s.attributes
                    .push(Attribute::string("status").computed().read_from("status"));
            },
        );
        rejects(
            "the second status an update waits for is planned as unchanged",
            "level27_team.ssl_status: it shows the status an update waits for",
            |s| {
                s.status = Some(crate::framework::wait::StatusRule {
                    also: Some(crate::framework::wait::SecondStatus {
                        field: "sslStatus",
                        ready: &["ok"],
                        failed: &[],
                    }),
                    ..crate::framework::wait::StatusRule::default()
                });
                s.attributes
                    .push(Attribute::string("ssl_status").computed().read_from("sslStatus"));
            },
        );
        rejects("an attribute is declared twice", "not unique", |s| {
            s.attributes.push(Attribute::string("name").optional().api("name"))
        });
    }

    #[test]
    fn specs_that_bend_but_keep_the_invariants_are_accepted() {
        let mut spec = crate::resources::team::spec();
        // A write-only secret and a defaulted value need no read path.
        spec.attributes
            .push(Attribute::string("password").write_only().send_as("password"));
        spec.attributes
            .push(Attribute::bool("admin").default(crate::framework::Value::Bool(false)));
        // No update endpoint is fine once every configurable attribute forces replacement.
        spec.endpoint.update = UpdateVerb::None;
        for a in spec.attributes.iter_mut().filter(|a| a.mode.is_configurable()) {
            a.requires_replace = true;
        }
        spec.version = 1;
        const ONE: &[StateUpgrader] = &[keep];
        spec.state_upgraders = ONE;
        assert_eq!(spec.check(), Ok(()));
    }

    mod nested {
        use super::*;
        use crate::framework::schema::Nesting;

        fn networks(subs: Vec<Attribute>) -> Attribute {
            Attribute::nested("networks", Nesting::List, subs)
                .optional()
                .api("networks")
        }

        fn ok_subs() -> Vec<Attribute> {
            vec![
                Attribute::number("network_id")
                    .required()
                    .requires_replace()
                    .api("networkId"),
                Attribute::string("ip").computed().read_from("ip"),
            ]
        }

        /// The team spec with one nested attribute added, which must be rejected for `expected`.
        fn rejects_nested(why: &str, expected: &str, attribute: Attribute) {
            rejects(why, expected, |s| s.attributes.push(attribute));
        }

        #[test]
        fn a_well_formed_nested_attribute_is_accepted() {
            let mut spec = crate::resources::team::spec();
            spec.attributes.push(networks(ok_subs()));
            spec.attributes.push(
                Attribute::nested(
                    "interfaces",
                    Nesting::Set,
                    vec![
                        Attribute::string("device").computed().read_from("device"),
                        Attribute::nested(
                            "addresses",
                            Nesting::List,
                            vec![Attribute::string("ip").computed().read_from("ip")],
                        )
                        .computed()
                        .read_from("addresses"),
                    ],
                )
                .computed()
                .read_from("interfaces"),
            );
            assert_eq!(spec.check(), Ok(()));
        }

        #[test]
        fn numbered_lists_must_name_their_slots() {
            use crate::framework::numbered::Numbered;
            let ns = |subs: Vec<Attribute>, nesting: Nesting, spec: Numbered| {
                Attribute::nested("ns", nesting, subs).optional().numbered(spec)
            };
            let four = Numbered {
                max: 4,
                create_only_from: Some(4),
            };
            let host = || Attribute::string("host").required().api("ns{n}");
            let mut spec = crate::resources::team::spec();
            spec.attributes.push(ns(vec![host()], Nesting::List, four));
            assert_eq!(spec.check(), Ok(()));
            rejects_nested(
                "a field without its slot",
                "level27_team.ns.ip: a numbered element's sub-attribute",
                ns(
                    vec![host(), Attribute::string("ip").optional().api("ip")],
                    Nesting::List,
                    four,
                ),
            );
            rejects_nested(
                "read from another field than it is sent as",
                "level27_team.ns.ip: a numbered element's sub-attribute",
                ns(
                    vec![
                        host(),
                        Attribute::string("ip").optional().send_as("ip{n}").read_from("addr{n}"),
                    ],
                    Nesting::List,
                    four,
                ),
            );
            rejects_nested(
                "a set",
                "numbered fields are for a Nesting::List",
                ns(vec![host()], Nesting::Set, four),
            );
            rejects_nested(
                "a create-only slot past the end",
                "create_only_from names one of them",
                ns(
                    vec![host()],
                    Nesting::List,
                    Numbered {
                        max: 4,
                        create_only_from: Some(5),
                    },
                ),
            );
        }

        #[test]
        fn broken_nested_attributes_are_rejected() {
            let mut subs = ok_subs();
            subs.push(Attribute::string("mac").computed());
            rejects_nested(
                "a computed sub-attribute is never read",
                "level27_team.networks.mac",
                networks(subs),
            );
            rejects_nested(
                "computed sub-attributes under a parent that is never read",
                "level27_team.networks.ip: a computed sub-attribute needs an API field",
                Attribute::nested("networks", Nesting::List, ok_subs())
                    .optional()
                    .send_as("networks"),
            );
            let mut subs = ok_subs();
            subs.push(Attribute::string("secret").write_only().send_as("secret"));
            rejects_nested(
                "a write-only sub-attribute",
                "networks.secret: write-only",
                networks(subs),
            );
            rejects_nested(
                "a write-only nested attribute",
                "networks: a nested attribute cannot be write-only",
                networks(vec![Attribute::string("a").optional().send_as("a")]).write_only(),
            );
            rejects_nested(
                "requires_replace inside a set",
                "mark level27_team.networks requires_replace",
                Attribute::nested("networks", Nesting::Set, ok_subs())
                    .optional()
                    .api("networks"),
            );
            rejects_nested(
                "a configurable sub-attribute of a computed attribute",
                "networks.network_id: the attribute holding it is computed",
                Attribute::nested("networks", Nesting::List, ok_subs())
                    .computed()
                    .read_from("networks"),
            );
            let mut subs = ok_subs();
            subs.push(Attribute::number("org").provider_default("organisation_id").api("org"));
            rejects_nested(
                "a provider default below the top",
                "networks.org: a provider default",
                networks(subs),
            );
            let mut subs = ok_subs();
            subs.push(Attribute::string("x").optional().api("x").always_send());
            rejects_nested(
                "always_send below the top",
                "networks.x: create_only and always_send",
                networks(subs),
            );
            let mut subs = ok_subs();
            subs.push(Attribute::string("ip").optional().api("ip2"));
            rejects_nested(
                "a sub-attribute declared twice",
                "networks: sub-attribute names are not unique",
                networks(subs),
            );
            // Deeper levels are checked too.
            rejects_nested(
                "a computed sub-sub-attribute is never read",
                "level27_team.networks.routes.via",
                networks(vec![Attribute::nested(
                    "routes",
                    Nesting::List,
                    vec![Attribute::string("via").computed()],
                )
                .optional()
                .api("routes")]),
            );
        }
    }

    mod codecs {
        use super::*;
        use crate::framework::codecs::Normaliser;
        use crate::framework::schema::Nesting;
        use crate::framework::value::{Type, Value};

        const RECORD: &[(&str, Normaliser)] = &[("A", Normaliser::IpAddress), ("CNAME", Normaliser::Hostname)];
        const NESTED_RULE: &[(&str, Normaliser)] = &[(
            "A",
            Normaliser::BySibling {
                attribute: "type",
                cases: RECORD,
            },
        )];

        fn same(a: &Value, b: &Value) -> bool {
            a == b
        }

        #[test]
        fn codecs_and_normalisers_that_fit_are_accepted() {
            let mut spec = crate::resources::team::spec();
            spec.attributes.extend([
                Attribute::id_set("team_ids")
                    .optional()
                    .send_as("autoTeams")
                    .read_from("teams")
                    .csv(),
                Attribute::id_list("sshkey_ids").optional().api("sshkeys"),
                Attribute::string_list("urls")
                    .optional()
                    .api("urls")
                    .csv()
                    .normalise(Normaliser::Hostname),
                Attribute::string("fqdn")
                    .optional()
                    .api("fqdn")
                    .normalise(Normaliser::Hostname),
                Attribute::new("ips", Type::Map(Box::new(Type::String)))
                    .optional()
                    .api("ips")
                    .normalise(Normaliser::IpAddress),
                Attribute::number("size").optional().api("size").equivalent(same),
                Attribute::nested(
                    "records",
                    Nesting::Set,
                    vec![
                        Attribute::string("type").required().api("type"),
                        Attribute::string("content")
                            .required()
                            .api("content")
                            .normalise_by("type", RECORD),
                    ],
                )
                .optional()
                .api("records"),
            ]);
            assert_eq!(spec.check(), Ok(()));
        }

        #[test]
        fn codecs_and_normalisers_that_do_not_fit_are_rejected() {
            let add = |a: Attribute| move |s: &mut ResourceSpec| s.attributes.push(a);
            rejects(
                "a CSV codec on a string",
                "level27_team.tags: the CSV codec is for a list or set",
                add(Attribute::string("tags").optional().api("tags").csv()),
            );
            rejects(
                "a CSV codec on a list of numbers",
                "ports: the CSV codec",
                add(Attribute::new("ports", Type::List(Box::new(Type::Number)))
                    .optional()
                    .api("ports")
                    .csv()),
            );
            rejects(
                "a CSV codec on a nested list",
                "level27_team.nets: the CSV codec",
                add(
                    Attribute::nested("nets", Nesting::List, vec![Attribute::string("x").optional().api("x")])
                        .optional()
                        .api("nets")
                        .csv(),
                ),
            );
            let mut numeric_id = Attribute::number("owner").optional().api("owner");
            numeric_id.api.id = true;
            rejects(
                "an id that is a number",
                "level27_team.owner: an id is a string",
                add(numeric_id),
            );
            rejects(
                "a host name rule on a number",
                "level27_team.size: the host name, IP address, TXT and numeric normalisers are for strings",
                add(Attribute::number("size")
                    .optional()
                    .api("size")
                    .normalise(Normaliser::Hostname)),
            );
            rejects(
                "a TXT rule on a set of numbers",
                "level27_team.sizes: the host name",
                add(Attribute::new("sizes", Type::Set(Box::new(Type::Number)))
                    .optional()
                    .api("sizes")
                    .normalise(Normaliser::Txt)),
            );
            rejects(
                "a normaliser on a nested attribute",
                "level27_team.nets: a nested attribute has no normaliser",
                add(
                    Attribute::nested("nets", Nesting::List, vec![Attribute::string("x").optional().api("x")])
                        .optional()
                        .api("nets")
                        .normalise(Normaliser::Hostname),
                ),
            );
            rejects(
                "a normaliser on an attribute never read back",
                "level27_team.fqdn: a normaliser compares the API's answer",
                add(Attribute::string("fqdn")
                    .optional()
                    .send_as("fqdn")
                    .normalise(Normaliser::Hostname)),
            );
            rejects(
                "a rule chosen by a sibling that does not exist",
                "level27_team.content: the normaliser is chosen by \"type\", which is not a string attribute",
                add(Attribute::string("content")
                    .optional()
                    .api("content")
                    .normalise_by("type", RECORD)),
            );
            rejects(
                "a rule chosen by a sibling rule",
                "the normaliser for type = \"A\" does not fit: a normaliser chosen by a sibling cannot",
                |s| {
                    s.attributes.push(Attribute::string("type").optional().api("type"));
                    s.attributes.push(
                        Attribute::string("content")
                            .optional()
                            .api("content")
                            .normalise_by("type", NESTED_RULE),
                    );
                },
            );
            rejects(
                "a rule chosen by a sibling outside the element",
                "level27_team.records.content: the normaliser is chosen by \"name\"",
                add(Attribute::nested(
                    "records",
                    Nesting::Set,
                    vec![Attribute::string("content")
                        .required()
                        .api("content")
                        .normalise_by("name", RECORD)],
                )
                .optional()
                .api("records")),
            );
            rejects(
                "a CSV codec below the top",
                "level27_team.records.ids: the CSV codec",
                add(Attribute::nested(
                    "records",
                    Nesting::List,
                    vec![Attribute::string("ids").optional().api("ids").csv()],
                )
                .optional()
                .api("records")),
            );
        }
    }
}
