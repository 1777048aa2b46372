//! Values no two objects may share, claimed by the creates of one plan
//! (`ResourceSpec::distinct_creates`): two new urls with one host fail at plan rather than the
//! second at apply, halfway through.
//!
//! One provider process serves every PlanResourceChange of a plan (Terraform starts a fresh one
//! for the apply, whose plans of the same objects start afresh), so the process remembers each
//! planned create's value. Only creates count (a prior state null): an update or a replacement's
//! first plan holds its value already, and a replacement's create is planned once. An object may
//! be planned more than once in one process with the same configuration; a claim by the same
//! configuration is the same object, so only a different one is refused. Two objects configured
//! identically are therefore not told apart: the API refuses the second at apply, as it would
//! without the check.

use super::codecs;
use super::diag::{AttrPath, Diagnostic, Diagnostics};
use super::schema::Block;
use super::value::{Object, Value};
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::Mutex;

/// An attribute no two objects of the type may share (within the objects the `within`
/// attributes name, if any), checked among the creates of a plan.
#[derive(Clone, Copy, Debug)]
pub struct DistinctCreates {
    /// The attribute (`content`).
    pub attribute: &'static str,
    /// The attributes the value is unique within (`app_id`); none: across the API.
    pub within: &'static [&'static str],
    /// What the objects are, for the message (`url`).
    pub noun: &'static str,
}

/// One planned create's claim.
struct Claim {
    type_name: &'static str,
    within: Vec<Value>,
    value: Value,
    /// A hash of the create's configuration: a later plan of the same object is no other claim.
    /// (A hash: the configuration may hold secrets.)
    config: u64,
}

/// The claims of this provider process's plans.
#[derive(Default)]
pub struct PlanClaims {
    claims: Mutex<Vec<Claim>>,
}

fn fingerprint(config: &Object) -> u64 {
    let mut h = DefaultHasher::new();
    format!("{config:?}").hash(&mut h);
    h.finish()
}

impl PlanClaims {
    /// Claims `planned`'s value for a create of `type_name`: an error on the attribute when
    /// another create of this process's plans, configured otherwise, holds the same value (under
    /// the attribute's normaliser). Values unknown at plan claim nothing: the apply's plans see
    /// them.
    pub fn claim(
        &self,
        type_name: &'static str,
        rule: &DistinctCreates,
        block: &Block,
        planned: &Object,
        config: &Object,
    ) -> Diagnostics {
        let known = |v: Option<&Value>| v.filter(|v| !v.is_null() && !v.contains_unknown()).cloned();
        let Some(value) = known(planned.get(rule.attribute)) else {
            return Diagnostics::default();
        };
        let Some(within) = rule
            .within
            .iter()
            .map(|a| known(planned.get(*a)))
            .collect::<Option<Vec<Value>>>()
        else {
            return Diagnostics::default();
        };
        let Some(attribute) = block.attributes.iter().find(|a| a.name == rule.attribute) else {
            return Diagnostics::default();
        };
        let config = fingerprint(config);
        // A poisoned lock only means another plan panicked: its claims still hold.
        let mut claims = self.claims.lock().unwrap_or_else(|e| e.into_inner());
        let taken = claims.iter().any(|c| {
            c.type_name == type_name
                && c.within == within
                && c.config != config
                && codecs::equivalent(attribute, &c.value, &value, planned)
        });
        if taken {
            let shown = value
                .as_str()
                .map_or_else(|| format!("{value:?}"), |s| format!("{s:?}"));
            let scope = match rule.within {
                [] => String::new(),
                names => format!(
                    " with the same {}",
                    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
                ),
            };
            return Diagnostic::error(
                format!("Duplicate {}", rule.attribute),
                format!(
                    "{} = {shown}: another new {type_name}{scope} in this plan has it too, and the API takes each {} {} only once, so one of the creates would fail at apply. Give each {} its own {}.",
                    rule.attribute, rule.noun, rule.attribute, rule.noun, rule.attribute
                ),
            )
            .at(AttrPath::attr(rule.attribute))
            .into();
        }
        if !claims
            .iter()
            .any(|c| c.type_name == type_name && c.config == config && c.within == within && c.value == value)
        {
            claims.push(Claim {
                type_name,
                within,
                value,
                config,
            });
        }
        Diagnostics::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::Resource;

    fn url(app: &str, component: &str, host: &str) -> Object {
        [
            ("app_id".to_string(), Value::string(app)),
            ("component_id".to_string(), Value::string(component)),
            ("content".to_string(), Value::string(host)),
        ]
        .into_iter()
        .collect()
    }

    const HOSTS: DistinctCreates = DistinctCreates {
        attribute: "content",
        within: &[],
        noun: "url",
    };

    #[test]
    fn two_creates_of_one_value_are_refused_on_the_second() {
        let res = Resource::new(crate::resources::app_component_url::spec());
        let claims = PlanClaims::default();
        let claim = |o: &Object| claims.claim("level27_app_component_url", &HOSTS, res.block(), o, o);
        assert!(claim(&url("1", "10", "www.shop.example")).0.is_empty());
        // The same object planned again (the same configuration): no other claim.
        assert!(claim(&url("1", "10", "www.shop.example")).0.is_empty());
        assert!(claim(&url("1", "10", "shop.example")).0.is_empty());
        // Another url of the same host, in another spelling: refused on its content.
        let d = claim(&url("1", "11", "WWW.Shop.example."));
        assert_eq!(d.0.len(), 1, "{d:?}");
        assert_eq!(d.0[0].path, Some(AttrPath::attr("content")));
        assert_eq!(d.0[0].summary, "Duplicate content");
        assert!(
            d.0[0].detail.starts_with(
                "content = \"WWW.Shop.example.\": another new level27_app_component_url in this plan has it too"
            ),
            "{}",
            d.0[0].detail
        );
        // Unique across the API: another app's url of the host too.
        assert_eq!(claim(&url("2", "20", "www.shop.example")).0.len(), 1);
        // Unknown until apply: claims nothing, refused nothing.
        let mut unknown = url("1", "13", "x");
        unknown.insert("content".into(), Value::Unknown);
        assert!(claim(&unknown).0.is_empty());
        assert!(claim(&url("1", "14", "new.shop.example")).0.is_empty());
    }

    #[test]
    fn a_value_is_unique_within_what_the_rule_names() {
        let res = Resource::new(crate::resources::app_component_url::spec());
        let claims = PlanClaims::default();
        let per_app = DistinctCreates {
            within: &["app_id"],
            ..HOSTS
        };
        let claim = |o: &Object| claims.claim("level27_app_component_url", &per_app, res.block(), o, o);
        assert!(claim(&url("1", "10", "www.shop.example")).0.is_empty());
        assert!(claim(&url("2", "20", "www.shop.example")).0.is_empty());
        let d = claim(&url("1", "11", "www.shop.example"));
        assert!(d.0[0].detail.contains("with the same `app_id` in this plan"), "{d:?}");
        // An app not known yet: nothing to compare with.
        let mut unknown = url("1", "12", "www.shop.example");
        unknown.insert("app_id".into(), Value::Unknown);
        assert!(claim(&unknown).0.is_empty());
    }
}
