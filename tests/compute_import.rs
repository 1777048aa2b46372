//! Systems made outside Terraform: `import {}` blocks with `-generate-config-out` planning clean,
//! an import under the wrong resource type naming the right one, drift (an out-of-band resize and
//! network change, an out-of-band delete), bad input rejected at plan with zero writes, and a
//! `moved {}` from Level27's own provider's `level27_system` with a state in that provider's
//! schema.

mod common;

use common::*;
use serde_json::{json, Value};

/// A system made through the API, as the panel would: returns its id.
fn make_system(sb: &Sandbox, org: i64, body: Value) -> i64 {
    let mut body = body;
    body["organisation"] = json!(org);
    let v = sb.post_ok("/v1/systems", body);
    v["system"]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("no system id in {v}"))
}

fn vm_body(name: &str) -> Value {
    json!({"name": name, "type": "kvmguest", "zone": 20, "systemimage": 12, "systemproviderConfiguration": 45,
           "cpu": 2, "memory": 4, "disk": 60, "managementType": "pro", "autoNetworks": [7, 9]})
}

#[test]
fn import_generate_config_wrong_type_and_drift() {
    let sb = Sandbox::start();
    let org = sb.create_organisation("Import compute", "BE0666666666");
    let vm = make_system(&sb, org, vm_body("web9"));
    let bm = make_system(
        &sb,
        org,
        json!({"name": "db9", "type": "baremetal", "zone": 20, "systemimage": 12, "systemproviderConfiguration": 50}),
    );
    let tf = Tf::new("compute-import", &sb);
    if !tf.terraform.has_import_blocks() {
        skip_step(
            "import_generate_config_wrong_type_and_drift",
            "import {} blocks",
            "needs Terraform >= 1.5",
        );
        return;
    }

    // The wrong type: a baremetal system imported as a vm is an error naming level27_baremetal.
    tf.write_main(&format!(
        "{}\nimport {{\n  to = level27_vm.wrong\n  id = \"{bm}\"\n}}\n",
        header()
    ));
    let out = tf.run(&["plan", "-generate-config-out=wrong.tf"]).assert_failed();
    out.assert_contains("level27_baremetal")
        .assert_contains(&bm.to_string());
    tf.remove("wrong.tf");

    // Both imported with generated configuration, which then plans clean.
    tf.write_main(&format!(
        "{}\nimport {{\n  to = level27_vm.web\n  id = \"{vm}\"\n}}\nimport {{\n  to = level27_baremetal.db\n  id = \"{bm}\"\n}}\n",
        header()
    ));
    tf.run(&["plan", "-generate-config-out=generated.tf"]).assert_ok();
    let hcl = tf.read("generated.tf");
    for needle in [
        "resource \"level27_vm\" \"web\"",
        "resource \"level27_baremetal\" \"db\"",
        "\"web9\"",
        "network_ids",
    ] {
        assert!(hcl.contains(needle), "generated.tf lacks {needle}:\n{hcl}");
    }
    assert!(!hcl.contains("vnc"), "{hcl}");
    tf.apply()
        .assert_contains("2 imported, 0 added, 0 changed, 0 destroyed");
    let a = tf.attrs("level27_vm.web");
    assert_eq!(a["network_ids"], json!(["7", "9"]), "{a}");
    assert_eq!(
        (a["disk"].clone(), a["power_state"].clone()),
        (json!(60), json!("running")),
        "{a}"
    );
    tf.assert_plan_empty("after importing with generated configuration");

    // Drift: resized and a network unlinked in the panel; the plan puts both back in place.
    sb.put_ok(
        &format!("/v1/systems/{vm}"),
        json!({"name": "web9", "cpu": 3, "memory": 4, "disk": 60, "systemimage": 12, "organisation": org,
               "systemproviderConfiguration": 45, "zone": 20, "managementType": "pro"}),
    );
    let links = sb.get_ok(&format!("/v1/systems/{vm}/networks"));
    let link = links["systemHasNetworks"]
        .as_array()
        .and_then(|l| l.iter().find(|l| l["network"]["id"] == 9))
        .map(|l| l["id"].clone())
        .unwrap_or_else(|| panic!("no link to network 9: {links}"));
    sb.delete_ok(&format!("/v1/systems/{vm}/networks/{link}"));
    let plan = tf.assert_plan_changes("after an out-of-band resize and unlink");
    plan.assert_contains("3 -> 2")
        .assert_contains("0 to add, 1 to change, 0 to destroy");
    tf.apply().assert_contains("0 added, 1 changed, 0 destroyed");
    let s = sb.get_ok(&format!("/v1/systems/{vm}"))["system"].clone();
    assert_eq!(s["cpu"], 2, "{s}");
    assert_eq!(s["networks"].as_array().map(Vec::len), Some(2), "{s}");
    tf.assert_plan_empty("after repairing the drift");

    // Deleted in the panel: planned as a create.
    sb.delete_ok(&format!("/v1/systems/{bm}"));
    let plan = tf.assert_plan_changes("after an out-of-band delete");
    plan.assert_contains("level27_baremetal.db will be created");
    tf.destroy();
}

