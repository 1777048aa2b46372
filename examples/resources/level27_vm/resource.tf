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

data "level27_system_configuration" "flexible" {
  name = "Flexible"
}

data "level27_network" "public" {
  name = "level27_public"
}

resource "level27_vm" "web" {
  organisation_id  = level27_organisation.acme.id
  name             = "web1"
  fqdn             = "web1.acme.example"
  zone_id          = data.level27_zone.ix2.id
  image_id         = data.level27_system_image.ubuntu.id
  configuration_id = data.level27_system_configuration.flexible.id
  cpu              = 2 # within the configuration's min_cpu and max_cpu, checked at plan
  memory           = 4 # GB
  disk             = 60
  management_type  = "pro"
  network_ids      = [data.level27_network.public.id]
  power_state      = "running"
}
