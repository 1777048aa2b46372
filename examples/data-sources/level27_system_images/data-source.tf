data "level27_regions" "be" {
  name = "be"
}

# Every image of a region.
data "level27_system_images" "be" {
  region_id = data.level27_regions.be.regions[0].id
}

output "image_names" {
  value = [for i in data.level27_system_images.be.images : i.name]
}