fn bad_static() -> String {
    format!(
        r#"{header}
resource "level27_vm" "bad" {{
  organisation_id  = "1000"
  name             = ""
  fqdn             = "not a host name!"
  zone_id          = "zone-20"
  image_id         = "12"
  configuration_id = "45"
  cpu              = 2
  memory           = 4
  disk             = 60
  management_type  = "gold"
  power_state      = "paused"
  timeouts {{
    delete = "0s"
  }}
}}
"#,
        header = header()
    )
}

fn bad_limits(org: i64) -> String {
    format!(
        r#"{header}
resource "level27_vm" "big" {{
  organisation_id  = "{org}"
  name             = "big"
  zone_id          = "20"
  image_id         = "12"
  configuration_id = "45"
  cpu              = 64
  memory           = 512
  disk             = 10
}}

resource "level27_vm" "small" {{
  organisation_id  = "{org}"
  name             = "small"
  zone_id          = "20"
  image_id         = "12"
  configuration_id = "42"
  cpu              = 2
  memory           = 2
  disk             = 30
}}

resource "level27_vm" "elsewhere" {{
  organisation_id  = "{org}"
  name             = "elsewhere"
  zone_id          = "20"
  image_id         = "22"
  configuration_id = "45"
  cpu              = 2
  memory           = 4
  disk             = 60
}}

resource "level27_baremetal" "apart" {{
  organisation_id  = "{org}"
  name             = "apart"
  zone_id          = "21"
  image_id         = "12"
  configuration_id = "50"
  network_ids      = ["7", "9"]
}}

resource "level27_vm" "hardware" {{
  organisation_id  = "{org}"
  name             = "hardware"
  zone_id          = "20"
  image_id         = "12"
  configuration_id = "50"
  cpu              = 8
  memory           = 32
  disk             = 480
}}

resource "level27_baremetal" "virtual" {{
  organisation_id  = "{org}"
  name             = "virtual"
  zone_id          = "20"
  image_id         = "12"
  configuration_id = "45"
}}

resource "level27_baremetal" "nowhere" {{
  organisation_id  = "{org}"
  name             = "nowhere"
  zone_id          = "999"
  image_id         = "12"
  configuration_id = "998"
}}

resource "level27_vm" "stray" {{
  organisation_id  = "999"
  name             = "stray"
  zone_id          = "20"
  image_id         = "12"
  configuration_id = "45"
  cpu              = 2
  memory           = 4
  disk             = 60
  team_ids         = ["996"]
}}

resource "level27_vm" "linked" {{
  organisation_id  = "{org}"
  name             = "linked"
  zone_id          = "20"
  image_id         = "12"
  configuration_id = "45"
  cpu              = 2
  memory           = 4
  disk             = 60
  network_ids      = ["7", "998"]
  team_ids         = ["997"]
}}
"#,
        header = header()
    )
}

#[track_caller]
fn error_on(out: &Output, attribute: &str, text: &str) {
    error_on_type(out, "level27_vm", attribute, text);
}

