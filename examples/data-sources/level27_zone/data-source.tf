data "level27_region" "be" {
  name = "be"
}

# A zone of a region by name, with its limits.
data "level27_zone" "ix2" {
  region_id = data.level27_region.be.id
  name      = "Brussel Interxion 2 (IX2)"
}

output "ix2_max_cpu" {
  value = data.level27_zone.ix2.max_cpu
}
