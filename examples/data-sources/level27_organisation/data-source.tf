# An organisation by its exact name.
data "level27_organisation" "acme" {
  name = "Acme"

  # Only when the organisation is created in the same configuration (here by the
  # level27_organisation example): the lookup then waits until it exists.
  depends_on = [level27_organisation.acme]
}

output "acme_organisation_id" {
  value = data.level27_organisation.acme.id
}
