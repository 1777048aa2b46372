# A network by name.
data "level27_network" "public" {
  name = "level27_public"
}

output "public_network_id" {
  value = data.level27_network.public.id
}
