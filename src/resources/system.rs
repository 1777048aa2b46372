//! `level27_vm` and `level27_baremetal`: `/systems` (seed L32237–L32790), one declaration for
//! both, told apart by the system's `type` (`kvmguest`, `baremetal`).
//!
//! Seed: PUT is the only update verb and requires the non-editable `systemimage`,
//! `systemproviderConfiguration`, `zone` and `organisation`: every PUT sends their current
//! values (the engine's PUT sends all current values) and changing one replaces the system.
//! `type`, `parentsystem` and `autoNetworks` are not in the PUT form, so an update never sends
//! (or loses) them. Networks are given at create through `autoNetworks` (network ids: the seed's
//! "array of network ips" contradicts its own example `[22, 37]`) and changed in place through
//! the systemHasNetwork endpoints, only the difference. `vncPassword` is in every answer and
//! is never declared, so it reaches neither state nor logs.

use crate::framework::codecs::Normaliser;
use crate::framework::desired_state::{DesiredState, State};
use crate::framework::kind::Kind;
use crate::framework::links::{LinkId, Links};
use crate::framework::mapping::lookup;
use crate::framework::membership::{Membership, TeamsFrom};
use crate::framework::plan_checks::{AmongCheck, ExistsCheck, Fits, Holds, PlanCheck, RangeCheck};
use crate::framework::validate::{hostname, int_between, not_blank, one_of, HostnameRules};
use crate::framework::wait::StatusRule;
use crate::framework::{Attribute, Endpoint, ResourceSpec, UpdateVerb};
use serde_json::Value as Json;

/// Seed L32255: the allowed management types ("default: basic" is not among them).
const MANAGEMENT_TYPES: &[&str] = &["infra", "infra_plus", "pro", "enterprise", "premium"];

/// `power_state` over `runningStatus` (seed L34257). Seed: the difference between shutdown and
/// stop is not documented; shutdown (graceful) is tried first, stop when the API refuses it.
const POWER: &[State] = &[
    State {
        name: "running",
        observed: &["running"],
        actions: &["start"],
    },
    State {
        name: "stopped",
        observed: &["stopped"],
        actions: &["shutdown", "stop"],
    },
];

/// The configurations with their limits (seed L41693: memory bounds as strings, `"2.0"`).
pub const CONFIGURATIONS: &str = "/systems/provider/configurations";

/// Whether a configuration is baremetal hardware: `None` when it does not say.
///
/// Seed: silent on what a configuration is for (L41693 lists vm sizes only, `externalId`
/// `small` … `flexible`), though the create refuses a system whose type does not match its
/// configuration. The sandbox marks baremetal hardware with an `externalId` starting
/// `baremetal_`; the provider reads the same mark. A configuration without an `externalId`
/// fits both kinds: the API decides at create, as it would without the check.
fn hardware(configuration: &Json) -> Option<bool> {
    lookup(configuration, "externalId")
        .as_str()
        .map(|e| e.starts_with("baremetal_"))
}

fn for_vms(configuration: &Json) -> bool {
    hardware(configuration) != Some(true)
}

