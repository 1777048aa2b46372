//! MoveResourceState: `moved { from = other_type.x  to = level27_vm.x }`. A target resource type
//! declares the sources it accepts (their provider's address, their type name, the newest schema
//! version understood) and a pure converter from the source's stored state (Terraform's JSON form)
//! to its own. Terraform reads the object right after the move, so a converter only needs what
//! identifies the object and what it can carry over faithfully; the rest may stay null.

use super::diag::{Diagnostic, Diagnostics};
use super::resource::Resource;
use super::value::{Object, Value};
use serde_json::{Map, Value as Json};
use std::collections::BTreeSet;

/// Turns a source's stored state (JSON object) into the target's, keyed by the target's
/// attribute names. Attributes it leaves out are null.
pub type MoveConverter = fn(Map<String, Json>) -> Result<Map<String, Json>, String>;

/// One accepted source of `moved {}` blocks into a resource type of this provider.
#[derive(Clone, Copy)]
pub struct MoveSource {
    /// The resource type of this provider the state moves into (`level27_vm`).
    pub target: &'static str,
    /// The source's provider address, `hostname/namespace/type`
    /// (`registry.terraform.io/level27/level27`); compared case-insensitively, a missing
    /// hostname meaning the public registry, as in Terraform.
    pub provider: &'static str,
    /// The source resource type (`level27_system`).
    pub type_name: &'static str,
    /// The newest schema version of the source that `convert` understands.
    pub max_version: i64,
    pub convert: MoveConverter,
}

/// What Terraform asks to move.
pub struct MoveRequest<'a> {
    pub provider: &'a str,
    pub type_name: &'a str,
    pub version: i64,
    /// The source's state in Terraform's JSON form.
    pub state_json: &'a [u8],
    /// Whether the source state arrived only in the legacy flatmap form.
    pub flatmap_only: bool,
}

/// A provider address in Terraform's canonical form: lower case, with the public registry's
/// hostname when none is given.
fn canonical(address: &str) -> String {
    let a = address.trim().to_ascii_lowercase();
    if a.split('/').count() == 2 {
        format!("registry.terraform.io/{a}")
    } else {
        a
    }
}

/// The state of `target` for the source state in `req`, converted by the matching declaration.
pub fn move_state(moves: &[MoveSource], target: &Resource, req: &MoveRequest<'_>) -> Result<Object, Diagnostics> {
    let t = target.spec.type_name;
    let fail = |summary: &str, detail: String| -> Diagnostics { Diagnostic::error(summary, detail).into() };
    let accepted: Vec<&MoveSource> = moves.iter().filter(|m| m.target == t).collect();
    let from = format!("{} (provider {})", req.type_name, req.provider);
    let Some(m) = accepted
        .iter()
        .find(|m| m.type_name == req.type_name && canonical(m.provider) == canonical(req.provider))
    else {
        let what = if accepted.is_empty() {
            "it accepts no other resource type".to_string()
        } else {
            let names: Vec<String> = accepted
                .iter()
                .map(|m| format!("{} (provider {})", m.type_name, m.provider))
                .collect();
            format!("it accepts {}", names.join(", "))
        };
        return Err(fail(
            "Unsupported move",
            format!("{t} cannot take the state of {from}: {what}."),
        ));
    };
    if req.version > m.max_version || req.version < 0 {
        return Err(fail(
            "Unsupported source schema version",
            format!(
                "The state of {from} has schema version {}; moving it into {t} understands versions up to {}. \
                 Upgrade this provider, or move from a state written by an older version of the source provider.",
                req.version, m.max_version
            ),
        ));
    }
    if req.state_json.is_empty() {
        let why = if req.flatmap_only {
            "it is stored in the legacy flatmap form; apply once with the source provider to rewrite it"
        } else {
            "it is empty"
        };
        return Err(fail(
            "Cannot move the state",
            format!("The state of {from} cannot be read: {why}."),
        ));
    }
    let source: Map<String, Json> = serde_json::from_slice(req.state_json).map_err(|e| {
        fail(
            "Cannot move the state",
            format!("The state of {from} is not a JSON object: {e}."),
        )
    })?;
    let converted = (m.convert)(source).map_err(|e| fail("Cannot move the state", format!("{from} → {t}: {e}.")))?;
    let state = match super::codec::from_json(&Json::Object(converted), &target.ty) {
        Ok(Value::Object(o)) => o,
        Ok(other) => {
            return Err(fail(
                "Cannot move the state",
                format!("{from} → {t}: got {}.", other.display()),
            ))
        }
        Err(e) => return Err(fail("Cannot move the state", format!("{from} → {t}: {e}."))),
    };
    // Terraform reads the object right after the move: what locates it must be there.
    let missing: Vec<&str> = target
        .spec
        .import_id
        .iter()
        .copied()
        .filter(|k| state.get(*k).is_none_or(Value::is_null))
        .collect();
    if !missing.is_empty() {
        return Err(fail(
            "Cannot move the state",
            format!("{from} → {t}: the state has no {}.", missing.join(", ")),
        ));
    }
    tracing::info!(source = req.type_name, target = t, "moved resource state");
    Ok(state)
}

