//! Data sources: each finds one object by `id` or by its natural key and exposes the attributes
//! of the resource of the same name (see `framework::datasource`), or lists a collection into a
//! plural attribute (see `framework::list_datasource`).

pub mod domain;
pub mod domain_contact;
pub mod domain_record;
pub mod domain_records;
pub mod domain_type;
pub mod organisation;
pub mod organisations;
pub mod team;
pub mod teams;

use crate::framework::DataSource;

pub fn all() -> Vec<DataSource> {
    vec![
        organisation::data_source(),
        organisations::data_source(),
        team::data_source(),
        teams::data_source(),
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
                for word in ["replace", "setting it", "left out"] {
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
