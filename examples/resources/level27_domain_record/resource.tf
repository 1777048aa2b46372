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
  handle_dns          = true
  ttl                 = 3600
}

resource "level27_domain_record" "www" {
  domain_id = level27_domain.acme.id
  type      = "A"
  name      = "www"
  content   = "203.0.113.10"
}

resource "level27_domain_record" "mx" {
  domain_id = level27_domain.acme.id
  type      = "MX"
  content   = "mx1.mail.example." # with or without the dot, in any case: the API's spelling never shows as a diff
  priority  = 10
}
