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
        let errors: Vec<String> = out.error_blocks().iter().map(|b| diagnostic_message(b)).collect();
        assert!(
            errors
                .iter()
                .any(|e| e.contains(&url) && e.contains("/v1") && e.contains("api_url")),
            "the error names the URL and says the API URL must end in /v1:\n{}",
            out.dump()
        );
        eprintln!("{}", errors.join("\n---\n"));
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
