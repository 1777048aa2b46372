# App hosting: a plan, an app in it, a php and a mysql component on a shared system group, a Let's
# Encrypt certificate and a url served by the php component.
#
# The provider reads LEVEL27_API_URL and LEVEL27_API_KEY from the environment (see
# examples/quickstart for the local sandbox). The web password is write-only on Terraform 1.11+;
# pass it through the environment, not `-var` (Terraform logs its command line with TF_LOG):
#
#   TF_VAR_web_password=... terraform apply

terraform {
  required_providers {
    level27 = {
      source = "level27/level27"
    }
  }
}

provider "level27" {}

data "level27_plan_packages" "all" {}
# The one group of that name (`one(...[*].id)`: Terraform 1.0 cannot index `groups[0]`).
data "level27_system_groups" "shared" {
  name = "Shared hosting"
}

resource "level27_organisation" "acme" {
  name       = var.organisation_name
  tax_number = var.tax_number
}

resource "level27_team" "ops" {
  organisation_id = level27_organisation.acme.id
  name            = "ops"
}

resource "level27_plan" "shop" {
  organisation_id = level27_organisation.acme.id
  name            = "${var.app_name}-hosting"
  base_package    = var.base_package
}

resource "level27_app" "shop" {
  organisation_id = level27_organisation.acme.id
  name            = var.app_name
  plan_id         = level27_plan.shop.id
}

resource "level27_app_component" "web" {
  app_id              = level27_app.shop.id
  name                = "web"
  type                = "php"
  systemgroup_id      = one(data.level27_system_groups.shared.groups[*].id)
  version             = var.php_version
  path                = "/public_html"
  password_wo         = var.web_password
  password_wo_version = var.web_password_version

  timeouts {
    create = "20m"
  }
}

resource "level27_app_component" "db" {
  app_id         = level27_app.shop.id
  name           = "db"
  type           = "mysql"
  systemgroup_id = one(data.level27_system_groups.shared.groups[*].id)
}

resource "level27_ssl_certificate" "www" {
  app_id        = level27_app.shop.id
  name          = "www"
  type          = "letsencrypt"
  domains       = ["www.${var.domain}", var.domain]
  auto_url_link = true
}

resource "level27_app_component_url" "www" {
  app_id             = level27_app.shop.id
  component_id       = level27_app_component.web.id
  content            = "www.${var.domain}"
  ssl_force          = true
  handle_dns         = true
  caching            = true
  ssl_certificate_id = level27_ssl_certificate.www.id
}
