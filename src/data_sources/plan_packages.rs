//! `data "level27_plan_packages"`: the base-package catalogue (`/custpackages`, seed L67656),
//! what a plan's `base_package` names.

use crate::framework::{Attribute, DataSource, ListDataSource, ListResult};

pub fn data_source() -> DataSource {
    DataSource::list(ListDataSource {
        type_name: "level27_plan_packages",
        description: "Lists the base packages a `level27_plan` can be made from (the `/custpackages` catalogue).",
        path: "/custpackages",
        attributes: vec![Attribute::string("type")
            .optional()
            .describe("Keep only the packages of this type (`fly`, `run`, `walk`, `server`).")],
        query: &[],
        filters: &["type"],
        result: ListResult::Items {
            envelope: "customPackages",
            attribute: "packages",
            description: "The base packages, in the order the API lists them.",
            items: vec![
                Attribute::string("id")
                    .computed()
                    .read_from("name")
                    .describe("The package's name, as `base_package` takes it (the catalogue has no numeric id)."),
                Attribute::string("name")
                    .computed()
                    .read_from("name")
                    .describe("The package's name, e.g. `drupal_run`."),
                Attribute::string("type")
                    .computed()
                    .read_from("type")
                    .describe("The package's type."),
                Attribute::string("display_name")
                    .computed()
                    .read_from("displayName.en")
                    .describe("The package's English display name."),
            ],
        },
    })
}
