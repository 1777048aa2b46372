//! What the provider sends, checked where it arrives: the exact request bodies the sandbox
//! recorded per route (`/_sandbox/bodies`), and every DELETE of a destroy counted per route, so
//! that neither a PATCH sending every field nor a destroy leaving teams to the API's cascade can
//! pass unnoticed.

mod common;

use common::*;
use serde_json::json;

const ORG_ROUTE: &str = "/v1/organisations/{organisationId}";
const TEAM_ROUTE: &str = "/v1/organisations/{organisationId}/teams/{teamId}";

/// An organisation with three teams: `main`, which the update renames, and two `extra` ones.
fn config(city: &str, team: &str) -> String {
    format!(
        r#"{header}
resource "level27_organisation" "acme" {{
  name         = "Bodies e2e"
  tax_number   = "BE0444444444"
  street       = "Kerkstraat"
  house_number = "12"
  zip          = "9000"
  city         = "{city}"
  country      = "BE"
}}

resource "level27_team" "main" {{
  organisation_id = level27_organisation.acme.id
  name            = "{team}"
}}

resource "level27_team" "extra" {{
  count           = 2
  organisation_id = level27_organisation.acme.id
  name            = "extra-${{count.index}}"
}}
"#,
        header = header()
    )
}

#[test]
fn updates_send_exactly_the_expected_bodies_and_destroy_deletes_every_team() {
    let sb = Sandbox::start();
    let tf = Tf::new("bodies", &sb);
    tf.write_main(&config("Gent", "ops"));
    tf.apply();
    let org = tf.id_of("level27_organisation.acme");
    let team = tf.id_of("level27_team.main");
    assert_eq!(sb.teams(org).len(), 3);
    // The creates sent what the configuration says, ids as numbers.
    let posts = sb.bodies_of("POST /v1/organisations/{organisationId}/teams");
    assert!(
        posts.contains(&json!({"name": "ops", "organisation": org})),
        "team POST bodies: {posts:?}"
    );

    // The city changes and the team is renamed: one PATCH with the changed field plus the two the
    // API requires on every PATCH, and one PUT with the team's whole current state.
    sb.reset_counters();
    tf.write_main(&config("Antwerpen", "ops-renamed"));
    tf.apply().assert_contains("0 added, 2 changed, 0 destroyed");
    assert_eq!(
        sb.bodies_of(&format!("PATCH {ORG_ROUTE}")),
        [json!({"city": "Antwerpen", "name": "Bodies e2e", "taxNumber": "BE0444444444"})],
        "the organisation's PATCH bodies"
    );
    assert_eq!(
        sb.bodies_of(&format!("PUT {TEAM_ROUTE}")),
        [json!({"name": "ops-renamed", "organisation": org, "adminOnly": false})],
        "the team's PUT bodies"
    );
    assert_eq!(
        sb.write_requests().keys().collect::<Vec<_>>(),
        [&format!("PATCH {ORG_ROUTE}"), &format!("PUT {TEAM_ROUTE}")],
        "no other write"
    );
    assert_eq!(sb.team(org, team).expect("team")["name"], "ops-renamed");

    // Destroy: each team is deleted by its own request, before the organisation, although
    // deleting the organisation alone would have removed them too (the sandbox cascades).
    sb.reset_counters();
    tf.destroy();
    let writes = sb.write_requests();
    assert_eq!(
        writes,
        [(format!("DELETE {ORG_ROUTE}"), 1), (format!("DELETE {TEAM_ROUTE}"), 3)]
            .into_iter()
            .collect(),
        "three team DELETEs and one organisation DELETE"
    );
    let arrivals = sb.requests()["arrivals"].clone();
    let ms = |route: &str, key: &str| {
        arrivals[route][key]
            .as_u64()
            .unwrap_or_else(|| panic!("no {key} for {route}: {arrivals}"))
    };
    assert!(
        ms(&format!("DELETE {TEAM_ROUTE}"), "lastMs") <= ms(&format!("DELETE {ORG_ROUTE}"), "firstMs"),
        "every team was deleted before its organisation: {arrivals}"
    );
    assert!(sb.organisation(org).is_none());
    assert!(sb.organisations().is_empty());
}
