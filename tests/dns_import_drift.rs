//! The DNS family beyond the lifecycle: import blocks with generated configuration, drift made
//! through the sandbox's API, bad input rejected at plan time with nothing sent, a record the
//! platform manages refused on delete, and a failed registration.

mod common;

use common::*;
use serde_json::json;

/// A contact, a domain and records made through the API, as a panel user would.
fn seed(sb: &Sandbox) -> (i64, i64, i64, [i64; 3]) {
    let org = sb.create_organisation("Import DNS", "BE0999999999");
    let contact = sb.post_ok(
        "/v1/domaincontacts",
        json!({"type": "licensee", "firstName": "Ada", "lastName": "Peeters", "organisationName": "Acme",
               "phone": "+32.91234567", "email": "ada@acme.example", "taxNumber": "BE0123456789",
               "country": "BE", "organisation": org}),
    )["domaincontact"]["id"]
        .as_i64()
        .unwrap();
    let domain = sb.post_ok(
        "/v1/domains",
        json!({"name": "imported", "domaintype": 364, "action": "none", "handleDns": true,
               "domaincontactLicensee": contact, "organisation": org,
               "nameserver1": "ns1.imported.be", "nameserverIp1": "198.51.100.1",
               // Slot 3 left empty: a gap, as a panel user may leave one.
               "nameserver2": "NS2.Example.NET.",
               "nameserver4": "ns4.example.net",
               "nameserverIpv64": "2001:db8::4"}),
    )["domain"]["id"]
        .as_i64()
        .unwrap();
    let record = |body: serde_json::Value| {
        sb.post_ok(&format!("/v1/domains/{domain}/records"), body)["record"]["id"]
            .as_i64()
            .unwrap()
    };
    let a = record(json!({"type": "A", "name": "www", "content": "192.0.2.1"}));
    let mx = record(json!({"type": "MX", "content": "mx.example.com", "priority": 10}));
    let txt = record(json!({"type": "TXT", "content": "hello world"}));
    (org, contact, domain, [a, mx, txt])
}

