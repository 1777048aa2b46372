//! `data "level27_domain_records"`: the records of a domain, optionally of one type and name, in
//! `records`.

use crate::framework::list_datasource::items_from_resource;
use crate::framework::{Attribute, DataSource, ListDataSource, ListResult};
use crate::resources::domain_record;

pub fn data_source() -> DataSource {
    let items = items_from_resource(&domain_record::spec(), &["id", "type", "name", "content", "priority"])
        .into_iter()
        .map(|a| match a.name {
            "name" => a.describe("The name inside the domain; null for the apex."),
            "content" => a.describe("The content as the API writes it."),
            "priority" => a.describe("The priority (MX, SRV)."),
            "type" => a.describe("The record type."),
            _ => a,
        })
        .collect();
    DataSource::list(ListDataSource {
        type_name: "level27_domain_records",
        description: "Lists the DNS records of a domain, optionally only those of one `type` and exact `name`.",
        path: "/domains/{domain_id}/records",
        attributes: vec![
            Attribute::id("domain_id")
                .required()
                .describe("The domain whose records are listed."),
            Attribute::string("type")
                .optional()
                .describe("Keep only records of this type (`A`, `MX`, …)."),
            Attribute::string("name")
                .optional()
                .describe("Keep only records with exactly this name."),
        ],
        // Seed L19351: the list takes `type` as a query parameter.
        query: &[("type", "type")],
        filters: &["type", "name"],
        result: ListResult::Items {
            envelope: "records",
            attribute: "records",
            description: "The records, in the order the API lists them.",
            items,
        },
    })
}
