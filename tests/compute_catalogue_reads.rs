//! The catalogue lists (regions with their zones, system configurations, a region's images),
//! counted where the requests arrive (`/_sandbox/requests`), for a module with a vm and data
//! sources over those lists: within one provider process the data sources and the vm's plan
//! checks share one read of each list, also across the apply's writes.

mod common;

use common::*;
use serde_json::json;

const REGIONS: &str = "GET /v1/regions";
const CONFIGURATIONS: &str = "GET /v1/systems/provider/configurations";
const IMAGES: &str = "GET /v1/regions/{regionId}/images";

fn config() -> String {
    format!(
        r#"{header}
data "level27_region" "by_id" {{ id = "1" }}
data "level27_regions" "all" {{}}
data "level27_zone" "ix2" {{
  region_id = "1"
  name      = "Brussel Interxion 2 (IX2)"
}}
data "level27_system_configuration" "flex" {{ name = "Flexible" }}
data "level27_system_configurations" "all" {{}}
data "level27_system_image" "by_id" {{
  region_id = "1"
  id        = "12"
}}
data "level27_system_images" "be" {{ region_id = "1" }}

resource "level27_organisation" "acme" {{
  name       = "Catalogue reads"
  tax_number = "BE0999999998"
}}

resource "level27_vm" "web" {{
  organisation_id  = level27_organisation.acme.id
  name             = "web1"
  zone_id          = "20"
  image_id         = "12"
  configuration_id = "45"
  cpu              = 2
  memory           = 4
  disk             = 60
}}

output "regions" {{ value = length(data.level27_regions.all.regions) }}
output "zone" {{ value = data.level27_zone.ix2.id }}
output "flex" {{ value = data.level27_system_configuration.flex.id }}
output "configurations" {{ value = length(data.level27_system_configurations.all.configurations) }}
output "image" {{ value = data.level27_system_image.by_id.name }}
output "images" {{ value = length(data.level27_system_images.be.images) }}
output "region" {{ value = data.level27_region.by_id.name }}
"#,
        header = header()
    )
}

fn catalogue_counts(sb: &Sandbox) -> [(String, u64); 3] {
    let counts = sb.api_request_counts();
    [REGIONS, CONFIGURATIONS, IMAGES].map(|route| (route.to_string(), counts.get(route).copied().unwrap_or(0)))
}

#[test]
fn data_sources_and_plan_checks_share_one_read_of_each_catalogue_list_per_process() {
    let sb = Sandbox::start();
    let tf = Tf::new("compute-catalogue", &sb);
    tf.write_main(&config());
    sb.reset_counters();
    tf.run(&["plan"]).assert_ok();
    // One provider process reads each list once: data sources and the vm's checks share it.
    for (route, n) in catalogue_counts(&sb) {
        assert_eq!(n, 1, "{route} in a plan: {:?}", sb.api_request_counts());
    }
    sb.reset_counters();
    tf.apply().assert_contains("2 added");
    // `apply` runs two provider processes (its plan's, then the apply's, which plans the vm
    // again once the organisation exists, after that write): once each, no more.
    for (route, n) in catalogue_counts(&sb) {
        assert_eq!(n, 2, "{route} in an apply: {:?}", sb.api_request_counts());
    }
    // The data sources answered from the whole lists as they did from the API's filtered ones.
    let outputs = tf.state()["outputs"].clone();
    for (name, value) in [
        ("region", json!("be")),
        ("zone", json!("20")),
        ("flex", json!("45")),
        ("image", json!("ubuntu_2404lts_server")),
        ("regions", json!(2)),
        ("configurations", json!(6)),
        ("images", json!(3)),
    ] {
        assert_eq!(outputs[name]["value"], value, "{name}: {outputs}");
    }
    tf.destroy();
}
