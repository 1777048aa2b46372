# A domain by its full name, extension included.
data "level27_domain" "acme" {
  fullname = "acme-example.be"

  # Only because the domain is created in the same configuration.
  depends_on = [level27_domain.acme]
}

output "acme_domain_id" {
  value = data.level27_domain.acme.id
}

output "acme_name_servers" {
  value = data.level27_domain.acme.nameservers[*].hostname
}
