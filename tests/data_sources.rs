//! Data sources `level27_organisation` and `level27_team`: lookups by name and by id return the
//! objects the resources created, found on the last page of a list the API's `filter` cannot
//! narrow (every other object's name contains the name looked up); a name that matches nothing
//! is an error naming it. The provider is configured through `api_url` / `api_key` arguments here
//! (no `LEVEL27_*` environment).

mod common;

use common::*;

fn config(sb: &Sandbox) -> String {
    format!(
        r#"{REQUIRED_PROVIDERS}
provider "level27" {{
  api_url             = "{url}"
  api_key             = "{key}"
  request_timeout     = "30s"
  max_retries         = 5
  requests_per_second = 0
}}

resource "level27_organisation" "acme" {{
  name       = "Data e2e"
  tax_number = "BE0999999999"
  city       = "Gent"
  country    = "BE"
}}

# Made after the fillers (see FILLERS), so it is the last of the teams whose names contain "ops".
resource "level27_team" "ops" {{
  organisation_id = level27_organisation.acme.id
  name            = "ops"
}}

data "level27_organisation" "by_name" {{
  name       = "Data e2e"
  depends_on = [level27_organisation.acme]
}}

data "level27_organisation" "by_id" {{
  id = level27_organisation.acme.id
}}

data "level27_team" "by_name" {{
  organisation_id = level27_organisation.acme.id
  name            = "ops"
  depends_on      = [level27_team.ops]
}}

data "level27_team" "by_id" {{
  organisation_id = level27_organisation.acme.id
  id              = level27_team.ops.id
}}

output "org_id" {{ value = level27_organisation.acme.id }}
output "team_id" {{ value = level27_team.ops.id }}
output "org_by_name_id" {{ value = data.level27_organisation.by_name.id }}
output "org_by_name_city" {{ value = data.level27_organisation.by_name.city }}
output "org_by_name_country" {{ value = data.level27_organisation.by_name.country }}
output "org_by_name_tax" {{ value = data.level27_organisation.by_name.tax_number }}
output "org_by_id_name" {{ value = data.level27_organisation.by_id.name }}
output "team_by_name_id" {{ value = data.level27_team.by_name.id }}
output "team_by_id_name" {{ value = data.level27_team.by_id.name }}
"#,
        url = sb.api_url(),
        key = sb.key,
    )
}

/// Objects made out of band before the ones looked up, each named with the looked-up name as its
/// prefix, so that the API's `filter` (a substring or prefix match) returns them all: more than
/// the API's default page (5) and more than the client's page (100), so a lookup that reads one
/// page, of either size, misses the object and fails.
const FILLERS: usize = 105;

#[test]
fn data_sources_find_by_name_and_id() {
    let sb = Sandbox::start();
    for i in 0..FILLERS {
        sb.create_organisation(&format!("Data e2e filler {i}"), &format!("BE1{i:09}"));
    }

    let mut tf = Tf::new("data", &sb);
    tf.set_env("LEVEL27_API_URL", None).set_env("LEVEL27_API_KEY", None);
    tf.write_main(&config(&sb));
    // The organisation first, then its filler teams, then the rest.
    tf.run(&["apply", "-auto-approve", "-target=level27_organisation.acme"])
        .assert_ok();
    let org = tf.id_of("level27_organisation.acme");
    for i in 0..FILLERS {
        sb.post_ok(
            &format!("/v1/organisations/{org}/teams"),
            serde_json::json!({"name": format!("ops filler {i}"), "organisation": org}),
        );
    }
    tf.apply();

    let org_id = tf.id_of("level27_organisation.acme");
    let team_id = tf.id_of("level27_team.ops");
    let out = tf.outputs();
    assert_eq!(as_i64(&out["org_id"]), Some(org_id), "{out}");
    assert_eq!(as_i64(&out["org_by_name_id"]), Some(org_id), "{out}");
    assert_eq!(out["org_by_name_city"], "Gent", "{out}");
    assert_eq!(out["org_by_name_country"], "BE", "{out}");
    assert_eq!(out["org_by_name_tax"], "BE0999999999", "{out}");
    assert_eq!(out["org_by_id_name"], "Data e2e", "{out}");
    assert_eq!(as_i64(&out["team_id"]), Some(team_id), "{out}");
    assert_eq!(as_i64(&out["team_by_name_id"]), Some(team_id), "{out}");
    assert_eq!(out["team_by_id_name"], "ops", "{out}");

    // Ids in data source state are id strings too.
    let ds = tf.attrs("data.level27_team.by_name");
    assert_eq!(state_id(&ds["id"]), Some(team_id), "{ds}");
    assert_eq!(state_id(&ds["organisation_id"]), Some(org_id), "{ds}");

    // The data sources add no change to the next plan.
    tf.assert_plan_empty("after apply with data sources");

    // A name that matches nothing is an error that names it.
    let missing = tf.fresh("data-missing");
    missing.write_main(&format!(
        r#"{REQUIRED_PROVIDERS}
provider "level27" {{
  api_url = "{url}"
  api_key = "{key}"
}}

data "level27_organisation" "nope" {{
  name = "No such organisation"
}}
"#,
        url = sb.api_url(),
        key = sb.key,
    ));
    let out = missing.run(&["plan"]).assert_failed();
    assert!(
        out.error_blocks()
            .iter()
            .any(|b| diagnostic_message(b).contains("No such organisation")),
        "the error must name what was looked for:\n{}",
        out.dump()
    );

    tf.destroy();
    let left = sb.organisations();
    assert_eq!(left.len(), FILLERS, "only the out-of-band organisations are left");
    assert!(left.iter().all(|o| o["id"] != serde_json::json!(org_id)));
}
