//! `level27_team` end to end: create, empty plan, in-place rename, replacement when
//! `organisation_id` changes, import (`<organisation_id>/<team_id>`, CLI and `import {}` block
//! with generated configuration), drift (out-of-band edit and delete), destroy.
//! Runs under the default Terraform and under Terraform 1.0.3 (`TERRAFORM_1_0`; required under CI).

mod common;

use common::*;
use serde_json::json;

/// Two organisations and one team in the organisation `org` ("a" or "b").
fn config(org: &str, team_name: &str) -> String {
    format!(
        r#"{header}
resource "level27_organisation" "a" {{
  name       = "Team e2e A"
  tax_number = "BE0000000001"
}}

resource "level27_organisation" "b" {{
  name       = "Team e2e B"
  tax_number = "BE0000000002"
}}

resource "level27_team" "ops" {{
  organisation_id = level27_organisation.{org}.id
  name            = "{team_name}"
}}
"#,
        header = header()
    )
}

/// Only the team, in a literal organisation (for import into a fresh state).
fn team_only(org_id: i64, team_name: &str) -> String {
    format!(
        r#"{header}
resource "level27_team" "ops" {{
  organisation_id = {org_id}
  name            = "{team_name}"
}}
"#,
        header = header()
    )
}

#[track_caller]
fn assert_team_state(tf: &Tf, org: i64, name: &str) -> i64 {
    let a = tf.attrs("level27_team.ops");
    // Ids are strings in state, as in Level27's own provider.
    assert_eq!(
        state_id(&a["organisation_id"]),
        Some(org),
        "organisation_id must be an id string: {a}"
    );
    assert_eq!(a["name"], name, "{a}");
    state_id(&a["id"]).unwrap_or_else(|| panic!("team id must be an id string in state: {a}"))
}

#[track_caller]
fn assert_team_in_api(sb: &Sandbox, org: i64, id: i64, name: &str) {
    let t = sb
        .team(org, id)
        .unwrap_or_else(|| panic!("team {org}/{id} is not in the sandbox"));
    assert_eq!(t["name"], name, "{t}");
}

