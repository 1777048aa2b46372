//! Invariants of a `ResourceSpec` that the engine relies on but the type system cannot express.
//! A spec breaking one fails at plan or apply time in front of a user (a missing placeholder
//! value, a computed attribute that stays unknown after apply, an in-place update the API cannot
//! make); checking every spec in a unit test moves those failures to `cargo test`.

use super::resource::{ResourceSpec, UpdateVerb};
use super::schema::Mode;
use std::collections::BTreeSet;

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
            let api_decides = match a.mode {
                Mode::Computed => true,
                Mode::OptionalComputed => a.default.is_none() && a.provider_default.is_none(),
                Mode::Required | Mode::Optional => false,
            };
            if api_decides && a.api.read.is_none() && !a.write_only {
                problems.push(format!(
                    "{t}.{}: a computed attribute needs an API field to be read from",
                    a.name
                ));
            }
        }

        for (what, list) in [("import_id", self.import_id), ("natural_key", self.natural_key)] {
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
        rejects("the item path names no attribute", "{team_id}", |s| {
            s.endpoint.item = "/organisations/{organisation_id}/teams/{team_id}"
        });
        rejects("the collection path names no attribute", "{organisation}", |s| {
            s.endpoint.collection = "/organisations/{organisation}/teams"
        });
        rejects("a placeholder is not closed", "without '}'", |s| {
            s.endpoint.item = "/organisations/{organisation_id}/teams/{id"
        });
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
}