/// Every declaration problem: targets that are not resources of this provider, sources declared
/// twice for one target, provider addresses that are not `hostname/namespace/type`.
pub fn check_moves(moves: &[MoveSource], resources: &[&str]) -> Result<(), Vec<String>> {
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for m in moves {
        if !resources.contains(&m.target) {
            problems.push(format!("move into {}: no such resource type", m.target));
        }
        let parts: Vec<&str> = m.provider.split('/').collect();
        if !(2..=3).contains(&parts.len()) || parts.iter().any(|p| p.is_empty()) {
            problems.push(format!(
                "move into {} from {}: provider address {:?} is not hostname/namespace/type",
                m.target, m.type_name, m.provider
            ));
        }
        if !seen.insert((m.target, canonical(m.provider), m.type_name)) {
            problems.push(format!(
                "move into {} from {} ({}) is declared twice",
                m.target, m.type_name, m.provider
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A test-only source: `legacy_team` of another provider, whose `title` is the team's name.
    pub(crate) fn legacy_team(mut s: Map<String, Json>) -> Result<Map<String, Json>, String> {
        let mut out = Map::new();
        out.insert("id".into(), s.remove("id").ok_or("no id")?);
        out.insert("organisation_id".into(), s.remove("org").ok_or("no org")?);
        out.insert("name".into(), s.remove("title").unwrap_or(Json::Null));
        Ok(out)
    }

    pub(crate) const LEGACY_TEAM: MoveSource = MoveSource {
        target: "level27_team",
        provider: "registry.terraform.io/example/legacy",
        type_name: "legacy_team",
        max_version: 1,
        convert: legacy_team,
    };

    fn team() -> Resource {
        Resource::new(crate::resources::team::spec())
    }

    fn req<'a>(provider: &'a str, type_name: &'a str, version: i64, json: &'a [u8]) -> MoveRequest<'a> {
        MoveRequest {
            provider,
            type_name,
            version,
            state_json: json,
            flatmap_only: false,
        }
    }

    #[test]
    fn a_declared_source_is_converted_into_the_target_schema() {
        let state = br#"{"id": 12, "org": "7", "title": "ops", "colour": "red"}"#;
        for provider in ["registry.terraform.io/example/legacy", "Example/Legacy"] {
            let s = move_state(&[LEGACY_TEAM], &team(), &req(provider, "legacy_team", 1, state)).unwrap();
            assert_eq!(s["id"], Value::string("12"), "ids as the target stores them");
            assert_eq!(s["organisation_id"], Value::string("7"));
            assert_eq!(s["name"], Value::string("ops"));
            assert_eq!(s["admin_only"], Value::Null, "left for the read that follows the move");
            assert!(!s.contains_key("colour"));
        }
    }

    #[test]
    fn an_unknown_source_is_an_error_naming_what_is_accepted() {
        let state = br#"{"id": 12, "org": "7"}"#;
        let err = move_state(
            &[LEGACY_TEAM],
            &team(),
            &req("registry.terraform.io/other/legacy", "legacy_team", 0, state),
        )
        .unwrap_err();
        let d = &err.0[0].detail;
        assert!(
            d.contains("legacy_team (provider registry.terraform.io/other/legacy)")
                && d.contains("it accepts legacy_team (provider registry.terraform.io/example/legacy)"),
            "{d}"
        );
        let err = move_state(
            &[LEGACY_TEAM],
            &team(),
            &req("registry.terraform.io/example/legacy", "legacy_group", 0, state),
        )
        .unwrap_err();
        assert!(err.0[0].detail.contains("it accepts legacy_team"), "{err:?}");
        let organisation = Resource::new(crate::resources::organisation::spec());
        let err = move_state(
            &[LEGACY_TEAM],
            &organisation,
            &req("registry.terraform.io/example/legacy", "legacy_team", 0, state),
        )
        .unwrap_err();
        assert!(err.0[0].detail.contains("accepts no other resource type"), "{err:?}");
    }

    #[test]
    fn newer_versions_broken_states_and_failed_conversions_are_errors() {
        let p = "registry.terraform.io/example/legacy";
        let cases: [(MoveRequest, &str); 5] = [
            (req(p, "legacy_team", 2, br#"{"id": 1, "org": 2}"#), "versions up to 1"),
            (req(p, "legacy_team", 0, b"[1]"), "not a JSON object"),
            (req(p, "legacy_team", 0, br#"{"org": 2}"#), "no id"),
            (
                req(p, "legacy_team", 0, br#"{"id": null, "org": 2}"#),
                "the state has no id",
            ),
            (
                MoveRequest {
                    flatmap_only: true,
                    ..req(p, "legacy_team", 0, b"")
                },
                "flatmap",
            ),
        ];
        for (r, want) in cases {
            let err = move_state(&[LEGACY_TEAM], &team(), &r).unwrap_err();
            assert!(err.0[0].detail.contains(want), "{want}: {err:?}");
        }
        let typed = move_state(
            &[LEGACY_TEAM],
            &team(),
            &req(p, "legacy_team", 0, br#"{"id": 1, "org": 2, "title": {"a": 1}}"#),
        )
        .unwrap_err();
        assert!(typed.0[0].summary.contains("Cannot move"), "{typed:?}");
    }

    #[test]
    fn declarations_are_checked() {
        assert_eq!(check_moves(&[LEGACY_TEAM], &["level27_team"]), Ok(()));
        let bad = MoveSource {
            target: "level27_vm",
            provider: "legacy",
            ..LEGACY_TEAM
        };
        let problems = check_moves(&[LEGACY_TEAM, LEGACY_TEAM, bad], &["level27_team"]).unwrap_err();
        for want in [
            "declared twice",
            "level27_vm: no such resource type",
            "not hostname/namespace/type",
        ] {
            assert!(problems.iter().any(|p| p.contains(want)), "{want}: {problems:?}");
        }
        assert_eq!(
            check_moves(
                &crate::resources::moves(),
                &crate::resources::all().iter().map(|s| s.type_name).collect::<Vec<_>>()
            ),
            Ok(()),
            "the provider's own declarations"
        );
    }

    #[test]
    fn canonical_addresses() {
        assert_eq!(canonical("level27/Level27"), "registry.terraform.io/level27/level27");
        assert_eq!(canonical("example.com/a/b"), "example.com/a/b");
    }
}
