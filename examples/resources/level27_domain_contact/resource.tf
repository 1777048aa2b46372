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
