# A baremetal server by its exact name.
data "level27_baremetal" "db" {
  name = "db1"

  # Only when the server is created in the same configuration (here by the level27_baremetal example).
  depends_on = [level27_baremetal.db]
}

output "db_memory" {
  value = data.level27_baremetal.db.memory
}
