//! `data "level27_plan_packages"`: the base-package catalogue (`/custpackages`, seed L67656),
//! what a plan's `base_package` names.

use crate::framework::validate::one_of;
use crate::framework::{Attribute, DataSource, ListDataSource, ListResult};

pub fn data_source() -> DataSource {
    DataSource::list(ListDataSource {
        type_name: "level27_plan_packages",
        description: "Lists the base packages a `level27_plan` can be made from (the `/custpackages` catalogue).",
        path: "/custpackages",
        attributes: vec![Attribute::string("type")
            .optional()
            // The types of the base packages `level27_plan` takes (`plan::BASE_PACKAGES`).
            .validate(one_of(&["fly", "run", "walk", "server"]))
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

#[cfg(test)]
mod tests {
    use crate::framework::value::{Object, Value};

    /// A type spelt otherwise (`Run`) would match nothing and read an empty list, failing later
    /// at `packages[0]`: it is refused when the configuration is validated, naming the types.
    #[test]
    fn a_type_is_one_of_the_base_package_types() {
        let ds = super::data_source();
        let config = |t: &str| Object::from_iter([("type".to_string(), Value::string(t))]);
        let diags = ds.validate(&config("Run"));
        assert!(
            diags
                .0
                .iter()
                .any(|d| d.detail.contains("\"fly\", \"run\", \"walk\", \"server\"")),
            "{diags:?}"
        );
        assert!(!ds.validate(&config("run")).has_errors());
    }
}
