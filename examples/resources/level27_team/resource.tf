resource "level27_organisation" "acme" {
  name       = "Acme"
  tax_number = "BE0123456789"
}

resource "level27_team" "ops" {
  organisation_id = level27_organisation.acme.id
  name            = "ops"
}
