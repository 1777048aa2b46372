//! The api key never reaches Terraform's trace log, the plan output or the state; a missing key
//! is an error naming `LEVEL27_API_KEY`. The trace log also shows the provider processes exiting
//! on Terraform's Shutdown request rather than being killed.

mod common;

use common::*;

const SECRET: &str = "l27-e2e-SECRET-7f3a9c";

fn config() -> String {
    format!(
        r#"{header}
resource "level27_organisation" "acme" {{
  name       = "Secret e2e"
  tax_number = "BE0123456789"
}}

resource "level27_team" "ops" {{
  organisation_id = level27_organisation.acme.id
  name            = "ops"
}}
"#,
        header = header()
    )
}

#[test]
fn api_key_stays_out_of_logs_and_state() {
    let sb = Sandbox::start_with(SECRET, &[]);
    let mut tf = Tf::new("secrets", &sb);
    let log = tf.scratch("terraform-trace.log");
    tf.set_env("TF_LOG", Some("trace"))
        .set_env("TF_LOG_PATH", Some(log.to_str().unwrap()));
    tf.write_main(&config());
    let out = tf.apply();

    // The apply really talked to the API with the key (the sandbox refuses other keys).
    let org = tf.id_of("level27_organisation.acme");
    assert!(sb.organisation(org).is_some());
    assert!(sb.api_requests() > 0);

    let text = std::fs::read_to_string(&log).expect("TF_LOG_PATH file written");
    assert!(
        text.len() > 10_000,
        "the trace log is suspiciously short ({} bytes)",
        text.len()
    );
    // The provider's own log lines reach Terraform's log (hclog JSON on stderr), including its API
    // requests: so the check below looks where a leaked key would be.
    assert!(
        text.lines()
            .any(|l| l.contains("provider.terraform-provider-level27") && l.contains("/organisations")),
        "no line from the provider about its API requests in the trace log"
    );
    // Every provider process exits when Terraform asks (GRPCController/Shutdown): go-plugin logs
    // "plugin failed to exit gracefully" before it kills one that does not.
    let exits = text.lines().filter(|l| l.contains("plugin exited")).count();
    assert!(
        exits >= 3,
        "expected the provider processes to exit, saw {exits} `plugin exited` lines"
    );
    assert!(
        !text.contains("plugin failed to exit gracefully"),
        "Terraform had to kill a provider process that ignored Shutdown"
    );
    let hits: Vec<&str> = text.lines().filter(|l| l.contains(SECRET)).take(5).collect();
    assert!(
        hits.is_empty(),
        "the api key appears in the TF_LOG=trace log, e.g.:\n{}",
        hits.join("\n")
    );
    assert!(!out.contains(SECRET), "the api key appears in the apply output");
    let state = tf.state_text();
    assert!(!state.is_empty());
    assert!(!state.contains(SECRET), "the api key appears in terraform.tfstate");

    // The same with the key given as the provider's `api_key` argument.
    let mut tf2 = tf.fresh("secrets-arg");
    let log2 = tf2.scratch("terraform-trace.log");
    tf2.set_env("LEVEL27_API_KEY", None)
        .set_env("TF_LOG", Some("trace"))
        .set_env("TF_LOG_PATH", Some(log2.to_str().unwrap()));
    // A data source, so that the plan makes requests with the key.
    tf2.write_main(&format!(
        r#"{REQUIRED_PROVIDERS}
provider "level27" {{
  api_key = "{SECRET}"
}}

data "level27_organisation" "acme" {{
  name = "Secret e2e"
}}

output "id" {{
  value = data.level27_organisation.acme.id
}}
"#
    ));
    let before = sb.api_requests();
    tf2.run(&["plan"]).assert_ok();
    assert!(sb.api_requests() > before, "the data source made no request");
    let text2 = std::fs::read_to_string(&log2).expect("TF_LOG_PATH file written");
    let hits: Vec<&str> = text2.lines().filter(|l| l.contains(SECRET)).take(5).collect();
    assert!(
        hits.is_empty(),
        "an api_key argument appears in the TF_LOG=trace log, e.g.:\n{}",
        hits.join("\n")
    );
}

#[test]
fn missing_api_key_names_the_variable() {
    let sb = Sandbox::start();
    let mut tf = Tf::new("nokey", &sb);
    tf.set_env("LEVEL27_API_KEY", None);
    tf.write_main(&config());
    let out = tf.run(&["plan"]).assert_failed();
    out.assert_contains("LEVEL27_API_KEY");
    assert_eq!(
        sb.api_requests(),
        0,
        "a provider without a key sent requests: {}",
        sb.requests()
    );
}
