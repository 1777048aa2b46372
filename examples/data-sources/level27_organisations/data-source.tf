resource "level27_organisation" "acme" {
  name       = "Acme"
  tax_number = "BE0123456789"
}

# Every organisation named exactly "Acme" (leave name out to list all the key can see).
data "level27_organisations" "acme" {
  name = "Acme"

  # Only because the organisation is created in the same configuration: without it the list may
  # be read before the organisation exists.
  depends_on = [level27_organisation.acme]
}

output "acme_organisation_ids" {
  value = data.level27_organisations.acme.organisations[*].id
}
