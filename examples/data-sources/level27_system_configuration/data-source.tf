# A configuration by name, with its limits.
data "level27_system_configuration" "flexible" {
  name = "Flexible"
}

output "flexible_cpu_range" {
  value = "${data.level27_system_configuration.flexible.min_cpu}-${data.level27_system_configuration.flexible.max_cpu}"
}
