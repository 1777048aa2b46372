# A url of a component by its host name.
data "level27_app_component_url" "www" {
  app_id       = level27_app.shop.id
  component_id = level27_app_component.web.id
  content      = "www.shop.example"
  depends_on   = [level27_app_component_url.www]
}

output "www_https" {
  value = data.level27_app_component_url.www.https
}
