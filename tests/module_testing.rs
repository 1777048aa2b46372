//! Offline module testing, as docs/guides/testing-modules.md tells a user to do it: the module of
//! `examples/module-testing` and its `tests/*.tftest.hcl`, run with `terraform test` (Terraform
//! 1.6+) against a sandbox. Its runs pass, the teardown leaves the sandbox empty, a broken
//! assertion fails naming its run and message, objects left by an interrupted run make the next
//! run fail until the sandbox is reset, and a provider's plan-time refusal is no expected failure.

mod common;

use std::fs;
use std::path::Path;

use common::*;

const EXAMPLE: &str = "examples/module-testing";
const TEST_FILE: &str = "tests/app.tftest.hcl";

/// A working directory holding the example module and its test files, or `None` (after a skip
/// line) when the Terraform in use has no `terraform test`.
fn module_dir(label: &str, sb: &Sandbox) -> Option<Tf> {
    let tf = Tf::new(label, sb);
    if tf.terraform.version < (1, 6, 0) {
        skip_step(label, "terraform test", "needs Terraform >= 1.6");
        return None;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(EXAMPLE);
    fs::create_dir_all(tf.dir.join("tests")).unwrap();
    for sub in ["", "tests"] {
        for entry in fs::read_dir(root.join(sub)).unwrap() {
            let p = entry.unwrap().path();
            if p.is_file() {
                let name = Path::new(sub).join(p.file_name().unwrap());
                tf.write(name.to_str().unwrap(), &fs::read_to_string(&p).unwrap());
            }
        }
    }
    Some(tf)
}

fn run_count(tf: &Tf) -> usize {
    tf.read(TEST_FILE).lines().filter(|l| l.starts_with("run \"")).count()
}

/// What the module makes; all of it must be gone after `terraform test` tears down.
fn leftovers(sb: &Sandbox) -> Vec<String> {
    let mut left = Vec::new();
    for (path, key) in [
        ("/v1/organisations", "organisations"),
        ("/v1/domains", "domains"),
        ("/v1/domaincontacts", "domaincontacts"),
        ("/v1/apps", "apps"),
        ("/v1/custompackages", "customPackages"),
    ] {
        for o in sb.list_all(path, key) {
            left.push(format!("{key} {}", o["id"]));
        }
    }
    left
}

#[test]
fn the_example_module_tests_pass_and_tear_down() {
    let sb = Sandbox::start();
    let Some(tf) = module_dir("module-test-pass", &sb) else {
        return;
    };
    let runs = run_count(&tf);
    assert!(runs >= 5, "{EXAMPLE}/{TEST_FILE} has {runs} run blocks");
    let summary = format!("Success! {runs} passed, 0 failed.");

    let out = tf.run(&["test"]).assert_ok();
    out.assert_contains(&summary);
    // The apply runs did reach the sandbox (a plan-only suite would pass against anything).
    let writes = sb.write_requests();
    assert!(writes.contains_key("POST /v1/apps"), "{writes:?}");
    assert!(
        writes.contains_key("PUT /v1/domains/{domainId}/records/{recordId}"),
        "the second apply updates the record in place: {writes:?}"
    );
    let left = leftovers(&sb);
    assert!(left.is_empty(), "terraform test left objects behind: {left:?}");

    // The teardown leaves the sandbox as it was: the suite passes again on it, without a reset.
    tf.run(&["test"]).assert_ok().assert_contains(&summary);
    assert!(leftovers(&sb).is_empty());
}

#[test]
fn a_broken_assertion_fails_and_names_its_run() {
    let sb = Sandbox::start();
    let Some(tf) = module_dir("module-test-broken", &sb) else {
        return;
    };
    let runs = run_count(&tf);
    let good = tf.read(TEST_FILE);
    let right = "condition     = output.url == \"http://www.acme-shop.be\"";
    assert!(good.contains(right), "{TEST_FILE} no longer asserts the url");
    tf.write(
        TEST_FILE,
        &good.replace(right, "condition     = output.url == \"https://www.acme-shop.be\""),
    );

    let out = tf.run(&["test"]).assert_failed();
    out.assert_contains("run \"apply_serves_the_app_at_www\"... fail");
    out.assert_contains("Test assertion failed");
    out.assert_contains("The app is served at http://www.acme-shop.be, not http://www.acme-shop.be.");
    // A failed assertion does not stop the file (its apply succeeded): the other runs pass.
    out.assert_contains(&format!("Failure! {} passed, 1 failed.", runs - 1));
    let left = leftovers(&sb);
    assert!(left.is_empty(), "a failed suite still tears down: {left:?}");
}

#[test]
fn objects_left_by_an_interrupted_run_fail_the_next_until_a_reset() {
    let sb = Sandbox::start();
    let Some(tf) = module_dir("module-test-leftover", &sb) else {
        return;
    };
    let runs = run_count(&tf);
    // What a killed CI job leaves: the module applied by a state nobody will destroy.
    tf.apply();
    fs::remove_file(tf.dir.join("terraform.tfstate")).unwrap();

    let out = tf.run(&["test"]).assert_failed();
    out.assert_contains("run \"apply_serves_the_app_at_www\"... fail");
    out.assert_contains("This organisation with the same tax number already exists");

    sb.reset();
    tf.run(&["test"])
        .assert_ok()
        .assert_contains(&format!("Success! {runs} passed, 0 failed."));
}

/// What the guide says of `expect_failures`: a provider's plan-time refusal is an error of the
/// run, shown with the provider's message, which `expect_failures` cannot expect.
#[test]
fn a_provider_refusal_fails_the_run_with_its_message() {
    let sb = Sandbox::start();
    let Some(tf) = module_dir("module-test-provider", &sb) else {
        return;
    };
    tf.write(
        "tests/provider.tftest.hcl",
        r#"run "empty_organisation_name" {
  command = plan

  variables {
    organisation_name = ""
  }

  expect_failures = [level27_organisation.this]
}
"#,
    );
    let out = tf.run(&["test", "-filter=tests/provider.tftest.hcl"]).assert_failed();
    out.assert_contains("run \"empty_organisation_name\"... fail");
    out.assert_contains("name must not be empty");
    out.assert_contains("was expected to report an");
    assert!(
        sb.write_requests().is_empty(),
        "a plan-only run wrote to the sandbox: {:?}",
        sb.write_requests()
    );
}