#[test]
fn dns_import_generate_config_and_drift() {
    let sb = Sandbox::start();
    let (_, contact, domain, [a, mx, txt]) = seed(&sb);
    let tf = Tf::new("dns-import", &sb);
    if !tf.terraform.has_import_blocks() {
        skip_step(
            "dns_import_generate_config_and_drift",
            "import blocks",
            "needs Terraform >= 1.5",
        );
        return;
    }
    tf.write_main(&format!(
        r#"{header}
import {{
  to = level27_domain_contact.owner
  id = "{contact}"
}}
import {{
  to = level27_domain.d
  id = "{domain}"
}}
import {{
  to = level27_domain_record.a
  id = "{domain}/{a}"
}}
import {{
  to = level27_domain_record.mx
  id = "{domain}/{mx}"
}}
import {{
  to = level27_domain_record.txt
  id = "{domain}/{txt}"
}}
"#,
        header = header()
    ));
    tf.run(&["plan", "-generate-config-out=generated.tf"]).assert_ok();
    let hcl = tf.read("generated.tf");
    // The gap is an element that sets nothing, which validates and plans clean.
    assert!(
        hcl.contains("hostname = null"),
        "generated.tf has no empty slot:\n{hcl}"
    );
    for needle in [
        "resource \"level27_domain\" \"d\"",
        "extension",
        "\"be\"",
        "\"imported\"",
        "\"ada@acme.example\"",
        "\"+32.91234567\"",
        "\"mx.example.com.\"",
        "nameservers",
        "\"ns1.imported.be\"",
        "\"198.51.100.1\"",
        "\"2001:db8::4\"",
    ] {
        assert!(hcl.contains(needle), "generated.tf lacks {needle}:\n{hcl}");
    }
    tf.apply()
        .assert_contains("5 imported, 0 added, 0 changed, 0 destroyed");
    assert_eq!(tf.attrs("level27_domain.d")["fullname"], "imported.be");
    // The API never says how a domain was made: an import leaves `action` unset, not planned.
    assert!(tf.attrs("level27_domain.d")["action"].is_null());
    tf.assert_plan_empty("after importing with generated configuration");

    // Drift that only respells the record (upper case, no dot) is no change.
    sb.put_ok(
        &format!("/v1/domains/{domain}/records/{mx}"),
        json!({"type": "MX", "content": "MX.EXAMPLE.COM", "priority": 10}),
    );
    tf.assert_plan_empty("after an out-of-band respelling");

    // Real drift: a changed address, a changed TTL and a deleted record.
    sb.put_ok(
        &format!("/v1/domains/{domain}/records/{a}"),
        json!({"type": "A", "name": "www", "content": "192.0.2.99"}),
    );
    sb.patch_ok(
        &format!("/v1/domains/{domain}"),
        json!({"ttl": 600, "nameserver2": "ns9.example.net"}),
    );
    sb.delete_ok(&format!("/v1/domains/{domain}/records/{txt}"));
    let plan = tf.assert_plan_changes("after out-of-band edits");
    plan.assert_contains("\"192.0.2.99\" -> \"192.0.2.1\"");
    plan.assert_contains("600 -> 1200");
    plan.assert_contains("\"ns9.example.net\" -> \"NS2.Example.NET.\"");
    plan.assert_contains("level27_domain_record.txt will be created");
    plan.assert_contains("1 to add, 2 to change, 0 to destroy");
    tf.apply().assert_contains("1 added, 2 changed, 0 destroyed");
    tf.assert_plan_empty("after repairing the drift");

    // The importing guide's whole zone: one `import` block with `for_each` over
    // `level27_domain_records` (Terraform 1.7+) plans every record imported and nothing changed.
    if tf.terraform.version >= (1, 7, 0) {
        let zone = tf.fresh("dns-import-zone");
        zone.write_main(&format!(
            r#"{header}
data "level27_domain" "d" {{
  fullname = "Imported.BE"
}}
data "level27_domain_records" "all" {{
  domain_id = data.level27_domain.d.id
}}
locals {{
  records = {{ for r in data.level27_domain_records.all.records : r.id => r }}
}}
import {{
  for_each = local.records
  to       = level27_domain_record.zone[each.key]
  id       = "${{data.level27_domain.d.id}}/${{each.key}}"
}}
resource "level27_domain_record" "zone" {{
  for_each  = local.records
  domain_id = data.level27_domain.d.id
  type      = each.value.type
  name      = each.value.name
  content   = each.value.content
  priority  = each.value.priority
}}
"#,
            header = header()
        ));
        zone.run(&["plan"])
            .assert_ok()
            .assert_contains("3 to import, 0 to add, 0 to change, 0 to destroy");
    } else {
        skip_step(
            "dns_import_generate_config_and_drift",
            "a whole zone with import for_each",
            "needs Terraform >= 1.7",
        );
    }

    // The domain deleted in the panel takes its records with it: the refresh finds them gone
    // (drift, not an error on the 404 of the record list), and the plan would recreate the
    // domain and them. But the generated configuration names the old domain's id literally, so
    // the plan says, on each record's domain_id, that no such domain exists, rather than
    // promise creates the apply would fail.
    sb.delete_ok(&format!("/v1/domains/{domain}"));
    sb.reset_counters();
    let plan = tf.run(&["plan"]).assert_failed();
    plan.assert_contains("level27_domain.d will be created");
    let text = flat(&plan.all());
    assert_eq!(
        text.matches(&format!("domain_id: no domain {domain}")).count(),
        3,
        "said on each record's domain_id:\n{}",
        plan.dump()
    );
    assert!(sb.write_requests().is_empty(), "{:?}", sb.write_requests());
    // The three records' refreshes, run at once, learn from one GET of the list that it is gone.
    let counts = sb.api_request_counts();
    assert_eq!(
        counts.get("GET /v1/domains/{domainId}/records"),
        Some(&1),
        "record lists asked for: {counts:?}"
    );
}

