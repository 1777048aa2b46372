//! Attributes that default to a provider argument (`organisation_id`).

use super::diag::{AttrPath, Diagnostic, Diagnostics};
use super::schema::Block;
use super::value::{Object, Value};

/// On create, attributes left out of the configuration take the provider argument they default
/// to; with neither set, the plan fails naming both places. (An existing object keeps its value:
/// changing the provider's default does not move or replace it.)
pub fn apply_provider_defaults(
    block: &Block,
    config: &Object,
    provider_config: &Object,
    target: &mut Object,
) -> Result<(), Diagnostics> {
    let mut diags = Diagnostics::default();
    for a in &block.attributes {
        let Some(arg) = a.provider_default else { continue };
        if !config.get(a.name).is_none_or(Value::is_null) {
            continue;
        }
        match provider_config.get(arg) {
            Some(v) if !v.is_null() => {
                target.insert(a.name.to_string(), v.clone());
            }
            _ => diags.push(
                Diagnostic::error(
                    format!("Missing {}", a.name),
                    format!(
                        "Set {} here, or set `{arg}` in the provider block to give every resource a default.",
                        a.name
                    ),
                )
                .at(AttrPath::attr(a.name)),
            ),
        }
    }
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(())
    }
}

/// A provider default that was unknown at plan time (`organisation_id = level27_organisation.x.id`
/// in the provider block, on the apply that creates it) is known once the provider is configured
/// for the apply.
pub fn resolve_provider_defaults(block: &Block, planned: &Object, provider_config: &Object) -> Object {
    let mut out = planned.clone();
    for a in &block.attributes {
        let Some(arg) = a.provider_default else { continue };
        if planned.get(a.name).is_some_and(Value::is_unknown) {
            if let Some(v) = provider_config.get(arg).filter(|v| !v.is_null() && !v.is_unknown()) {
                out.insert(a.name.to_string(), v.clone());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::resource::Resource;

    #[test]
    fn parents_default_to_the_provider_argument_on_create_only() {
        let team = Resource::new(crate::resources::team::spec());
        let config: Object = [
            ("name".to_string(), Value::string("ops")),
            ("organisation_id".to_string(), Value::Null),
        ]
        .into_iter()
        .collect();
        let provider: Object = [("organisation_id".to_string(), Value::string("42"))]
            .into_iter()
            .collect();
        let p = team.plan(None, &config, &config, true, &provider, &[]).unwrap();
        assert_eq!(p.planned["organisation_id"], Value::string("42"));

        // Neither here nor in the provider: a plan error on the attribute.
        let e = team
            .plan(None, &config, &config, true, &Object::new(), &[])
            .unwrap_err();
        assert_eq!(e.0[0].path, Some(AttrPath::attr("organisation_id")));
        assert!(e.0[0].detail.contains("provider block"), "{}", e.0[0].detail);

        // An existing team keeps its organisation when the provider default changes.
        let mut prior = config.clone();
        prior.insert("organisation_id".into(), Value::string("7"));
        prior.insert("id".into(), Value::string("5"));
        let p = team.plan(Some(&prior), &prior, &config, true, &provider, &[]).unwrap();
        assert_eq!(p.planned["organisation_id"], Value::string("7"));
        assert!(p.requires_replace.is_empty());
    }

    #[test]
    fn a_provider_default_unknown_at_plan_time_is_filled_in_at_apply() {
        let team = Resource::new(crate::resources::team::spec());
        let planned: Object = [
            ("id".to_string(), Value::Unknown),
            ("organisation_id".to_string(), Value::Unknown),
            ("name".to_string(), Value::string("ops")),
        ]
        .into_iter()
        .collect();
        let provider: Object = [("organisation_id".to_string(), Value::string("42"))]
            .into_iter()
            .collect();
        let filled = resolve_provider_defaults(team.block(), &planned, &provider);
        assert_eq!(filled["organisation_id"], Value::string("42"));
        assert_eq!(filled["id"], Value::Unknown, "computed values stay unknown");
        // A value the plan already knows is never overridden.
        let mut known = planned.clone();
        known.insert("organisation_id".into(), Value::string("7"));
        assert_eq!(
            resolve_provider_defaults(team.block(), &known, &provider)["organisation_id"],
            Value::string("7")
        );
    }
}
