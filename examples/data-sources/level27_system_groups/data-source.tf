# The shared system groups components can be placed on.
data "level27_system_groups" "shared" {}

output "first_group_id" {
  value = data.level27_system_groups.shared.groups[0].id
}
