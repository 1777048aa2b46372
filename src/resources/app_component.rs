//! `level27_app_component`: `/apps/{appId}/components` (seed L7818–L8800, §4 of the API map).
//!
//! Seed: components are asynchronous (`to_create`/`updating` → `ok`). The type's parameters are
//! top-level body keys (`"version": "8.2"`) answered under `appcomponentparameters`, passwords
//! as `"******"` (so the password is write-only). `system`/`systemgroup` are never in the
//! component's answer: they are read from `availableparentcomponents/type/{type}` (L8254) when
//! the state lacks them (after an import); being non-editable, they never change in place, so a
//! refresh does not read them again (one GET). PATCH (L8497) requires `name` and the
//! non-editable `appcomponenttype` like PUT, so both go with every PATCH.

use crate::framework::config_check::ConfigRule;
use crate::framework::plan_checks::{ExistsCheck, OptionsCheck, ParameterCheck, PlanCheck};
use crate::framework::validate::{max_length, not_blank, one_of};
use crate::framework::wait::StatusRule;
use crate::framework::{Attribute, Endpoint, ListSource, ResourceSpec, UpdateVerb};

/// The types of the create form's enum (seed L7827); `/appcomponenttypes` may know more.
pub const TYPES: &[&str] = &[
    "mysql",
    "php",
    "keyvalue_redis",
    "sftp",
    "asp",
    "mssql",
    "solr",
    "memcached",
    "elasticsearch",
    "redis",
    "ruby",
    "url",
    "mongodb",
    "nodejs",
    "python",
    "postgresql",
    "dotnet",
    "rabbitmq",
    "varnish",
    "java",
    "mail",
    "wasp",
    "wmssql",
    "mailpit",
    "meilisearch",
];

/// Where a component is placed: the only answer naming its system or system group.
pub static PLACEMENT: ListSource = ListSource {
    path: "/apps/{app_id}/components/availableparentcomponents/type/{type}",
    plural: "components",
    key: "id",
    by: "id",
    paged: true,
};

