# A record of a domain by its name and type.
data "level27_domain_record" "www" {
  domain_id = level27_domain.acme.id
  name      = "www"
  type      = "A"

  # Only because the record is created in the same configuration.
  depends_on = [level27_domain_record.www]
}

output "www_address" {
  value = data.level27_domain_record.www.content
}

# The apex's record of a type: no name.
data "level27_domain_record" "mx" {
  domain_id = level27_domain.acme.id
  type      = "MX"

  depends_on = [level27_domain_record.mx]
}

output "mail_exchanger" {
  value = data.level27_domain_record.mx.content
}
