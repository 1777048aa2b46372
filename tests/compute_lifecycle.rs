//! `level27_vm` and `level27_baremetal` end to end against a sandbox whose systems take time
//! (`--async-ms`): create (networks through `autoNetworks`, power state reached), read back, an
//! empty plan, an in-place update of every updatable attribute (a resize, networks changed by
//! difference, power off with baremetal's shutdown falling back to stop), a replacement where
//! the API cannot change a value (disk), destroy. Runs under the default Terraform and the
//! Terraform 1.0.3 lifecycle (`TERRAFORM_1_0`).

mod common;

use common::*;
use serde_json::{json, Value};

const SYSTEMS: &str = "/v1/systems";
const SYSTEM: &str = "/v1/systems/{systemId}";

struct Vm<'a> {
    team: &'a str,
    name: &'a str,
    fqdn: &'a str,
    cpu: u32,
    memory: u32,
    disk: u32,
    management: &'a str,
    networks: &'a str,
    power: &'a str,
}

fn config(vm: &Vm, bm_power: &str) -> String {
    format!(
        r#"{header}
resource "level27_organisation" "acme" {{
  name       = "Compute e2e"
  tax_number = "BE0555555555"
}}

resource "level27_team" "ops" {{
  organisation_id = level27_organisation.acme.id
  name            = "ops"
}}

resource "level27_team" "dev" {{
  organisation_id = level27_organisation.acme.id
  name            = "dev"
}}

resource "level27_vm" "web" {{
  organisation_id  = level27_organisation.acme.id
  team_ids         = [level27_team.{team}.id]
  name             = "{name}"
  fqdn             = "{fqdn}"
  zone_id          = "20"
  image_id         = "12"
  configuration_id = "45"
  cpu              = {cpu}
  memory           = {memory}
  disk             = {disk}
  management_type  = "{management}"
  network_ids      = [{networks}]
  power_state      = "{power}"
  timeouts {{
    create = "5m"
  }}
}}

resource "level27_baremetal" "db" {{
  organisation_id  = level27_organisation.acme.id
  name             = "db1"
  zone_id          = "20"
  image_id         = "12"
  configuration_id = "50"
  network_ids      = ["8"]
  power_state      = "{bm_power}"
}}
"#,
        header = header(),
        team = vm.team,
        name = vm.name,
        fqdn = vm.fqdn,
        cpu = vm.cpu,
        memory = vm.memory,
        disk = vm.disk,
        management = vm.management,
        networks = vm.networks,
        power = vm.power,
    )
}

const FIRST: Vm = Vm {
    team: "ops",
    name: "web1",
    fqdn: "web1.acme.example",
    cpu: 2,
    memory: 4,
    disk: 60,
    management: "pro",
    networks: r#""7""#,
    power: "running",
};

fn system(sb: &Sandbox, id: i64) -> Value {
    sb.get_ok(&format!("/v1/systems/{id}"))["system"].clone()
}

fn network_ids(system: &Value) -> Vec<i64> {
    let mut ids: Vec<i64> = system["networks"]
        .as_array()
        .map(|a| a.iter().filter_map(|n| n["networkId"].as_i64()).collect())
        .unwrap_or_default();
    ids.sort();
    ids
}

