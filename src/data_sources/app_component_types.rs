//! `data "level27_app_component_types"`: the component types and their parameters
//! (`/appcomponenttypes`, seed L16934), a map keyed by type name.

use crate::framework::{Attribute, DataSource, ListDataSource, ListResult, Nesting};

pub fn data_source() -> DataSource {
    DataSource::list(ListDataSource {
        type_name: "level27_app_component_types",
        description: "Lists the app component types (`level27_app_component.type`) with their parameters.",
        path: "/appcomponenttypes",
        attributes: vec![
            Attribute::string("category")
                .optional()
                .describe("Only the types of this category (`Web-apps`, `Databases`, `Extensions`)."),
            Attribute::nested(
                "types",
                Nesting::Map,
                vec![
                    Attribute::string("name")
                        .computed()
                        .read_from("servicetype.name")
                        .describe("The type's name."),
                    Attribute::string("display_name")
                        .computed()
                        .read_from("servicetype.displayName")
                        .describe("The type's display name."),
                    Attribute::string("category")
                        .computed()
                        .read_from("servicetype.category")
                        .describe("The type's category."),
                    // Seed L16996: `urlPossible`; the API refuses a url on a component whose
                    // type says false (the provider cannot tell at plan: a url names only its
                    // component).
                    Attribute::bool("url_possible")
                        .computed()
                        .read_from("servicetype.urlPossible")
                        .describe("Whether components of the type take urls (`level27_app_component_url`); the API refuses a url on the others at apply."),
                    Attribute::nested(
                        "parameters",
                        Nesting::List,
                        vec![
                            Attribute::string("name")
                                .computed()
                                .read_from("name")
                                .describe("The parameter's name, the body key."),
                            Attribute::string("type")
                                .computed()
                                .read_from("type")
                                .describe("Its type (`select`, `boolean`, `password-sha512`, …)."),
                            Attribute::bool("required")
                                .computed()
                                .read_from("required")
                                .describe("Whether the create needs it."),
                            Attribute::string("default_value")
                                .computed()
                                .read_from("defaultValue")
                                .describe("Its default."),
                            Attribute::string_list("possible_values")
                                .computed()
                                .read_from("possibleValues")
                                .describe("The values it takes, when limited."),
                        ],
                    )
                    .computed()
                    .read_from("servicetype.parameters")
                    .describe("The parameters the type takes."),
                ],
            )
            .computed()
            .read_from("appcomponenttypes")
            .describe("The types, keyed by name."),
        ],
        query: &[("category", "category")],
        filters: &[],
        result: ListResult::Object,
    })
}
