//! `level27_organisation` end to end: create, empty plan, in-place update, import (CLI and
//! `import {}` block with generated configuration), drift (out-of-band edit and delete), destroy.
//! Runs under the default Terraform and, when `TERRAFORM_1_0` is set, under Terraform 1.0.3.

mod common;

use common::*;
use serde_json::json;

fn config(city: &str) -> String {
    format!(
        r#"{header}
resource "level27_organisation" "acme" {{
  name         = "Acme e2e"
  tax_number   = "BE0123456789"
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
        header = header()
    )
}

/// The configuration without its output (a freshly imported state has no outputs, and Terraform
/// 1.0 counts a new output as a change).
fn resource_only(city: &str) -> String {
    let full = config(city);
    let cut = full.find("output \"id\"").expect("output block");
    full[..cut].to_string()
}

/// The attributes a user wrote, as they must be in state and in the API.
#[track_caller]
fn assert_org_state(tf: &Tf, city: &str) -> i64 {
    let a = tf.attrs("level27_organisation.acme");
    assert!(a["id"].is_number(), "id must be a number in state: {a}");
    assert_eq!(a["name"], "Acme e2e", "{a}");
    assert_eq!(a["tax_number"], "BE0123456789", "{a}");
    assert_eq!(a["street"], "Kerkstraat", "{a}");
    assert_eq!(text_of(&a["house_number"]), "12", "{a}");
    assert_eq!(text_of(&a["zip"]), "9000", "{a}");
    assert_eq!(a["city"], city, "{a}");
    assert_eq!(a["country"], "BE", "{a}");
    assert!(a["reseller_organisation_id"].is_null(), "{a}");
    a["id"].as_i64().unwrap()
}

#[track_caller]
fn assert_org_in_api(sb: &Sandbox, id: i64, city: &str) {
    let o = sb
        .organisation(id)
        .unwrap_or_else(|| panic!("organisation {id} is not in the sandbox"));
    assert_eq!(o["name"], "Acme e2e", "{o}");
    assert_eq!(o["taxNumber"], "BE0123456789", "{o}");
    assert_eq!(o["city"], city, "{o}");
    assert_eq!(country_code(&o["country"]).as_deref(), Some("BE"), "{o}");
}

fn scenario(terraform: Terraform) {
    let sb = Sandbox::start();
    let tf = Tf::with("org", terraform.clone(), Some(&sb));

    // Create.
    tf.write_main(&config("Gent"));
    let out = tf.apply();
    out.assert_contains("1 added, 0 changed, 0 destroyed");
    let id = assert_org_state(&tf, "Gent");
    assert_org_in_api(&sb, id, "Gent");
    assert_eq!(as_i64(&tf.outputs()["id"]), Some(id), "output id");
    assert_eq!(sb.organisations().len(), 1, "exactly one organisation created");

    // A second plan is empty (that the provider processes exit on Terraform's Shutdown request is
    // checked in the trace log by tests/secrets.rs).
    tf.assert_plan_empty("after create");

    // In-place update.
    tf.write_main(&config("Antwerpen"));
    let plan = tf.assert_plan_changes("after changing city");
    plan.assert_contains("update in-place");
    plan.assert_contains("~ city");
    plan.assert_contains("0 to add, 1 to change, 0 to destroy");
    plan.assert_not_contains("must be replaced");
    tf.apply().assert_contains("0 added, 1 changed, 0 destroyed");
    assert_eq!(assert_org_state(&tf, "Antwerpen"), id, "id kept on update");
    assert_org_in_api(&sb, id, "Antwerpen");
    tf.assert_plan_empty("after update");

    // `terraform import` into a fresh state.
    let imp = tf.fresh("org-import");
    imp.write_main(&resource_only("Antwerpen"));
    imp.run(&["import", "level27_organisation.acme", &id.to_string()])
        .assert_ok()
        .assert_contains("Import successful");
    assert_eq!(assert_org_state(&imp, "Antwerpen"), id, "imported id");
    imp.assert_plan_empty("after terraform import");

    // An unknown id fails to import and says so.
    let bad = tf.fresh("org-import-missing");
    bad.write_main(&resource_only("Antwerpen"));
    bad.run(&["import", "level27_organisation.acme", "987654"])
        .assert_failed();
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
            "resource \"level27_organisation\" \"acme\"",
            "\"Acme e2e\"",
            "\"BE0123456789\"",
            "\"Antwerpen\"",
            "\"BE\"",
        ] {
            assert!(hcl.contains(needle), "generated.tf lacks {needle}:\n{hcl}");
        }
        let plan = gen.plan();
        assert!(plan.code == 0 || plan.code == 2, "{}", plan.dump());
        plan.assert_contains("1 to import, 0 to add, 0 to change, 0 to destroy");
        gen.apply()
            .assert_contains("1 imported, 0 added, 0 changed, 0 destroyed");
        assert_eq!(assert_org_state(&gen, "Antwerpen"), id);
        gen.assert_plan_empty("after import block with generated config");
    }

    // Out-of-band edit: shows as an in-place update back to the configuration.
    sb.patch_ok(&format!("/v1/organisations/{id}"), json!({"city": "Brugge"}));
    assert_eq!(sb.organisation(id).unwrap()["city"], "Brugge");
    let plan = tf.assert_plan_changes("after an out-of-band edit");
    plan.assert_contains("update in-place");
    plan.assert_contains("\"Brugge\" -> \"Antwerpen\"");
    plan.assert_contains("0 to add, 1 to change, 0 to destroy");
    tf.apply();
    assert_org_in_api(&sb, id, "Antwerpen");

    // Out-of-band delete: shows as a create.
    sb.delete_ok(&format!("/v1/organisations/{id}"));
    let plan = tf.assert_plan_changes("after an out-of-band delete");
    plan.assert_contains("will be created");
    plan.assert_contains("1 to add, 0 to change, 0 to destroy");
    tf.apply();
    let new_id = assert_org_state(&tf, "Antwerpen");
    assert_ne!(new_id, id, "a re-created organisation has a new id");
    assert_org_in_api(&sb, new_id, "Antwerpen");

    // Destroy leaves the sandbox empty.
    tf.destroy().assert_contains("1 destroyed");
    let left = sb.organisations();
    assert!(left.is_empty(), "organisations left after destroy: {left:?}");
}

#[test]
fn organisation_lifecycle() {
    scenario(Terraform::default_bin());
}

#[test]
fn organisation_lifecycle_terraform_1_0() {
    if let Some(tf) = Terraform::v1_0("organisation_lifecycle_terraform_1_0") {
        scenario(tf);
    }
}
