//! The api key stays out of everything Terraform shows or keeps, even when the API repeats it:
//! the sandbox runs with `--echo-auth`, which puts the received `Authorization` header into every
//! error body, and the provider meets a validation error (400) and a wrong key (401).

mod common;

use common::*;

/// The sandbox's key: distinctive, so any occurrence is a leak.
const KEY: &str = "l27-echo-KEY-4b9e1d";
/// A key the sandbox refuses, as distinctive.
const WRONG: &str = "l27-echo-WRONG-8c2f7a";
/// The tax number another organisation (made out of band) already has.
const TAKEN: &str = "BE0555555555";

fn config() -> String {
    format!(
        r#"{header}
resource "level27_organisation" "kept" {{
  name       = "Echo kept e2e"
  tax_number = "BE0555555556"
}}

resource "level27_organisation" "duplicate" {{
  name       = "Echo duplicate e2e"
  tax_number = "{TAKEN}"
}}
"#,
        header = header()
    )
}

/// Asserts that `secret` is in none of a command's output, its trace log and the state file, and
/// that the trace log does hold the API's echo (the provider logs response bodies at trace level),
/// so the search looked where a leak would be.
#[track_caller]
fn assert_secret_absent(secret: &str, out: &Output, log: &std::path::Path, tf: &Tf) {
    assert!(
        !out.contains(secret),
        "the key appears in Terraform's output:\n{}",
        out.dump()
    );
    let text = std::fs::read_to_string(log).expect("TF_LOG_PATH file written");
    assert!(
        text.len() > 10_000,
        "the trace log is suspiciously short ({} bytes)",
        text.len()
    );
    assert!(
        text.contains("(Authorization: "),
        "the echoed error body is not in the trace log, so it proves nothing"
    );
    let hits: Vec<&str> = text.lines().filter(|l| l.contains(secret)).take(5).collect();
    assert!(
        hits.is_empty(),
        "the key appears in the TF_LOG=trace log, e.g.:\n{}",
        hits.join("\n")
    );
    assert!(
        !tf.state_text().contains(secret),
        "the key appears in terraform.tfstate"
    );
}

#[test]
fn an_api_echoing_the_key_in_errors_does_not_leak_it() {
    let sb = Sandbox::start_with(KEY, &["--echo-auth"]);
    sb.create_organisation("Echo first e2e", TAKEN);
    let mut tf = Tf::new("echo", &sb);
    let log = tf.scratch("apply-trace.log");
    tf.set_env("TF_LOG", Some("trace"))
        .set_env("TF_LOG_PATH", Some(log.to_str().expect("utf-8 path")));
    tf.write_main(&config());

    // A 400: the duplicate tax number. The API's own message reaches the user, the key does not.
    let out = tf.run(&["apply", "-auto-approve"]).assert_failed();
    out.assert_contains("same tax number already exists");
    // The echo reached the user in place of the key: the check below looks where a leak would be.
    out.assert_contains("(Authorization: ");
    assert!(tf.in_state("level27_organisation.kept"));
    assert_secret_absent(KEY, &out, &log, &tf);

    // A 401: the refresh of the kept organisation with a wrong key.
    let log = tf.scratch("plan-trace.log");
    tf.set_env("LEVEL27_API_KEY", Some(WRONG))
        .set_env("TF_LOG_PATH", Some(log.to_str().expect("utf-8 path")));
    let out = tf.run(&["plan"]).assert_failed();
    out.assert_contains("401");
    out.assert_contains("API key rejected");
    assert_secret_absent(WRONG, &out, &log, &tf);
    let requests = sb.api_request_counts();
    assert!(
        requests
            .get("GET /v1/organisations/{organisationId}")
            .is_some_and(|n| *n > 0),
        "the refresh reached the API: {requests:?}"
    );
}
