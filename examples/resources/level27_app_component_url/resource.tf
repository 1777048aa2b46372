resource "level27_organisation" "acme" {
  name       = "Acme"
  tax_number = "BE0123456789"
}

resource "level27_plan" "shop" {
  organisation_id = level27_organisation.acme.id
  name            = "shop-hosting"
  base_package    = "drupal_run"
}

resource "level27_app" "shop" {
  organisation_id = level27_organisation.acme.id
  name            = "shop"
  plan_id         = level27_plan.shop.id
}

resource "level27_app_component" "web" {
  app_id         = level27_app.shop.id
  name           = "web"
  type           = "php"
  systemgroup_id = "3" # a shared system group: see data.level27_system_groups
  version        = "8.2"
}

resource "level27_ssl_certificate" "www" {
  app_id  = level27_app.shop.id
  name    = "www"
  type    = "letsencrypt"
  domains = ["www.shop.example", "shop.example"]
}

resource "level27_app_component_url" "www" {
  app_id             = level27_app.shop.id
  component_id       = level27_app_component.web.id
  content            = "www.shop.example"
  ssl_force          = true
  caching            = true
  ssl_certificate_id = level27_ssl_certificate.www.id
}
