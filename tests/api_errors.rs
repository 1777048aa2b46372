//! `reseller_organisation_id` round trip (the API answers with an object, state keeps the number),
//! and an API validation error (a 400 with a Symfony-form body) reported at apply as a diagnostic on
//! the attribute it concerns.

mod common;

use common::*;

#[test]
fn reseller_round_trip_and_api_errors_on_attributes() {
    let sb = Sandbox::start();
    let tf = Tf::new("reseller", &sb);
    let base = format!(
        r#"{header}
resource "level27_organisation" "reseller" {{
  name       = "Reseller e2e"
  tax_number = "BE0111111111"
}}

resource "level27_organisation" "customer" {{
  name                     = "Customer e2e"
  tax_number               = "BE0222222222"
  reseller_organisation_id = level27_organisation.reseller.id
}}
"#,
        header = header()
    );
    tf.write_main(&base);
    tf.apply();
    let reseller = tf.id_of("level27_organisation.reseller");
    let customer = tf.attrs("level27_organisation.customer");
    assert_eq!(
        state_id(&customer["reseller_organisation_id"]),
        Some(reseller),
        "reseller_organisation_id is the reseller's id string: {customer}"
    );
    let api = sb
        .organisation(state_id(&customer["id"]).expect("customer id"))
        .expect("customer in the sandbox");
    let api_reseller = &api["resellerOrganisation"];
    assert_eq!(
        as_i64(api_reseller).or_else(|| as_i64(&api_reseller["id"])),
        Some(reseller),
        "{api}"
    );
    tf.assert_plan_empty("after creating an organisation with a reseller");

    // A reseller that does not exist: the API's 400 becomes an error on that attribute.
    let bad = format!(
        r#"{base}
resource "level27_organisation" "orphan" {{
  name                     = "Orphan e2e"
  tax_number               = "BE0333333333"
  reseller_organisation_id = 987654
}}
"#
    );
    tf.write_main(&bad);
    let out = tf.run(&["apply", "-auto-approve"]).assert_failed();
    let line = line_of(&bad, "reseller_organisation_id = 987654");
    let block = out
        .error_blocks()
        .into_iter()
        .find(|b| b.contains(&format!("on main.tf line {line}")))
        .unwrap_or_else(|| {
            panic!(
                "expected the API error on main.tf line {line} (reseller_organisation_id):\n{}",
                out.dump()
            )
        });
    eprintln!("API error as Terraform shows it:\n{block}");
    // The API's own words for this body, asked out of band, are in the diagnostic.
    let (status, answer) = sb.request(
        "POST",
        "/v1/organisations",
        Some(serde_json::json!({"name": "Probe e2e", "taxNumber": "BE0444444444", "resellerOrganisation": 987654})),
    );
    assert_eq!(status, 400, "{answer}");
    let api_message = answer["organisation"]["errors"]["children"]["resellerOrganisation"]["errors"][0]
        .as_str()
        .unwrap_or_else(|| panic!("no message for resellerOrganisation in the API's answer: {answer}"))
        .to_string();
    assert!(!api_message.is_empty());
    let shown = diagnostic_message(&block)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        shown.contains(&api_message) && shown.contains("resellerOrganisation"),
        "the diagnostic must carry the API's message {api_message:?} and its field:\n{block}"
    );
    assert!(
        !sb.organisations().iter().any(|o| o["name"] == "Orphan e2e"),
        "a rejected organisation was created"
    );
    assert!(!tf.in_state("level27_organisation.orphan"));

    tf.write_main(&base);
    tf.destroy();
    assert!(sb.organisations().is_empty());
}