#[track_caller]
fn error_on_type(out: &Output, resource_type: &str, attribute: &str, text: &str) {
    let found = out.error_blocks().into_iter().any(|b| {
        // Terraform wraps long details: compare with the whitespace collapsed.
        let flat = b.split_whitespace().collect::<Vec<_>>().join(" ");
        flat.starts_with(&format!("Error: Invalid {attribute} with {resource_type}.")) && flat.contains(text)
    });
    assert!(found, "no error on {attribute} saying {text:?}:\n{}", out.dump());
}

#[test]
fn bad_input_is_rejected_at_plan_with_zero_writes() {
    let sb = Sandbox::start();
    let org = sb.create_organisation("Bad compute", "BE0777777777");
    sb.reset_counters();
    let tf = Tf::new("compute-bad", &sb);

    tf.write_main(&bad_static());
    let out = tf.plan();
    assert!(!out.success(), "{}", out.dump());
    error_on(&out, "name", "must not be empty");
    error_on(&out, "fqdn", "not a host name!");
    error_on(&out, "zone_id", "zone-20");
    error_on(&out, "management_type", "gold");
    error_on(&out, "power_state", "paused");
    // A zero timeout would send the delete, then fail at once without waiting for it.
    // Its summary names the block: "Invalid timeouts.delete", not a bare "Invalid delete".
    error_on(&out, "timeouts.delete", "timeouts.delete must be longer than zero");

    // Limits only the API knows: cpu above the configuration's maximum, memory above it (and
    // above the zone's), the disk below its minimum; a fixed-size configuration's cpu; a
    // baremetal server's zone and configuration that do not exist; an image of another region.
    tf.write_main(&bad_limits(org));
    let out = tf.plan();
    assert!(!out.success(), "{}", out.dump());
    error_on(
        &out,
        "cpu",
        "cpu = 64 is outside the limits of configuration_id \"Flexible\": it must be between 1 and 32",
    );
    error_on(&out, "memory", "between 1 and 256");
    // The zone's limits too (nested in its region in `GET /regions`).
    error_on(
        &out,
        "memory",
        "outside the limits of zone_id \"Brussel Interxion 2 (IX2)\"",
    );
    error_on(&out, "disk", "between 30 and 1000");
    error_on(
        &out,
        "cpu",
        "cpu = 2 is outside the limits of configuration_id \"Small\"",
    );
    // An image of another region (nl's Ubuntu in a Brussels zone).
    error_on(
        &out,
        "image_id",
        "image_id = \"22\" is not one of the images of region \"be\", where zone_id \"20\" is: they are 12 (ubuntu_2404lts_server)",
    );
    // A network that exists but not in the system's zone (a customer network of IX2 for a
    // server in IX1); the public network, in both, passes.
    error_on_type(
        &out,
        "level27_baremetal",
        "network_ids",
        "network_ids: network 9 is not available in zone_id \"21\" (GET /networks/9 lists zones 20)",
    );
    out.assert_not_contains("network 7 is not");
    // A baremetal server's zone and configuration must exist too, though it has no size.
    error_on_type(&out, "level27_baremetal", "zone_id", "zone_id = \"999\" names nothing");
    error_on_type(
        &out,
        "level27_baremetal",
        "configuration_id",
        "configuration_id = \"998\" names nothing",
    );
    // A configuration of the other kind: baremetal hardware for a vm (its size fits the
    // hardware, so only the kind is wrong), a vm's configuration for a baremetal server. Each
    // error names those that fit and where to find them.
    error_on(
        &out,
        "configuration_id",
        "configuration_id = \"50\" (Baremetal S) is not a configuration for a vm (baremetal hardware is for `level27_baremetal`); those that are: 42 (Small), 43 (Medium), 44 (Large), 45 (Flexible) (see data \"level27_system_configurations\")",
    );
    error_on_type(
        &out,
        "level27_baremetal",
        "configuration_id",
        "configuration_id = \"45\" (Flexible) is not baremetal hardware (a vm's configuration is for `level27_vm`); those that are: 50 (Baremetal S), 51 (Baremetal L) (see data \"level27_system_configurations\")",
    );
    out.assert_not_contains("outside the limits of configuration_id \"Baremetal S\"");
    // Ids that name nothing: an organisation (whose teams are then not said to be missing too),
    // a network, a team of the organisation.
    error_on(&out, "organisation_id", "organisation_id: no organisation 999 (");
    error_on(&out, "network_ids", "network_ids: no network 998 (");
    error_on(&out, "team_ids", "team_ids: no team 997 (");
    out.assert_not_contains("no team 996");
    // Each object looked up once, however many resources name it: two organisations for nine
    // systems, the networks 7, 9 and 998, the teams 996 (of 999) and 997.
    let counts = sb.api_request_counts();
    for (route, lookups) in [
        ("GET /v1/organisations/{organisationId}", 2),
        ("GET /v1/networks/{networkId}", 3),
        ("GET /v1/organisations/{organisationId}/teams/{teamId}", 2),
    ] {
        assert_eq!(counts.get(route), Some(&lookups), "{route}: {counts:?}");
    }
    assert!(
        sb.write_requests().is_empty(),
        "nothing may be written: {:?}",
        sb.write_requests()
    );
}

