//! An API that fails 30% of its requests (429 with Retry-After, 503, dropped connections): an
//! apply of 50 teams still finishes with exactly 50 teams, the next plan is empty, and destroy
//! removes them all.

mod common;

use std::collections::BTreeSet;

use common::*;

#[test]
fn fifty_teams_through_a_flaky_api() {
    let sb = Sandbox::start_with(DEFAULT_KEY, &["--fail-rate", "0.3", "--seed", "7"]);
    let tf = Tf::new("flaky", &sb);
    tf.write_main(&format!(
        r#"{REQUIRED_PROVIDERS}
provider "level27" {{
  max_retries = 10
}}

resource "level27_organisation" "flaky" {{
  name       = "Flaky e2e"
  tax_number = "BE0555555555"
}}

resource "level27_team" "t" {{
  count           = 50
  organisation_id = level27_organisation.flaky.id
  name            = "team-${{count.index}}"
}}
"#
    ));
    tf.apply().assert_contains("51 added, 0 changed, 0 destroyed");

    let org = tf.id_of("level27_organisation.flaky");
    let in_state = tf.instances("level27_team.t");
    assert_eq!(in_state.len(), 50, "50 teams in state");
    let state_ids: BTreeSet<i64> = in_state.iter().filter_map(|a| a["id"].as_i64()).collect();
    assert_eq!(state_ids.len(), 50, "50 distinct numeric ids in state");

    let orgs = sb.organisations();
    assert_eq!(orgs.len(), 1, "exactly one organisation: {orgs:?}");
    let teams = sb.teams(org);
    assert_eq!(teams.len(), 50, "exactly 50 teams in the sandbox");
    let names: BTreeSet<String> = teams
        .iter()
        .map(|t| t["name"].as_str().unwrap_or_default().to_string())
        .collect();
    let expected: BTreeSet<String> = (0..50).map(|i| format!("team-{i}")).collect();
    assert_eq!(names, expected, "50 distinct names, team-0..team-49");
    let api_ids: BTreeSet<i64> = teams.iter().filter_map(|t| as_i64(&t["id"])).collect();
    assert_eq!(api_ids, state_ids, "state ids are the sandbox's ids");

    let faults = sb.total_faults();
    eprintln!("faults injected so far: {faults}; {}", sb.requests());
    assert!(faults >= 10, "the sandbox injected only {faults} faults");

    tf.assert_plan_empty("after apply through a flaky API");

    tf.destroy().assert_contains("51 destroyed");
    assert!(sb.organisations().is_empty(), "organisations left after destroy");
}

/// `requests_per_second` is one budget shared by all of Terraform's parallel calls: an apply of an
/// organisation and 9 teams (created 9 at a time) at 5 requests per second takes at least
/// (10 - 1) / 5 = 1.8 s, where it takes a fraction of that without the limit.
#[test]
fn request_rate_is_shared_by_parallel_creates() {
    let sb = Sandbox::start();
    let tf = Tf::new("rate", &sb);
    tf.write_main(&format!(
        r#"{REQUIRED_PROVIDERS}
provider "level27" {{
  requests_per_second = 5
}}

resource "level27_organisation" "rate" {{
  name       = "Rate e2e"
  tax_number = "BE0666666666"
}}

resource "level27_team" "t" {{
  count           = 9
  organisation_id = level27_organisation.rate.id
  name            = "team-${{count.index}}"
}}
"#
    ));
    let out = tf.apply();
    let requests = sb.api_requests();
    assert!(requests >= 10, "{}", sb.requests());
    assert!(
        out.elapsed >= std::time::Duration::from_millis(1700),
        "{requests} requests at 5 per second took only {:?}",
        out.elapsed
    );
    assert_eq!(sb.teams(tf.id_of("level27_organisation.rate")).len(), 9);
}