fn scenario(test: &str, terraform: Terraform) {
    let sb = Sandbox::start();
    let tf = Tf::with("team", terraform, Some(&sb));

    // Create.
    tf.write_main(&config("a", "ops"));
    tf.apply().assert_contains("3 added, 0 changed, 0 destroyed");
    let org_a = tf.id_of("level27_organisation.a");
    let org_b = tf.id_of("level27_organisation.b");
    let id = assert_team_state(&tf, org_a, "ops");
    assert_team_in_api(&sb, org_a, id, "ops");
    assert_eq!(sb.teams(org_a).len(), 1);
    assert!(sb.teams(org_b).is_empty());
    tf.assert_plan_empty("after create");

    // In-place rename.
    tf.write_main(&config("a", "operations"));
    let plan = tf.assert_plan_changes("after renaming");
    plan.assert_contains("update in-place");
    plan.assert_contains("\"ops\" -> \"operations\"");
    plan.assert_contains("0 to add, 1 to change, 0 to destroy");
    plan.assert_not_contains("must be replaced");
    tf.apply().assert_contains("0 added, 1 changed, 0 destroyed");
    assert_eq!(assert_team_state(&tf, org_a, "operations"), id, "id kept on rename");
    assert_team_in_api(&sb, org_a, id, "operations");
    tf.assert_plan_empty("after rename");

    // Moving the team to another organisation replaces it, and it is organisation_id that forces
    // the replacement.
    tf.write_main(&config("b", "operations"));
    let plan = tf.assert_plan_changes("after changing organisation_id");
    plan.assert_contains("level27_team.ops must be replaced");
    plan.assert_contains("1 to add, 0 to change, 1 to destroy");
    let forced: Vec<&str> = plan
        .stdout
        .lines()
        .filter(|l| l.contains("# forces replacement"))
        .collect();
    assert_eq!(
        forced.len(),
        1,
        "exactly one attribute forces the replacement:\n{}",
        plan.dump()
    );
    let line = forced[0].trim_start();
    assert!(
        line.starts_with("~ organisation_id ") && line.contains(&format!("\"{org_a}\" -> ")),
        "the attribute forcing replacement must be organisation_id, changing from {org_a}: \
         {line:?}\n{}",
        plan.dump()
    );
    tf.apply().assert_contains("1 added, 0 changed, 1 destroyed");
    let moved = assert_team_state(&tf, org_b, "operations");
    assert_team_in_api(&sb, org_b, moved, "operations");
    assert!(sb.teams(org_a).is_empty(), "the old team is deleted");
    assert_eq!(sb.teams(org_b).len(), 1);
    tf.assert_plan_empty("after replacement");

    // `terraform import` with `<organisation_id>/<team_id>` into a fresh state.
    let imp = tf.fresh("team-import");
    imp.write_main(&team_only(org_b, "operations"));
    imp.run(&["import", "level27_team.ops", &format!("{org_b}/{moved}")])
        .assert_ok()
        .assert_contains("Import successful");
    assert_eq!(assert_team_state(&imp, org_b, "operations"), moved);
    imp.assert_plan_empty("after terraform import");

    // A malformed import id is refused with a message naming the expected shape.
    let bad = tf.fresh("team-import-bad");
    bad.write_main(&team_only(org_b, "operations"));
    let out = bad
        .run(&["import", "level27_team.ops", &moved.to_string()])
        .assert_failed();
    out.assert_contains("organisation_id");
    assert!(!bad.in_state("level27_team.ops"));

    if tf.terraform.has_import_blocks() {
        let gen = tf.fresh("team-generate");
        gen.write_main(&format!(
            "{}\nimport {{\n  to = level27_team.ops\n  id = \"{org_b}/{moved}\"\n}}\n",
            header()
        ));
        gen.run(&["plan", "-generate-config-out=generated.tf"]).assert_ok();
        let hcl = gen.read("generated.tf");
        for needle in [
            "resource \"level27_team\" \"ops\"",
            "\"operations\"",
            &org_b.to_string(),
        ] {
            assert!(hcl.contains(needle), "generated.tf lacks {needle}:\n{hcl}");
        }
        // An import is a change: `-detailed-exitcode` reports 2.
        gen.assert_plan_changes("with an import block and generated config")
            .assert_contains("1 to import, 0 to add, 0 to change, 0 to destroy");
        gen.apply()
            .assert_contains("1 imported, 0 added, 0 changed, 0 destroyed");
        assert_eq!(assert_team_state(&gen, org_b, "operations"), moved);
        gen.assert_plan_empty("after import block with generated config");
    } else {
        let v = tf.terraform.version;
        skip_step(
            test,
            "import {} block and plan -generate-config-out",
            &format!("needs Terraform >= 1.5, this is {}.{}.{}", v.0, v.1, v.2),
        );
    }

    // Out-of-band rename: an in-place update back to the configuration.
    // An admin also marks it admin-only in the panel; the configuration leaves `admin_only` out.
    sb.put_ok(
        &format!("/v1/organisations/{org_b}/teams/{moved}"),
        json!({"name": "renamed-in-panel", "organisation": org_b, "adminOnly": true}),
    );
    assert_team_in_api(&sb, org_b, moved, "renamed-in-panel");
    let plan = tf.assert_plan_changes("after an out-of-band rename");
    plan.assert_contains("update in-place");
    plan.assert_contains("\"renamed-in-panel\" -> \"operations\"");
    plan.assert_contains("0 to add, 1 to change, 0 to destroy");
    tf.apply().assert_contains("0 added, 1 changed, 0 destroyed");
    assert_team_in_api(&sb, org_b, moved, "operations");
    // The rename is a PUT, which resets what it leaves out: the flag must have been sent along.
    let t = sb.team(org_b, moved).expect("team");
    assert_eq!(t["adminOnly"], true, "the repair kept the panel's admin-only flag: {t}");
    assert_eq!(tf.attrs("level27_team.ops")["admin_only"], true);
    tf.assert_plan_empty("after repairing an out-of-band rename");

    // Out-of-band delete: a create.
    sb.delete_ok(&format!("/v1/organisations/{org_b}/teams/{moved}"));
    let plan = tf.assert_plan_changes("after an out-of-band delete");
    plan.assert_contains("level27_team.ops will be created");
    plan.assert_contains("1 to add, 0 to change, 0 to destroy");
    tf.apply().assert_contains("1 added, 0 changed, 0 destroyed");
    let again = assert_team_state(&tf, org_b, "operations");
    assert_ne!(again, moved, "a re-created team has a new id");
    assert_team_in_api(&sb, org_b, again, "operations");
    assert!(sb.team(org_b, moved).is_none(), "the deleted team came back");
    assert_eq!(sb.teams(org_b).len(), 1);
    tf.assert_plan_empty("after re-creating a team deleted out of band");

    // Destroy leaves no team and no organisation.
    tf.destroy().assert_contains("3 destroyed");
    assert!(sb.team(org_b, again).is_none());
    let left = sb.organisations();
    assert!(left.is_empty(), "organisations left after destroy: {left:?}");
}

#[test]
fn team_lifecycle() {
    scenario("team_lifecycle", Terraform::default_bin());
}

#[test]
fn team_lifecycle_terraform_1_0() {
    if let Some(tf) = Terraform::v1_0("team_lifecycle_terraform_1_0") {
        scenario("team_lifecycle_terraform_1_0", tf);
    }
}
