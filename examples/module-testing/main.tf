# Module testing: a module kept in git (an app served at www.<domain>, the domain's DNS and an
# apex record) with `terraform test` files in tests/, run offline against level27-sandbox.
#
# The provider reads LEVEL27_API_URL and LEVEL27_API_KEY from the environment. With a sandbox
# started as docs/guides/testing-modules.md says (Terraform 1.6 or later):
#
#   terraform test

terraform {
  required_providers {
    level27 = {
      source = "level27/level27"
    }
  }
}

provider "level27" {}

# The one group of that name (`one(...[*].id)`: Terraform 1.0 cannot index `groups[0]`).
data "level27_system_groups" "shared" {
  name = "Shared hosting"
}

resource "level27_organisation" "this" {
  name       = var.organisation_name
  tax_number = var.tax_number
}

resource "level27_domain_contact" "owner" {
  organisation_id   = level27_organisation.this.id
  type              = "licensee"
  first_name        = "Ada"
  last_name         = "Peeters"
  organisation_name = var.organisation_name
  street            = "Veldstraat"
  house_number      = "1"
  zip               = "9000"
  city              = "Gent"
  country           = "BE"
  phone             = "+32.91234567"
  email             = "hostmaster@${var.domain}.be"
  tax_number        = var.tax_number
}

resource "level27_domain" "this" {
  organisation_id     = level27_organisation.this.id
  name                = var.domain
  extension           = "be"
  licensee_contact_id = level27_domain_contact.owner.id
  handle_dns          = true
}

resource "level27_domain_record" "apex" {
  domain_id = level27_domain.this.id
  type      = "A"
  name      = ""
  content   = var.apex_ipv4
}

resource "level27_plan" "this" {
  organisation_id = level27_organisation.this.id
  name            = "${var.app_name}-hosting"
  base_package    = "drupal_run"
}

resource "level27_app" "this" {
  organisation_id = level27_organisation.this.id
  name            = var.app_name
  plan_id         = level27_plan.this.id
}

resource "level27_app_component" "web" {
  app_id         = level27_app.this.id
  name           = "web"
  type           = "php"
  systemgroup_id = one(data.level27_system_groups.shared.groups[*].id)
  version        = "8.2"
}

# Level27 writes the www record of the domain itself (handle_dns).
resource "level27_app_component_url" "www" {
  app_id       = level27_app.this.id
  component_id = level27_app_component.web.id
  content      = "www.${level27_domain.this.fullname}"
  handle_dns   = true
}
