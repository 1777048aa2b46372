resource "level27_organisation" "acme" {
  name         = "Acme"
  tax_number   = "BE0123456789"
  street       = "Kortrijksesteenweg"
  house_number = "12"
  zip          = "9000"
  city         = "Gent"
  country      = "BE"
}
