//! `reseller_organisation_id` round trip (the API answers with an object, state keeps the number),
//! and an API validation error (a 400 with a Symfony-form body, here a DNS record clash) reported at
//! apply as a diagnostic on the attribute it concerns.

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

resource "level27_domain_contact" "owner" {{
  organisation_id   = level27_organisation.customer.id
  type              = "licensee"
  first_name        = "Ada"
  last_name         = "Peeters"
  organisation_name = "Customer e2e"
  street            = "Veldstraat"
  house_number      = "1"
  zip               = "9000"
  city              = "Gent"
  country           = "BE"
  phone             = "+32.91234567"
  email             = "hostmaster@customer.example"
  tax_number        = "BE0222222222"
}}

resource "level27_domain" "acme" {{
  organisation_id     = level27_organisation.customer.id
  name                = "customer-e2e"
  extension           = "be"
  licensee_contact_id = level27_domain_contact.owner.id
}}

resource "level27_domain_record" "www" {{
  domain_id = level27_domain.acme.id
  type      = "A"
  name      = "www"
  content   = "203.0.113.10"
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

    // A 400 the plan cannot foresee (a reseller that does not exist fails the plan itself,
    // tests/validation.rs): a CNAME beside an existing A record of the same name. The API's
    // Symfony-form answer becomes an error on the attribute its field maps to.
    let domain = tf.id_of("level27_domain.acme");
    let bad = format!(
        r#"{base}
resource "level27_domain_record" "www_alias" {{
  domain_id = level27_domain.acme.id
  type      = "CNAME"
  name      = "www" # clashes
  content   = "web.example.net."
}}
"#
    );
    tf.write_main(&bad);
    let out = tf.run(&["apply", "-auto-approve"]).assert_failed();
    let line = line_of(&bad, "name      = \"www\" # clashes");
    let block = out
        .error_blocks()
        .into_iter()
        .find(|b| b.contains(&format!("on main.tf line {line}")))
        .unwrap_or_else(|| panic!("expected the API error on main.tf line {line} (name):\n{}", out.dump()));
    eprintln!("API error as Terraform shows it:\n{block}");
    // The API's own words for this body, asked out of band, are in the diagnostic.
    let (status, answer) = sb.request(
        "POST",
        &format!("/v1/domains/{domain}/records"),
        Some(serde_json::json!({"type": "CNAME", "name": "www", "content": "web.example.net."})),
    );
    assert_eq!(status, 400, "{answer}");
    let api_message = answer["record"]["errors"]["children"]["name"]["errors"][0]
        .as_str()
        .unwrap_or_else(|| panic!("no message for name in the API's answer: {answer}"))
        .replace("## ADD_CODE", "");
    let api_message = api_message.trim();
    assert!(!api_message.is_empty());
    let shown = diagnostic_message(&block)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        shown.contains(api_message) && shown.contains("API field `name`"),
        "the diagnostic must carry the API's message {api_message:?} on `name`:\n{block}"
    );
    assert!(!tf.in_state("level27_domain_record.www_alias"));
    let records = sb.get_ok(&format!("/v1/domains/{domain}/records?limit=100"));
    assert!(
        !records.to_string().contains("web.example.net"),
        "a refused record was created: {records}"
    );

    tf.write_main(&base);
    tf.destroy();
    assert!(sb.organisations().is_empty());
}

/// A wrong key in a configuration that only creates: the plan's checks against the API (the
/// organisation a team and a domain name, the domain's extension) meet a 401, which says the
/// apply cannot succeed. The plan fails with the key's message, as a refresh would, rather than
/// pass for the apply to fail (a CI plan step going green on a wrong secret); nothing is written.
#[test]
fn a_wrong_key_fails_a_plan_that_only_creates() {
    let sb = Sandbox::start();
    let org = sb.create_organisation("Wrong key e2e", "BE0333333334");
    let mut tf = Tf::new("wrong-key", &sb);
    tf.write_main(&format!(
        r#"{header}
resource "level27_team" "ops" {{
  organisation_id = "{org}"
  name            = "ops"
}}

resource "level27_domain" "acme" {{
  organisation_id     = "{org}"
  name                = "wrong-key-e2e"
  extension           = "be"
  action              = "none"
  licensee_contact_id = "1"
  handle_dns          = true
}}
"#,
        header = header()
    ));
    sb.reset_counters();
    tf.set_env("LEVEL27_API_KEY", Some("not-the-key"));
    let out = tf.run(&["plan"]).assert_failed();
    out.assert_contains("Level27 API key rejected");
    out.assert_contains("LEVEL27_API_KEY");
    assert!(!out.contains("to add"), "no plan is shown:\n{}", out.dump());
    assert!(
        sb.write_requests().is_empty(),
        "a plan writes nothing: {:?}",
        sb.write_requests()
    );
    let asked = sb.api_request_counts();
    assert!(
        asked
            .get("GET /v1/organisations/{organisationId}")
            .is_some_and(|n| *n > 0),
        "the plan asked the API about the organisation: {asked:?}"
    );
}
