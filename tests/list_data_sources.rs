//! List data sources `level27_organisations` and `level27_teams`: every item is listed, past the
//! API's default page of 5, and a `name` filter keeps exactly the items of that name although the
//! API's own `filter` (a substring match in the sandbox) returns more than a page of them.

mod common;

use common::*;
use serde_json::Value;

/// `indexed`: also read an item by index (`teams[0]`), which Terraform 1.0 rejects for nested
/// attributes at validation ("This value does not have any indices"); splats work everywhere.
fn config(indexed: bool) -> String {
    let indexed = if indexed {
        "output \"web_first_name\" { value = data.level27_teams.web.teams[0].name }"
    } else {
        ""
    };
    format!(
        r#"{header}
resource "level27_organisation" "acme" {{
  name       = "List e2e"
  tax_number = "BE0888888888"
}}

# "web" and "web-0" … "web-6": a substring filter on "web" returns all eight, more than a page.
resource "level27_team" "web" {{
  count           = 7
  organisation_id = level27_organisation.acme.id
  name            = "web-${{count.index}}"
}}

resource "level27_team" "exact" {{
  organisation_id = level27_organisation.acme.id
  name            = "web"
}}

resource "level27_team" "ops" {{
  organisation_id = level27_organisation.acme.id
  name            = "ops"
}}

data "level27_teams" "all" {{
  organisation_id = level27_organisation.acme.id
  depends_on      = [level27_team.web, level27_team.exact, level27_team.ops]
}}

data "level27_teams" "web" {{
  organisation_id = level27_organisation.acme.id
  name            = "web"
  depends_on      = [level27_team.web, level27_team.exact, level27_team.ops]
}}

data "level27_teams" "none" {{
  organisation_id = level27_organisation.acme.id
  name            = "nobody"
  depends_on      = [level27_team.web, level27_team.exact, level27_team.ops]
}}

data "level27_organisations" "all" {{
  depends_on = [level27_organisation.acme]
}}

data "level27_organisations" "acme" {{
  name       = "List e2e"
  depends_on = [level27_organisation.acme]
}}

output "team_names" {{ value = sort(data.level27_teams.all.teams[*].name) }}
output "team_ids" {{ value = sort(data.level27_teams.all.teams[*].id) }}
output "web_ids" {{ value = data.level27_teams.web.teams[*].id }}
output "web_admin_only" {{ value = one(data.level27_teams.web.teams[*].admin_only) }}
{indexed}
output "none_count" {{ value = length(data.level27_teams.none.teams) }}
output "org_names" {{ value = sort(data.level27_organisations.all.organisations[*].name) }}
output "acme" {{ value = data.level27_organisations.acme.organisations }}
"#,
        header = header()
    )
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not a list: {v}"))
        .iter()
        .map(|s| s.as_str().unwrap_or_else(|| panic!("not a string: {s}")).to_string())
        .collect()
}

#[test]
fn list_data_sources_list_every_page_and_filter_exactly() {
    scenario("lists", Terraform::default_bin());
}

/// Nested attributes in a data source's schema (the plural list) also work on Terraform 1.0.
#[test]
fn list_data_sources_terraform_1_0() {
    if let Some(tf) = Terraform::v1_0("list_data_sources_terraform_1_0") {
        scenario("lists-tf10", tf);
    }
}

fn scenario(label: &str, terraform: Terraform) {
    let sb = Sandbox::start();
    // Organisations created out of band, some whose names contain "List e2e": the list of all
    // organisations spans two pages of 5, and the name filter must not keep them.
    for i in 0..6 {
        sb.create_organisation(&format!("List e2e {i}"), &format!("BE00000002{i}"));
    }

    let indexed = terraform.version >= (1, 1, 0);
    let tf = Tf::with(label, terraform, Some(&sb));
    tf.write_main(&config(indexed));
    tf.apply();

    let org_id = tf.id_of("level27_organisation.acme");
    let out = tf.outputs();

    let mut want_teams: Vec<String> = (0..7).map(|i| format!("web-{i}")).collect();
    want_teams.extend(["ops".to_string(), "web".to_string()]);
    want_teams.sort();
    assert_eq!(strings(&out["team_names"]), want_teams, "{out}");
    let mut want_ids: Vec<String> = sb
        .teams(org_id)
        .iter()
        .map(|t| t["id"].as_i64().expect("team id").to_string())
        .collect();
    want_ids.sort();
    assert_eq!(strings(&out["team_ids"]), want_ids, "ids as the API has them: {out}");

    let exact = tf.id_of("level27_team.exact");
    assert_eq!(strings(&out["web_ids"]), vec![exact.to_string()], "{out}");
    assert_eq!(out["web_admin_only"], false, "{out}");
    if indexed {
        assert_eq!(out["web_first_name"], "web", "{out}");
    }
    assert_eq!(out["none_count"], 0, "no match is an empty list: {out}");

    let mut want_orgs: Vec<String> = (0..6).map(|i| format!("List e2e {i}")).collect();
    want_orgs.push("List e2e".to_string());
    want_orgs.sort();
    assert_eq!(strings(&out["org_names"]), want_orgs, "{out}");
    let acme = out["acme"].as_array().expect("acme list");
    assert_eq!(acme.len(), 1, "{out}");
    assert_eq!(state_id(&acme[0]["id"]), Some(org_id), "{out}");
    assert_eq!(acme[0]["tax_number"], "BE0888888888", "{out}");

    // The list data sources add no change to the next plan.
    tf.assert_plan_empty("after apply with list data sources");

    // A missing required argument is reported at plan time, naming it.
    let bad = tf.fresh("lists-bad");
    bad.write_main(&format!("{}\ndata \"level27_teams\" \"x\" {{}}\n", header()));
    let failed = bad.run(&["plan"]).assert_failed();
    assert!(
        failed.all().contains("organisation_id"),
        "the error must name the missing argument:\n{}",
        failed.dump()
    );

    tf.destroy();
}
