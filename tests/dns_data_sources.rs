//! The DNS family's data sources against objects made through the API: a contact by email, a
//! domain by full name, a record by name and type, the records of a domain filtered by type,
//! and the domain type of an extension.

mod common;

use common::*;
use serde_json::json;

#[test]
fn dns_data_sources_read_what_the_api_holds() {
    let sb = Sandbox::start();
    let org = sb.create_organisation("Lookup DNS", "BE0777777777");
    let contact = sb.post_ok(
        "/v1/domaincontacts",
        json!({"type": "licensee", "firstName": "Ada", "lastName": "Peeters", "organisationName": "Acme",
               "phone": "+32.91234567", "email": "lookup@acme.example", "taxNumber": "BE0123456789",
               "country": "NL", "organisation": org}),
    )["domaincontact"]["id"]
        .as_i64()
        .unwrap();
    // Two domains of the same name with other extensions, so the full name has to pick.
    let mut ids = Vec::new();
    for t in [364, 75] {
        ids.push(
            sb.post_ok(
                "/v1/domains",
                json!({"name": "lookup", "domaintype": t, "action": "none", "domaincontactLicensee": contact,
                       "organisation": org, "ttl": 900, "nameserver1": "ns1.lookup.example",
                       "nameserverIp1": "198.51.100.7", "nameserver2": "ns2.lookup.example"}),
            )["domain"]["id"]
                .as_i64()
                .unwrap(),
        );
    }
    let domain = ids[1];
    let team = sb.post_ok(
        &format!("/v1/organisations/{org}/teams"),
        json!({"name": "dns", "organisation": org}),
    )["team"]["id"]
        .as_i64()
        .unwrap();
    sb.post_ok(
        &format!("/v1/organisations/{org}/teams/{team}/domains"),
        json!({"objectId": domain}),
    );
    let mut records = Vec::new();
    for body in [
        json!({"type": "A", "name": "www", "content": "192.0.2.1"}),
        json!({"type": "A", "name": "api", "content": "192.0.2.2"}),
        json!({"type": "MX", "content": "mx.example.com", "priority": 10}),
        json!({"type": "TXT", "name": "www", "content": "hello"}),
        json!({"type": "MX", "name": "mail", "content": "mx9.example.com", "priority": 20}),
    ] {
        records.push(sb.post_ok(&format!("/v1/domains/{domain}/records"), body)["record"]["id"].clone());
    }

    let tf = Tf::new("dns-data", &sb);
    tf.write_main(&format!(
        r#"{header}
# Emails are unique whatever their letter case: this is the contact lookup@acme.example.
data "level27_domain_contact" "c" {{
  email = "LookUp@Acme.example"
}}
data "level27_domain" "d" {{
  fullname = "lookup.com"
}}
data "level27_domain_record" "www" {{
  domain_id = data.level27_domain.d.id
  name      = "www"
  type      = "A"
}}
data "level27_domain_record" "apex_mx" {{
  domain_id = data.level27_domain.d.id
  type      = "MX"
}}
data "level27_domain_records" "a" {{
  domain_id = data.level27_domain.d.id
  type      = "A"
}}
data "level27_domain_records" "all" {{
  domain_id = data.level27_domain.d.id
}}
data "level27_domain_type" "be" {{
  extension = "be"
}}
data "level27_domain_type" "com" {{
  extension = "com"
}}
output "contact" {{ value = data.level27_domain_contact.c }}
output "domain" {{ value = data.level27_domain.d }}
output "www" {{ value = data.level27_domain_record.www }}
output "apex_mx" {{ value = data.level27_domain_record.apex_mx }}
output "a" {{ value = [for r in data.level27_domain_records.a.records : r.content] }}
output "all" {{ value = length(data.level27_domain_records.all.records) }}
output "be" {{ value = data.level27_domain_type.be }}
output "com" {{ value = data.level27_domain_type.com }}
"#,
        header = header()
    ));
    sb.reset_counters();
    tf.apply();
    // Both domain types' DNSSEC flags come from one read of the providers list, answered whole.
    assert_eq!(
        sb.api_request_counts().get("GET /v1/domains/providers"),
        Some(&1),
        "{:?}",
        sb.api_request_counts()
    );
    let out = tf.outputs();
    let c = &out["contact"];
    assert_eq!(c["id"], contact.to_string());
    assert_eq!(
        (c["country"].as_str(), c["phone"].as_str()),
        (Some("NL"), Some("+32.91234567"))
    );
    let d = &out["domain"];
    assert_eq!(d["id"], domain.to_string(), "the full name picks the .com domain: {d}");
    assert_eq!((d["extension"].as_str(), d["ttl"].as_f64()), (Some("com"), Some(900.0)));
    assert_eq!(d["licensee_contact_id"], contact.to_string());
    assert_eq!(d["handle_dns"], true, "read from dnsIsHandled of the item: {d}");
    assert_eq!(d["team_ids"], json!([team.to_string()]), "the domain's teams: {d}");
    assert_eq!(
        d["nameservers"],
        json!([
            {"hostname": "ns1.lookup.example", "ipv4": "198.51.100.7", "ipv6": null},
            {"hostname": "ns2.lookup.example", "ipv4": null, "ipv6": null}
        ]),
        "the numbered fields as one list: {d}"
    );
    assert_eq!(out["www"]["content"], "192.0.2.1");
    assert_eq!(out["a"], json!(["192.0.2.1", "192.0.2.2"]));
    assert_eq!(out["all"], 5);
    // A type without a name is the apex's record of that type (not mail's MX).
    let mx = &out["apex_mx"];
    assert_eq!(mx["id"], records[2].to_string(), "{mx}");
    assert_eq!(
        (mx["name"].as_str(), mx["priority"].as_f64()),
        (None, Some(10.0)),
        "{mx}"
    );
    let be = &out["be"];
    assert_eq!(be["id"], "364", "{be}");
    assert_eq!(be["transfer_epp_code_required"], true, "{be}");
    // DNSSEC support is the provider's, from `/domains/providers`: DNS Belgium yes, Key Systems no.
    assert_eq!(be["dnssec_supported"], true, "{be}");
    let com = &out["com"];
    assert_eq!(
        (com["id"].as_str(), com["dnssec_supported"].as_bool()),
        (Some("75"), Some(false)),
        "{com}"
    );
}

