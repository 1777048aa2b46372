//! App hosting end to end: a plan, an app in it, a php and a mysql component, a Let's Encrypt
//! certificate and a url on the php component, all in one configuration. Create, read back,
//! empty plan, in-place updates of every updatable attribute, replacements where the seed
//! forbids in-place changes, destroy; with `--async-ms` so every wait is exercised.
//! Runs under the default Terraform and under Terraform 1.0.3 (`TERRAFORM_1_0`).

mod common;

use common::*;
use serde_json::{json, Value};

/// What changes between the steps of the scenario.
#[derive(Clone)]
struct Step {
    plan_name: &'static str,
    package: &'static str,
    app_name: &'static str,
    web_name: &'static str,
    php: &'static str,
    db_group: &'static str,
    cert_name: &'static str,
    domains: &'static str,
    caching: bool,
    handle_dns: bool,
    ssl_force: bool,
    memory: &'static str,
}

const FIRST: Step = Step {
    plan_name: "shop-hosting",
    package: "drupal_run",
    app_name: "shop",
    web_name: "web",
    php: "8.2",
    db_group: "3",
    cert_name: "www",
    domains: r#"["www.shop.example", "shop.example"]"#,
    caching: true,
    handle_dns: true,
    ssl_force: true,
    memory: "128",
};

fn config(s: &Step, password: &str) -> String {
    format!(
        r#"{header}
resource "level27_organisation" "acme" {{
  name       = "Apps e2e"
  tax_number = "BE0000000011"
}}

resource "level27_team" "ops" {{
  organisation_id = level27_organisation.acme.id
  name            = "ops"
}}

resource "level27_plan" "shop" {{
  organisation_id = level27_organisation.acme.id
  name            = "{plan_name}"
  base_package    = "{package}"
  team_ids        = [level27_team.ops.id]
}}

resource "level27_app" "shop" {{
  organisation_id = level27_organisation.acme.id
  name            = "{app_name}"
  plan_id         = level27_plan.shop.id
  team_ids        = [level27_team.ops.id]
}}

resource "level27_app_component" "web" {{
  app_id              = level27_app.shop.id
  name                = "{web_name}"
  type                = "php"
  systemgroup_id      = "3"
  version             = "{php}"
  path                = "/public_html"
  password_wo         = "{password}"
  password_wo_version = 1
  timeouts {{
    create = "2m"
  }}
}}

resource "level27_app_component" "db" {{
  app_id         = level27_app.shop.id
  name           = "db"
  type           = "mysql"
  systemgroup_id = "{db_group}"
}}

resource "level27_app_component" "cache" {{
  app_id         = level27_app.shop.id
  name           = "cache"
  type           = "redis"
  systemgroup_id = "3"
  parameters     = {{ memory = "{memory}" }}
}}

resource "level27_ssl_certificate" "www" {{
  app_id        = level27_app.shop.id
  name          = "{cert_name}"
  type          = "letsencrypt"
  domains       = {domains}
  auto_url_link = true
}}

resource "level27_app_component_url" "www" {{
  app_id             = level27_app.shop.id
  component_id       = level27_app_component.web.id
  content            = "www.shop.example"
  ssl_force          = {ssl_force}
  handle_dns         = {handle_dns}
  caching            = {caching}
  ssl_certificate_id = level27_ssl_certificate.www.id
}}
"#,
        header = header(),
        plan_name = s.plan_name,
        package = s.package,
        app_name = s.app_name,
        web_name = s.web_name,
        php = s.php,
        db_group = s.db_group,
        cert_name = s.cert_name,
        domains = s.domains,
        caching = s.caching,
        handle_dns = s.handle_dns,
        ssl_force = s.ssl_force,
        memory = s.memory,
    )
}

/// The plan as the API lists it (its own GET shows only `limits`).
fn plan_in_api(sb: &Sandbox, id: i64) -> Option<Value> {
    sb.list_all("/v1/custompackages", "customPackages")
        .into_iter()
        .find(|p| p["id"].as_i64() == Some(id))
}

