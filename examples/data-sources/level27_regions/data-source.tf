# Every region.
data "level27_regions" "all" {}

output "region_names" {
  value = [for r in data.level27_regions.all.regions : r.name]
}
