# A region by name, with its zones and their limits.
data "level27_region" "be" {
  name = "be"
}

output "zones_in_be" {
  value = [for z in data.level27_region.be.zones : z.name]
}
