# A vm by its exact name.
data "level27_vm" "web" {
  name = "web1"

  # Only when the vm is created in the same configuration (here by the level27_vm example).
  depends_on = [level27_vm.web]
}

output "web_cpu" {
  value = data.level27_vm.web.cpu
}
