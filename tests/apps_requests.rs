//! App hosting: what a refresh and an asynchronous create cost in requests (read from
//! `/_sandbox/requests`), and failed provisioning (`fail-next`) reported with the API's words.

mod common;

use common::*;
use serde_json::json;

/// An app with a php component, a certificate and `urls` urls on the component.
fn config(urls: usize) -> String {
    let mut hcl = format!(
        r#"{header}
resource "level27_organisation" "acme" {{
  name       = "Apps requests"
  tax_number = "BE0000000021"
}}

resource "level27_plan" "shop" {{
  organisation_id = level27_organisation.acme.id
  name            = "shop-hosting"
  base_package    = "drupal_walk"
}}

resource "level27_app" "shop" {{
  organisation_id = level27_organisation.acme.id
  name            = "shop"
  plan_id         = level27_plan.shop.id
}}

resource "level27_app_component" "web" {{
  app_id         = level27_app.shop.id
  name           = "web"
  type           = "php"
  systemgroup_id = "3"
  version        = "8.3"
}}

resource "level27_ssl_certificate" "www" {{
  app_id  = level27_app.shop.id
  name    = "www"
  type    = "letsencrypt"
  domains = ["*.shop.example"]
}}
"#,
        header = header()
    );
    for i in 0..urls {
        hcl.push_str(&format!(
            r#"
resource "level27_app_component_url" "u{i}" {{
  app_id             = level27_app.shop.id
  component_id       = level27_app_component.web.id
  content            = "site{i}.shop.example"
  handle_dns         = true
  ssl_certificate_id = level27_ssl_certificate.www.id
}}
"#
        ));
    }
    hcl
}

fn count(sb: &Sandbox, route: &str) -> u64 {
    sb.api_request_counts().get(route).copied().unwrap_or(0)
}

#[test]
fn refresh_and_asynchronous_create_request_counts() {
    const URLS: usize = 4;
    let sb = Sandbox::start_with("sandbox", &["--async-ms", "3000"]);
    let tf = Tf::new("apps-requests", &sb);
    tf.write_main(&config(URLS));
    tf.apply().assert_contains("9 added");

    // An asynchronous create polls with back-off, a few looks, not one a second, and ends
    // within 1 s of the sandbox reaching ok: 3000 ms after it took the create (a certificate's
    // `sslStatus` follows the same action, so both statuses are ok at that moment). The last
    // poll is the one that saw it.
    let r = sb.requests();
    for (create, item) in [
        (
            "POST /v1/apps/{appId}/components",
            "GET /v1/apps/{appId}/components/{componentId}",
        ),
        (
            "POST /v1/apps/{appId}/sslcertificates",
            "GET /v1/apps/{appId}/sslcertificates/{sslcertificateId}",
        ),
    ] {
        let created = r["arrivals"][create]["firstMs"]
            .as_u64()
            .unwrap_or_else(|| panic!("no arrival of {create}: {r}"));
        let polls = &r["arrivals"][item];
        let (count, last) = (
            polls["count"].as_u64().unwrap_or(0),
            polls["lastMs"].as_u64().unwrap_or(0),
        );
        assert!((1..=8).contains(&count), "{item}: {count} polls: {r}");
        // The sandbox stamps the create when it handles it, at or after its arrival.
        assert!(last >= created + 3000, "{item}: the wait ended before ok: {r}");
        assert!(
            last <= created + 4000,
            "{item}: seen {} ms after it was ok: {r}",
            last - created - 3000
        );
        eprintln!("{create}: {count} polls, seen {} ms after ok", last - created - 3000);
    }

    // One refresh: one GET per component, certificate and app; the plan from its list; N urls
    // of one app in at most N+1 GETs (the component's url list and the app's, shared).
    sb.reset_counters();
    tf.assert_plan_empty("refresh");
    let counts = sb.api_request_counts();
    assert_eq!(
        count(&sb, "GET /v1/apps/{appId}/components/{componentId}"),
        1,
        "{counts:?}"
    );
    assert_eq!(
        count(&sb, "GET /v1/apps/{appId}/sslcertificates/{sslcertificateId}"),
        1,
        "{counts:?}"
    );
    assert_eq!(count(&sb, "GET /v1/apps/{appId}"), 1, "{counts:?}");
    // The plan is read from the plans list: one request, since the list answers its `total`
    // (seed L68712).
    assert_eq!(count(&sb, "GET /v1/custompackages"), 1, "{counts:?}");
    let url_gets: u64 = counts
        .iter()
        .filter(|(route, _)| route.starts_with("GET ") && route.contains("/urls"))
        .map(|(_, n)| n)
        .sum();
    assert!(
        url_gets <= URLS as u64 + 1,
        "{URLS} urls refreshed in {url_gets} GETs: {counts:?}"
    );
    eprintln!("refresh: {URLS} urls of one app in {url_gets} GETs");
    assert_eq!(
        count(&sb, "GET /v1/apps/{appId}/components/{componentId}/urls/{urlId}"),
        0,
        "{counts:?}"
    );
    assert!(sb.write_requests().is_empty(), "{counts:?}");
    // No component sets `parameters`: the plan-time check costs nothing.
    assert_eq!(count(&sb, "GET /v1/appcomponenttypes"), 0, "{counts:?}");

    tf.destroy().assert_contains("9 destroyed");
}

#[test]
fn failed_provisioning_names_the_object_and_quotes_the_api() {
    let sb = Sandbox::start();
    for kind in ["component", "sslCertificate"] {
        let (st, v) = sb.request(
            "POST",
            "/_sandbox/fail-next",
            Some(json!({"kind": kind, "status": "creating_failed"})),
        );
        assert_eq!(st, 204, "{v}");
    }
    let tf = Tf::new("apps-failures", &sb);
    tf.write_main(&config(0));
    let out = tf.run(&["apply", "-auto-approve", "-no-color"]).assert_failed();
    // Terraform wraps long lines: compare with single spaces.
    let blocks: Vec<String> = out
        .error_blocks()
        .iter()
        .map(|b| b.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    assert!(
        blocks
            .iter()
            .any(|b| b.contains("with level27_app_component.web") && b.contains("creating_failed")),
        "{}",
        blocks.join("\n---\n")
    );
    assert!(
        blocks.iter().any(|b| b.contains("with level27_ssl_certificate.www")
            && b.contains("validation_failed")
            && b.contains("The DNS challenge for *.shop.example could not be validated: no TXT record _acme-challenge.shop.example")),
        "{}",
        blocks.join("\n---\n")
    );
    // Both exist in the API: Terraform keeps them (tainted) to replace, never loses them.
    let state = tf.state_text();
    for addr in ["level27_app_component", "level27_ssl_certificate"] {
        assert!(state.contains(addr), "{addr} not kept in state");
    }
    assert!(state.contains("\"status\": \"tainted\""), "failed objects are tainted");
    tf.destroy();
    assert!(sb.organisations().is_empty());
}
