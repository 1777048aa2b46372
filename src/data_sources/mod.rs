//! Data sources: each finds one object by `id` or by its natural key and exposes the attributes
//! of the resource of the same name (see `framework::datasource`), or lists a collection into a
//! plural attribute (see `framework::list_datasource`).

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
}
