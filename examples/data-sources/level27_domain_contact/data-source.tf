# A domain contact by its email address (unique among contacts).
data "level27_domain_contact" "owner" {
  email = "hostmaster@acme.example"

  # Only because the contact is created in the same configuration.
  depends_on = [level27_domain_contact.owner]
}

output "owner_contact_id" {
  value = data.level27_domain_contact.owner.id
}
