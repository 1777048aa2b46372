//! Mistakes a new user makes in the provider settings: an API URL without `/v1` (every request
//! meets the API's "No route found" 404, which must never read as "the object was deleted"), an
//! API that cannot be reached, and a wrong api key in the middle of a replace. Each is an error
//! that says what to fix; the state keeps every object.

mod common;

use common::*;

fn org_config() -> String {
    format!(
        r#"{header}
resource "level27_organisation" "acme" {{
  name       = "Settings e2e"
  tax_number = "BE0123456789"
}}
"#,
        header = header()
    )
}

/// The error diagnostics' text, on one line each (Terraform wraps long lines).
fn messages(out: &Output) -> Vec<String> {
    out.error_blocks()
        .iter()
        .map(|b| diagnostic_message(b).split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

#[test]
fn an_api_url_without_v1_is_an_error_and_keeps_the_state() {
    let sb = Sandbox::start();
    let mut tf = Tf::new("no-v1", &sb);
    tf.write_main(&org_config());
    tf.apply();
    let id = tf.id_of("level27_organisation.acme");

    // The sandbox's base URL without /v1, as a user might copy it.
    tf.set_env("LEVEL27_API_URL", Some(&sb.base));
    let url = format!("{}/organisations/{id}", sb.base);
    for args in [&["plan", "-detailed-exitcode"][..], &["apply", "-auto-approve"][..]] {
        let out = tf.run(args);
        assert_eq!(out.code, 1, "{args:?} must fail, not plan a re-create:\n{}", out.dump());
        out.assert_not_contains("will be created");
        let errors = messages(&out);
        assert!(
            errors
                .iter()
                .any(|e| e.contains(&url) && e.contains("/v1") && e.contains("api_url")),
            "the error names the URL and says the API URL must end in /v1:\n{}",
            out.dump()
        );
        assert_eq!(
            tf.id_of("level27_organisation.acme"),
            id,
            "the state still holds the organisation"
        );
    }
    assert!(sb.organisation(id).is_some());

    // With the right URL again, nothing changed.
    tf.set_env("LEVEL27_API_URL", Some(&sb.api_url()));
    tf.assert_plan_empty("with the right api_url again");
    tf.destroy();
}

#[test]
fn errors_name_the_host_the_object_and_the_key_variable() {
    let sb = Sandbox::start();
    let mut tf = Tf::new("context", &sb);
    tf.write_main(&format!(
        r#"{org}
resource "level27_team" "ops" {{
  organisation_id = level27_organisation.acme.id
  name            = "ops"
}}
"#,
        org = org_config()
    ));
    tf.apply();
    let team = tf.id_of("level27_team.ops");

    // A wrong key at apply, with nothing for the plan to ask the API (a destroy without refresh;
    // a replace's create would have failed its plan on the organisation check, see
    // tests/api_errors.rs): the delete is refused, and the error says which object (type and id)
    // and which setting to check.
    tf.set_env("LEVEL27_API_KEY", Some("not-the-key"));
    let out = tf
        .run(&["destroy", "-auto-approve", "-refresh=false", "-target=level27_team.ops"])
        .assert_failed();
    let errors = messages(&out);
    assert!(
        errors
            .iter()
            .any(|e| e.contains(&format!("delete level27_team {team}")) && e.contains("LEVEL27_API_KEY")),
        "the error names the team's type and id and LEVEL27_API_KEY:\n{}",
        out.dump()
    );
    out.assert_not_contains("not-the-key");
    assert_eq!(tf.id_of("level27_team.ops"), team, "the team stays in state");
    tf.set_env("LEVEL27_API_KEY", Some(&sb.key));

    // An API nobody answers at: the error names the host and port tried.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port");
    tf.set_env("LEVEL27_API_URL", Some(&format!("http://{closed}/v1")));
    let out = tf.run(&["plan"]).assert_failed();
    assert!(
        messages(&out)
            .iter()
            .any(|e| e.contains(&format!("could not connect to {closed}"))),
        "the error names {closed}:\n{}",
        out.dump()
    );

    tf.set_env("LEVEL27_API_URL", Some(&sb.api_url()));
    tf.assert_plan_empty("with the right settings again");
    tf.destroy();
}
