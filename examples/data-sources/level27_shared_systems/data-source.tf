# The shared systems components can be placed on.
data "level27_shared_systems" "all" {}

output "shared_system_names" {
  value = data.level27_shared_systems.all.systems[*].name
}
