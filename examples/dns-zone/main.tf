# A DNS zone kept in git: a licensee contact, a domain whose DNS Level27 serves, and its records
# (20, of every type), written the way people write zone files. Spellings the API writes
# otherwise (letter case, trailing dots, compressed IPv6, TXT quotes) plan no change.
#
# The provider reads LEVEL27_API_URL and LEVEL27_API_KEY from the environment (see
# ../quickstart/main.tf for the local sandbox).

terraform {
  required_providers {
    level27 = {
      source = "level27/level27"
    }
  }
}

provider "level27" {}

resource "level27_organisation" "acme" {
  name       = "Acme"
  tax_number = "BE0123456789"
}

resource "level27_team" "dns" {
  organisation_id = level27_organisation.acme.id
  name            = "dns"
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
  phone             = "+32.91234567"
  email             = "hostmaster@acme.example"
  tax_number        = "BE0123456789"
}

data "level27_domain_type" "be" {
  extension = "be"
}

resource "level27_domain" "acme" {
  organisation_id     = level27_organisation.acme.id
  name                = "acme-example"
  extension           = data.level27_domain_type.be.extension
  licensee_contact_id = level27_domain_contact.owner.id
  handle_dns          = true
  ttl                 = 3600
  team_ids            = [level27_team.dns.id]
}

locals {
  # key => [type, name, content, priority]; name "" is the apex.
  records = {
    apex_a     = ["A", "", "203.0.113.10", null]
    www_a      = ["A", "www", "203.0.113.10", null]
    shop_a     = ["A", "Shop", "203.0.113.11", null]
    wild_a     = ["A", "*.dev", "203.0.113.12", null]
    apex_aaaa  = ["AAAA", "", "2001:DB8::10", null]
    www_aaaa   = ["AAAA", "www", "2001:0db8:0000:0000:0000:0000:0000:0010", null]
    blog_cname = ["CNAME", "blog", "Blogs.Example.NET", null]
    cdn_cname  = ["CNAME", "cdn", "cdn.example.net.", null]
    acme_cname = ["CNAME", "_acme-challenge", "validation.example.org.", null]
    sub_ns1    = ["NS", "sub", "ns1.example.net.", null]
    sub_ns2    = ["NS", "sub", "NS2.EXAMPLE.NET", null]
    mx1        = ["MX", "", "mx1.mail.example.", 10]
    mx2        = ["MX", "", "MX2.MAIL.EXAMPLE", 20]
    sip_srv    = ["SRV", "_sip._tcp", "10 60 5060 SIP.Acme.example", null] # priority weight port target
    spf_txt    = ["TXT", "", "v=spf1 include:_spf.mail.example -all", null]
    dmarc_txt  = ["TXT", "_dmarc", "\"v=DMARC1; p=quarantine\"", null]
    verify_txt = ["TXT", "", "\"google-site-verification=abc123\"", null]
    dkim_txt   = ["TXT", "mail._domainkey", "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC", null]
    go_urlfw1  = ["URLFW1", "go", "https://www.acme.example/landing", null]
    old_urlfw2 = ["URLFW2", "old", "http://legacy.acme.example/", null]
  }
}

resource "level27_domain_record" "zone" {
  for_each = local.records

  domain_id = level27_domain.acme.id
  type      = each.value[0]
  name      = each.value[1]
  content   = each.value[2]
  priority  = each.value[3]
}

output "fullname" {
  value = level27_domain.acme.fullname
}

output "record_ids" {
  value = { for k, r in level27_domain_record.zone : k => r.id }
}
