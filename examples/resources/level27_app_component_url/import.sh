#!/bin/sh
# A url is imported by its app's, its component's and its own id: <app_id>/<component_id>/<id>.
terraform import level27_app_component_url.www 1000/2000/3000
