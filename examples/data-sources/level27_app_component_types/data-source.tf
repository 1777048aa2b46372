# The database component types and the parameters of each.
data "level27_app_component_types" "databases" {
  category = "Databases"
}

output "database_types" {
  value = keys(data.level27_app_component_types.databases.types)
}
