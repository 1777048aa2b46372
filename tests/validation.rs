//! Invalid configurations fail at plan, with the error on the offending attribute, and nothing is
//! written to the API.
//!
//! A plan of only new resources makes no API call at all, so "no request" would hold even if
//! validation were broken. Each case therefore changes an organisation and a team that already
//! exist to one invalid value and runs `terraform apply -auto-approve`: were the value not
//! rejected at plan, the apply would send a PATCH/PUT (or POST) and the write counters of the
//! sandbox would show it.

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

/// The valid configuration, with `org_extra` / `team_extra` lines in the two resources and
/// `name` / `team_name` as given.
fn config(org_name: &str, country: &str, org_extra: &str, team_name: &str, more: &str) -> String {
    format!(
        r#"{header}
resource "level27_organisation" "acme" {{
  name       = "{org_name}"
  tax_number = "BE0100000001"
  country    = "{country}"
{org_extra}}}

resource "level27_team" "ops" {{
  organisation_id = level27_organisation.acme.id
  name            = "{team_name}"
}}
{more}"#,
        header = header()
    )
}

fn valid() -> String {
    config("Valid e2e", "BE", "", "ops", "")
}

/// Applies `config`, which must fail at plan with an error on `attribute_line` (when given), and
/// asserts that no write reached the sandbox and that state and API still hold the valid objects.
#[track_caller]
fn apply_rejected(
    tf: &Tf,
    sb: &Sandbox,
    case: &str,
    config: &str,
    attribute_line: Option<&str>,
) -> (Output, Option<String>) {
    let org = tf.id_of("level27_organisation.acme");
    let team = tf.id_of("level27_team.ops");
    sb.reset_counters();
    tf.write_main(config);
    let out = tf.run(&["apply", "-auto-approve"]).assert_failed();
    out.assert_not_contains("Apply complete");
    let block = attribute_line.map(|l| expect_error_at(&out, config, l));
    let writes = sb.write_requests();
    assert!(
        writes.is_empty(),
        "{case}: an invalid configuration sent writes to the API: {writes:?}\n{}",
        out.dump()
    );
    // Nothing changed, in state or in the API.
    assert_eq!(tf.id_of("level27_organisation.acme"), org, "{case}");
    assert_eq!(tf.attrs("level27_organisation.acme")["name"], "Valid e2e", "{case}");
    assert_eq!(tf.attrs("level27_team.ops")["name"], "ops", "{case}");
    let o = sb.organisation(org).expect("organisation still in the sandbox");
    assert_eq!(o["name"], "Valid e2e", "{case}: {o}");
    assert_eq!(country_code(&o["country"]).as_deref(), Some("BE"), "{case}: {o}");
    let t = sb.team(org, team).expect("team still in the sandbox");
    assert_eq!(t["name"], "ops", "{case}: {t}");
    assert_eq!(sb.organisations().len(), 1, "{case}");
    assert_eq!(sb.teams(org).len(), 1, "{case}");
    (out, block)
}

