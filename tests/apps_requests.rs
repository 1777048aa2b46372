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

    // An asynchronous create polls with back-off: a few looks, not one a second.
    for route in [
        "GET /v1/apps/{appId}/components/{componentId}",
        "GET /v1/apps/{appId}/sslcertificates/{sslcertificateId}",
    ] {
        let polls = count(&sb, route);
        assert!((1..=8).contains(&polls), "{route}: {polls} polls");
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
    // The plan is read from the plans list: one read, paged until a short page (the sandbox's
    // list, like the seed's team lists, has no `total`).
    assert!(count(&sb, "GET /v1/custompackages") <= 2, "{counts:?}");
    let url_gets: u64 = counts
        .iter()
        .filter(|(route, _)| route.starts_with("GET ") && route.contains("/urls"))
        .map(|(_, n)| n)
        .sum();
    assert!(
        url_gets <= URLS as u64 + 1,
        "{URLS} urls refreshed in {url_gets} GETs: {counts:?}"
    );
    assert_eq!(
        count(&sb, "GET /v1/apps/{appId}/components/{componentId}/urls/{urlId}"),
        0,
        "{counts:?}"
    );
    assert!(sb.write_requests().is_empty(), "{counts:?}");

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

#[test]
fn a_component_create_wait_honours_its_timeout() {
    // Provisioning takes a minute; the configuration allows two seconds.
    let sb = Sandbox::start_with("sandbox", &["--async-ms", "60000"]);
    let org = sb.create_organisation("Apps timeout", "BE0000000031");
    sb.post_ok(
        "/v1/custompackages",
        json!({"name": "p", "customPackageName": "drupal_run", "organisation": org}),
    );
    let plan = sb.list_all("/v1/custompackages", "customPackages")[0]["id"].clone();
    let app = sb.post_ok(
        "/v1/apps",
        json!({"name": "shop", "organisation": org, "customPackage": plan, "customPackageName": "drupal_run"}),
    )["app"]["id"]
        .clone();
    let tf = Tf::new("apps-timeout", &sb);
    tf.write_main(&format!(
        r#"{header}
resource "level27_app_component" "web" {{
  app_id         = "{app}"
  name           = "web"
  type           = "php"
  systemgroup_id = "3"
  version        = "8.2"
  timeouts {{
    create = "2s"
  }}
}}
"#,
        header = header()
    ));
    let out = tf.run(&["apply", "-auto-approve", "-no-color"]).assert_failed();
    let blocks: Vec<String> = out
        .error_blocks()
        .iter()
        .map(|b| b.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    assert!(
        blocks.iter().any(|b| b.contains("with level27_app_component.web")
            && b.contains("Timed out waiting")
            && b.contains("after 2s")
            && b.contains("timeouts.create")),
        "{}",
        blocks.join("\n---\n")
    );
    // The component exists in the API: Terraform keeps it, tainted.
    let state = tf.state_text();
    assert!(
        state.contains("level27_app_component") && state.contains("\"status\": \"tainted\""),
        "{state}"
    );
}
