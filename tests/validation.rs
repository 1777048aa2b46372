//! Invalid configurations fail at `terraform plan`, with the error on the offending attribute, and
//! no request reaches the API.

mod common;

use common::*;

/// The diagnostic block that points at `line` of main.tf, if any.
fn block_at_line(out: &Output, line: usize) -> Option<String> {
    let needle = format!("on main.tf line {line}");
    out.error_blocks()
        .into_iter()
        .find(|b| b.contains(&format!("{needle},")) || b.contains(&format!("{needle}:")))
}

#[track_caller]
fn expect_error_at(out: &Output, config: &str, attribute_line: &str) -> String {
    let line = line_of(config, attribute_line);
    block_at_line(out, line).unwrap_or_else(|| {
        panic!(
            "expected an error on main.tf line {line} ({attribute_line:?}); got:\n{}",
            out.dump()
        )
    })
}

#[test]
fn invalid_configurations_fail_at_plan_without_requests() {
    let sb = Sandbox::start();
    let tf = Tf::new("invalid", &sb);

    // Provider-side validation: each error is reported on the attribute's own line.
    let config = format!(
        r#"{header}
resource "level27_organisation" "empty_name" {{
  name       = ""
  tax_number = "BE0123456789"
}}

resource "level27_organisation" "bad_country" {{
  name       = "Bad country"
  tax_number = "BE0123456789"
  country    = "Belgium"
}}

resource "level27_team" "empty_team_name" {{
  organisation_id = 1
  name            = ""
}}
"#,
        header = header()
    );
    tf.write_main(&config);
    let out = tf.run(&["plan"]).assert_failed();
    let empty = expect_error_at(&out, &config, "name       = \"\"");
    assert!(diagnostic_message(&empty).contains("name"), "{empty}");
    let country = expect_error_at(&out, &config, "country    = \"Belgium\"");
    let lc = diagnostic_message(&country).to_lowercase();
    assert!(
        lc.contains("iso") || lc.contains("two-letter") || lc.contains("2-letter"),
        "the country error must say what is allowed (an ISO 3166-1 alpha-2 code): {country}"
    );
    expect_error_at(&out, &config, "name            = \"\"");
    assert_eq!(sb.api_requests(), 0, "requests reached the sandbox: {}", sb.requests());

    // Terraform's own schema checks: an unknown argument, a missing required one.
    let config = format!(
        r#"{header}
resource "level27_organisation" "unknown_argument" {{
  name       = "Unknown argument"
  tax_number = "BE0123456789"
  colour     = "red"
}}

resource "level27_team" "missing_name" {{
  organisation_id = 1
}}
"#,
        header = header()
    );
    tf.write_main(&config);
    let out = tf.run(&["plan"]).assert_failed();
    let unknown = expect_error_at(&out, &config, "colour     = \"red\"");
    assert!(unknown.contains("Unsupported argument"), "{unknown}");
    out.assert_contains("Missing required argument");
    out.assert_contains("\"name\" is required");
    assert_eq!(sb.api_requests(), 0, "requests reached the sandbox: {}", sb.requests());

    // A team with no organisation_id, and none in the provider block: a plan error that says where
    // to set it, before any request.
    let config = format!(
        r#"{header}
resource "level27_team" "missing_organisation" {{
  name = "ops"
}}
"#,
        header = header()
    );
    tf.write_main(&config);
    let out = tf.run(&["plan"]).assert_failed();
    out.assert_contains("Missing organisation_id");
    out.assert_contains("provider block");
    assert_eq!(sb.api_requests(), 0, "requests reached the sandbox: {}", sb.requests());

    // The counter does count: one request of our own shows up.
    sb.organisations();
    assert!(sb.api_requests() >= 1, "{}", sb.requests());
}
