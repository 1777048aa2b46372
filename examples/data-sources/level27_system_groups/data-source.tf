# The shared system groups components can be placed on.
data "level27_system_groups" "shared" {}

# Their ids by name, to pick one (a map rather than `groups[0]`: Terraform 1.0 cannot index a
# list of nested attributes).
output "group_ids" {
  value = { for g in data.level27_system_groups.shared.groups : g.name => g.id }
}
