//! An optional string set to `""` (a new user's `city = ""`): the API treats it as unset and
//! answers null, the provider keeps the configured `""` in state, so the apply succeeds and the
//! next plan is empty; changing it to a value and back to `""` works the same way.

mod common;

use common::*;

fn config(city: &str) -> String {
    format!(
        r#"{header}
resource "level27_organisation" "acme" {{
  name       = "Empty e2e"
  tax_number = "BE0123456789"
  city       = "{city}"
  street     = ""
}}
"#,
        header = header()
    )
}

#[test]
fn empty_optional_strings_apply_and_plan_clean() {
    let sb = Sandbox::start();
    let tf = Tf::new("empty", &sb);

    tf.write_main(&config(""));
    tf.apply().assert_contains("1 added, 0 changed, 0 destroyed");
    let a = tf.attrs("level27_organisation.acme");
    assert_eq!(a["city"], "", "the configured \"\" is kept in state: {a}");
    assert_eq!(a["street"], "", "{a}");
    let id = tf.id_of("level27_organisation.acme");
    let api = sb.organisation(id).expect("organisation in the sandbox");
    assert!(
        api["city"].is_null() || api["city"] == "",
        "the API holds no city: {api}"
    );
    assert!(
        tf.state_text().find("\"status\": \"tainted\"").is_none(),
        "the object is not tainted:\n{}",
        tf.state_text()
    );
    tf.assert_plan_empty("after creating with city = \"\"");

    tf.write_main(&config("Gent"));
    tf.apply().assert_contains("0 added, 1 changed, 0 destroyed");
    assert_eq!(sb.organisation(id).expect("organisation")["city"], "Gent");
    tf.assert_plan_empty("after city = \"Gent\"");

    tf.write_main(&config(""));
    let plan = tf.assert_plan_changes("after city back to \"\"");
    plan.assert_contains("0 to add, 1 to change, 0 to destroy");
    tf.apply().assert_contains("0 added, 1 changed, 0 destroyed");
    let api = sb.organisation(id).expect("organisation");
    assert!(
        api["city"].is_null() || api["city"] == "",
        "the API's city is cleared: {api}"
    );
    assert_eq!(tf.attrs("level27_organisation.acme")["city"], "");
    assert_eq!(tf.id_of("level27_organisation.acme"), id, "updated in place");
    tf.assert_plan_empty("after city back to \"\"");

    tf.destroy();
    assert!(sb.organisations().is_empty());
}
