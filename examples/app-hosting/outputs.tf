output "plan_id" {
  value = level27_plan.shop.id
}

output "app_id" {
  value = level27_app.shop.id
}

output "base_packages" {
  value = data.level27_plan_packages.all.packages[*].name
}

output "web_component_id" {
  value = level27_app_component.web.id
}

output "certificate_status" {
  value = level27_ssl_certificate.www.ssl_status
}

output "url" {
  value = "${level27_app_component_url.www.https ? "https" : "http"}://${level27_app_component_url.www.content}"
}
