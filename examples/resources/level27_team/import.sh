#!/bin/sh
# A team is imported by its organisation's id and its own id: <organisation_id>/<id>.
terraform import level27_team.ops 1000/2000
