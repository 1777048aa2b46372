# The base packages a plan can be made from.
data "level27_plan_packages" "all" {}

output "base_packages" {
  value = data.level27_plan_packages.all.packages[*].name
}