fn scenario(test: &str, terraform: Terraform) {
    let sb = Sandbox::start_with("sandbox", &["--async-ms", "1500"]);
    let tf = Tf::with("apps", terraform, Some(&sb));
    let secret = "Php-Secret-7781";

    // Create everything in one apply; the component and certificate waits are real.
    tf.write_main(&config(&FIRST, secret));
    tf.apply().assert_contains("9 added, 0 changed, 0 destroyed");
    let org = tf.id_of("level27_organisation.acme");
    let plan = tf.id_of("level27_plan.shop");
    let app = tf.id_of("level27_app.shop");
    let web = tf.id_of("level27_app_component.web");
    let db = tf.id_of("level27_app_component.db");
    let cert = tf.id_of("level27_ssl_certificate.www");
    let url = tf.id_of("level27_app_component_url.www");

    // The plan was found through the list after a create whose answer has no id: exactly one
    // create was sent.
    assert_eq!(sb.write_requests().get("POST /v1/custompackages"), Some(&1));
    let p = plan_in_api(&sb, plan).expect("plan listed");
    assert_eq!(p["name"], "shop-hosting");
    assert_eq!(p["customPackageName"], "drupal_run");
    assert_eq!(p["organisation"]["id"], org);
    assert_eq!(tf.attrs("level27_plan.shop")["type"], "run");

    // Team membership: sent with the create (`autoTeams`), read from the organisations endpoint.
    let team = tf.id_of("level27_team.ops");
    for path in [
        format!("/v1/apps/{app}/organisations"),
        format!("/v1/custompackages/{plan}/organisations"),
    ] {
        let orgs = sb.get_ok(&path);
        assert_eq!(orgs["organisations"][0]["teams"][0]["id"], team, "{path}: {orgs}");
    }
    assert_eq!(tf.attrs("level27_app.shop")["team_ids"], json!([team.to_string()]));
    assert_eq!(tf.attrs("level27_plan.shop")["team_ids"], json!([team.to_string()]));

    // The app was created with the plan's id and base package, which its answer never shows.
    let posted = sb.bodies_of("POST /v1/apps");
    assert_eq!(posted.len(), 1, "{posted:?}");
    assert_eq!(posted[0]["customPackage"], plan, "{}", posted[0]);
    assert_eq!(posted[0]["customPackageName"], "drupal_run", "{}", posted[0]);
    let a = tf.attrs("level27_app.shop");
    assert_eq!(a["base_package"], "drupal_run", "{a}");
    assert_eq!(state_id(&a["plan_id"]), Some(plan), "{a}");
    let app_api = sb.get_ok(&format!("/v1/apps/{app}"));
    assert_eq!(app_api["app"]["status"], "ok", "{app_api}");
    assert_eq!(app_api["app"]["name"], "shop");

    // Components: provisioned, placed, parameters read back, the password never in state.
    let w = sb.get_ok(&format!("/v1/apps/{app}/components/{web}"))["component"].clone();
    assert_eq!(w["status"], "ok", "{w}");
    assert_eq!(w["appcomponentparameters"]["version"], "8.2", "{w}");
    assert_eq!(w["appcomponentparameters"]["pass"], "******", "{w}");
    let wa = tf.attrs("level27_app_component.web");
    assert_eq!(state_id(&wa["systemgroup_id"]), Some(3), "{wa}");
    assert!(wa["system_id"].is_null(), "{wa}");
    assert_eq!(wa["version"], "8.2");
    assert_eq!(wa["path"], "/public_html");
    assert_eq!(wa["status"], "ok");
    assert_eq!(wa["category"], "Web-apps");
    let sent = sb.bodies_of("POST /v1/apps/{appId}/components");
    assert!(
        sent.iter()
            .any(|b| b["pass"] == secret && b["appcomponenttype"] == "php"),
        "the password reached the API: {sent:?}"
    );
    let da = tf.attrs("level27_app_component.db");
    assert_eq!(state_id(&da["systemgroup_id"]), Some(3), "{da}");
    assert_eq!(da["type"], "mysql");
    if tf.terraform.version >= (1, 11, 0) {
        assert!(
            !tf.state_text().contains(secret),
            "a write-only password reached the state"
        );
    } else {
        // Older Terraform has no write-only attributes: a sensitive one, kept in state.
        assert_eq!(wa["password_wo"], secret, "{wa}");
        tf.plan().assert_not_contains(secret);
    }

    // Certificate issued (both statuses ok), url linked to it with handle_dns read from the
    // app-wide list and caching from the component's.
    let c = sb.get_ok(&format!("/v1/apps/{app}/sslcertificates/{cert}"))["sslCertificate"].clone();
    assert_eq!(
        (c["status"].as_str(), c["sslStatus"].as_str()),
        (Some("ok"), Some("ok")),
        "{c}"
    );
    assert_eq!(tf.attrs("level27_ssl_certificate.www")["ssl_status"], "ok");
    let u = tf.attrs("level27_app_component_url.www");
    assert_eq!(state_id(&u["ssl_certificate_id"]), Some(cert), "{u}");
    assert_eq!(
        (u["handle_dns"].as_bool(), u["caching"].as_bool()),
        (Some(true), Some(true)),
        "{u}"
    );
    assert_eq!(u["https"], true, "{u}");
    let listed = sb.get_ok(&format!("/v1/apps/{app}/urls"))["urls"][0].clone();
    assert_eq!(listed["handleDns"], true, "{listed}");
    tf.assert_plan_empty("after create");

    // In place: every updatable attribute of each resource in one apply.
    // The plan's base package changes with the app's name: the app's PUT sends the new one.
    let second = Step {
        plan_name: "shop-hosting-2",
        package: "drupal_walk",
        app_name: "shop-2",
        web_name: "frontend",
        php: "8.3",
        cert_name: "www-2",
        caching: false,
        handle_dns: false,
        ssl_force: false,
        memory: "256",
        ..FIRST
    };
    tf.write_main(&config(&second, secret));
    let out = tf.assert_plan_changes("after in-place edits");
    out.assert_contains("0 to add, 6 to change, 0 to destroy");
    out.assert_not_contains("must be replaced");
    tf.apply().assert_contains("0 added, 6 changed, 0 destroyed");
    let p = plan_in_api(&sb, plan).expect("plan");
    assert_eq!(
        (p["name"].as_str(), p["customPackageName"].as_str()),
        (Some("shop-hosting-2"), Some("drupal_walk")),
        "{p}"
    );
    assert_eq!(tf.attrs("level27_plan.shop")["type"], "walk");
    let a = tf.attrs("level27_app.shop");
    assert_eq!(
        (a["base_package"].as_str(), a["type"].as_str()),
        (Some("drupal_walk"), Some("walk")),
        "{a}"
    );
    // Every PUT of the app carries what the API requires.
    let put = sb.bodies_of("PUT /v1/apps/{appId}");
    let last = put.last().expect("an app PUT");
    assert_eq!(
        (
            &last["name"],
            &last["customPackage"],
            &last["customPackageName"],
            &last["organisation"]
        ),
        (&json!("shop-2"), &json!(plan), &json!("drupal_walk"), &json!(org)),
        "{last}"
    );
    // A component PATCH resends the non-editable type.
    let patch = sb.bodies_of("PATCH /v1/apps/{appId}/components/{componentId}");
    let last = patch
        .iter()
        .rfind(|b| b["appcomponenttype"] == "php")
        .expect("a PATCH of the php component");
    assert_eq!(
        (&last["appcomponenttype"], &last["version"]),
        (&json!("php"), &json!("8.3")),
        "{last}"
    );
    let w = sb.get_ok(&format!("/v1/apps/{app}/components/{web}"))["component"].clone();
    assert_eq!(
        (w["name"].as_str(), w["status"].as_str()),
        (Some("frontend"), Some("ok")),
        "{w}"
    );
    let c = sb.get_ok(&format!("/v1/apps/{app}/sslcertificates/{cert}"))["sslCertificate"].clone();
    assert_eq!(c["name"], "www-2", "{c}");
    let u = sb.get_ok(&format!("/v1/apps/{app}/components/{web}/urls/{url}"))["url"].clone();
    assert_eq!(
        (u["caching"].as_bool(), u["sslForce"].as_bool()),
        (Some(false), Some(false)),
        "{u}"
    );
    assert_eq!(
        sb.get_ok(&format!("/v1/apps/{app}/urls"))["urls"][0]["handleDns"],
        false
    );
    for (addr, id) in [
        ("level27_plan.shop", plan),
        ("level27_app.shop", app),
        ("level27_app_component.web", web),
        ("level27_ssl_certificate.www", cert),
        ("level27_app_component_url.www", url),
    ] {
        assert_eq!(tf.id_of(addr), id, "{addr} kept its id");
    }
    tf.assert_plan_empty("after in-place edits");

    // Replacements: a component's system group and a certificate's domains cannot change in
    // place; the url follows its certificate.
    let third = Step {
        db_group: "4",
        domains: r#"["www.shop.example"]"#,
        ..second
    };
    tf.write_main(&config(&third, secret));
    let out = tf.assert_plan_changes("after changing placement and domains");
    out.assert_contains("level27_app_component.db must be replaced");
    out.assert_contains("level27_ssl_certificate.www must be replaced");
    tf.apply().assert_ok();
    let db2 = tf.id_of("level27_app_component.db");
    let cert2 = tf.id_of("level27_ssl_certificate.www");
    assert_ne!(db2, db);
    assert_ne!(cert2, cert);
    assert_eq!(sb.get_status(&format!("/v1/apps/{app}/components/{db}")), 404);
    assert_eq!(
        state_id(&tf.attrs("level27_app_component.db")["systemgroup_id"]),
        Some(4)
    );
    assert_eq!(
        state_id(&tf.attrs("level27_app_component_url.www")["ssl_certificate_id"]),
        Some(cert2)
    );
    tf.assert_plan_empty("after replacements");

    // Only the web component's timeouts change: nothing is sent (its password is not reset).
    tf.write_main(&config(&third, secret).replace("create = \"2m\"", "create = \"3m\""));
    sb.reset_counters();
    tf.apply().assert_contains("0 added, 1 changed, 0 destroyed");
    assert!(sb.write_requests().is_empty(), "{:?}", sb.write_requests());

    // Destroy: the app's delete is waited for until the API answers 404.
    tf.destroy().assert_contains("9 destroyed");
    assert_eq!(sb.get_status(&format!("/v1/apps/{app}")), 404);
    assert!(plan_in_api(&sb, plan).is_none(), "the plan is gone");
    let _ = test;
}