/// Text with its line wrapping undone.
fn flat(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn dns_bad_input_is_rejected_at_plan_with_nothing_sent() {
    let sb = Sandbox::start();
    let org = sb.create_organisation("Bad DNS", "BE0888888888");
    let tf = Tf::new("dns-bad", &sb);
    tf.write_main(&format!(
        r#"{header}
resource "level27_domain_contact" "phone" {{
  organisation_id = {org}
  type = "licensee"
  first_name = "A"
  last_name = "B"
  organisation_name = "C"
  phone = "0032 9 123 45 67"
  email = "a@b.example"
  tax_number = "BE1"
}}
resource "level27_domain_contact" "onsite" {{
  organisation_id = {org}
  type = "onsite"
  first_name = "A"
  last_name = "B"
  organisation_name = "C"
  phone = "+32.91234567"
  email = "not-an-email"
  tax_number = "BE1"
  country = "Belgium"
}}
resource "level27_domain_contact" "kind" {{
  organisation_id = {org}
  type = "owner"
  first_name = "A"
  last_name = "B"
  organisation_name = "C"
  phone = "+32.91234567"
  fax = "32.1234"
  email = "c@b.example"
  tax_number = "BE1"
}}
resource "level27_domain" "dotted" {{
  organisation_id = {org}
  name = "acme.be"
  extension = "be"
  licensee_contact_id = 1
  ttl = 5
}}
resource "level27_domain" "transfer" {{
  organisation_id = {org}
  name = "acme"
  extension = "be"
  action = "transfer"
  licensee_contact_id = 1
  nameservers = [{{ hostname = "ns 1.example" }}, {{ hostname = "ns2.example", ipv4 = "2001:db8::2" }}]
}}
resource "level27_domain" "five_ns" {{
  organisation_id = {org}
  name = "acme-ns"
  extension = "be"
  licensee_contact_id = 1
  nameservers = [for i in range(5) : {{ hostname = "ns${{i}}.acme.example" }}]
}}
resource "level27_domain" "action" {{
  organisation_id = {org}
  name = "acme"
  extension = "be"
  action = "register"
  licensee_contact_id = 1
}}
resource "level27_domain" "glue_only" {{
  organisation_id = {org}
  name = "acme-glue"
  extension = "be"
  licensee_contact_id = 1
  nameservers = [{{ ipv4 = "192.0.2.53" }}, {{ hostname = "ns2.example" }}]
}}
resource "level27_domain" "empty_last" {{
  organisation_id = {org}
  name = "acme-empty"
  extension = "be"
  licensee_contact_id = 1
  nameservers = [{{ hostname = "ns1.example" }}, {{}}]
}}
resource "level27_domain_record" "a6" {{
  domain_id = 1
  type = "A"
  content = "2001:db8::1"
}}
resource "level27_domain_record" "cname_ip" {{
  domain_id = 1
  type = "CNAME"
  name = "www"
  content = "192.0.2.1"
}}
resource "level27_domain_record" "mx" {{
  domain_id = 1
  type = "MX"
  content = "mx.example.com."
}}
resource "level27_domain_record" "underscore" {{
  domain_id = 1
  type = "A"
  name = "_www"
  content = "192.0.2.1"
}}
resource "level27_domain_record" "url" {{
  domain_id = 1
  type = "URLFW1"
  content = "www.example.com"
}}
resource "level27_domain_record" "space" {{
  domain_id = 1
  type = "TXT"
  name = "my name"
  content = "x"
}}
resource "level27_domain_record" "aaaa4" {{
  domain_id = 1
  type = "AAAA"
  content = "192.0.2.1"
}}
resource "level27_domain_record" "srv" {{
  domain_id = 1
  type = "SRV"
  name = "_sip._tcp"
  content = "sip.example.com:5060"
}}
resource "level27_domain_record" "at" {{
  domain_id = 1
  type = "A"
  name = "@"
  content = "192.0.2.1"
}}
data "level27_domain_records" "at" {{
  domain_id = 1
  name = "@"
}}
resource "level27_domain_record" "absolute" {{
  domain_id = 1
  type = "CNAME"
  name = "www.acme-example.be."
  content = "web.example.net."
}}
"#,
        header = header()
    ));
    sb.reset_counters();
    let out = tf.plan().assert_failed();
    let blocks = out.error_blocks();
    // (resource, attribute, words of the message)
    let expected: &[(&str, &str, &str)] = &[
        ("level27_domain_contact\" \"phone", "phone", "+COUNTRYCODE.NUMBER"),
        (
            "level27_domain_contact\" \"onsite",
            "fax",
            "fax is required when type is \"onsite\"",
        ),
        ("level27_domain_contact\" \"onsite", "email", "email address"),
        ("level27_domain_contact\" \"onsite", "country", "Belgium"),
        ("level27_domain_contact\" \"kind", "type", "licensee"),
        ("level27_domain_contact\" \"kind", "fax", "+COUNTRYCODE.NUMBER"),
        ("level27_domain\" \"dotted", "name", "one label without the extension"),
        ("level27_domain\" \"dotted", "ttl", "5"),
        (
            "level27_domain\" \"transfer",
            "epp_code_wo",
            "epp_code_wo is required when action is \"transfer\"",
        ),
        // Terraform shows the resource's line for a path inside a list; the message names it.
        (
            "level27_domain\" \"transfer",
            "nameservers[0].hostname",
            "\"ns 1\" holds",
        ),
        ("level27_domain\" \"transfer", "nameservers[1].ipv4", "IPv4 address"),
        ("level27_domain\" \"five_ns", "nameservers", "at most 4 elements, got 5"),
        ("level27_domain\" \"action", "action", "register"),
        // An element that sets nothing keeps its slot empty; glue needs its host name, and an
        // empty element last would read back as nothing.
        (
            "level27_domain\" \"glue_only",
            "nameservers",
            "element 0 sets ipv4 but no hostname",
        ),
        ("level27_domain\" \"empty_last", "nameservers", "element 1 sets nothing"),
        ("level27_domain_record\" \"a6", "content", "IPv4"),
        ("level27_domain_record\" \"cname_ip", "content", "not an IP address"),
        ("level27_domain_record\" \"mx", "priority", "greater than 0"),
        (
            "level27_domain_record\" \"underscore",
            "name",
            "underscores are allowed only",
        ),
        ("level27_domain_record\" \"url", "content", "http://"),
        ("level27_domain_record\" \"space", "name", "my name"),
        ("level27_domain_record\" \"aaaa4", "content", "IPv6"),
        // The API writes the apex as no name, and names are relative to the domain.
        (
            "level27_domain_record\" \"srv",
            "content",
            "priority weight port target",
        ),
        ("level27_domain_record\" \"at", "name", "leave name out"),
        ("level27_domain_record\" \"absolute", "name", "no trailing dot"),
    ];
    for (resource, attribute, words) in expected {
        let found = blocks.iter().any(|b| {
            b.contains(&format!("in resource \"{resource}\""))
                // The snippet shows the attribute's line, or (for a missing one) the message names it.
                && (b.lines().any(|l| {
                    l.trim_start()
                        .split_once(':')
                        .is_some_and(|(n, s)| n.chars().all(|c| c.is_ascii_digit()) && s.trim_start().starts_with(attribute))
                }) || diagnostic_message(b).contains(&format!("{attribute} is required"))
                    || (attribute.contains('[')
                        && diagnostic_message(b).lines().any(|l| l.trim_start().starts_with(&format!("{attribute} ")))))
                && flat(&diagnostic_message(b)).contains(words)
        });
        assert!(
            found,
            "no error on {resource}.{attribute} mentioning {words:?}; errors:\n{}",
            blocks.join("\n---\n")
        );
    }
    // A lookup by "@" would find nothing: said on the data source too.
    assert!(
        blocks
            .iter()
            .any(|b| b.contains("in data \"level27_domain_records\" \"at\"")
                && flat(&diagnostic_message(b)).contains("leave name out")),
        "no error on data.level27_domain_records.at.name; errors:\n{}",
        blocks.join("\n---\n")
    );
    assert!(
        sb.write_requests().is_empty(),
        "nothing may be sent: {:?}",
        sb.write_requests()
    );
}

#[test]
fn dns_platform_records_and_failed_registration() {
    let sb = Sandbox::start_with(DEFAULT_KEY, &["--async-ms", "600"]);
    let (org, contact, domain, _) = seed(&sb);
    // A record the platform manages (linked to a url): its delete is refused with the API's
    // reason, and it stays in state.
    let linked = sb.post_ok(
        &format!("/v1/domains/{domain}/records"),
        json!({"type": "A", "name": "shop", "content": "192.0.2.5", "url": 77}),
    )["record"]["id"]
        .as_i64()
        .unwrap();
    let tf = Tf::new("dns-platform", &sb);
    tf.write_main(&format!(
        r#"{header}
resource "level27_domain_record" "shop" {{
  domain_id = "{domain}"
  type      = "A"
  name      = "shop"
  content   = "192.0.2.5"
}}
"#,
        header = header()
    ));
    tf.run(&["import", "level27_domain_record.shop", &format!("{domain}/{linked}")])
        .assert_ok();
    tf.assert_plan_empty("after importing a platform record");
    let out = tf.run(&["destroy", "-auto-approve"]).assert_failed();
    assert!(
        flat(&out.all()).contains("linked to a url, a mailgroup or an appcomponentHasDomain"),
        "{}",
        out.dump()
    );
    assert!(
        flat(&out.all()).contains("with a `removed` block"),
        "the refusal says how to stop managing the record: {}",
        out.dump()
    );
    assert!(tf.in_state("level27_domain_record.shop"));
    assert_eq!(sb.get_status(&format!("/v1/domains/{domain}/records/{linked}")), 200);
    let tf = tf.fresh("dns-failing");

    // A registration and a transfer that fail: each error names its status (`transfer_failed`
    // is one of its own); the domains are kept as tainted.
    for status in ["creating_failed", "transfer_failed"] {
        let (code, _) = sb.request(
            "POST",
            "/_sandbox/fail-next",
            Some(json!({"kind": "domain", "status": status})),
        );
        assert_eq!(code, 204);
    }
    tf.write_main(&format!(
        r#"{header}
resource "level27_domain" "new" {{
  organisation_id     = {org}
  name                = "failing"
  extension           = "com"
  action              = "create"
  licensee_contact_id = {contact}
}}

resource "level27_domain" "moved" {{
  organisation_id     = {org}
  name                = "moving"
  extension           = "com"
  action              = "transfer"
  epp_code_wo         = "x-1"
  licensee_contact_id = {contact}
}}
"#,
        header = header()
    ));
    let out = tf.run(&["apply", "-auto-approve"]).assert_failed();
    out.assert_contains("creating_failed");
    out.assert_contains("transfer_failed");
    let plan = tf.assert_plan_changes("after a failed registration and transfer");
    plan.assert_contains("level27_domain.new is tainted, so must be replaced");
    plan.assert_contains("level27_domain.moved is tainted, so must be replaced");
}

#[test]
fn dns_registration_wait_honours_timeouts() {
    // Registrations here take 30 s; the configuration allows 2.
    let sb = Sandbox::start_with(DEFAULT_KEY, &["--async-ms", "30000"]);
    let org = sb.create_organisation("Slow DNS", "BE0555555555");
    let contact = sb.create_contact(org, "slow");
    let tf = Tf::new("dns-timeouts", &sb);
    tf.write_main(&format!(
        r#"{header}
resource "level27_domain" "slow" {{
  organisation_id     = {org}
  name                = "slow"
  extension           = "eu"
  action              = "create"
  licensee_contact_id = {contact}

  timeouts {{
    create = "2s"
  }}
}}
"#,
        header = header()
    ));
    let out = tf.run(&["apply", "-auto-approve"]).assert_failed();
    out.assert_contains("Timed out waiting for");
    // The domain exists (still registering): it is kept, tainted, never forgotten.
    assert!(tf.in_state("level27_domain.slow"));
    tf.assert_plan_changes("after a timed-out registration")
        .assert_contains("is tainted, so must be replaced");
}

#[test]
fn dns_spellings_the_api_answers_otherwise_apply_and_plan_empty() {
    let sb = Sandbox::start();
    let (org, contact, domain, _) = seed(&sb);
    let tf = Tf::new("dns-spellings", &sb);
    // Domain names are case-insensitive and the API answers them and the extension in lower case;
    // the sandbox writes TXT text as a zone file does, quotes inside escaped, and an SRV record's
    // target too.
    tf.write_main(&format!(
        r#"{header}
resource "level27_domain" "d" {{
  organisation_id     = "{org}"
  name                = "Upper-Case"
  extension           = "BE"
  licensee_contact_id = "{contact}"
}}

resource "level27_domain_record" "say" {{
  domain_id = "{domain}"
  type      = "TXT"
  name      = "say"
  content   = "say \"hi\" there"
}}

# Quotes that are text, not zone syntax: a lone one, and text after a quoted string.
resource "level27_domain_record" "lone" {{
  domain_id = "{domain}"
  type      = "TXT"
  name      = "lone"
  content   = "\"abc"
}}

resource "level27_domain_record" "after" {{
  domain_id = "{domain}"
  type      = "TXT"
  name      = "after"
  content   = "\"a\" x"
}}

# Text over 255 bytes (a DKIM key) comes back as several quoted strings.
resource "level27_domain_record" "dkim" {{
  domain_id = "{domain}"
  type      = "TXT"
  name      = "mail._domainkey"
  content   = "v=DKIM1; k=rsa; p=${{join("", [for i in range(30) : "MIIBIjANBg"])}}"
}}

# The API writes an SRV record's target in lower case with its trailing dot.
resource "level27_domain_record" "sip" {{
  domain_id = "{domain}"
  type      = "SRV"
  name      = "_sip._tcp"
  content   = "10 60 5060 SIP.Acme-Example.BE"
}}
"#,
        header = header()
    ));
    tf.apply().assert_not_contains("inconsistent result");
    assert!(!tf.state_text().contains("tainted"), "{}", tf.state_text());
    let sip = tf.id_of("level27_domain_record.sip");
    let answered = sb.get_ok(&format!("/v1/domains/{domain}/records/{sip}"));
    assert_eq!(answered["record"]["content"], "10 60 5060 sip.acme-example.be.");
    assert_eq!(
        tf.attrs("level27_domain_record.sip")["content"],
        "10 60 5060 SIP.Acme-Example.BE",
        "state keeps the configured spelling"
    );
    for (record, zone, configured) in [
        ("say", r#""say \"hi\" there""#, r#"say "hi" there"#),
        ("lone", r#""\"abc""#, r#""abc"#),
        ("after", r#""\"a\" x""#, r#""a" x"#),
    ] {
        let id = tf.id_of(&format!("level27_domain_record.{record}"));
        let answered = sb.get_ok(&format!("/v1/domains/{domain}/records/{id}"));
        assert_eq!(answered["record"]["content"], zone, "{record}: {answered}");
        assert_eq!(
            tf.attrs(&format!("level27_domain_record.{record}"))["content"],
            configured,
            "state keeps the configured spelling"
        );
    }
    assert_eq!(tf.attrs("level27_domain.d")["fullname"], "upper-case.be");
    let dkim = tf.id_of("level27_domain_record.dkim");
    let answered = sb.get_ok(&format!("/v1/domains/{domain}/records/{dkim}"));
    let strings = answered["record"]["content"]
        .as_str()
        .unwrap_or_default()
        .matches("\" \"")
        .count()
        + 1;
    assert_eq!(strings, 2, "318 bytes are two strings: {answered}");
    tf.assert_plan_empty(
        "after a domain in upper case, TXT records with quotes inside and over 255 bytes, and an SRV record",
    );
    tf.destroy();
}

#[test]
fn dns_record_in_a_domain_that_does_not_exist_is_said_on_domain_id() {
    let sb = Sandbox::start();
    let tf = Tf::new("dns-no-domain", &sb);
    tf.write_main(&format!(
        r#"{header}
resource "level27_domain_record" "www" {{
  domain_id = "99999"
  type      = "A"
  name      = "www"
  content   = "192.0.2.1"
}}
"#,
        header = header()
    ));
    // Said at plan, on the argument, before anything is sent (one GET of the domain).
    let out = tf.run(&["plan"]).assert_failed();
    let text = flat(&out.all());
    assert!(text.contains("Invalid domain_id"), "{}", out.dump());
    assert!(text.contains("domain_id: no domain 99999"), "{}", out.dump());
    assert!(sb.write_requests().is_empty(), "{:?}", sb.write_requests());
}

/// `priority` is taken by MX records only (seed L19588): set on an A record it is no error (the
/// API is not documented to refuse it), but the plan says it has no effect, on the attribute.
#[test]
fn dns_priority_on_a_record_other_than_mx_is_a_warning_at_plan() {
    let sb = Sandbox::start();
    let org = sb.create_organisation("Priority DNS", "BE0888888887");
    let domain = sb.create_domain(org, "priority");
    let tf = Tf::new("dns-priority", &sb);
    tf.write_main(&format!(
        r#"{header}
resource "level27_domain_record" "www" {{
  domain_id = {domain}
  type      = "A"
  name      = "www"
  content   = "203.0.113.10"
  priority  = 10
}}
"#,
        header = header()
    ));
    sb.reset_counters();
    let plan = tf.run(&["plan"]).assert_ok();
    let said = flat(&plan.all());
    assert!(
        said.contains("Warning: priority has no effect on an A record")
            && said.contains("priority = 10 is taken by MX records only")
            && said.contains("level27_domain_record.www")
            && said.contains("1 to add"),
        "{}",
        plan.dump()
    );
    assert!(sb.write_requests().is_empty(), "a plan writes nothing");
}