fn scenario(terraform: Terraform) {
    let sb = Sandbox::start_with(DEFAULT_KEY, &["--async-ms", "400"]);
    let tf = Tf::with("compute", terraform, Some(&sb));

    // Create: both systems, their networks given at create, running.
    tf.write_main(&config(&FIRST, "running"));
    tf.apply().assert_contains("5 added, 0 changed, 0 destroyed");
    let org = tf.id_of("level27_organisation.acme");
    let vm = tf.id_of("level27_vm.web");
    let bm = tf.id_of("level27_baremetal.db");
    let (ops, dev) = (tf.id_of("level27_team.ops"), tf.id_of("level27_team.dev"));
    let posts = sb.bodies_of(&format!("POST {SYSTEMS}"));
    let vm_post = posts.iter().find(|b| b["name"] == "web1").expect("vm POST body");
    assert_eq!(vm_post["type"], "kvmguest", "{vm_post}");
    assert_eq!(vm_post["autoNetworks"], json!([7]), "{vm_post}");
    assert_eq!(vm_post["organisation"], json!(org), "{vm_post}");
    assert_eq!(
        vm_post["autoTeams"],
        json!(ops.to_string()),
        "teams given at create: {vm_post}"
    );
    let bm_post = posts.iter().find(|b| b["name"] == "db1").expect("baremetal POST body");
    assert_eq!(bm_post["type"], "baremetal", "{bm_post}");
    assert!(
        bm_post.get("cpu").is_none(),
        "baremetal hardware comes from its configuration: {bm_post}"
    );

    let a = tf.attrs("level27_vm.web");
    assert_eq!(
        (a["cpu"].clone(), a["memory"].clone(), a["disk"].clone()),
        (json!(2), json!(4), json!(60)),
        "{a}"
    );
    assert_eq!(a["network_ids"], json!(["7"]), "{a}");
    assert_eq!(a["power_state"], "running", "{a}");
    assert_eq!(a["fqdn"], "web1.acme.example", "{a}");
    let b = tf.attrs("level27_baremetal.db");
    assert_eq!(
        (b["cpu"].clone(), b["memory"].clone(), b["disk"].clone()),
        (json!(8), json!(32), json!(480)),
        "{b}"
    );
    assert!(
        !tf.state_text().contains("vnc-Secret"),
        "the console password the API answers must never reach state"
    );
    assert_eq!(system(&sb, vm)["status"], "ok");
    assert_eq!(system(&sb, vm)["teams"], json!([{"id": ops, "name": "ops"}]));
    assert_eq!(a["team_ids"], json!([ops.to_string()]), "{a}");
    assert_eq!(system(&sb, vm)["type"], "kvmguest");
    assert_eq!(system(&sb, bm)["type"], "baremetal");
    tf.assert_plan_empty("after create");

    // Every updatable attribute in place: names, resize, management, networks by difference,
    // power off (a baremetal refuses shutdown: stop).
    sb.reset_counters();
    let second = Vm {
        team: "dev",
        name: "web1-renamed",
        fqdn: "www.acme.example",
        cpu: 4,
        memory: 8,
        management: "infra",
        networks: r#""8", "9""#,
        power: "stopped",
        ..FIRST
    };
    tf.write_main(&config(&second, "stopped"));
    tf.apply().assert_contains("0 added, 2 changed, 0 destroyed");
    let s = system(&sb, vm);
    assert_eq!(
        (
            s["name"].clone(),
            s["customerFqdn"].clone(),
            s["cpu"].clone(),
            s["memory"].clone()
        ),
        (json!("web1-renamed"), json!("www.acme.example"), json!(4), json!(8)),
        "{s}"
    );
    assert_eq!(s["managementType"], "infra");
    assert_eq!(s["runningStatus"], "stopped");
    assert_eq!(s["type"], "kvmguest", "PUT never loses what it does not take");
    assert_eq!(network_ids(&s), vec![8, 9]);
    assert_eq!(
        s["teams"],
        json!([{"id": dev, "name": "dev"}]),
        "team links changed in place: {s}"
    );
    assert_eq!(system(&sb, bm)["runningStatus"], "stopped");
    let puts = sb.bodies_of(&format!("PUT {SYSTEM}"));
    let vm_put = puts.iter().find(|b| b["name"] == "web1-renamed").expect("vm PUT body");
    for (field, want) in [
        ("systemimage", json!(12)),
        ("systemproviderConfiguration", json!(45)),
        ("zone", json!(20)),
    ] {
        assert_eq!(vm_put[field], want, "PUT resends the non-editable {field}: {vm_put}");
    }
    assert!(
        vm_put.get("autoNetworks").is_none() && vm_put.get("type").is_none(),
        "{vm_put}"
    );
    let writes = sb.write_requests();
    assert_eq!(
        writes.get("POST /v1/systems/{systemId}/networks"),
        Some(&2),
        "8 and 9 added: {writes:?}"
    );
    assert_eq!(
        writes.get("DELETE /v1/systems/{systemId}/networks/{linkId}"),
        Some(&1),
        "only 7 removed: {writes:?}"
    );
    let actions = sb.bodies_of("POST /v1/systems/{systemId}/actions");
    assert!(
        actions.contains(&json!({"type": "shutdown"})) && actions.contains(&json!({"type": "stop"})),
        "{actions:?}"
    );
    let a = tf.attrs("level27_vm.web");
    assert_eq!(a["network_ids"], json!(["8", "9"]), "{a}");
    assert_eq!(a["power_state"], "stopped", "{a}");
    tf.assert_plan_empty("after the in-place update");

    // Drift: someone starts the vm in the panel; the plan shows the change in place.
    sb.post_ok(&format!("/v1/systems/{vm}/actions"), json!({"type": "start"}));
    std::thread::sleep(std::time::Duration::from_millis(500));
    let plan = tf.assert_plan_changes("after the vm was started out of band");
    plan.assert_contains("power_state").assert_contains("1 to change");

    // The disk cannot change in place: the vm is replaced.
    let third = Vm { disk: 80, ..second };
    tf.write_main(&config(&third, "stopped"));
    tf.apply().assert_contains("1 added, 0 changed, 1 destroyed");
    let new_vm = tf.id_of("level27_vm.web");
    assert_ne!(new_vm, vm);
    assert_eq!(sb.get_status(&format!("/v1/systems/{vm}")), 404);
    assert_eq!(system(&sb, new_vm)["disk"], "80.0");
    tf.assert_plan_empty("after the replacement");

    tf.destroy().assert_contains("5 destroyed");
    assert!(sb.list_all("/v1/systems", "systems").is_empty());
}

#[test]
fn vm_and_baremetal_lifecycle() {
    scenario(Terraform::default_bin());
}

#[test]
fn vm_and_baremetal_lifecycle_terraform_1_0() {
    if let Some(tf) = Terraform::v1_0("vm_and_baremetal_lifecycle_terraform_1_0") {
        scenario(tf);
    }
}
