resource "level27_organisation" "acme" {
  name       = "Acme"
  tax_number = "BE0123456789"
}

data "level27_region" "be" {
  name = "be"
}

data "level27_zone" "ix2" {
  region_id = data.level27_region.be.id
  name      = "Brussel Interxion 2 (IX2)"
}

data "level27_system_image" "ubuntu" {
  region_id = data.level27_region.be.id
  name      = "ubuntu_2404lts_server"
}

# A hardware configuration: cpu, memory and disk come from it.
data "level27_system_configuration" "baremetal" {
  name = "Baremetal S"
}

resource "level27_baremetal" "db" {
  organisation_id  = level27_organisation.acme.id
  name             = "db1"
  zone_id          = data.level27_zone.ix2.id
  image_id         = data.level27_system_image.ubuntu.id
  configuration_id = data.level27_system_configuration.baremetal.id
  power_state      = "running"
}
