//! `level27_organisation` end to end: create, empty plan, in-place updates (the city; the name and
//! tax number, which are in place too), import (CLI, an unknown id, and the `import {}` block with
//! generated configuration), the same configuration applied twice (the duplicate tax number names
//! the organisation to import), drift (out-of-band edit and delete), destroy.
//! Runs under the default Terraform and under Terraform 1.0.3 (`TERRAFORM_1_0`; required under CI).

mod common;

use common::*;
use serde_json::json;

/// The name and tax number of the first create; `RENAMED` after the rename step.
const ORIGINAL: Org = Org {
    name: "Acme e2e",
    tax_number: "BE0123456789",
};
const RENAMED: Org = Org {
    name: "Acme Renamed e2e",
    tax_number: "BE0987654321",
};

#[derive(Clone, Copy)]
struct Org {
    name: &'static str,
    tax_number: &'static str,
}

fn config(org: Org, city: &str) -> String {
    format!(
        r#"{header}
resource "level27_organisation" "acme" {{
  name         = "{name}"
  tax_number   = "{tax}"
  street       = "Kerkstraat"
  house_number = "12"
  zip          = "9000"
  city         = "{city}"
  country      = "BE"
}}

output "id" {{
  value = level27_organisation.acme.id
}}
"#,
        header = header(),
        name = org.name,
        tax = org.tax_number,
    )
}

/// The configuration without its output (a freshly imported state has no outputs, and Terraform
/// 1.0 counts a new output as a change).
fn resource_only(org: Org, city: &str) -> String {
    let full = config(org, city);
    let cut = full.find("output \"id\"").expect("output block");
    full[..cut].to_string()
}

/// The attributes a user wrote, as they must be in state and in the API.
#[track_caller]
fn assert_org_state(tf: &Tf, org: Org, city: &str) -> i64 {
    let a = tf.attrs("level27_organisation.acme");
    assert_eq!(a["name"], org.name, "{a}");
    assert_eq!(a["tax_number"], org.tax_number, "{a}");
    assert_eq!(a["street"], "Kerkstraat", "{a}");
    assert_eq!(text_of(&a["house_number"]), "12", "{a}");
    assert_eq!(text_of(&a["zip"]), "9000", "{a}");
    assert_eq!(a["city"], city, "{a}");
    assert_eq!(a["country"], "BE", "{a}");
    assert!(a["reseller_organisation_id"].is_null(), "{a}");
    state_id(&a["id"]).unwrap_or_else(|| panic!("id must be an id string in state: {a}"))
}

#[track_caller]
fn assert_org_in_api(sb: &Sandbox, id: i64, org: Org, city: &str) {
    let o = sb
        .organisation(id)
        .unwrap_or_else(|| panic!("organisation {id} is not in the sandbox"));
    assert_eq!(o["name"], org.name, "{o}");
    assert_eq!(o["taxNumber"], org.tax_number, "{o}");
    assert_eq!(o["city"], city, "{o}");
    assert_eq!(country_code(&o["country"]).as_deref(), Some("BE"), "{o}");
}

