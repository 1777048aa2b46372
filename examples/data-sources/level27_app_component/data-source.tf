# A component of an app by its exact name.
data "level27_app_component" "web" {
  app_id     = level27_app.shop.id
  name       = "web"
  depends_on = [level27_app_component.web]
}

output "web_php_version" {
  value = data.level27_app_component.web.version
}