/// A zone kept in git with lookups of its own records: the plan's refresh reads the domain's
/// record list once, and the data sources reading after it answer from that list instead of
/// asking again, each for its own filter (two requests each: a page and the empty one after).
#[test]
fn dns_record_data_sources_in_a_plan_answer_from_the_refreshed_list() {
    let sb = Sandbox::start();
    let org = sb.create_organisation("Shared DNS", "BE0666666666");
    let domain = sb.create_domain(org, "shared");
    let tf = Tf::new("dns-data-shared", &sb);
    tf.write_main(&format!(
        r#"{header}
resource "level27_domain_record" "a" {{
  for_each  = {{ www = "192.0.2.1", api = "192.0.2.2" }}
  domain_id = "{domain}"
  type      = "A"
  name      = each.key
  content   = each.value
}}
resource "level27_domain_record" "mx" {{
  domain_id = "{domain}"
  type      = "MX"
  content   = "mx.example.com"
  priority  = 10
}}
data "level27_domain_record" "www" {{
  domain_id  = "{domain}"
  type       = "A"
  name       = "WWW"
  depends_on = [level27_domain_record.a]
}}
data "level27_domain_record" "mx" {{
  domain_id  = "{domain}"
  type       = "MX"
  depends_on = [level27_domain_record.mx]
}}
data "level27_domain_records" "a" {{
  domain_id  = "{domain}"
  type       = "A"
  depends_on = [level27_domain_record.a]
}}
output "www" {{ value = data.level27_domain_record.www.content }}
output "mx" {{ value = data.level27_domain_record.mx.content }}
output "a" {{ value = sort([for r in data.level27_domain_records.a.records : r.content]) }}
"#,
        header = header()
    ));
    tf.apply();
    sb.reset_counters();
    tf.assert_plan_empty("after applying the zone and its lookups");
    let counts = sb.api_request_counts();
    assert_eq!(
        counts.get("GET /v1/domains/{domainId}/records"),
        Some(&2),
        "the refresh's page and the empty one after it, nothing more: {counts:?}"
    );
    let out = tf.outputs();
    assert_eq!(out["www"], "192.0.2.1");
    assert_eq!(out["mx"], "mx.example.com.");
    assert_eq!(out["a"], json!(["192.0.2.1", "192.0.2.2"]));
}