fn for_baremetal(configuration: &Json) -> bool {
    hardware(configuration) != Some(false)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Type {
    Vm,
    Baremetal,
}

pub fn vm() -> ResourceSpec {
    spec(Type::Vm)
}

pub fn baremetal() -> ResourceSpec {
    spec(Type::Baremetal)
}

/// A size attribute: given (and checked against the configuration) for a vm, the hardware's
/// for a baremetal system.
fn size(t: Type, name: &'static str, what: &'static str, vm: &'static str, bm: &'static str) -> Attribute {
    let a = Attribute::number(name).describe_data(what);
    match t {
        Type::Vm => a.required().api(name).validate(int_between(1, 100_000)).describe(vm),
        Type::Baremetal => a.computed().read_from(name).describe(bm),
    }
}

fn spec(t: Type) -> ResourceSpec {
    let (type_name, description, kind) = match t {
        Type::Vm => (
            "level27_vm",
            "A Level27 virtual machine (a system of type `kvmguest`): its size within a configuration's limits, its image, zone, networks and power state.",
            Kind {
                field: "type",
                value: "kvmguest",
                others: &[("baremetal", "level27_baremetal")],
            },
        ),
        Type::Baremetal => (
            "level27_baremetal",
            "A Level27 baremetal server (a system of type `baremetal`): its hardware comes from the configuration; its image, zone, networks and power state.",
            Kind {
                field: "type",
                value: "baremetal",
                others: &[("kvmguest", "level27_vm")],
            },
        ),
    };
    let mut disk = size(
        t,
        "disk",
        "The system disk in GB.",
        "The system disk in GB, within the configuration's limits. The API cannot resize it: changing it replaces the vm.",
        "The system disk in GB, from the configuration's hardware.",
    );
    if t == Type::Vm {
        disk = disk.requires_replace();
    }
    let fits = match t {
        Type::Vm => Fits {
            test: for_vms,
            what: "a configuration for a vm (baremetal hardware is for `level27_baremetal`)",
            see: "data \"level27_system_configurations\"",
        },
        Type::Baremetal => Fits {
            test: for_baremetal,
            what: "baremetal hardware (a vm's configuration is for `level27_vm`)",
            see: "data \"level27_system_configurations\"",
        },
    };
    let bounds: &'static [(&str, &str, &str)] = match t {
        Type::Vm => &[
            ("cpu", "minCpu", "maxCpu"),
            ("memory", "minMemory", "maxMemory"),
            ("disk", "minDisk", "maxDisk"),
        ],
        Type::Baremetal => &[],
    };
    ResourceSpec {
        type_name,
        description,
        version: 0,
        attributes: vec![
            Attribute::id("id").computed().read_from("id").describe("The system's id."),
            Attribute::id("organisation_id")
                .provider_default("organisation_id")
                .send_as("organisation")
                .read_from("organisation.id")
                .requires_replace()
                .describe("The organisation that owns the system; defaults to the provider's `organisation_id`. Changing it replaces the system.")
                .describe_data("The organisation that owns the system."),
            Attribute::string("name")
                .required()
                .api("name")
                .validate(not_blank())
                .describe("The system's name."),
            // Seed: `customerFqdn` is only "Valid hostname" (L32246): silent on letter case. The
            // API keeps a system's host names as sent (L27918 answers `12Gsjxuzan52nsj.be`), so
            // the sandbox stores it verbatim; a host name in another case or with a trailing dot
            // is the same name, so the provider plans no PUT for it and keeps the configured
            // spelling.
            Attribute::string("fqdn")
                .optional()
                .api("customerFqdn")
                .validate(hostname(HostnameRules::FQDN))
                .normalise(Normaliser::Hostname)
                .describe("The host name the customer uses for the system (the API's `customerFqdn`). Letter case and a trailing dot do not matter: `Web1.Example.com.` is `web1.example.com`.")
                .describe_data("The host name the customer uses for the system (the API's `customerFqdn`)."),
            Attribute::id("zone_id")
                .required()
                .send_as("zone")
                .read_from("zone.id")
                .requires_replace()
                .describe("The zone the system runs in (`level27_zone`). Changing it replaces the system.")
                .describe_data("The zone the system runs in."),
            Attribute::id("image_id")
                .required()
                .send_as("systemimage")
                .read_from("systemimage.id")
                .requires_replace()
                .describe("The operating system image (`level27_system_image`), of the zone's region. The API cannot change it: changing it replaces the system.")
                .describe_data("The operating system image the system was installed from."),
            Attribute::id("configuration_id")
                .required()
                .send_as("systemproviderConfiguration")
                .read_from("systemproviderConfiguration.id")
                .requires_replace()
                .describe(match t {
                    Type::Vm => "The configuration (`level27_system_configuration`) whose limits bound cpu, memory and disk: one for vms, not baremetal hardware (checked at plan). The API cannot change it: changing it replaces the system.",
                    Type::Baremetal => "The hardware configuration (`level27_system_configuration`, such as `Baremetal S`) that gives the server its cpu, memory and disk: baremetal hardware, not a vm's (checked at plan). The API cannot change it: changing it replaces the server.",
                })
                .describe_data("The configuration (size plan) of the system."),
            size(
                t,
                "cpu",
                "The number of CPUs.",
                "The number of CPUs, within the configuration's limits (checked at plan). Changed in place (an asynchronous resize).",
                "The number of CPUs of the configuration's hardware.",
            ),
            size(
                t,
                "memory",
                "The memory in GB.",
                "The memory in GB, within the configuration's limits (checked at plan). Changed in place (an asynchronous resize).",
                "The memory in GB of the configuration's hardware.",
            ),
            disk,
            Attribute::string("management_type")
                .optional_computed()
                .api("managementType")
                .validate(one_of(MANAGEMENT_TYPES))
                .describe("The management Level27 provides: `infra`, `infra_plus`, `pro`, `enterprise` or `premium`; left out, the API's choice is kept.")
                .describe_data("The management Level27 provides: `infra`, `infra_plus`, `pro`, `enterprise` or `premium`."),
            Attribute::id_set("network_ids")
                .optional_computed()
                .describe("The networks (`level27_network`) the system is linked to, each available in its zone (the network's `zone_ids`, checked at plan): given at create, then changed in place adding and removing only the difference. Left out, the API's networks are kept.")
                .describe_data("The networks the system is linked to."),
            Attribute::id_set("team_ids")
                .optional_computed()
                .describe("The teams of the organisation that see the system: given at create through the API's `autoTeams`, then changed in place adding and removing only the difference. Left out, the API's teams are kept.")
                .describe_data("The teams of the organisation that see the system."),
            Attribute::string("power_state")
                .optional_computed()
                .validate(one_of(&["running", "stopped"]))
                .describe("`running` or `stopped`, reached through the system's actions (start; shutdown, or stop when shutdown is refused) and waited for. Left out, it is not managed; someone stopping the system shows as drift when it is set.")
                .describe_data("`running` or `stopped` (or the transitional state, such as `stopping`)."),
        ],
        endpoint: Endpoint {
            collection: "/systems",
            item: "/systems/{id}",
            singular: "system",
            plural: "systems",
            update: UpdateVerb::Put,
        },
        import_id: &["id"],
        natural_key: &["name"],
        // Seed L19–L51: to_create, creating, creating_failed, to_update, updating, … ; ready is
        // `ok`, `deleted` (or a 404) is gone, and a `red` category is a failure.
        status: Some(StatusRule::default()),
        membership: Some(Membership {
            attribute: "team_ids",
            entity: "systems",
            organisation: "organisation_id",
            create_field: Some("autoTeams"),
            read: TeamsFrom::Field("teams"),
        }),
        links: vec![Links {
            attribute: "network_ids",
            create_field: Some("autoNetworks"),
            add: "/systems/{id}/networks",
            body: "network",
            remove: "/systems/{id}/networks/{link}",
            link_id: LinkId::Listed {
                path: "/systems/{id}/networks",
                plural: "systemHasNetworks",
                member: "network.id",
                id: "id",
            },
            read: ("networks", "networkId"),
        }],
        desired_states: vec![DesiredState {
            attribute: "power_state",
            observed: "runningStatus",
            states: POWER,
            path: "/systems/{id}/actions",
            action_field: "type",
        }],
        // Seed: the limits are implied ("within the configuration"), not stated; checked at plan.
        // Seed L66122: zones carry limits too, nested in their region in `GET /regions` (there is
        // no list of all zones).
        // A baremetal server has no bounds (its size is its configuration's), but its zone and
        // configuration are checked to exist all the same, at plan rather than at create.
        plan_checks: vec![
            PlanCheck::Range(RangeCheck {
                by: "configuration_id",
                path: CONFIGURATIONS,
                plural: "providerConfigurations",
                within: None,
                key: "id",
                bounds,
                // Vm and baremetal configurations share one list, and the create refuses the
                // other kind's (the sandbox: "This configuration does not match the system
                // type."): refused at plan here, naming those that fit.
                fits: Some(fits),
                catalogue: true,
            }),
            PlanCheck::Range(RangeCheck {
                by: "zone_id",
                path: "/regions",
                plural: "regions",
                within: Some("zones"),
                key: "id",
                bounds,
                fits: None,
                catalogue: true,
            }),
            // Seed L66401: images are listed per region; the create refuses an image of another
            // region than its zone's ("not available in the selected zone").
            PlanCheck::Among(AmongCheck {
                attribute: "image_id",
                by: "zone_id",
                parents: "/regions",
                parents_plural: "regions",
                within: "zones",
                parent_noun: "region",
                path: "/regions/{parent}/images",
                plural: "systemimages",
                noun: "images",
                catalogue: true,
            }),
            PlanCheck::Exists(super::organisation::EXISTS),
            // Seed L65651: a network that does not exist is a 404; one the user may not read is
            // a 403, which passes (the apply decides). Seed L65540: a network lists the zones it
            // is available in; the seed is silent on linking one outside them, which the sandbox
            // refuses (a network is a zone's VLAN): refused at plan here.
            PlanCheck::Exists(ExistsCheck {
                attribute: "network_ids",
                path: "/networks/{value}",
                noun: "network",
                holds: &[Holds {
                    list: "network.zones",
                    key: "id",
                    attribute: "zone_id",
                    plural: "zones",
                }],
            }),
            PlanCheck::Exists(super::team::MEMBERS),
        ],
        kind: Some(kind),
        ..ResourceSpec::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::mapping::{needs_request, state_from_api};
    use crate::framework::plan::plan;
    use crate::framework::test_support::{n, obj, page, s, set, CtxParts, FakeApi};
    use crate::framework::value::{Object, Value};
    use crate::framework::Resource;
    use serde_json::json;

    fn description(spec: &ResourceSpec, name: &str) -> &'static str {
        spec.attributes
            .iter()
            .find(|a| a.name == name)
            .map(|a| a.description)
            .unwrap_or_default()
    }

    /// A vm as created with `fqdn = "web1.acme.example"`, then configured as `spelling`:
    /// the prior state, the plan, and whether that plan calls the API.
    fn respelt(spec: ResourceSpec, spelling: &str) -> (Object, Object, bool) {
        let block = Resource::new(spec).schema.block;
        let config = |fqdn: &str| {
            obj(&[
                ("name", s("web1")),
                ("fqdn", s(fqdn)),
                ("organisation_id", s("7")),
                ("zone_id", s("1")),
                ("image_id", s("2")),
                ("configuration_id", s("3")),
                ("cpu", n(2)),
                ("memory", n(4)),
                ("disk", n(30)),
            ])
        };
        let created = config("web1.acme.example");
        let prior = plan(&block, None, &created, &created).planned;
        let config = config(spelling);
        let mut proposed = prior.clone();
        proposed.extend(config.clone());
        let planned = plan(&block, Some(&prior), &proposed, &config).planned;
        let call = needs_request(&block, &prior, &planned, &planned);
        (prior, planned, call)
    }

    #[test]
    fn fqdn_in_another_letter_case_or_with_a_trailing_dot_is_no_change() {
        for spec in [vm, baremetal] {
            for spelling in ["Web1.ACME.example", "web1.acme.example."] {
                let (prior, planned, call) = respelt(spec(), spelling);
                assert!(!call, "{spelling}: a PUT with the same host name");
                // The configured spelling stays in state, whatever the API answers.
                assert_eq!(planned["fqdn"], s(spelling));
                let block = Resource::new(spec()).schema.block;
                let read = state_from_api(&block, &json!({"customerFqdn": "web1.acme.example"}), &planned);
                assert_eq!(read["fqdn"], s(spelling));
                assert_eq!(prior["fqdn"], s("web1.acme.example"));
            }
            let (_, planned, call) = respelt(spec(), "web2.acme.example");
            assert!(call, "another host name is sent");
            let block = Resource::new(spec()).schema.block;
            let read = state_from_api(&block, &json!({"customerFqdn": "web3.acme.example"}), &planned);
            assert_eq!(read["fqdn"], s("web3.acme.example"), "drift shows");
        }
    }

    #[test]
    fn a_baremetal_configuration_gives_the_hardware_rather_than_bounding_it() {
        assert!(description(&vm(), "configuration_id").contains("whose limits bound cpu, memory and disk"));
        let bm = description(&baremetal(), "configuration_id");
        assert!(bm.contains("gives the server its cpu, memory and disk"), "{bm}");
        assert!(!bm.contains("limits"), "{bm}");
    }

    /// The API of `a_vm_plans_lookups_go_out_together_and_answer_in_declaration_order`.
    fn answer(req: &crate::framework::test_support::Seen) -> (u16, serde_json::Value) {
        let missing = |what: &str| (404, json!({"code": 404, "message": format!("{what} not found")}));
        match req.path.as_str() {
            CONFIGURATIONS => (
                200,
                page(
                    req,
                    "providerConfigurations",
                    &[json!({"id": 45, "name": "Flexible", "minCpu": 1, "maxCpu": 32})],
                ),
            ),
            "/regions" => (
                200,
                page(req, "regions", &[json!({"id": 1, "name": "be", "zones": [{"id": 20}]})]),
            ),
            "/regions/1/images" => (200, page(req, "systemimages", &[json!({"id": 12, "name": "ubuntu"})])),
            "/organisations/7" | "/organisations/7/teams/5" | "/networks/7" => (200, json!({})),
            "/networks/998" => missing("Network"),
            "/organisations/7/teams/997" => missing("Team"),
            _ => (404, json!({"code": 404, "message": "No route found"})),
        }
    }

    #[tokio::test]
    async fn a_vms_lookups_go_out_together_and_answer_in_declaration_order() {
        let vm = crate::framework::Resource::new(vm());
        let planned: Object = [
            ("organisation_id", s("7")),
            ("zone_id", s("20")),
            ("image_id", s("22")),
            ("configuration_id", s("45")),
            ("cpu", Value::int(64)),
            ("memory", Value::int(4)),
            ("disk", Value::int(60)),
            ("network_ids", set(&[s("7"), s("998")])),
            ("team_ids", set(&[s("5"), s("997")])),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        // Answers arrive in whatever order the fake API's tasks run: the diagnostics may not.
        for _ in 0..3 {
            // The first lookup of every check (configurations, regions, the organisation, two
            // networks, two teams) is held until all seven are in flight: lookups made one after
            // another would wait for the client's timeout and fail.
            let api = FakeApi::start_holding(7, answer).await;
            let parts = CtxParts::default();
            let d = vm.check_plan(&parts.ctx(&api), None, &planned).await;
            let said: Vec<String> = d.0.iter().map(|d| d.detail.clone()).collect();
            assert_eq!(
                said,
                vec![
                    "cpu = 64 is outside the limits of configuration_id \"Flexible\": it must be between 1 and 32.",
                    "image_id = \"22\" is not one of the images of region \"be\", where zone_id \"20\" is: they are 12 (ubuntu).",
                    "network_ids: no network 998 (GET /networks/998: 404 not found: Network not found).",
                    "team_ids: no team 997 (GET /organisations/7/teams/997: 404 not found: Team not found).",
                ]
            );
        }
    }
}
