#!/bin/sh
# A record is imported by its domain's id and its own id: <domain_id>/<id>.
terraform import level27_domain_record.www 1000/2000
