#!/bin/sh
# An app is imported by its id. The API never shows an app's plan: the import takes the
# organisation's only plan of the app's base package (with several, the configured `plan_id`,
# which the first apply records).
terraform import level27_app.shop 1000
