data "level27_region" "be" {
  name = "be"
}

# Every image of a region.
data "level27_system_images" "be" {
  region_id = data.level27_region.be.id
}

output "image_names" {
  value = [for i in data.level27_system_images.be.images : i.name]
}
