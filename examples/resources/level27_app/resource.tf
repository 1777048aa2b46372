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
