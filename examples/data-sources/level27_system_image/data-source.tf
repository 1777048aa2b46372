data "level27_region" "be" {
  name = "be"
}

# An image of a region by name.
data "level27_system_image" "ubuntu" {
  region_id = data.level27_region.be.id
  name      = "ubuntu_2404lts_server"
}

output "ubuntu_image_id" {
  value = data.level27_system_image.ubuntu.id
}