/// A `level27_system` as Level27's own (plugin-framework) provider stores it, for the system `id`.
fn level27_system_state(id: i64, org: i64) -> String {
    let state = json!({
        "version": 4,
        "terraform_version": "1.11.4",
        "serial": 1,
        "lineage": "6a1c2b0e-0000-4000-8000-000000000001",
        "outputs": {},
        "resources": [{
            "mode": "managed",
            "type": "level27_system",
            "name": "web",
            "provider": "provider[\"registry.terraform.io/level27/level27\"]",
            "instances": [{
                "schema_version": 0,
                "attributes": {
                    "id": id, "name": "web8", "customer_fqdn": null, "type": "kvmguest",
                    "organisation_id": org, "systemimage_id": 12, "systemprovider_configuration_id": 45,
                    "zone_id": 20, "cpu": 2, "memory": 4, "disk": 60, "management_type": "pro",
                    "period": 1, "external_info": null, "parentsystem_id": null, "status": "ok",
                    "status_category": "green", "networks": {"level27_public": "auto"}, "auto_install": true
                },
                "sensitive_attributes": []
            }]
        }],
        "check_results": null
    });
    serde_json::to_string_pretty(&state).unwrap_or_default()
}

#[test]
fn moved_from_level27s_own_level27_system() {
    let sb = Sandbox::start();
    let org = sb.create_organisation("Moved compute", "BE0888888888");
    let vm = make_system(&sb, org, vm_body("web8"));
    let tf = Tf::new("compute-moved", &sb);
    if tf.terraform.version < (1, 8, 0) {
        skip_step(
            "moved_from_level27s_own_level27_system",
            "moved {}",
            "needs Terraform >= 1.8",
        );
        return;
    }
    tf.write("terraform.tfstate", &level27_system_state(vm, org));
    tf.write_main(&format!(
        r#"{header}
moved {{
  from = level27_system.web
  to   = level27_vm.web
}}

resource "level27_vm" "web" {{
  organisation_id  = "{org}"
  name             = "web8"
  zone_id          = "20"
  image_id         = "12"
  configuration_id = "45"
  cpu              = 2
  memory           = 4
  disk             = 60
  management_type  = "pro"
  network_ids      = ["7", "9"]
}}
"#,
        header = header()
    ));
    sb.reset_counters();
    // A move alone is a change to the state (exit code 2), with nothing to do in the API.
    let out = tf.plan();
    out.assert_contains("0 to add, 0 to change, 0 to destroy");
    out.assert_not_contains("will be created")
        .assert_not_contains("will be destroyed");
    tf.apply().assert_contains("0 added, 0 changed, 0 destroyed");
    assert_eq!(tf.id_of("level27_vm.web"), vm);
    assert!(!tf.in_state("level27_system.web"));
    let a = tf.attrs("level27_vm.web");
    assert_eq!(
        a["network_ids"],
        json!(["7", "9"]),
        "networks (names only in that state) are read after the move: {a}"
    );
    assert_eq!(a["power_state"], "running", "{a}");
    assert!(
        sb.write_requests().is_empty(),
        "a move writes nothing: {:?}",
        sb.write_requests()
    );
    tf.assert_plan_empty("after the move");
}
