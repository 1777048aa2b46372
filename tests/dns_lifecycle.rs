//! The DNS family end to end: a domain contact, a domain (registered asynchronously, statuses
//! advanced by `--async-ms`) and records of every type written in spellings the API answers
//! differently; create, read back, empty plan, in-place updates, replacements, destroy.
//! Runs under the default Terraform and under Terraform 1.0.3 (`TERRAFORM_1_0`).

mod common;

use common::*;
use serde_json::{json, Value};

struct Zone<'a> {
    organisation_name: &'a str,
    email: &'a str,
    /// The contact's `lifecycle { create_before_destroy = true }`.
    contact_first: bool,
    city: &'a str,
    phone: &'a str,
    domain: &'a str,
    ttl: u32,
    www: &'a str,
    txt: &'a str,
    teams: &'a str,
}

const ZONE: Zone = Zone {
    organisation_name: "Acme",
    email: "hostmaster@acme.example",
    contact_first: false,
    city: "Gent",
    phone: "+32.91234567",
    domain: "acme-example",
    ttl: 3600,
    www: "203.0.113.10",
    txt: "v=spf1 include:_spf.example.com -all",
    teams: "[level27_team.dns.id]",
};

/// An organisation, a contact, a domain and records, each written in a spelling the sandbox
/// answers otherwise (upper case, no trailing dot, compressed IPv6, unquoted TXT; and the
/// reverse).
fn config(z: &Zone) -> String {
    format!(
        r#"{header}
resource "level27_organisation" "acme" {{
  name       = "Acme DNS"
  tax_number = "BE0123456789"
}}

resource "level27_team" "dns" {{
  organisation_id = level27_organisation.acme.id
  name            = "dns"
}}

resource "level27_team" "web" {{
  organisation_id = level27_organisation.acme.id
  name            = "web"
}}

resource "level27_domain_contact" "owner" {{
  organisation_id   = level27_organisation.acme.id
  type              = "licensee"
  first_name        = "Ada"
  last_name         = "Peeters"
  organisation_name = "{on}"
  street            = "Veldstraat"
  house_number      = "1"
  zip               = "9000"
  city              = "{city}"
  country           = "BE"
  phone             = "{phone}"
  email             = "{email}"
  tax_number        = "BE0123456789"{lifecycle}
}}

resource "level27_domain" "acme" {{
  organisation_id     = level27_organisation.acme.id
  name                = "{domain}"
  extension           = "be"
  licensee_contact_id = level27_domain_contact.owner.id
  ttl                 = {ttl}
  team_ids            = {teams}
}}

resource "level27_domain_record" "www" {{
  domain_id = level27_domain.acme.id
  type      = "A"
  name      = "WWW"
  content   = "{www}"
}}

resource "level27_domain_record" "v6" {{
  domain_id = level27_domain.acme.id
  type      = "AAAA"
  name      = "www"
  content   = "2001:DB8::10"
}}

resource "level27_domain_record" "v6_full" {{
  domain_id = level27_domain.acme.id
  type      = "AAAA"
  name      = "ipv6"
  content   = "2001:0db8:0000:0000:0000:0000:0000:0011"
}}

resource "level27_domain_record" "alias" {{
  domain_id = level27_domain.acme.id
  type      = "CNAME"
  name      = "Shop"
  content   = "Shops.Example.COM"
}}

resource "level27_domain_record" "alias_dot" {{
  domain_id = level27_domain.acme.id
  type      = "CNAME"
  name      = "_acme-challenge"
  content   = "validation.example.net."
}}

resource "level27_domain_record" "mx" {{
  domain_id = level27_domain.acme.id
  type      = "MX"
  content   = "ASPMX.L.GOOGLE.COM."
  priority  = 10
}}

resource "level27_domain_record" "spf" {{
  domain_id = level27_domain.acme.id
  type      = "TXT"
  content   = "{txt}"
}}

resource "level27_domain_record" "quoted" {{
  domain_id = level27_domain.acme.id
  type      = "TXT"
  name      = "_dmarc"
  content   = "\"v=DMARC1; p=none\""
}}
"#,
        header = header(),
        on = z.organisation_name,
        email = z.email,
        lifecycle = if z.contact_first {
            "\n\n  lifecycle {\n    create_before_destroy = true\n  }"
        } else {
            ""
        },
        city = z.city,
        phone = z.phone,
        domain = z.domain,
        ttl = z.ttl,
        www = z.www,
        txt = z.txt,
        teams = z.teams,
    )
}

