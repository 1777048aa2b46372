//! Data sources: each finds one object by `id` or by its natural key and exposes the attributes
//! of the resource of the same name (see `framework::datasource`), or lists a collection into a
//! plural attribute (see `framework::list_datasource`).

pub mod app;
pub mod app_component;
pub mod app_component_types;
pub mod app_component_url;
pub mod baremetal;
pub mod domain;
pub mod domain_contact;
pub mod domain_record;
pub mod domain_records;
pub mod domain_type;
pub mod network;
pub mod networks;
pub mod organisation;
pub mod organisations;
pub mod plan;
pub mod plan_packages;
pub mod region;
pub mod regions;
pub mod shared_systems;
pub mod ssl_certificate;
pub mod system_configuration;
pub mod system_configurations;
pub mod system_groups;
pub mod system_image;
pub mod system_images;
pub mod team;
pub mod teams;
pub mod vm;
pub mod zone;

use crate::framework::DataSource;

pub fn all() -> Vec<DataSource> {
    vec![
        organisation::data_source(),
        organisations::data_source(),
        team::data_source(),
        teams::data_source(),
        vm::data_source(),
        baremetal::data_source(),
        region::data_source(),
        regions::data_source(),
        zone::data_source(),
        system_image::data_source(),
        system_images::data_source(),
        system_configuration::data_source(),
        system_configurations::data_source(),
        network::data_source(),
        networks::data_source(),
        plan::data_source(),
        plan_packages::data_source(),
        app::data_source(),
        app_component::data_source(),
        app_component_types::data_source(),
        app_component_url::data_source(),
        ssl_certificate::data_source(),
        system_groups::data_source(),
        shared_systems::data_source(),
        domain_contact::data_source(),
        domain::data_source(),
        domain_record::data_source(),
        domain_records::data_source(),
        domain_type::data_source(),
    ]
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_data_source_declaration_holds_the_invariants() {
        let all = super::all();
        assert!(all.len() >= 4);
        for ds in all {
            assert_eq!(ds.check(), Ok(()), "{}", ds.type_name);
        }
    }

    use crate::framework::Attribute;

    fn walk<'a>(attrs: &'a [Attribute], out: &mut Vec<&'a Attribute>) {
        for a in attrs {
            out.push(a);
            if let Some(n) = &a.nested {
                walk(&n.attributes, out);
            }
        }
    }

    /// A data source reads an object: its descriptions must not speak of what only a managed
    /// one does (replacement on change, what setting or leaving out an argument does).
    #[test]
    fn data_source_descriptions_speak_only_of_reading() {
        for d in super::all() {
            let mut attrs = Vec::new();
            walk(&d.schema.block.attributes, &mut attrs);
            for a in attrs {
                let text = a.description.to_lowercase();
                for word in ["replace", "setting it", "left out", "changing it"] {
                    assert!(
                        !text.contains(word),
                        "data.{}.{}: {:?} mentions {word:?}",
                        d.type_name,
                        a.name,
                        a.description
                    );
                }
            }
        }
    }
}