pub fn spec() -> ResourceSpec {
    ResourceSpec {
        type_name: "level27_app_component",
        description: "A component of a Level27 app (php, mysql, redis, sftp, …), placed on a shared system or system group.",
        version: 0,
        attributes: vec![
            Attribute::id("id").computed().read_from("id").describe("The component's id."),
            Attribute::id("app_id")
                .required()
                .requires_replace()
                .describe("The app the component belongs to. Changing it replaces the component.")
                .describe_data("The app the component belongs to."),
            Attribute::string("name")
                .required()
                .api("name")
                .always_send()
                .validate(not_blank())
                .validate(max_length(255))
                .describe("The component's name."),
            Attribute::string("type")
                .required()
                .api("appcomponenttype")
                .always_send()
                .requires_replace()
                .validate(one_of(TYPES))
                .describe("The component type (`php`, `mysql`, `redis`, `sftp`, …; see `level27_app_component_types`). Changing it replaces the component.")
                .describe_data("The component type."),
            Attribute::id("system_id")
                .optional()
                .send_as("system")
                .infer_from(&PLACEMENT, &[("id", "id")], "system.id")
                .requires_replace()
                .describe("The shared system the component runs on (`level27_shared_systems`); exactly one of `system_id` and `systemgroup_id`. Checked at plan time: a system that does not exist is an error. Changing it replaces the component.")
                .describe_data("The shared system the component runs on, if placed on one."),
            Attribute::id("systemgroup_id")
                .optional()
                .send_as("systemgroup")
                .infer_from(&PLACEMENT, &[("id", "id")], "systemgroup.id")
                .requires_replace()
                .describe("The shared system group the component runs on (`level27_system_groups`); exactly one of `system_id` and `systemgroup_id`. Checked at plan time: a group that does not exist is an error. Changing it replaces the component.")
                .describe_data("The shared system group the component runs on, if placed on one."),
            Attribute::string("limit_group")
                .optional_computed()
                .api("limitGroup")
                .describe("The plan's limit group the component counts against (`application`, `database`, …); checked at plan time against the app's limit groups (`/apps/{id}/rules`). Left out, the API's choice is kept.")
                .describe_data("The plan's limit group the component counts against."),
            Attribute::string("version")
                .optional()
                .send_as("version")
                .read_from("appcomponentparameters.version")
                .describe("php and asp: the language version, one installed on the system or group (required for them); checked at plan time against the versions the API lists as installed there, which the error names.")
                .describe_data("php and asp: the language version."),
            Attribute::string("path")
                .optional_computed()
                .send_as("path")
                .read_from("appcomponentparameters.path")
                .describe("php and asp: the document root (the API's default is `/public_html`).")
                .describe_data("php and asp: the document root."),
            Attribute::string("extra_config")
                .optional()
                .send_as("extraconfig")
                .read_from("appcomponentparameters.extraconfig")
                .describe("php: extra configuration lines."),
            Attribute::id_set("ssh_key_ids")
                .optional()
                .send_as("sshkeys")
                .read_from("appcomponentparameters.sshkeys")
                .describe("php, asp and sftp: the ids of the organisation's ssh keys with access."),
            Attribute::bool("jailed")
                .optional_computed()
                .send_as("jailed")
                .read_from("appcomponentparameters.jailed")
                .describe("sftp: whether the user is jailed to its home (the API's default is false).")
                .describe_data("sftp: whether the user is jailed to its home."),
            Attribute::string("host")
                .optional()
                .send_as("host")
                .read_from("appcomponentparameters.host")
                .describe("mysql: the host the database user may connect from (`%` for any)."),
            Attribute::string("size")
                .optional_computed()
                .send_as("size")
                .read_from("appcomponentparameters.size")
                .describe("mssql: the database size (the API's default is `100`).")
                .describe_data("mssql: the database size."),
            Attribute::new("parameters", crate::framework::Type::Map(Box::new(crate::framework::Type::String)))
                .optional()
                .send_as("parameters")
                .read_from("appcomponentparameters")
                .spread()
                .describe("Parameters of the types whose parameters only `/appcomponenttypes` documents (redis, memcached, elasticsearch, …; see `level27_app_component_types`), by name, e.g. `{ memory = \"256\" }`; sent as body fields of their own. Checked at plan time against the parameters `/appcomponenttypes` declares for the type (read-only ones, passwords and those of the typed attributes refused; listed values enforced). Only the keys set here are read back.")
                .describe_data("The component's other parameters, as the API answers them, by name, values as text (`{ memory = \"256\", user = \"pp10003\" }`): every one but those of the typed attributes (`version`, `path`, …), passwords (never readable) and those without a value. Read-only ones such as the generated `user` are included."),
            Attribute::string("password_wo")
                .optional()
                .write_only()
                .send_as("pass")
                .describe("The component's password (php, asp, mysql, mssql, sftp, solr). Write-only on Terraform 1.11+: never stored in state; sent on create and whenever `password_wo_version` changes (with any other change too). On older Terraform it is a sensitive attribute kept in state. Left out, the API generates one.")
                .describe_data("Never readable."),
            Attribute::number("password_wo_version")
                .optional()
                .describe("Any value; changing it sends `password_wo` again (write-only values cannot be compared).")
                .describe_data("Not readable from the API."),
            Attribute::string("category")
                .computed()
                .read_from("category")
                .describe("The type's category (`Web-apps`, `Databases`, `Extensions`)."),
            Attribute::string("status")
                .computed()
                .read_from("status")
                .changes_on_update()
                .describe("The component's status (`ok` once provisioned)."),
        ],
        endpoint: Endpoint {
            collection: "/apps/{app_id}/components",
            item: "/apps/{app_id}/components/{id}",
            singular: "component",
            plural: "components",
            update: UpdateVerb::Patch,
        },
        import_id: &["app_id", "id"],
        natural_key: &["name"],
        status: Some(StatusRule::default()),
        rules: vec![
            ConfigRule::ExactlyOneOf(&["system_id", "systemgroup_id"]),
            ConfigRule::RequiredWhen { attribute: "version", when: "type", is: &["php", "asp"] },
            ConfigRule::OnlyWhen { attribute: "version", when: "type", is: &["php", "asp"] },
            ConfigRule::OnlyWhen { attribute: "path", when: "type", is: &["php", "asp"] },
            ConfigRule::OnlyWhen { attribute: "extra_config", when: "type", is: &["php"] },
            ConfigRule::OnlyWhen { attribute: "ssh_key_ids", when: "type", is: &["php", "asp", "sftp"] },
            ConfigRule::OnlyWhen { attribute: "jailed", when: "type", is: &["sftp"] },
            ConfigRule::OnlyWhen { attribute: "host", when: "type", is: &["mysql"] },
            ConfigRule::OnlyWhen { attribute: "size", when: "type", is: &["mssql"] },
            // Seed: the documented types' parameters are typed attributes; the others go here.
            ConfigRule::OnlyWhen {
                attribute: "parameters",
                when: "type",
                is: &[
                    "keyvalue_redis", "solr", "memcached", "elasticsearch", "redis", "ruby", "url", "mongodb", "nodejs",
                    "python", "postgresql", "dotnet", "rabbitmq", "varnish", "java", "mail", "wasp", "wmssql",
                    "mailpit", "meilisearch",
                ],
            },
            // Seed L16945: solr's `pass` is documented only by `/appcomponenttypes`.
            ConfigRule::OnlyWhen {
                attribute: "password_wo",
                when: "type",
                is: &["php", "asp", "mysql", "mssql", "sftp", "solr"],
            },
        ],
        // Seed L7848: "See list of available types and parameters: /appcomponenttypes"; its
        // entries list each parameter's name, type, `readonly` and `possibleValues` (L8053).
        plan_checks: vec![
            PlanCheck::Exists(super::app::EXISTS),
            // Seed L32635: `GET /systems/{id}` answers 404 for no system and 403 for one the user
            // has no access to. Seed: a shared system (`/sharedsystems`, organisation 1
            // "level27") is such a one, never the user's own, so it answers 403, which an
            // `ExistsCheck` lets pass; only a system that does not exist fails the plan (the
            // create form's bare "This value is not valid." on `system` at apply says less).
            PlanCheck::Exists(ExistsCheck {
                attribute: "system_id",
                path: "/systems/{value}",
                noun: "system",
                holds: &[],
            }),
            // Seed L64068: a system group's item answers 404 when there is none; the create
            // form's bare "This value is not valid." on `systemgroup` at apply says less.
            PlanCheck::Exists(ExistsCheck {
                attribute: "systemgroup_id",
                path: "/systemgroups/{value}",
                noun: "system group",
                holds: &[],
            }),
            // Seed L7864: a php version is "one of php versions installed on appcomponent's
            // system or system's in systemgroup"; L37047 and L64148 list them per system and
            // group. Seed: asp's version too, by the same endpoints (they take any type).
            PlanCheck::Options(OptionsCheck {
                attribute: "version",
                path: "/systems/{system_id}/componenttypes/{type}/parameters/version/availableoptions",
                list: "version",
                options: "versions of {type} installed on system {system_id}",
            }),
            PlanCheck::Options(OptionsCheck {
                attribute: "version",
                path: "/systemgroups/{systemgroup_id}/componenttypes/{type}/parameters/version/availableoptions",
                list: "version",
                options: "versions of {type} installed on system group {systemgroup_id}",
            }),
            // Seed L11158: the app's limit groups are the keys of its rules' `limits`.
            PlanCheck::Options(OptionsCheck {
                attribute: "limit_group",
                path: "/apps/{app_id}/rules",
                list: "limits",
                options: "limit groups of app {app_id}",
            }),
            PlanCheck::Parameters(ParameterCheck {
            attribute: "parameters",
            by: "type",
            path: "/appcomponenttypes",
            envelope: "appcomponenttypes",
            parameters: "servicetype.parameters",
            owned: &[
                ("pass", "password_wo"),
                ("version", "version"),
                ("path", "path"),
                ("extraconfig", "extra_config"),
                ("sshkeys", "ssh_key_ids"),
                ("jailed", "jailed"),
                ("host", "host"),
                ("size", "size"),
            ],
        }),
        ],
        ..ResourceSpec::default()
    }
}
