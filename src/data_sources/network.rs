//! `data "level27_network"`: a network by `id` or `name` (`GET /networks`, seed L65522).

use crate::framework::{Attribute, DataSource, Endpoint, ResourceSpec, UpdateVerb};

pub fn spec() -> ResourceSpec {
    let flag = |name: &'static str, text: &'static str| Attribute::bool(name).computed().read_from(name).describe(text);
    ResourceSpec {
        type_name: "level27_network",
        description: "A Level27 network.",
        attributes: vec![
            Attribute::id("id")
                .computed()
                .read_from("id")
                .describe("The network's id."),
            Attribute::string("name")
                .computed()
                .read_from("name")
                .describe("The network's name, such as `level27_public`."),
            Attribute::string("description")
                .computed()
                .read_from("description")
                .describe("The network's description."),
            flag("public", "Whether the network is public."),
            flag("customer", "Whether the network is a customer's own network."),
            flag("internal", "Whether the network is internal."),
            Attribute::id_list("zone_ids")
                .computed()
                .read_from("zones")
                .describe("The zones (`level27_zone`) the network is available in: a system links only to networks of its own zone."),
        ],
        endpoint: Endpoint {
            collection: "/networks",
            item: "/networks/{id}",
            singular: "network",
            plural: "networks",
            update: UpdateVerb::None,
        },
        ..ResourceSpec::default()
    }
}

pub fn data_source() -> DataSource {
    DataSource::from_resource(
        spec(),
        "Looks up a Level27 network by `id` or by its exact `name`, to link systems to it.",
        &["name"],
    )
}
