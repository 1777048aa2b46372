output "url" {
  value = "${level27_app_component_url.www.https ? "https" : "http"}://${level27_app_component_url.www.content}"
}

output "app_id" {
  value = level27_app.this.id
}

output "domain_fullname" {
  value = level27_domain.this.fullname
}
