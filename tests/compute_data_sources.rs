//! The compute data sources against systems made through the API: `level27_vm` and
//! `level27_baremetal` by id and by name (a name shared by a vm and a baremetal server finds the
//! one of the data source's type), the lookups by id and by name, the lists with their items, and
//! a lookup of a system of the other type naming the right data source; the console password
//! every system answer carries stays out of the provider's log and the state.

mod common;

use common::*;
use serde_json::json;

#[test]
fn compute_lookups_and_lists() {
    let sb = Sandbox::start();
    let org = sb.create_organisation("Data compute", "BE0222222222");
    let made = |body: serde_json::Value| {
        let mut body = body;
        body["organisation"] = json!(org);
        sb.post_ok("/v1/systems", body)["system"]["id"]
            .as_i64()
            .expect("system id")
    };
    let vm = made(
        json!({"name": "app1", "type": "kvmguest", "zone": 20, "systemimage": 12,
                         "systemproviderConfiguration": 45, "cpu": 3, "memory": 6, "disk": 90, "autoNetworks": [7]}),
    );
    let bm = made(
        json!({"name": "app1", "type": "baremetal", "zone": 20, "systemimage": 12,
                         "systemproviderConfiguration": 51}),
    );
    let mut tf = Tf::new("compute-data", &sb);
    // The provider's own trace log: every API answer it reads is in it (redacted).
    let log_path = tf.scratch("provider-trace.log");
    tf.set_env("TF_LOG_PROVIDER", Some("trace"))
        .set_env("TF_LOG_PATH", Some(log_path.to_str().unwrap()));
    tf.write_main(&format!(
        r#"{header}
data "level27_vm" "by_name" {{ name = "app1" }}
data "level27_vm" "by_id" {{ id = "{vm}" }}
data "level27_baremetal" "by_name" {{ name = "app1" }}
data "level27_region" "by_id" {{ id = "2" }}
data "level27_zone" "ix2" {{
  region_id = "1"
  name      = "Brussel Interxion 2 (IX2)"
}}
data "level27_system_image" "by_id" {{
  region_id = "1"
  id        = "14"
}}
data "level27_system_configuration" "flex" {{ name = "Flexible" }}
data "level27_system_configurations" "all" {{}}
data "level27_system_images" "nl" {{ region_id = "2" }}
data "level27_regions" "all" {{}}
data "level27_networks" "customer" {{ type = "customer" }}
data "level27_network" "by_id" {{ id = "8" }}

output "vm" {{ value = data.level27_vm.by_name }}
output "vm_by_id" {{ value = data.level27_vm.by_id.id }}
output "bm" {{ value = data.level27_baremetal.by_name }}
output "region" {{ value = data.level27_region.by_id.name }}
output "zone_max_memory" {{ value = data.level27_zone.ix2.max_memory }}
output "image" {{ value = data.level27_system_image.by_id.name }}
output "flex" {{ value = [data.level27_system_configuration.flex.min_cpu, data.level27_system_configuration.flex.max_memory] }}
output "configurations" {{ value = [for c in data.level27_system_configurations.all.configurations : c.name] }}
output "nl_images" {{ value = [for i in data.level27_system_images.nl.images : i.name] }}
output "zones" {{ value = {{ for r in data.level27_regions.all.regions : r.name => [for z in r.zones : z.id] }} }}
output "customer" {{ value = [for n in data.level27_networks.customer.networks : n.name] }}
output "internal" {{ value = data.level27_network.by_id.internal }}
output "internal_zones" {{ value = data.level27_network.by_id.zone_ids }}
output "customer_zones" {{ value = [for n in data.level27_networks.customer.networks : n.zone_ids] }}
"#,
        header = header()
    ));
    tf.apply();
    let o = tf.outputs();
    let v = &o["vm"];
    assert_eq!(
        v["id"],
        vm.to_string(),
        "the vm, not the baremetal server of the same name: {v}"
    );
    assert_eq!(
        (v["cpu"].clone(), v["memory"].clone(), v["disk"].clone()),
        (json!(3), json!(6), json!(90)),
        "{v}"
    );
    assert_eq!(v["network_ids"], json!(["7"]), "{v}");
    assert_eq!(v["power_state"], "running", "{v}");
    assert_eq!(v["organisation_id"], org.to_string(), "{v}");
    assert_eq!(o["vm_by_id"], vm.to_string());
    assert_eq!(o["bm"]["id"], bm.to_string());
    assert_eq!(o["bm"]["cpu"], 32, "the hardware's: {}", o["bm"]);
    assert_eq!(o["region"], "nl");
    assert_eq!(o["zone_max_memory"], 256, "\"256.0\" read as a number");
    assert_eq!(o["image"], "debian_12_server");
    assert_eq!(o["flex"], json!([1, 256]));
    assert_eq!(
        o["configurations"],
        json!(["Small", "Medium", "Large", "Flexible", "Baremetal S", "Baremetal L"])
    );
    assert_eq!(
        o["nl_images"],
        json!(["ubuntu_2404lts_server", "ubuntu_2204lts_server"])
    );
    assert_eq!(o["zones"], json!({"be": ["20", "21"], "nl": ["30"]}));
    assert_eq!(o["customer"], json!(["acme_customer_103", "acme_customer_104"]));
    assert_eq!(o["internal"], true);
    // Where each network is available, to pick one for a system's zone.
    assert_eq!(o["internal_zones"], json!(["20", "21"]));
    assert_eq!(o["customer_zones"], json!([["20"], ["20"]]));
    // Every system answer carries the console password: it reaches neither the log nor state.
    let log = std::fs::read_to_string(&log_path).unwrap_or_default();
    assert!(log.contains("vncPassword"), "the trace log shows the system answers");
    assert!(
        !log.contains("vnc-Secret-9f2c"),
        "the console password is in the provider's log"
    );
    assert!(!tf.state_text().contains("vnc-Secret-9f2c"));

    // The baremetal server's id in a vm lookup: an error naming the right data source.
    tf.write_main(&format!(
        "{}\ndata \"level27_vm\" \"wrong\" {{ id = \"{bm}\" }}\n",
        header()
    ));
    let out = tf.plan();
    assert!(!out.success(), "{}", out.dump());
    // A data source neither manages nor imports: it names the data source to read it with.
    out.assert_contains("Wrong data source for object")
        .assert_contains("Read it with data \"level27_baremetal\"")
        .assert_not_contains("import");
}