#[test]
fn apps_lifecycle() {
    scenario("apps_lifecycle", Terraform::default_bin());
}

#[test]
fn apps_lifecycle_terraform_1_0() {
    if let Some(tf) = Terraform::v1_0("apps_lifecycle_terraform_1_0") {
        scenario("apps_lifecycle_terraform_1_0", tf);
    }
}

/// Every data source of the family, over the objects of `config`.
const LOOKUPS: &str = r#"
data "level27_plan" "by_name" {
  name       = level27_plan.shop.name
  depends_on = [level27_plan.shop]
}
data "level27_plan" "by_id" {
  id = level27_plan.shop.id
}
data "level27_app" "shop" {
  name            = level27_app.shop.name
  organisation_id = level27_organisation.acme.id
}
data "level27_app_component" "web" {
  app_id = level27_app.shop.id
  name   = level27_app_component.web.name
}
data "level27_app_component" "cache" {
  app_id = level27_app.shop.id
  id     = level27_app_component.cache.id
}
data "level27_ssl_certificate" "www" {
  app_id = level27_app.shop.id
  id     = level27_ssl_certificate.www.id
}
data "level27_app_component_url" "www" {
  app_id       = level27_app.shop.id
  component_id = level27_app_component.web.id
  content      = level27_app_component_url.www.content
}
data "level27_plan_packages" "run" {
  type = "run"
}
data "level27_system_groups" "all" {}
data "level27_shared_systems" "all" {}
data "level27_app_component_types" "all" {}
data "level27_app_component_types" "db" {
  category = "Databases"
}
data "level27_app_component_types" "none" {
  category = "databases"
}

