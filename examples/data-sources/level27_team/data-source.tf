# A team of an organisation, by its exact name.
data "level27_team" "ops" {
  organisation_id = level27_organisation.acme.id
  name            = "ops"

  # Only when the team is created in the same configuration (here by the level27_team example):
  # without it the lookup may run before the team exists.
  depends_on = [level27_team.ops]
}

output "ops_team_id" {
  value = data.level27_team.ops.id
}
