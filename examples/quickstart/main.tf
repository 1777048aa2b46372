# Quickstart: an organisation, two teams in it, and data sources reading them back.
#
# The provider reads LEVEL27_API_URL and LEVEL27_API_KEY from the environment. Against the local
# sandbox (see ./scripts/demo):
#
#   level27-sandbox --listen 127.0.0.1:8027 --api-key sandbox &
#   export LEVEL27_API_URL=http://127.0.0.1:8027/v1 LEVEL27_API_KEY=sandbox
#   terraform apply

terraform {
  required_providers {
    level27 = {
      source = "level27/level27"
    }
  }
}

provider "level27" {}

resource "level27_organisation" "acme" {
  name       = "Acme"
  tax_number = "BE0123456789"
  city       = "Gent"
  country    = "BE"
}

resource "level27_team" "ops" {
  organisation_id = level27_organisation.acme.id
  name            = "ops"
}

resource "level27_team" "dev" {
  organisation_id = level27_organisation.acme.id
  name            = "dev"
}

# Look the organisation up by its name, once it exists.
data "level27_organisation" "acme" {
  name       = "Acme"
  depends_on = [level27_organisation.acme]
}

# Look a team up by its name within the organisation.
data "level27_team" "ops" {
  organisation_id = level27_organisation.acme.id
  name            = "ops"
  depends_on      = [level27_team.ops]
}

output "organisation_id" {
  value = level27_organisation.acme.id
}

output "team_ids" {
  value = {
    ops = level27_team.ops.id
    dev = level27_team.dev.id
  }
}

output "organisation_found_by_name" {
  value = data.level27_organisation.acme.id
}

output "team_found_by_name" {
  value = data.level27_team.ops.id
}