output "plan_by_name" { value = [data.level27_plan.by_name.id, data.level27_plan.by_name.base_package] }
output "plan_by_id" { value = data.level27_plan.by_id.name }
output "app" { value = [data.level27_app.shop.id, data.level27_app.shop.base_package] }
output "web" { value = [data.level27_app_component.web.id, data.level27_app_component.web.systemgroup_id, data.level27_app_component.web.version] }
output "params" { value = [data.level27_app_component.cache.parameters, data.level27_app_component.web.parameters] }
output "cert" { value = [data.level27_ssl_certificate.www.id, data.level27_ssl_certificate.www.ssl_status] }
output "url" { value = [data.level27_app_component_url.www.id, data.level27_app_component_url.www.handle_dns, data.level27_app_component_url.www.caching] }
output "packages" { value = data.level27_plan_packages.run.packages[*].name }
output "groups" { value = [for g in data.level27_system_groups.all.groups : [g.id, g.name, g.system_ids]] }
output "systems" { value = data.level27_shared_systems.all.systems[*].id }
output "url_types" { value = sort([for k, t in data.level27_app_component_types.all.types : k if t.url_possible]) }
output "php_params" { value = data.level27_app_component_types.all.types["php"].parameters[*].name }
output "db_types" { value = sort(keys(data.level27_app_component_types.db.types)) }
output "no_types" { value = keys(data.level27_app_component_types.none.types) }
"#;

