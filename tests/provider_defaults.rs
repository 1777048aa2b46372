//! The provider's `organisation_id` is the default for resources and data sources that leave
//! theirs out: the team lands in that organisation, is found by the data sources (one team, the
//! list of teams), and plans clean.

mod common;

use common::*;

#[test]
fn teams_default_to_the_providers_organisation() {
    let sb = Sandbox::start();
    let org = sb.create_organisation("Defaults e2e", "BE0555555555");
    let tf = Tf::new("provider-defaults", &sb);
    let config = format!(
        r#"{REQUIRED_PROVIDERS}
provider "level27" {{
  organisation_id = {org}
}}

resource "level27_team" "ops" {{
  name = "ops"
}}

data "level27_team" "ops" {{
  name       = "ops"
  depends_on = [level27_team.ops]
}}

# The list too: no organisation_id here either.
data "level27_teams" "all" {{
  depends_on = [level27_team.ops]
}}

output "listed" {{
  value = data.level27_teams.all.teams[*].id
}}

output "team_org" {{
  value = level27_team.ops.organisation_id
}}

output "found" {{
  value = data.level27_team.ops.id
}}
"#
    );
    tf.write_main(&config);
    tf.apply();

    let id = tf.id_of("level27_team.ops");
    assert!(
        sb.team(org, id).is_some(),
        "the team was not created in organisation {org}"
    );
    assert_eq!(sb.teams(org).len(), 1);
    let outputs = tf.outputs();
    assert_eq!(
        as_i64(&outputs["team_org"]),
        Some(org),
        "state records the default organisation"
    );
    assert_eq!(as_i64(&outputs["found"]), Some(id), "the data source found the team");
    let listed: Vec<Option<i64>> = outputs["listed"]
        .as_array()
        .map(|a| a.iter().map(as_i64).collect())
        .unwrap_or_default();
    assert_eq!(
        listed,
        [Some(id)],
        "level27_teams listed the default organisation's team"
    );
    tf.assert_plan_empty("after create with the provider default");

    tf.destroy();
    assert!(sb.teams(org).is_empty(), "destroy left teams behind");
}