fn records(sb: &Sandbox, domain: i64) -> Vec<Value> {
    sb.list_all(&format!("/v1/domains/{domain}/records"), "records")
}

fn scenario(test: &str, terraform: Terraform) {
    let _ = test;
    let sb = Sandbox::start_with(DEFAULT_KEY, &["--async-ms", "1500"]);
    let tf = Tf::with("dns", terraform, Some(&sb));

    // Create: the domain waits for its registration; every record reads back.
    tf.write_main(&config(&ZONE));
    tf.apply().assert_contains("13 added, 0 changed, 0 destroyed");
    let contact = tf.id_of("level27_domain_contact.owner");
    let domain = tf.id_of("level27_domain.acme");
    let d = tf.attrs("level27_domain.acme");
    assert_eq!(d["fullname"], "acme-example.be", "{d}");
    assert_eq!(d["status"], "ok", "the create waited for the registration: {d}");
    assert_eq!(d["action"], "none", "{d}");
    assert_eq!(d["handle_dns"], true, "{d}");
    assert_eq!(d["ttl"], 3600, "{d}");
    let (org, dns_team, web_team) = (
        tf.id_of("level27_organisation.acme"),
        tf.id_of("level27_team.dns"),
        tf.id_of("level27_team.web"),
    );
    let api = sb.get_ok(&format!("/v1/domains/{domain}"));
    assert_eq!(
        api["domain"]["teams"][0]["id"], dns_team,
        "autoTeams linked the team: {api}"
    );
    assert_eq!(d["team_ids"], json!([dns_team.to_string()]), "{d}");
    assert_eq!(api["domain"]["domaintype"]["extension"], "be", "{api}");
    assert_eq!(api["domain"]["domaincontactLicensee"]["id"], contact, "{api}");
    let c = sb.get_ok(&format!("/v1/domaincontacts/{contact}"))["domaincontact"].clone();
    assert_eq!(c["phone"], "+32.91234567");
    assert_eq!(c["country"]["id"], "BE");
    // The API spells every record its own way; state keeps the configured spelling.
    let recs = records(&sb, domain);
    assert_eq!(recs.len(), 8, "{recs:?}");
    let content_of = |name: Value, kind: &str| -> Value {
        records(&sb, domain)
            .into_iter()
            .find(|r| r["name"] == name && r["type"] == kind)
            .map(|r| r["content"].clone())
            .unwrap_or_default()
    };
    assert_eq!(content_of(json!("shop"), "CNAME"), "shops.example.com.");
    assert_eq!(
        content_of(json!("www"), "AAAA"),
        "2001:0db8:0000:0000:0000:0000:0000:0010"
    );
    assert_eq!(content_of(Value::Null, "TXT"), format!("\"{}\"", ZONE.txt));
    assert_eq!(tf.attrs("level27_domain_record.alias")["content"], "Shops.Example.COM");
    assert_eq!(tf.attrs("level27_domain_record.www")["name"], "WWW");
    tf.assert_plan_empty("after create, every record spelled otherwise by the API");

    // A name that repeats the domain's (another provider's absolute spelling) would make
    // www.acme-example.be.acme-example.be: refused at plan, with the name meant, nothing sent.
    tf.write_main(&format!(
        "{}\nresource \"level27_domain_record\" \"absolute\" {{\n  domain_id = level27_domain.acme.id\n  type      = \"A\"\n  name      = \"Blog.acme-example.be\"\n  content   = \"203.0.113.30\"\n}}\n",
        config(&ZONE)
    ));
    sb.reset_counters();
    let out = tf.plan().assert_failed();
    let blocks = out.error_blocks();
    let flat = |b: &str| diagnostic_message(b).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        blocks
            .iter()
            .any(|b| b.contains("in resource \"level27_domain_record\" \"absolute\"")
                && flat(b).contains("would make Blog.acme-example.be.acme-example.be")
                && flat(b).contains("write \"Blog\"")),
        "no error on the record's name: {blocks:?}"
    );
    assert!(
        sb.write_requests().is_empty(),
        "nothing may be sent: {:?}",
        sb.write_requests()
    );

    // In-place updates: contact (PUT), domain (PATCH, waits for `updating`), record (PUT).
    let www = tf.id_of("level27_domain_record.www");
    let z2 = Zone {
        city: "Brussel",
        phone: "+32.22345678",
        ttl: 7200,
        www: "203.0.113.20",
        teams: "[level27_team.web.id]",
        ..ZONE
    };
    tf.write_main(&config(&z2));
    let plan = tf.assert_plan_changes("after editing contact, domain and record");
    plan.assert_contains("0 to add, 3 to change, 0 to destroy");
    plan.assert_not_contains("must be replaced");
    // The names did not change, so neither does the full name the API joins from them.
    plan.assert_not_contains("full_name");
    tf.apply().assert_contains("0 added, 3 changed, 0 destroyed");
    let c = sb.get_ok(&format!("/v1/domaincontacts/{contact}"))["domaincontact"].clone();
    assert_eq!(
        (c["city"].as_str(), c["phone"].as_str()),
        (Some("Brussel"), Some("+32.22345678"))
    );
    assert_eq!(c["email"], "hostmaster@acme.example", "the PUT resent every field: {c}");
    let api = sb.get_ok(&format!("/v1/domains/{domain}"))["domain"].clone();
    assert_eq!(api["ttl"], 7200);
    assert_eq!(
        api["teams"],
        json!([{"id": web_team, "name": "web"}]),
        "teams swapped: {api}"
    );
    assert_eq!(
        sb.get_status(&format!("/v1/organisations/{org}/teams/{dns_team}/domains/{domain}")),
        404
    );
    assert_eq!(
        tf.id_of("level27_domain_record.www"),
        www,
        "the record was updated in place"
    );
    assert_eq!(content_of(json!("www"), "A"), "203.0.113.20");
    assert_eq!(tf.id_of("level27_domain_contact.owner"), contact);
    tf.assert_plan_empty("after in-place updates");

    // Every other updatable attribute, in place: the contact's (a PUT of all fields), the
    // domain's DNS handed to other name servers (a PATCH), a record's type, name and content.
    let more = config(&z2)
        .replace("first_name        = \"Ada\"", "first_name        = \"Ada Maria\"")
        .replace("last_name         = \"Peeters\"", "last_name         = \"Peeters-Janssens\"")
        .replace("street            = \"Veldstraat\"", "street            = \"Kouter\"\n  state             = \"Oost-Vlaanderen\"")
        .replace("house_number      = \"1\"", "house_number      = \"7b\"")
        .replace("zip               = \"9000\"", "zip               = \"9050\"")
        .replace("country           = \"BE\"", "country           = \"NL\"\n  fax               = \"+32.91234500\"")
        .replace("email             = \"hostmaster@acme.example\"", "email             = \"dns@acme.example\"")
        .replace(
            "  ttl                 = 7200\n",
            "  ttl                 = 7200\n  handle_dns          = false\n  nameservers = [\n    { hostname = \"NS1.Acme.Example.\", ipv4 = \"198.51.100.53\", ipv6 = \"2001:DB8:0:0::53\" },\n    { hostname = \"ns2.acme.example\" },\n  ]\n",
        )
        .replace(
            "  type      = \"AAAA\"\n  name      = \"ipv6\"\n  content   = \"2001:0db8:0000:0000:0000:0000:0000:0011\"",
            "  type      = \"A\"\n  name      = \"v4only\"\n  content   = \"203.0.113.11\"",
        );
    assert_ne!(more, config(&z2), "the edits apply to the configuration");
    tf.write_main(&more);
    let plan = tf.assert_plan_changes("after editing every other updatable attribute");
    plan.assert_contains("0 to add, 3 to change, 0 to destroy");
    plan.assert_contains("full_name");
    tf.apply().assert_contains("0 added, 3 changed, 0 destroyed");
    let c = sb.get_ok(&format!("/v1/domaincontacts/{contact}"))["domaincontact"].clone();
    for (field, want) in [
        ("firstName", "Ada Maria"),
        ("lastName", "Peeters-Janssens"),
        ("street", "Kouter"),
        ("state", "Oost-Vlaanderen"),
        ("houseNumber", "7b"),
        ("zip", "9050"),
        ("fax", "+32.91234500"),
        ("email", "dns@acme.example"),
    ] {
        assert_eq!(c[field], want, "{field}: {c}");
    }
    assert_eq!(c["country"]["id"], "NL", "{c}");
    let api = sb.get_ok(&format!("/v1/domains/{domain}"))["domain"].clone();
    assert_eq!(api["dnsIsHandled"], false, "{api}");
    assert_eq!(api["nameserver1"], "NS1.Acme.Example.", "{api}");
    assert_eq!(api["nameserverIp1"], "198.51.100.53", "{api}");
    assert_eq!(api["nameserverIpv61"], "2001:DB8:0:0::53", "{api}");
    assert_eq!(api["nameserver2"], "ns2.acme.example", "{api}");
    assert_eq!(api["nameserver3"], json!(null), "{api}");
    assert_eq!(content_of(json!("v4only"), "A"), "203.0.113.11");
    tf.assert_plan_empty("after updating every other attribute in place");
    // The API sets a fourth name server only at create: adding one plans a replacement, on the
    // element that forces it.
    tf.write_main(&more.replace(
        "    { hostname = \"ns2.acme.example\" },\n",
        "    { hostname = \"ns2.acme.example\" },\n    { hostname = \"ns3.acme.example\" },\n    { hostname = \"ns4.acme.example\" },\n",
    ));
    let plan = tf.assert_plan_changes("after adding a fourth name server");
    plan.assert_contains("level27_domain.acme must be replaced");
    // In the domain's change (its records follow it), one marker, on the fourth element (after
    // the third), not on the list as a whole. Terraform 1.0's renderer shows no markers inside
    // nested attributes (the replacement itself is the same).
    let domain_change = plan.stdout.split("# level27_domain.acme must be replaced").nth(1);
    let out = domain_change.and_then(|d| d.split("\n  # ").next()).unwrap_or_default();
    if tf.terraform.has_import_blocks() {
        let marker = out.find("# forces replacement");
        assert_eq!(out.matches("# forces replacement").count(), 1, "{out}");
        assert!(
            marker.is_some_and(|m| out.find("ns3.acme.example").is_some_and(|ns3| ns3 < m)),
            "only the fourth name server forces the replacement:\n{out}"
        );
    }
    // Back to the zone as before but with `handle_dns` left out: it keeps the domain's false, so
    // the name servers are still needed. The plan says so, and how to serve DNS here again,
    // before anything is sent (the API refused it only at apply).
    tf.write_main(&config(&z2));
    sb.reset_counters();
    let plan = tf.plan().assert_failed();
    plan.assert_contains("Missing nameservers");
    plan.assert_contains("handle_dns = true");
    assert!(sb.write_requests().is_empty(), "{:?}", sb.write_requests());
    // Back to the zone as before, DNS served by Level27 again (the steps below start from it).
    tf.write_main(&config(&z2).replace(
        "  ttl                 = 7200\n",
        "  ttl                 = 7200\n  handle_dns          = true\n",
    ));
    tf.apply().assert_contains("0 added, 3 changed, 0 destroyed");
    assert_eq!(
        sb.get_ok(&format!("/v1/domains/{domain}"))["domain"]["nameserver1"],
        json!(null)
    );

    // organisation_name is non-editable: the contact is replaced (and the domain follows it in
    // place, as its licensee changes). The API refuses to delete a contact a domain names, so
    // the replacement Terraform makes by default (destroy first) fails with the API's words and
    // leaves everything as it was.
    let z3 = Zone {
        organisation_name: "Acme Holding",
        ..z2
    };
    tf.write_main(&config(&z3));
    let plan = tf.assert_plan_changes("after renaming the contact's organisation");
    plan.assert_contains("level27_domain_contact.owner must be replaced");
    plan.assert_contains("# forces replacement");
    let refused = tf.run(&["apply", "-auto-approve"]).assert_failed();
    let said = refused
        .error_blocks()
        .iter()
        .map(|b| diagnostic_message(b))
        .collect::<Vec<_>>();
    assert!(
        said.iter().any(|m| m
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .contains("is used by the domain acme-example.be")),
        "the API's refusal reaches the user:\n{}",
        refused.dump()
    );
    assert!(
        said.iter().any(|m| m.contains("create_before_destroy")),
        "the refusal says how to replace the contact:\n{}",
        refused.dump()
    );
    assert_eq!(
        sb.get_ok(&format!("/v1/domains/{domain}"))["domain"]["domaincontactLicensee"]["id"],
        contact
    );
    // The way the resource's page gives: the new contact first (with an email of its own, as
    // emails are unique), the domain moved to it, then the old one deleted.
    let z3 = Zone {
        email: "holding@acme.example",
        contact_first: true,
        ..z3
    };
    tf.write_main(&config(&z3));
    tf.apply().assert_ok();
    let contact2 = tf.id_of("level27_domain_contact.owner");
    assert_ne!(contact2, contact);
    assert_eq!(
        sb.get_ok(&format!("/v1/domains/{domain}"))["domain"]["domaincontactLicensee"]["id"],
        contact2
    );
    tf.assert_plan_empty("after replacing the contact");

    // A new domain name replaces the domain and, with it, its records.
    let z4 = Zone {
        domain: "acme-renamed",
        ..z3
    };
    tf.write_main(&config(&z4));
    let plan = tf.assert_plan_changes("after renaming the domain");
    plan.assert_contains("level27_domain.acme must be replaced");
    tf.apply().assert_ok();
    let domain2 = tf.id_of("level27_domain.acme");
    assert_ne!(domain2, domain);
    assert_eq!(
        sb.get_status(&format!("/v1/domains/{domain}")),
        404,
        "the old domain is gone"
    );
    assert_eq!(records(&sb, domain2).len(), 8);
    assert_eq!(tf.attrs("level27_domain.acme")["fullname"], "acme-renamed.be");
    tf.assert_plan_empty("after replacing the domain");

    // Destroy waits for the domain's 404.
    tf.destroy().assert_contains("13 destroyed");
    assert_eq!(sb.get_status(&format!("/v1/domains/{domain2}")), 404);
    assert!(sb.list_all("/v1/domaincontacts", "domaincontacts").is_empty());
}

#[test]
fn dns_lifecycle() {
    scenario("dns_lifecycle", Terraform::default_bin());
}

#[test]
fn dns_lifecycle_terraform_1_0() {
    if let Some(tf) = Terraform::v1_0("dns_lifecycle_terraform_1_0") {
        scenario("dns_lifecycle_terraform_1_0", tf);
    }
}
