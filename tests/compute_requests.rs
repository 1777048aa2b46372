//! The request targets of systems, measured where the requests arrive (`/_sandbox/requests`):
//! refreshing a system is one GET, and a create that the API finishes after 5 s (`--async-ms
//! 5000`) is seen within a second of that with at most 10 polls. A create made to fail names the
//! system, its status and how to recover; a failed resize is a warning on every plan after it.

mod common;

use common::*;
use serde_json::json;

const ITEM: &str = "GET /v1/systems/{systemId}";

fn config() -> String {
    config_cpu(2)
}

fn config_cpu(cpu: u32) -> String {
    format!(
        r#"{header}
resource "level27_organisation" "acme" {{
  name       = "Requests compute"
  tax_number = "BE0999999999"
}}

resource "level27_vm" "web" {{
  organisation_id  = level27_organisation.acme.id
  name             = "web1"
  zone_id          = "20"
  image_id         = "12"
  configuration_id = "45"
  cpu              = {cpu}
  memory           = 4
  disk             = 60
  network_ids      = ["7"]
}}
"#,
        header = header()
    )
}

#[test]
fn create_is_seen_promptly_with_few_polls_and_refresh_is_one_get() {
    let sb = Sandbox::start_with(DEFAULT_KEY, &["--async-ms", "5000"]);
    let tf = Tf::new("compute-requests", &sb);
    tf.write_main(&config());
    tf.apply().assert_contains("2 added");
    let r = sb.requests();
    let arrivals = &r["arrivals"];
    let created = arrivals["POST /v1/systems"]["firstMs"]
        .as_u64()
        .unwrap_or_else(|| panic!("no create arrival: {r}"));
    let polls = &arrivals[ITEM];
    let (count, last) = (
        polls["count"].as_u64().unwrap_or(0),
        polls["lastMs"].as_u64().unwrap_or(0),
    );
    // The sandbox made the system `ok` 5000 ms after the create arrived (or a little later, as
    // it stamps the create once it handles it); the last poll is the one that saw it.
    assert!(count <= 10, "{count} polls of the system: {r}");
    assert!(last >= created + 5000, "the wait ended before the system was ok: {r}");
    assert!(
        last <= created + 6000,
        "the system was seen {} ms after it was ok: {r}",
        last - created - 5000
    );
    eprintln!("create: {count} polls, seen {} ms after ok", last - created - 5000);

    sb.reset_counters();
    tf.assert_plan_empty("after create");
    let counts = sb.api_request_counts();
    assert_eq!(counts.get(ITEM), Some(&1), "refresh reads the system once: {counts:?}");
    assert!(
        !counts.keys().any(|k| k.contains("/networks") || k.contains("/teams/")),
        "networks and teams come from the system's own answer: {counts:?}"
    );
    // The organisation's own refresh; a plan that changes nothing checks no id of the vm's.
    assert_eq!(
        counts.get("GET /v1/organisations/{organisationId}"),
        Some(&1),
        "{counts:?}"
    );
    tf.destroy();
}

#[test]
fn a_failed_create_names_the_system_its_status_and_how_to_recover() {
    let sb = Sandbox::start_with(DEFAULT_KEY, &["--async-ms", "300"]);
    let tf = Tf::new("compute-fail", &sb);
    let (st, v) = sb.request(
        "POST",
        "/_sandbox/fail-next",
        Some(json!({"kind": "system", "status": "creating_failed"})),
    );
    assert_eq!(st, 204, "{v}");
    tf.write_main(&config());
    let out = tf.run(&["apply", "-auto-approve"]).assert_failed();
    let systems = sb.list_all("/v1/systems", "systems");
    let id = systems[0]["id"].as_i64().unwrap_or_else(|| panic!("{systems:?}"));
    let flat = out.all().split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("creating_failed") && flat.contains(&id.to_string()),
        "{}",
        out.dump()
    );
    // Kept in state (tainted) so the next apply replaces it instead of losing it.
    assert_eq!(tf.id_of("level27_vm.web"), id);
    tf.assert_plan_changes("after a failed create")
        .assert_contains("tainted");
    tf.apply().assert_contains("1 added, 0 changed, 1 destroyed");

    // A resize the platform fails: the API already answers the new size, so applying again
    // plans nothing; the error says so, and every plan warns while the status stays failed.
    let id = tf.id_of("level27_vm.web");
    let (st, v) = sb.request(
        "POST",
        "/_sandbox/fail-next",
        Some(json!({"kind": "system", "status": "update_failed"})),
    );
    assert_eq!(st, 204, "{v}");
    tf.write_main(&config_cpu(3));
    let out = tf.run(&["apply", "-auto-approve"]).assert_failed();
    let flat = out.all().split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("update_failed") && flat.contains("next plan can show no change"),
        "{}",
        out.dump()
    );
    let plan = tf.assert_plan_empty("after a failed resize the API answers as done");
    let flat = plan.all().split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains(&format!("level27_vm {id} is in status \"update_failed\"")),
        "a plan with no change must still say the system needs repair:\n{}",
        plan.dump()
    );
    tf.destroy();
}

/// The API makes the vm but never answers about it: the create's connection drops after the
/// sandbox made it (the lookup by name finds it in the list, which leaves `customerFqdn` out, so
/// the provider reads it back), and that read answers 503 on every try the provider's retry
/// policy makes. The vm is kept as created, with a warning and no error, not tainted: the next
/// plan reads it and plans nothing, and nothing is created twice.
#[test]
fn a_vm_whose_read_back_goes_unanswered_is_kept_not_tainted() {
    let sb = Sandbox::start();
    let org = sb.create_organisation("Unread compute", "BE0888888881");
    // `max_retries = 2`: three reads, all failed.
    for (route, fault, count) in [("POST /v1/systems", "dropAfterProcessing", 1), (ITEM, "503", 3)] {
        let (st, v) = sb.request(
            "POST",
            "/_sandbox/fail-requests",
            Some(json!({"route": route, "fault": fault, "count": count})),
        );
        assert_eq!(st, 204, "{v}");
    }
    let tf = Tf::new("compute-unread", &sb);
    tf.write_main(&format!(
        r#"{REQUIRED_PROVIDERS}
provider "level27" {{
  max_retries = 2
}}

resource "level27_vm" "web" {{
  organisation_id  = "{org}"
  name             = "web1"
  fqdn             = "web1.acme.example"
  zone_id          = "20"
  image_id         = "12"
  configuration_id = "45"
  cpu              = 2
  memory           = 4
  disk             = 60
}}
"#
    ));
    let out = tf.apply();
    let systems = sb.list_all("/v1/systems", "systems");
    assert_eq!(systems.len(), 1, "made once: {systems:?}");
    let id = systems[0]["id"].as_i64().unwrap_or_else(|| panic!("{systems:?}"));
    let flat = out.all().split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains(&format!("Warning: level27_vm {id} created, but not read back")) && flat.contains("503"),
        "{}",
        out.dump()
    );
    let faults = sb.requests();
    assert_eq!(
        faults["faultsByRoute"][ITEM]["503"], 3,
        "read back on every try: {faults}"
    );
    let state = tf.state();
    let instance = &state["resources"][0]["instances"][0];
    assert_eq!(instance["attributes"]["id"], json!(id.to_string()), "{state}");
    assert_eq!(instance["attributes"]["fqdn"], "web1.acme.example", "{state}");
    assert!(instance["status"].is_null(), "not tainted: {state}");

    let plan = tf.assert_plan_empty("after a create kept without its read-back");
    plan.assert_not_contains("tainted");
    assert_eq!(sb.write_requests().get("POST /v1/systems"), Some(&1));
}
