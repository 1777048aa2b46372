# An app by its exact name.
data "level27_app" "shop" {
  name       = "shop"
  depends_on = [level27_app.shop]
}

output "shop_app_id" {
  value = data.level27_app.shop.id
}
