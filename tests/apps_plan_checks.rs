//! What the API would refuse about a component or url at apply, refused by `terraform plan`
//! instead, with the attribute named and nothing written: a system or system group that does
//! not exist, a php version not installed where the component goes, a limit group the app does
//! not have, two new urls of one host. Then the same configuration made valid applies (no check refuses what
//! the API takes, the apply's own plans included), and an update that sends nothing plans the
//! component's status as it is, applies cleanly and leaves an empty plan.

mod common;

use common::*;
use serde_json::json;

/// An organisation, a plan, an app and a php component on group 3, made through the API: the
/// app's and the component's ids.
fn app(sb: &Sandbox) -> (i64, i64) {
    let org = sb.create_organisation("Plan checks", "BE0333333333");
    sb.post_ok(
        "/v1/custompackages",
        json!({"name": "checks", "customPackageName": "drupal_run", "organisation": org}),
    );
    let plan = sb.list_all("/v1/custompackages", "customPackages")[0]["id"]
        .as_i64()
        .expect("the plan is listed");
    let app = sb.post_ok(
        "/v1/apps",
        json!({"name": "checks", "organisation": org, "customPackage": plan, "customPackageName": "drupal_run"}),
    )["app"]["id"]
        .as_i64()
        .expect("app id");
    let web = sb.post_ok(
        &format!("/v1/apps/{app}/components"),
        json!({"name": "web", "appcomponenttype": "php", "systemgroup": 3, "version": "8.2"}),
    )["component"]["id"]
        .as_i64()
        .expect("component id");
    (app, web)
}

struct Values {
    group: &'static str,
    system: &'static str,
    php: &'static str,
    legacy_php: &'static str,
    limit_group: &'static str,
    second_host: &'static str,
    cache_parameters: &'static str,
}

fn config(app: i64, web: i64, v: &Values) -> String {
    format!(
        r#"{header}
resource "level27_app_component" "db" {{
  app_id         = "{app}"
  name           = "db"
  type           = "mysql"
  systemgroup_id = "{group}"
  limit_group    = "{limit_group}"
}}

resource "level27_app_component" "site" {{
  app_id         = "{app}"
  name           = "site"
  type           = "php"
  systemgroup_id = "3"
  version        = "{php}"
}}

resource "level27_app_component" "legacy" {{
  app_id    = "{app}"
  name      = "legacy"
  type      = "php"
  system_id = "35"
  version   = "{legacy_php}"
}}

resource "level27_app_component" "store" {{
  app_id    = "{app}"
  name      = "store"
  type      = "mysql"
  system_id = "{system}"
}}

resource "level27_app_component" "cache" {{
  app_id         = "{app}"
  name           = "cache"
  type           = "redis"
  systemgroup_id = "3"
  {cache_parameters}
}}

resource "level27_app_component_url" "first" {{
  app_id       = "{app}"
  component_id = "{web}"
  content      = "www.checks.example"
}}

resource "level27_app_component_url" "second" {{
  app_id       = "{app}"
  component_id = "{web}"
  content      = "{second_host}"
  ssl_force    = false
}}

# On a component of this configuration: its id is known only at apply, when the apply's plan
# claims the host again.
resource "level27_app_component_url" "site" {{
  app_id       = "{app}"
  component_id = level27_app_component.site.id
  content      = "site.checks.example"
}}
"#,
        header = header(),
        group = v.group,
        system = v.system,
        php = v.php,
        legacy_php = v.legacy_php,
        limit_group = v.limit_group,
        second_host = v.second_host,
        cache_parameters = v.cache_parameters,
    )
}

