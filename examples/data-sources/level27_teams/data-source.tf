resource "level27_organisation" "acme" {
  name       = "Acme"
  tax_number = "BE0123456789"
}

resource "level27_team" "ops" {
  organisation_id = level27_organisation.acme.id
  name            = "ops"
}

# Every team of the organisation (add `name = "ops"` to keep only the teams named so).
data "level27_teams" "all" {
  organisation_id = level27_organisation.acme.id

  # Only because the team is created in the same configuration.
  depends_on = [level27_team.ops]
}

output "team_names" {
  value = data.level27_teams.all.teams[*].name
}