fn scenario(test: &str, terraform: Terraform) {
    let sb = Sandbox::start();
    let tf = Tf::with("org", terraform.clone(), Some(&sb));

    // Create.
    tf.write_main(&config(ORIGINAL, "Gent"));
    let out = tf.apply();
    out.assert_contains("1 added, 0 changed, 0 destroyed");
    let id = assert_org_state(&tf, ORIGINAL, "Gent");
    assert_org_in_api(&sb, id, ORIGINAL, "Gent");
    assert_eq!(as_i64(&tf.outputs()["id"]), Some(id), "output id");
    assert_eq!(sb.organisations().len(), 1, "exactly one organisation created");
    // The provider announces itself and the Terraform driving it in every request.
    let (major, minor, patch) = terraform.version;
    let agent = format!(
        "terraform-provider-level27/{} Terraform/{major}.{minor}.{patch}",
        env!("CARGO_PKG_VERSION")
    );
    let agents = sb.requests()["userAgents"].clone();
    assert!(
        agents.get(&agent).and_then(|n| n.as_u64()).is_some_and(|n| n > 0),
        "requests carry User-Agent {agent:?}: {agents}"
    );
    // The only other requests are this test's own, which send none.
    let others: Vec<&String> = agents
        .as_object()
        .map(|a| a.keys().filter(|k| *k != &agent && !k.is_empty()).collect())
        .unwrap_or_default();
    assert!(others.is_empty(), "no other User-Agent: {agents}");

    // A second plan is empty (that the provider processes exit on Terraform's Shutdown request is
    // checked in the trace log by tests/secrets.rs).
    tf.assert_plan_empty("after create");

    // In-place update.
    tf.write_main(&config(ORIGINAL, "Antwerpen"));
    let plan = tf.assert_plan_changes("after changing city");
    plan.assert_contains("update in-place");
    plan.assert_contains("~ city");
    plan.assert_contains("0 to add, 1 to change, 0 to destroy");
    plan.assert_not_contains("must be replaced");
    tf.apply().assert_contains("0 added, 1 changed, 0 destroyed");
    assert_eq!(assert_org_state(&tf, ORIGINAL, "Antwerpen"), id, "id kept on update");
    assert_org_in_api(&sb, id, ORIGINAL, "Antwerpen");
    tf.assert_plan_empty("after update");

    // Renaming and a new tax number: no attribute of an organisation forces replacement, so this is
    // an in-place update too, of exactly those two attributes.
    tf.write_main(&config(RENAMED, "Antwerpen"));
    let plan = tf.assert_plan_changes("after changing name and tax_number");
    plan.assert_contains("~ update in-place");
    plan.assert_contains("level27_organisation.acme will be updated in-place");
    plan.assert_contains("0 to add, 1 to change, 0 to destroy");
    plan.assert_not_contains("must be replaced");
    plan.assert_not_contains("forces replacement");
    for (attr, from, to) in [
        ("name", ORIGINAL.name, RENAMED.name),
        ("tax_number", ORIGINAL.tax_number, RENAMED.tax_number),
    ] {
        let line = plan
            .stdout
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("~ {attr} ")))
            .unwrap_or_else(|| panic!("no `~ {attr}` line in the plan:\n{}", plan.dump()));
        assert!(
            line.contains(&format!("\"{from}\" -> \"{to}\"")),
            "the plan line for {attr} must show {from:?} -> {to:?}: {line:?}"
        );
    }
    let changed = plan
        .stdout
        .lines()
        .filter(|l| l.trim_start().starts_with("~ ") && l.contains(" = "))
        .count();
    assert_eq!(changed, 2, "only name and tax_number change:\n{}", plan.dump());
    tf.apply().assert_contains("0 added, 1 changed, 0 destroyed");
    assert_eq!(assert_org_state(&tf, RENAMED, "Antwerpen"), id, "id kept on rename");
    assert_org_in_api(&sb, id, RENAMED, "Antwerpen");
    assert_eq!(sb.organisations().len(), 1, "a rename creates no organisation");
    tf.assert_plan_empty("after rename");

    // `terraform import` into a fresh state.
    let imp = tf.fresh("org-import");
    imp.write_main(&resource_only(RENAMED, "Antwerpen"));
    imp.run(&["import", "level27_organisation.acme", &id.to_string()])
        .assert_ok()
        .assert_contains("Import successful");
    assert_eq!(assert_org_state(&imp, RENAMED, "Antwerpen"), id, "imported id");
    imp.assert_plan_empty("after terraform import");

    // The same configuration applied from another directory (a lost state, a second checkout):
    // the API refuses the duplicate tax number with a form-wide message; the error is on
    // `tax_number` and names the existing organisation to import.
    let twice = tf.fresh("org-twice");
    twice.write_main(&resource_only(RENAMED, "Antwerpen"));
    let out = twice.run(&["apply", "-auto-approve"]).assert_failed();
    let block = out
        .error_blocks()
        .into_iter()
        .find(|b| b.contains("same tax number"))
        .unwrap_or_else(|| panic!("no duplicate tax number error:\n{}", out.dump()));
    let text = block.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        text.contains("tax_number ="),
        "the error points at tax_number:\n{block}"
    );
    assert!(
        text.contains(&format!("terraform import <address> {id}")),
        "the error names the organisation to import:\n{block}"
    );
    assert_eq!(sb.organisations().len(), 1, "no duplicate was created");

    // An unknown id fails to import and says that the object does not exist.
    let bad = tf.fresh("org-import-missing");
    bad.write_main(&resource_only(RENAMED, "Antwerpen"));
    let out = bad
        .run(&["import", "level27_organisation.acme", "987654"])
        .assert_failed();
    assert!(
        out.error_blocks()
            .iter()
            .any(|b| b.contains("Cannot import non-existent remote object")),
        "importing an unknown id must say the object does not exist:\n{}",
        out.dump()
    );
    out.assert_not_contains("Import successful");
    assert!(!bad.in_state("level27_organisation.acme"));

    if terraform.has_import_blocks() {
        // `import {}` block + `plan -generate-config-out`: the generated HCL plans clean.
        let gen = tf.fresh("org-generate");
        gen.write_main(&format!(
            "{}\nimport {{\n  to = level27_organisation.acme\n  id = \"{id}\"\n}}\n",
            header()
        ));
        gen.run(&["plan", "-generate-config-out=generated.tf"]).assert_ok();
        let hcl = gen.read("generated.tf");
        for needle in [
            "resource \"level27_organisation\" \"acme\"".to_string(),
            format!("\"{}\"", RENAMED.name),
            format!("\"{}\"", RENAMED.tax_number),
            "\"Antwerpen\"".to_string(),
            "\"BE\"".to_string(),
        ] {
            assert!(hcl.contains(&needle), "generated.tf lacks {needle}:\n{hcl}");
        }
        // An import is a change: `-detailed-exitcode` reports 2.
        let plan = gen.assert_plan_changes("with an import block and generated config");
        plan.assert_contains("1 to import, 0 to add, 0 to change, 0 to destroy");
        gen.apply()
            .assert_contains("1 imported, 0 added, 0 changed, 0 destroyed");
        assert_eq!(assert_org_state(&gen, RENAMED, "Antwerpen"), id);
        gen.assert_plan_empty("after import block with generated config");
    } else {
        skip_step(
            test,
            "import {} block and plan -generate-config-out",
            &format!(
                "needs Terraform >= 1.5, this is {}.{}.{}",
                terraform.version.0, terraform.version.1, terraform.version.2
            ),
        );
    }

    // Out-of-band edit: shows as an in-place update back to the configuration. (PATCH carries
    // name and taxNumber, as the API requires.)
    sb.patch_ok(
        &format!("/v1/organisations/{id}"),
        json!({"name": RENAMED.name, "taxNumber": RENAMED.tax_number, "city": "Brugge"}),
    );
    assert_eq!(sb.organisation(id).unwrap()["city"], "Brugge");
    let plan = tf.assert_plan_changes("after an out-of-band edit");
    plan.assert_contains("update in-place");
    plan.assert_contains("\"Brugge\" -> \"Antwerpen\"");
    plan.assert_contains("0 to add, 1 to change, 0 to destroy");
    tf.apply().assert_contains("0 added, 1 changed, 0 destroyed");
    assert_org_in_api(&sb, id, RENAMED, "Antwerpen");
    tf.assert_plan_empty("after repairing an out-of-band edit");

    // Out-of-band delete: shows as a create; the new organisation has a new id and then plans
    // clean.
    sb.delete_ok(&format!("/v1/organisations/{id}"));
    let plan = tf.assert_plan_changes("after an out-of-band delete");
    plan.assert_contains("level27_organisation.acme will be created");
    plan.assert_contains("1 to add, 0 to change, 0 to destroy");
    tf.apply().assert_contains("1 added, 0 changed, 0 destroyed");
    let new_id = assert_org_state(&tf, RENAMED, "Antwerpen");
    assert_ne!(new_id, id, "a re-created organisation has a new id");
    assert_org_in_api(&sb, new_id, RENAMED, "Antwerpen");
    assert!(sb.organisation(id).is_none(), "the deleted organisation came back");
    assert_eq!(sb.organisations().len(), 1);
    assert_eq!(
        as_i64(&tf.outputs()["id"]),
        Some(new_id),
        "output id follows the new object"
    );
    tf.assert_plan_empty("after re-creating an organisation deleted out of band");

    // Destroy leaves the sandbox empty.
    tf.destroy().assert_contains("1 destroyed");
    let left = sb.organisations();
    assert!(left.is_empty(), "organisations left after destroy: {left:?}");
}

#[test]
fn organisation_lifecycle() {
    scenario("organisation_lifecycle", Terraform::default_bin());
}

#[test]
fn organisation_lifecycle_terraform_1_0() {
    if let Some(tf) = Terraform::v1_0("organisation_lifecycle_terraform_1_0") {
        scenario("organisation_lifecycle_terraform_1_0", tf);
    }
}
