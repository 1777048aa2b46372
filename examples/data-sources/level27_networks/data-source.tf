# The customer networks.
data "level27_networks" "customer" {
  type = "customer"
}

output "customer_network_names" {
  value = [for n in data.level27_networks.customer.networks : n.name]
}
