# Every configuration with its limits.
data "level27_system_configurations" "all" {}

output "configuration_names" {
  value = [for c in data.level27_system_configurations.all.configurations : c.name]
}