#[test]
fn apps_plan_refuses_what_the_api_would_refuse_at_apply() {
    let sb = Sandbox::start();
    let (app, web) = app(&sb);
    let tf = Tf::new("apps-plan-checks", &sb);
    tf.write_main(&config(
        app,
        web,
        &Values {
            group: "99",
            system: "999",
            php: "7.4",
            legacy_php: "8.2",
            limit_group: "page_cache",
            second_host: "WWW.checks.example",
            cache_parameters: r#"parameters = { memory = "256" }"#,
        },
    ));
    sb.reset_counters();
    let out = tf.plan();
    assert_eq!(out.code, 1, "{}", out.dump());
    let blocks = out.error_blocks();
    let flat = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
    let expect = [
        (
            "level27_app_component.db",
            "Invalid systemgroup_id",
            "systemgroup_id: no system group 99 (GET /systemgroups/99: 404 not found",
        ),
        (
            "level27_app_component.store",
            "Invalid system_id",
            "system_id: no system 999 (GET /systems/999: 404 not found",
        ),
        (
            "level27_app_component.db",
            "Invalid limit_group",
            &format!(
                r#"limit_group = "page_cache" is not one of the limit groups of app {app}: they are "database", "application" (GET /apps/{app}/rules)."#
            ),
        ),
        (
            "level27_app_component.site",
            "Invalid version",
            r#"version = "7.4" is not one of the versions of php installed on system group 3: they are "8.1", "8.2", "8.3" (GET /systemgroups/3/componenttypes/php/parameters/version/availableoptions)."#,
        ),
        (
            "level27_app_component.legacy",
            "Invalid version",
            r#"version = "8.2" is not one of the versions of php installed on system 35: they are "7.4" ("#,
        ),
        (
            "level27_app_component_url.",
            "Duplicate content",
            "another new level27_app_component_url in this plan has it too",
        ),
    ];
    for (resource, summary, needle) in expect {
        let found: Vec<_> = blocks
            .iter()
            .filter(|b| {
                b.contains(&format!("with {resource}"))
                    && b.contains(summary)
                    // Not `diagnostic_message`: a wrapped line may start "3: ", as a snippet does.
                    && flat(b).contains(needle)
            })
            .collect();
        assert_eq!(
            found.len(),
            1,
            "one error on {resource} saying {needle:?}:\n{}",
            blocks.join("\n---\n")
        );
    }
    // The duplicate is said on one of the two urls, at its content; nothing else is refused.
    assert!(
        blocks.iter().any(|b| b.contains("Duplicate content")
            && (b.contains("with level27_app_component_url.first")
                || b.contains("with level27_app_component_url.second"))
            && b.contains("content")),
        "{}",
        blocks.join("\n---\n")
    );
    assert_eq!(blocks.len(), expect.len(), "{}", blocks.join("\n---\n"));
    assert!(sb.write_requests().is_empty(), "{:?}", sb.write_requests());

    // Made valid, the same configuration applies: no check refuses what the API takes.
    tf.write_main(&config(
        app,
        web,
        &Values {
            group: "3",
            // A shared system: its `GET /systems/34` answers 403, which the check lets pass.
            system: "34",
            php: "8.3",
            legacy_php: "7.4",
            limit_group: "database",
            second_host: "shop.checks.example",
            cache_parameters: r#"parameters = { memory = "256" }"#,
        },
    ));
    tf.apply();
    tf.assert_plan_empty("after the apply");
    let cache = tf.id_of("level27_app_component.cache");
    assert_eq!(
        sb.get_ok(&format!("/v1/apps/{app}/components/{cache}"))["component"]["appcomponentparameters"]["memory"],
        json!("256")
    );

    // No longer managing `memory`: an update that sends nothing, so the status stays as it is in
    // the plan (not "known after apply"), the apply writes nothing and Terraform finds the result
    // consistent with the plan.
    tf.write_main(&config(
        app,
        web,
        &Values {
            group: "3",
            system: "34",
            php: "8.3",
            legacy_php: "7.4",
            limit_group: "database",
            second_host: "shop.checks.example",
            cache_parameters: "",
        },
    ));
    let out = tf.assert_plan_changes("parameters removed");
    out.assert_contains("level27_app_component.cache will be updated in-place");
    out.assert_not_contains("known after apply");
    sb.reset_counters();
    let out = tf.apply();
    out.assert_not_contains("inconsistent");
    assert!(sb.write_requests().is_empty(), "{:?}", sb.write_requests());
    assert_eq!(tf.attrs("level27_app_component.cache")["status"], json!("ok"));
    tf.assert_plan_empty("after the update that sent nothing");
    tf.destroy();
}

/// A parent that does not exist (a component's or a certificate's app, a url's component, a
/// typo or deleted since) is said at plan on its id, once per id, with nothing written; before,
/// the create failed at apply.
#[test]
fn children_of_a_parent_that_does_not_exist_fail_the_plan_on_its_id() {
    let sb = Sandbox::start();
    let (app, _) = app(&sb);
    let tf = Tf::new("apps-no-parent", &sb);
    tf.write_main(&format!(
        r#"{header}
resource "level27_app_component" "db" {{
  app_id         = "99999"
  name           = "db"
  type           = "mysql"
  systemgroup_id = "3"
}}

resource "level27_ssl_certificate" "www" {{
  app_id  = "99999"
  name    = "www"
  type    = "letsencrypt"
  domains = ["www.checks.example"]
}}

resource "level27_app_component_url" "www" {{
  app_id       = "{app}"
  component_id = "99998"
  content      = "www.checks.example"
}}
"#,
        header = header()
    ));
    sb.reset_counters();
    let out = tf.plan();
    assert_eq!(out.code, 1, "{}", out.dump());
    let blocks = out.error_blocks();
    let flat = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
    for (resource, needle) in [
        ("level27_app_component.db", "app_id: no app 99999"),
        ("level27_ssl_certificate.www", "app_id: no app 99999"),
        (
            "level27_app_component_url.www",
            "component_id: no component of this app with id 99998",
        ),
    ] {
        assert!(
            blocks
                .iter()
                .any(|b| b.contains(&format!("with {resource}")) && flat(b).contains(needle)),
            "an error on {resource} saying {needle:?}:\n{}",
            blocks.join("\n---\n")
        );
    }
    assert_eq!(blocks.len(), 3, "{}", blocks.join("\n---\n"));
    assert!(sb.write_requests().is_empty(), "{:?}", sb.write_requests());
    let counts = sb.api_request_counts();
    assert_eq!(
        counts.get("GET /v1/apps/{appId}"),
        Some(&1),
        "asked once for two children: {counts:?}"
    );
}
