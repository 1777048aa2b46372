#!/bin/sh
# A component is imported by its app's id and its own id: <app_id>/<id>.
terraform import level27_app_component.web 1000/2000
