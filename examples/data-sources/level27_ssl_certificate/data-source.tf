# A certificate of an app by its exact name.
data "level27_ssl_certificate" "www" {
  app_id     = level27_app.shop.id
  name       = "www"
  depends_on = [level27_ssl_certificate.www]
}

output "www_certificate_status" {
  value = data.level27_ssl_certificate.www.ssl_status
}