/// A poll for an asynchronous delete made through the API (no timing is asserted).
fn wait_gone(sb: &Sandbox, path: &str) {
    for _ in 0..100 {
        if sb.get_status(path) == 404 {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("{path} still answers after its delete");
}

/// Import (with generated configuration), drift through the API, and bad input refused at plan
/// time with nothing sent.
#[test]
fn apps_import_drift_and_bad_input() {
    let sb = Sandbox::start_with("sandbox", &["--async-ms", "1000"]);
    let mut tf = Tf::with("apps-drift", Terraform::default_bin(), Some(&sb));
    tf.write_main(&config(&FIRST, "Secret-1"));
    tf.write("lookups.tf", LOOKUPS);
    // The write-only password reaches the API, never Terraform's trace log nor the state.
    let log = tf.scratch("trace.log");
    tf.set_env("TF_LOG", Some("trace"))
        .set_env("TF_LOG_PATH", Some(log.to_str().unwrap()));
    tf.apply().assert_contains("9 added");
    tf.set_env("TF_LOG", None).set_env("TF_LOG_PATH", None);
    let trace = std::fs::read_to_string(&log).expect("TF_LOG_PATH file written");
    assert!(
        trace.contains("level27_app_component"),
        "the trace log covers the apply"
    );
    assert!(
        !trace.contains("Secret-1"),
        "the write-only password is in the TF_LOG=trace log"
    );
    assert!(
        !tf.state_text().contains("Secret-1"),
        "the write-only password is in the state"
    );
    assert!(
        sb.bodies_of("POST /v1/apps/{appId}/components")
            .iter()
            .any(|b| b["pass"] == "Secret-1"),
        "the password was sent"
    );
    let org = tf.id_of("level27_organisation.acme");
    let plan = tf.id_of("level27_plan.shop");
    let app = tf.id_of("level27_app.shop");
    let web = tf.id_of("level27_app_component.web");
    let cert = tf.id_of("level27_ssl_certificate.www");
    let url = tf.id_of("level27_app_component_url.www");

    // Data sources: by name and by id, the catalogues and the placement lookups.
    let o = tf.outputs();
    assert_eq!(o["plan_by_name"], json!([plan.to_string(), "drupal_run"]), "{o}");
    assert_eq!(o["plan_by_id"], "shop-hosting", "{o}");
    assert_eq!(o["app"], json!([app.to_string(), "drupal_run"]), "{o}");
    assert_eq!(o["web"], json!([web.to_string(), "3", "8.2"]), "{o}");
    // Every parameter outside the typed attributes, the password left out.
    assert_eq!(
        o["params"],
        json!([{"memory": "128"}, {"user": format!("c{web}")}]),
        "{o}"
    );
    assert_eq!(o["cert"], json!([cert.to_string(), "ok"]), "{o}");
    assert_eq!(o["url"], json!([url.to_string(), true, true]), "{o}");
    assert_eq!(o["packages"], json!(["drupal_run"]), "{o}");
    assert_eq!(
        o["groups"],
        json!([["3", "Shared hosting", ["33", "34"]], ["4", "Shared legacy", ["35"]]]),
        "{o}"
    );
    assert_eq!(o["systems"], json!(["33", "34", "35"]), "{o}");
    assert_eq!(
        o["php_params"],
        json!(["user", "pass", "path", "sshkeys", "version", "extraconfig"]),
        "{o}"
    );
    assert_eq!(o["db_types"], json!(["mongodb", "mssql", "mysql", "postgresql"]), "{o}");
    assert_eq!(
        o["url_types"],
        json!(["asp", "dotnet", "java", "nodejs", "php", "python", "ruby", "solr", "url", "varnish"]),
        "{o}"
    );
    // The API's category filter is exact: nothing matches, an empty map (not null).
    assert_eq!(o["no_types"], json!([]), "{o}");
    tf.assert_plan_empty("with data sources");

    // Drift: edits in the panel and a deleted certificate, all seen by one plan.
    sb.put_ok(
        &format!("/v1/custompackages/{plan}"),
        json!({"name": "renamed-plan", "customPackageName": "drupal_run", "organisation": org}),
    );
    sb.put_ok(
        &format!("/v1/apps/{app}"),
        json!({"name": "renamed-app", "organisation": org, "customPackage": plan, "customPackageName": "drupal_run"}),
    );
    sb.patch_ok(
        &format!("/v1/apps/{app}/components/{web}"),
        json!({"name": "web", "appcomponenttype": "php", "version": "8.1"}),
    );
    sb.put_ok(
        &format!("/v1/apps/{app}/components/{web}/urls/{url}"),
        json!({"content": "www.shop.example", "sslForce": true, "sslCertificate": cert, "handleDns": false, "caching": false}),
    );
    let team = tf.id_of("level27_team.ops");
    sb.delete_ok(&format!("/v1/organisations/{org}/teams/{team}/apps/{app}"));
    sb.delete_ok(&format!("/v1/apps/{app}/sslcertificates/{cert}"));
    wait_gone(&sb, &format!("/v1/apps/{app}/sslcertificates/{cert}"));
    let out = tf.assert_plan_changes("after edits in the panel");
    for needle in [
        "\"renamed-plan\" -> \"shop-hosting\"",
        "\"renamed-app\" -> \"shop\"",
        "\"8.1\" -> \"8.2\"",
        "handle_dns         = false -> true",
        "caching            = false -> true",
        "level27_ssl_certificate.www will be created",
        &format!("+ \"{team}\""),
        "1 to add, 4 to change, 0 to destroy",
    ] {
        out.assert_contains(needle);
    }
    tf.apply().assert_contains("1 added, 4 changed, 0 destroyed");
    tf.assert_plan_empty("after repairing drift");
    let cert = tf.id_of("level27_ssl_certificate.www");

    // Import blocks with generated configuration. The app's plan id is never answered: it is
    // the organisation's only plan of the app's base package. The app is written by hand, since a
    // generated one would have it null.
    let imp = tf.fresh("apps-import");
    imp.write_main(&format!(
        r#"{header}
import {{
  to = level27_plan.shop
  id = "{plan}"
}}
import {{
  to = level27_app.shop
  id = "{app}"
}}
import {{
  to = level27_app_component.web
  id = "{app}/{web}"
}}
import {{
  to = level27_ssl_certificate.www
  id = "{app}/{cert}"
}}
import {{
  to = level27_app_component_url.www
  id = "{app}/{web}/{url}"
}}

resource "level27_app" "shop" {{
  organisation_id = "{org}"
  name            = "shop"
  plan_id         = "{plan}"
}}
"#,
        header = header()
    ));
    imp.run(&["plan", "-generate-config-out=generated.tf"]).assert_ok();
    let hcl = imp.read("generated.tf");
    for needle in [
        "resource \"level27_plan\" \"shop\"",
        "base_package    = \"drupal_run\"",
        "resource \"level27_app_component\" \"web\"",
        "systemgroup_id",
        "version             = \"8.2\"",
        "resource \"level27_ssl_certificate\" \"www\"",
        "\"www.shop.example\"",
        "resource \"level27_app_component_url\" \"www\"",
        "handle_dns           = true",
    ] {
        assert!(hcl.contains(needle), "generated.tf lacks {needle}:\n{hcl}");
    }
    assert!(!hcl.contains("Secret-1"), "{hcl}");
    imp.assert_plan_changes("with import blocks")
        .assert_contains("5 to import, 0 to add, 0 to change, 0 to destroy");
    imp.apply()
        .assert_contains("5 imported, 0 added, 0 changed, 0 destroyed");
    assert_eq!(state_id(&imp.attrs("level27_app.shop")["plan_id"]), Some(plan));
    imp.assert_plan_empty("after importing");

    // Bad input: every error at once, at plan time, with no request that writes.
    let bad = tf.fresh("apps-bad");
    bad.write_main(&format!(
        r#"{header}
resource "level27_plan" "p" {{
  organisation_id = "{org}"
  name            = ""
  base_package    = "drupal_swim"
}}
resource "level27_app" "a" {{
  organisation_id = "{org}"
  name            = ""
  plan_id         = "twelve"
}}
resource "level27_app_component" "php" {{
  app_id         = "{app}"
  name           = "web"
  type           = "php"
  system_id      = "33"
  systemgroup_id = "3"
  jailed         = true
}}
resource "level27_app_component" "db" {{
  app_id = "{app}"
  name   = "db"
  type   = "cobol"
  host   = "%"
}}
resource "level27_app_component" "sql" {{
  app_id         = "{app}"
  name           = "sql"
  type           = "mysql"
  systemgroup_id = "3"
  version        = "8.0"
  parameters     = {{ memory = "256" }}
}}
resource "level27_ssl_certificate" "le" {{
  app_id                 = "{app}"
  name                   = "le"
  type                   = "letsencrypt"
  private_key_wo_version = 2
}}
resource "level27_ssl_certificate" "own" {{
  app_id  = "{app}"
  name    = "own"
  type    = "own"
  domains = ["not a host!"]
}}
resource "level27_app_component" "blank" {{
  app_id         = "{app}"
  name           = "blank"
  type           = "php"
  systemgroup_id = "3"
  version        = ""
  path           = ""
}}
resource "level27_ssl_certificate" "none" {{
  app_id  = "{app}"
  name    = "none"
  type    = "letsencrypt"
  domains = []
}}
resource "level27_ssl_certificate" "files" {{
  app_id         = "{app}"
  name           = "files"
  type           = "own"
  private_key_wo = "shop.key"
  certificate    = "CERTIFICATE_HERE"
  ca_bundle      = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"
}}
resource "level27_ssl_certificate" "odd" {{
  app_id = "{app}"
  name   = "odd"
  type   = "comodo"
}}
resource "level27_app_component_url" "u" {{
  app_id       = "{app}"
  component_id = "{web}"
  content      = "not a host!"
  ssl_certificate_id = "x"
}}
"#,
        header = header()
    ));
    sb.reset_counters();
    let out = bad.plan();
    assert!(!out.success(), "{}", out.dump());
    let blocks = out.error_blocks();
    let expect = [
        ("level27_plan.p", "name"),
        ("level27_plan.p", "base_package"),
        ("level27_app.a", "name"),
        ("level27_app.a", "plan_id"),
        ("level27_app_component.php", "Missing version"),
        ("level27_app_component.php", "Only one of system_id, systemgroup_id"),
        ("level27_app_component.php", "jailed applies only when type is"),
        ("level27_app_component.db", "type"),
        ("level27_app_component.db", "Exactly one of system_id, systemgroup_id"),
        ("level27_app_component.sql", "version applies only when type is"),
        ("level27_app_component.sql", "parameters applies only when type is"),
        (
            "level27_ssl_certificate.le",
            "domains is required when type is \"letsencrypt\"",
        ),
        (
            "level27_ssl_certificate.own",
            "private_key_wo is required when type is \"own\"",
        ),
        (
            "level27_ssl_certificate.own",
            "certificate is required when type is \"own\"",
        ),
        ("level27_ssl_certificate.own", "domains applies only when type is"),
        (
            "level27_ssl_certificate.le",
            "private_key_wo_version applies only when type is",
        ),
        ("level27_ssl_certificate.odd", "type"),
        // A file name where PEM text goes is told to use file(); the key itself is never quoted.
        (
            "level27_ssl_certificate.files",
            r#"private_key_wo must be PEM text ("-----BEGIN PRIVATE KEY-----" … "-----END PRIVATE KEY-----"), not a file name; to use the file's content write file("shop.key")"#,
        ),
        (
            "level27_ssl_certificate.files",
            r#"it holds no "-----BEGIN CERTIFICATE-----" line"#,
        ),
        // The API treats "" and [] as unset: refused at plan time, not by the API at apply.
        ("level27_app_component.blank", "an empty value is no value"),
        // The API would answer its default path (`/public_html`) for "", which state cannot hold.
        (
            "level27_app_component.blank",
            r#"path = "" is no value: the API treats an empty string as unset"#,
        ),
        ("level27_ssl_certificate.none", "an empty value is no value"),
        ("level27_app_component_url.u", "content"),
        ("level27_app_component_url.u", "ssl_certificate_id"),
    ];
    // Terraform wraps long details: compare with the line breaks folded.
    let flat = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
    for (resource, needle) in expect {
        assert!(
            blocks
                .iter()
                .any(|b| b.contains(&format!("with {resource}")) && flat(b).contains(needle)),
            "no error on {resource} mentioning {needle:?}:\n{}",
            blocks.join("\n---\n")
        );
    }
    assert!(sb.write_requests().is_empty(), "{:?}", sb.write_requests());

    // Another app of the organisation, with a certificate that covers www2.shop.example: not one
    // the first app's urls may use.
    let other = sb.post_ok(
        "/v1/apps",
        json!({"name": "other", "organisation": org, "customPackage": plan, "customPackageName": "drupal_run"}),
    )["app"]["id"]
        .as_i64()
        .expect("app id");
    let foreign = sb.post_ok(
        &format!("/v1/apps/{other}/sslcertificates"),
        json!({"name": "www2", "sslType": "letsencrypt", "autoSslCertificateUrls": "www2.shop.example"}),
    )["sslCertificate"]["id"]
        .as_i64()
        .expect("certificate id");

    // Parameters only /appcomponenttypes knows are checked against it at plan time, after the
    // validation (so in an otherwise valid configuration): one catalogue read, nothing written.
    let params = tf.fresh("apps-bad-parameters");
    params.write_main(&format!(
        r#"{header}
resource "level27_app_component" "cache" {{
  app_id         = "{app}"
  name           = "cache"
  type           = "redis"
  systemgroup_id = "3"
  parameters     = {{ memory = "1000", maxmemory_policy = "lru" }}
}}
resource "level27_app_component" "search" {{
  app_id         = "{app}"
  name           = "search"
  type           = "solr"
  systemgroup_id = "3"
  parameters     = {{ user = "me", pass = "s3cret" }}
}}
resource "level27_plan" "stray" {{
  organisation_id = "999"
  name            = "stray"
  base_package    = "drupal_run"
}}
resource "level27_app" "teamless" {{
  organisation_id = "{org}"
  name            = "teamless"
  plan_id         = "{plan}"
  team_ids        = ["997"]
}}
resource "level27_app_component_url" "on_db" {{
  app_id       = "{app}"
  component_id = "{db}"
  content      = "db.shop.example"
}}
resource "level27_app_component_url" "uncovered" {{
  app_id             = "{app}"
  component_id       = "{web}"
  content            = "blog.shop.example"
  ssl_certificate_id = "{cert}"
}}
resource "level27_app_component_url" "foreign" {{
  app_id             = "{app}"
  component_id       = "{web}"
  content            = "www2.shop.example"
  ssl_certificate_id = "{foreign}"
}}
"#,
        header = header(),
        db = tf.id_of("level27_app_component.db"),
    ));
    sb.reset_counters();
    let out = params.plan();
    assert!(!out.success(), "{}", out.dump());
    let blocks = out.error_blocks();
    let expect = [
        (
            "level27_app_component.cache",
            r#"parameters["memory"] = "1000" is not a value of this parameter: it must be one of "64", "128", "256", "512""#,
        ),
        (
            "level27_app_component.cache",
            r#"parameters["maxmemory_policy"]: no such parameter. type "redis" takes: memory."#,
        ),
        ("level27_app_component.search", r#"parameters["user"] is read-only"#),
        (
            "level27_app_component.search",
            r#"parameters["pass"] is set with the `password_wo` attribute"#,
        ),
    ];
    for (resource, needle) in expect {
        assert!(
            blocks.iter().any(|b| b.contains(&format!("with {resource}"))
                && b.contains("Invalid parameters")
                && flat(&diagnostic_message(b)).contains(needle)),
            "no error on {resource} saying {needle:?}:\n{}",
            blocks.join("\n---\n")
        );
    }
    // Ids that name nothing, in the same plan: an organisation, a team of the organisation.
    for (resource, summary, needle) in [
        (
            "level27_plan.stray",
            "Invalid organisation_id",
            "organisation_id: no organisation 999 (",
        ),
        ("level27_app.teamless", "Invalid team_ids", "team_ids: no team 997 ("),
        // The component's own answer says its type takes no urls (the API would refuse at apply).
        (
            "level27_app_component_url.on_db",
            "Invalid component_id",
            "is of type mysql, which takes no urls",
        ),
        // The certificate must be the url's app's own and cover its host (the API would refuse
        // both at apply with a bare "This value is not valid.").
        (
            "level27_app_component_url.uncovered",
            "Invalid ssl_certificate_id",
            &format!(r#"certificate {cert} covers "www.shop.example", "shop.example", not "blog.shop.example"."#),
        ),
        (
            "level27_app_component_url.foreign",
            "Invalid ssl_certificate_id",
            &format!("ssl_certificate_id: no certificate of this app with id {foreign} ("),
        ),
    ] {
        assert!(
            blocks.iter().any(|b| b.contains(&format!("with {resource}"))
                && b.contains(summary)
                && flat(&diagnostic_message(b)).contains(needle)),
            "no error on {resource} saying {needle:?}:\n{}",
            blocks.join("\n---\n")
        );
    }
    assert!(sb.write_requests().is_empty(), "{:?}", sb.write_requests());
    assert_eq!(
        sb.api_request_counts().get("GET /v1/appcomponenttypes"),
        Some(&1),
        "two components, one catalogue read: {:?}",
        sb.api_request_counts()
    );

    sb.delete_ok(&format!("/v1/apps/{other}"));
    wait_gone(&sb, &format!("/v1/apps/{other}"));

    // A certificate with auto_url_link links the url it covers once issued; the url, which
    // leaves ssl_certificate_id out, shows no diff and reads the link back.
    let auto = tf.fresh("apps-auto-link");
    auto.write_main(&format!(
        r#"{header}
resource "level27_app_component_url" "apex" {{
  app_id       = "{app}"
  component_id = "{web}"
  content      = "shop.example"
}}
resource "level27_ssl_certificate" "apex" {{
  app_id        = "{app}"
  name          = "apex"
  type          = "letsencrypt"
  domains       = ["shop.example"]
  auto_url_link = true
  depends_on    = [level27_app_component_url.apex]
}}
"#,
        header = header()
    ));
    auto.apply().assert_contains("2 added");
    let (apex, apex_cert) = (
        auto.id_of("level27_app_component_url.apex"),
        auto.id_of("level27_ssl_certificate.apex"),
    );
    let u = sb.get_ok(&format!("/v1/apps/{app}/components/{web}/urls/{apex}"))["url"].clone();
    assert_eq!(u["sslCertificate"]["id"], apex_cert, "{u}");
    let c = sb.get_ok(&format!("/v1/apps/{app}/sslcertificates/{apex_cert}"))["sslCertificate"].clone();
    assert_eq!(c["urls"][0]["id"], apex, "{c}");
    auto.assert_plan_empty("after the certificate linked the url");
    auto.run(&["apply", "-refresh-only", "-auto-approve"]).assert_ok();
    let a = auto.attrs("level27_app_component_url.apex");
    assert_eq!(state_id(&a["ssl_certificate_id"]), Some(apex_cert), "{a}");
    assert_eq!(a["https"], true, "{a}");
    // The url was created without auto_ssl_certificate, which the API takes on create only and
    // never answers: setting it now replaces the url, as the documentation says (after an import
    // the configured value is adopted instead), rather than an update that sends nothing.
    let apex_hcl = auto.read("main.tf");
    auto.write_main(&apex_hcl.replace(
        "content      = \"shop.example\"\n",
        "content      = \"shop.example\"\n  auto_ssl_certificate = true\n",
    ));
    let out = auto.assert_plan_changes("auto_ssl_certificate set after the create");
    out.assert_contains("level27_app_component_url.apex must be replaced");
    out.assert_contains("+ auto_ssl_certificate = true # forces replacement");
    auto.write_main(&apex_hcl);
    auto.destroy().assert_contains("2 destroyed");

    tf.destroy().assert_contains("9 destroyed");
}
