resource "level27_organisation" "acme" {
  name       = "Acme"
  tax_number = "BE0123456789"
}

resource "level27_domain_contact" "owner" {
  organisation_id   = level27_organisation.acme.id
  type              = "licensee"
  first_name        = "Ada"
  last_name         = "Peeters"
  organisation_name = "Acme"
  street            = "Veldstraat"
  house_number      = "1"
  zip               = "9000"
  city              = "Gent"
  country           = "BE"
  phone             = "+32.91234567" # the API's format: +COUNTRYCODE.NUMBER
  email             = "hostmaster@acme.example"
  tax_number        = "BE0123456789"
}

resource "level27_domain" "acme" {
  organisation_id = level27_organisation.acme.id
  name            = "acme-example" # without the extension
  extension       = "be"
  # action = "create" registers it, "transfer" (with epp_code_wo) moves it here; the default,
  # "none", only manages it at Level27.
  licensee_contact_id = level27_domain_contact.owner.id
  ttl                 = 3600

  # DNS served elsewhere: up to four name servers, with glue addresses for those inside the
  # domain itself. The API sets the fourth only at create (changing it replaces the domain).
  handle_dns = false
  nameservers = [
    { hostname = "ns1.acme-example.be", ipv4 = "198.51.100.53", ipv6 = "2001:db8::53" },
    { hostname = "ns2.dns-host.example" },
  ]
}
