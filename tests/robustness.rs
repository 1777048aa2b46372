//! An API that fails 30% of its requests (429 with Retry-After, 503, dropped connections): an
//! apply of 50 teams still finishes with exactly 50 teams, the next plan is empty, and destroy
//! removes them all. And `requests_per_second` really spaces requests out, as the sandbox sees
//! them arrive.

mod common;

use std::collections::BTreeSet;

use serde_json::Value;

use common::*;

/// The sandbox's fault sequences are per route, so with `--seed 7` the n-th POST of a team
/// meets the same fate in every run, however Terraform's parallel requests interleave. Among
/// the first 50 (every team needs at least one) are three drops after processing: each a team
/// created while the provider saw only a broken connection, which it must find again instead
/// of creating a duplicate. The assertion on `faultsByRoute` below proves that path ran.
const FLAKY: &[&str] = &["--fail-rate", "0.3", "--seed", "7"];
const TEAM_POSTS: &str = "POST /v1/organisations/{organisationId}/teams";

#[test]
fn fifty_teams_through_a_flaky_api() {
    let sb = Sandbox::start_with(DEFAULT_KEY, FLAKY);
    let tf = Tf::new("flaky", &sb);
    // max_retries = 10: with 30% of requests failing, the default 4 retries (5 attempts) leave
    // 0.3^5 ≈ 0.24% of requests failing for good, and this apply makes a few hundred of them,
    // so a run would fail now and then for a reason the test is not about; 0.3^11 never does.
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
    let state_ids: BTreeSet<i64> = in_state.iter().filter_map(|a| state_id(&a["id"])).collect();
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
    let counts = sb.requests();
    eprintln!("faults injected so far: {faults}; {counts}");
    assert!(faults >= 10, "the sandbox injected only {faults} faults");
    // The lost-create path ran: some team POSTs were processed and then never answered, and
    // still there are exactly 50 teams (checked above).
    let lost_creates = counts["faultsByRoute"][TEAM_POSTS]["dropAfterProcessing"]
        .as_u64()
        .unwrap_or(0);
    assert!(
        lost_creates >= 1,
        "no team POST was dropped after processing, so reconciliation was not exercised: {counts}"
    );

    tf.assert_plan_empty("after apply through a flaky API");

    tf.destroy().assert_contains("51 destroyed");
    assert!(sb.organisations().is_empty(), "organisations left after destroy");
}

/// `requests_per_second` is one budget shared by all of Terraform's parallel calls: at 5 requests
/// per second, the 10 POSTs of an organisation and 9 teams (created 9 at a time) reach the API
/// at least (10 - 1) / 5 = 1.8 s apart from first to last. Measured where they arrive (the
/// sandbox's `arrivals`), not as the apply's wall time: without a limiter the 9 parallel
/// creates arrive within moments of each other however slow or fast the machine is.
#[test]
fn request_rate_is_shared_by_parallel_creates() {
    const RATE: u64 = 5;
    let sb = Sandbox::start();
    let tf = Tf::new("rate", &sb);
    tf.write_main(&format!(
        r#"{REQUIRED_PROVIDERS}
provider "level27" {{
  requests_per_second = {RATE}
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
    tf.apply();
    assert_eq!(sb.teams(tf.id_of("level27_organisation.rate")).len(), 9);

    let counts = sb.requests();
    let arrivals = counts["arrivals"]
        .as_object()
        .unwrap_or_else(|| panic!("no arrivals in /_sandbox/requests: {counts}"));
    let posts: Vec<&Value> = arrivals
        .iter()
        .filter(|(route, _)| route.starts_with("POST "))
        .map(|(_, seen)| seen)
        .collect();
    let field = |seen: &Value, key: &str| {
        seen[key]
            .as_u64()
            .unwrap_or_else(|| panic!("no numeric {key} in {seen}"))
    };
    let n: u64 = posts.iter().map(|seen| field(seen, "count")).sum();
    assert_eq!(n, 10, "one organisation and 9 team POSTs: {counts}");
    let first = posts.iter().map(|seen| field(seen, "firstMs")).min().unwrap_or(0);
    let last = posts.iter().map(|seen| field(seen, "lastMs")).max().unwrap_or(0);
    // The limiter spaces the sends exactly; 150 ms absorbs the first request arriving late.
    let at_least = (n - 1) * 1000 / RATE - 150;
    assert!(
        last - first >= at_least,
        "{n} POSTs at {RATE} per second arrived within {} ms (expected at least {at_least} ms): {counts}",
        last - first
    );
}
