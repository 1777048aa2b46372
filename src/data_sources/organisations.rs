//! `data "level27_organisations"`: every organisation the api key can see, optionally only those
//! with an exact `name`, in `organisations`.

use crate::framework::list_datasource::items_from_resource;
use crate::framework::{Attribute, DataSource, ListDataSource, ListResult};
use crate::resources::organisation;

pub fn data_source() -> DataSource {
    DataSource::list(ListDataSource {
        type_name: "level27_organisations",
        description: "Lists the Level27 organisations the api key can see, optionally only those with an exact `name`.",
        path: "/organisations",
        attributes: vec![Attribute::string("name")
            .optional()
            .describe("Keep only the organisations with exactly this name.")],
        // Seed: `filter` is not described (it narrows the list by name in the sandbox); the exact
        // match on `name` below decides, so a looser server-side filter loses nothing.
        query: &[("name", "filter")],
        filters: &["name"],
        result: ListResult::Items {
            envelope: "organisations",
            attribute: "organisations",
            description: "The organisations, in the order the API lists them.",
            items: items_from_resource(
                &organisation::spec(),
                &[
                    "id",
                    "name",
                    "tax_number",
                    "street",
                    "house_number",
                    "zip",
                    "city",
                    "country",
                    "reseller_organisation_id",
                ],
            ),
        },
    })
}
