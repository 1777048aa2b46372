#!/bin/sh
# A certificate is imported by its app's id and its own id: <app_id>/<id>.
terraform import level27_ssl_certificate.www 1000/2000
