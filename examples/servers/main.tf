# Servers: two vms and a baremetal server, with the lookups that fill in their ids.
#
# The provider reads LEVEL27_API_URL and LEVEL27_API_KEY from the environment (see
# examples/quickstart for the local sandbox).

terraform {
  required_providers {
    level27 = {
      source = "level27/level27"
    }
  }
}

provider "level27" {}

resource "level27_organisation" "acme" {
  name       = "Acme servers"
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

data "level27_system_configuration" "flexible" {
  name = "Flexible"
}

data "level27_system_configuration" "baremetal" {
  name = "Baremetal S"
}

# The customer's own networks, all linked below (`[*].id`: Terraform 1.0 cannot index a list of
# nested attributes such as `networks[0]`).
data "level27_networks" "customer" {
  type = "customer"
}

data "level27_network" "public" {
  name = "level27_public"
}

locals {
  web = { web1 = 2, web2 = 4 } # name => cpu
}

resource "level27_vm" "web" {
  for_each = local.web

  organisation_id  = level27_organisation.acme.id
  name             = each.key
  fqdn             = "${each.key}.acme.example"
  zone_id          = data.level27_zone.ix2.id
  image_id         = data.level27_system_image.ubuntu.id
  configuration_id = data.level27_system_configuration.flexible.id
  cpu              = each.value
  memory           = 2 * each.value
  disk             = 60
  management_type  = "pro"
  network_ids      = concat([data.level27_network.public.id], data.level27_networks.customer.networks[*].id)
  power_state      = "running"
}

resource "level27_baremetal" "db" {
  organisation_id  = level27_organisation.acme.id
  name             = "db1"
  zone_id          = data.level27_zone.ix2.id
  image_id         = data.level27_system_image.ubuntu.id
  configuration_id = data.level27_system_configuration.baremetal.id
  network_ids      = data.level27_networks.customer.networks[*].id
  power_state      = "running"
}

output "vm_ids" {
  value = { for k, v in level27_vm.web : k => v.id }
}

output "baremetal_cores" {
  value = level27_baremetal.db.cpu
}
