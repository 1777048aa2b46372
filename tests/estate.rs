//! A whole small estate in one module, as a customer writes it: app hosting whose url serves a
//! domain the same module registers. The url's `handle_dns` makes a record the platform owns;
//! the records data source tells it from the module's own, a record of the module that clashes
//! with it is refused, and destroy takes everything away in order.

mod common;

use common::*;

fn estate(extra: &str) -> String {
    format!(
        r#"{header}
resource "level27_organisation" "acme" {{
  name       = "Acme Estate"
  tax_number = "BE0999888777"
}}
resource "level27_plan" "shop" {{
  organisation_id = level27_organisation.acme.id
  name            = "shop-hosting"
  base_package    = "drupal_run"
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
  version        = "8.2"
}}
resource "level27_domain_contact" "owner" {{
  organisation_id   = level27_organisation.acme.id
  type              = "licensee"
  first_name        = "Ada"
  last_name         = "Peeters"
  organisation_name = "Acme Estate"
  phone             = "+32.91234567"
  email             = "hostmaster@acme-estate.example"
  tax_number        = "BE0999888777"
}}
resource "level27_domain" "acme" {{
  organisation_id     = level27_organisation.acme.id
  name                = "acme-estate"
  extension           = "be"
  licensee_contact_id = level27_domain_contact.owner.id
  handle_dns          = true
}}
resource "level27_ssl_certificate" "www" {{
  app_id  = level27_app.shop.id
  name    = "www"
  type    = "letsencrypt"
  domains = ["www.${{level27_domain.acme.fullname}}"]
}}
resource "level27_app_component_url" "www" {{
  app_id             = level27_app.shop.id
  component_id       = level27_app_component.web.id
  content            = "www.${{level27_domain.acme.fullname}}"
  handle_dns         = true
  ssl_certificate_id = level27_ssl_certificate.www.id
}}
resource "level27_domain_record" "mail" {{
  domain_id = level27_domain.acme.id
  type      = "A"
  name      = "mail"
  content   = "203.0.113.25"
}}
data "level27_domain_records" "all" {{
  domain_id  = level27_domain.acme.id
  depends_on = [level27_domain_record.mail, level27_app_component_url.www]
}}
output "records" {{
  value = {{ for r in data.level27_domain_records.all.records : "${{r.type}} ${{r.name}}" => r.url_id }}
}}
output "url_id" {{
  value = level27_app_component_url.www.id
}}
{extra}"#,
        header = header()
    )
}

#[test]
fn a_urls_platform_record_shows_beside_the_modules_own_clashes_and_goes_on_destroy() {
    scenario("estate", Terraform::default_bin());
}

#[test]
fn the_estate_on_terraform_1_0() {
    if let Some(tf) = Terraform::v1_0("the_estate_on_terraform_1_0") {
        scenario("estate-1-0", tf);
    }
}

fn scenario(label: &str, terraform: Terraform) {
    let sb = Sandbox::start();
    let tf = Tf::with(label, terraform, Some(&sb));
    tf.write_main(&estate(""));
    tf.apply();
    let out = tf.outputs();
    let url = out["url_id"].clone();
    assert_eq!(
        out["records"],
        serde_json::json!({"A mail": null, "A www": url}),
        "the url's record is listed with its url, the module's own without"
    );
    tf.assert_plan_empty("after the first apply");

    // The importing guide's whole zone leaves the url's record to the platform.
    if tf.terraform.version >= (1, 7, 0) {
        let zone = tf.fresh("estate-zone");
        zone.write_main(&format!(
            r#"{header}
data "level27_domain" "d" {{
  fullname = "acme-estate.be"
}}
data "level27_domain_records" "all" {{
  domain_id = data.level27_domain.d.id
}}
locals {{
  records = {{ for r in data.level27_domain_records.all.records : r.id => r if r.url_id == null }}
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
            .assert_contains("1 to import, 0 to add, 0 to change, 0 to destroy");
    } else {
        skip_step(label, "a whole zone with import for_each", "needs Terraform >= 1.7");
    }

    // A CNAME of the module at the url's name cannot stand beside the platform's A record.
    tf.write_main(&estate(
        r#"resource "level27_domain_record" "www" {
  domain_id = level27_domain.acme.id
  type      = "CNAME"
  name      = "www"
  content   = "shop.example.net"
}"#,
    ));
    let refused = tf.run(&["apply", "-auto-approve"]).assert_failed();
    let said = refused.all().split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        said.contains("CNAME/NS record with the same name as an existing record is not allowed")
            && said.contains("perhaps one a url's `handle_dns` made (`level27_domain_records` lists them"),
        "the refusal says which record may be in the way:\n{said}"
    );
    tf.write_main(&estate(""));
    tf.assert_plan_empty("without the clashing record");

    tf.destroy();
    let state = sb.state();
    for kind in ["domains", "records", "urls", "apps", "organisations"] {
        let left = state[kind].as_object().map_or(0, serde_json::Map::len);
        assert_eq!(left, 0, "{kind} left after destroy: {}", state[kind]);
    }
}