#[test]
fn invalid_configurations_fail_at_plan_without_writes() {
    let sb = Sandbox::start();
    let tf = Tf::new("invalid", &sb);

    // A valid organisation and team to change.
    tf.write_main(&valid());
    tf.apply().assert_contains("2 added, 0 changed, 0 destroyed");
    tf.assert_plan_empty("after applying the valid configuration");

    // The write counters do count: a valid in-place change shows up as a PATCH. (Applied and then
    // reverted, so the cases below start from the valid objects.)
    sb.reset_counters();
    tf.write_main(&config("Valid e2e", "NL", "", "ops", ""));
    tf.apply().assert_contains("0 added, 1 changed, 0 destroyed");
    let writes = sb.write_requests();
    assert!(
        writes.keys().any(|r| r.starts_with("PATCH ")),
        "a valid update sent no PATCH: {writes:?}"
    );
    tf.write_main(&valid());
    tf.apply().assert_contains("0 added, 1 changed, 0 destroyed");

    // An empty organisation name.
    let bad = config("", "BE", "", "ops", "");
    let (_, block) = apply_rejected(&tf, &sb, "empty name", &bad, Some("name       = \"\""));
    let block = block.unwrap();
    assert!(diagnostic_message(&block).contains("name"), "{block}");

    // A country that is not an ISO 3166-1 alpha-2 code.
    let bad = config("Valid e2e", "Belgium", "", "ops", "");
    let (_, block) = apply_rejected(&tf, &sb, "bad country", &bad, Some("country    = \"Belgium\""));
    let block = block.unwrap();
    let lc = diagnostic_message(&block).to_lowercase();
    assert!(
        lc.contains("iso") || lc.contains("two-letter") || lc.contains("2-letter"),
        "the country error must say what is allowed (an ISO 3166-1 alpha-2 code): {block}"
    );

    // An empty team name (the team is updated with PUT, so a PUT would show).
    let bad = config("Valid e2e", "BE", "", "", "");
    apply_rejected(&tf, &sb, "empty team name", &bad, Some("name            = \"\""));

    // Terraform's own schema check: an unknown argument.
    let bad = config("Valid e2e", "BE", "  colour     = \"red\"\n", "ops", "");
    let (_, block) = apply_rejected(&tf, &sb, "unknown argument", &bad, Some("colour     = \"red\""));
    let block = block.unwrap();
    assert!(block.contains("Unsupported argument"), "{block}");

    // A missing required argument, on a new team next to the existing objects.
    let bad = config(
        "Valid e2e",
        "BE",
        "",
        "ops",
        "\nresource \"level27_team\" \"missing_name\" {\n  organisation_id = level27_organisation.acme.id\n}\n",
    );
    let (out, _) = apply_rejected(&tf, &sb, "missing name", &bad, None);
    out.assert_contains("Missing required argument");
    out.assert_contains("\"name\" is required");

    // A new team with no organisation_id, and none in the provider block: an error that says
    // where to set it, and no POST.
    let bad = config(
        "Valid e2e",
        "BE",
        "",
        "ops",
        "\nresource \"level27_team\" \"missing_organisation\" {\n  name = \"dev\"\n}\n",
    );
    let (out, _) = apply_rejected(&tf, &sb, "missing organisation_id", &bad, None);
    out.assert_contains("Missing organisation_id");
    out.assert_contains("provider block");

    // Ids that name nothing: a new team and a new domain contact of an organisation that does
    // not exist, refused at plan by a lookup of the organisation, nothing sent; and a domain
    // whose extension the API refuses.
    let bad = config(
        "Valid e2e",
        "BE",
        "",
        "ops",
        r#"
resource "level27_organisation" "stray" {
  name                     = "Stray e2e"
  tax_number               = "NL000099B01"
  reseller_organisation_id = "999"
}

resource "level27_team" "stray" {
  organisation_id = "999"
  name            = "stray"
}

resource "level27_domain_contact" "stray" {
  organisation_id   = "999"
  type              = "licensee"
  first_name        = "Ada"
  last_name         = "Peeters"
  organisation_name = "Acme"
  street            = "Veldstraat"
  house_number      = "1"
  zip               = "9000"
  city              = "Gent"
  country           = "BE"
  phone             = "+32.91234567"
  email             = "hostmaster@acme.example"
  tax_number        = "BE0123456789"
}

resource "level27_domain" "stray" {
  organisation_id     = level27_organisation.acme.id
  name                = "acme-example"
  extension           = "xyz"
  licensee_contact_id = "1"
}
"#,
    );
    let (out, team) = apply_rejected(
        &tf,
        &sb,
        "no such organisation",
        &bad,
        Some("organisation_id = \"999\""),
    );
    let contact = expect_error_at(&out, &bad, "organisation_id   = \"999\"");
    // An extension the API does not serve, asked of it when the create is planned.
    let domain = expect_error_at(&out, &bad, "extension           = \"xyz\"");
    assert!(
        diagnostic_message(&domain).contains("Extension \"xyz\" is not supported"),
        "{domain}"
    );
    // A reseller that does not exist.
    let reseller = expect_error_at(&out, &bad, "reseller_organisation_id = \"999\"");
    for block in [team.unwrap(), contact, reseller] {
        assert!(
            diagnostic_message(&block).contains("organisation_id: no organisation 999 ("),
            "{block}"
        );
    }

    // A reseller id that is not an id (a number literal becomes the string "-5" in HCL): an
    // error on the attribute saying what an id looks like, before any request.
    let bad = config("Valid e2e", "BE", "  reseller_organisation_id = -5\n", "ops", "");
    let (_, block) = apply_rejected(&tf, &sb, "negative id", &bad, Some("reseller_organisation_id = -5"));
    let block = block.unwrap();
    assert!(
        diagnostic_message(&block).contains("positive whole number"),
        "the id error must say what an id is: {block}"
    );

    // The valid configuration still plans clean.
    tf.write_main(&valid());
    tf.assert_plan_empty("after the rejected changes");
    tf.destroy();
    assert!(sb.organisations().is_empty());
}
