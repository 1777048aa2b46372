//! One API collection, several resource types: `/systems` holds KVM guests (`level27_vm`) and
//! baremetal servers (`level27_baremetal`), told apart by the object's `type`.
//!
//! Declared per resource ([`Kind`]): the value is sent on create, and reading an object of
//! another kind (an import with the wrong resource type) is an error naming the right one.

use super::diag::{Diagnostic, Diagnostics};
use super::mapping::lookup;
use serde_json::Value as Json;

#[derive(Clone, Debug)]
pub struct Kind {
    /// The object's field naming its kind (`type`).
    pub field: &'static str,
    /// This resource's value (`kvmguest`).
    pub value: &'static str,
    /// The other values and the resource type that manages each (`baremetal` → `level27_baremetal`).
    pub others: &'static [(&'static str, &'static str)],
}

impl Kind {
    /// An error when `obj` is of another kind. An answer without the field is taken as ours.
    pub fn check(&self, obj: &Json, type_name: &str, id: &str) -> Result<(), Diagnostics> {
        self.check_as(obj, type_name, id, false)
    }

    /// [`Kind::check`] for the data source `type_name`: the hint names the data source to read
    /// the object with, not a resource to manage it.
    pub fn check_data(&self, obj: &Json, type_name: &str, id: &str) -> Result<(), Diagnostics> {
        self.check_as(obj, type_name, id, true)
    }

    fn check_as(&self, obj: &Json, type_name: &str, id: &str, data: bool) -> Result<(), Diagnostics> {
        let found = match lookup(obj, self.field) {
            Json::String(s) if !s.is_empty() => s.as_str(),
            _ => return Ok(()),
        };
        if found == self.value {
            return Ok(());
        }
        let hint = match self.others.iter().find(|(v, _)| *v == found) {
            Some((_, other)) if data => format!("Read it with data \"{other}\" instead."),
            Some((_, other)) => format!("Manage or import it as {other} instead."),
            None if data => format!(
                "data \"{type_name}\" reads only objects whose {} is {:?}.",
                self.field, self.value
            ),
            None => format!(
                "{type_name} manages only objects whose {} is {:?}.",
                self.field, self.value
            ),
        };
        let wrong = if data { "data source" } else { "resource type" };
        Err(Diagnostic::error(
            format!("Wrong {wrong} for object {id}"),
            format!(
                "Object {id} has {} {found:?}, not {:?}: it is not a {type_name}. {hint}",
                self.field, self.value
            ),
        )
        .into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const VM: Kind = Kind {
        field: "type",
        value: "kvmguest",
        others: &[("baremetal", "level27_baremetal")],
    };

    #[test]
    fn another_kind_names_the_right_resource_type() {
        assert!(VM.check(&json!({"type": "kvmguest"}), "level27_vm", "4200").is_ok());
        assert!(VM.check(&json!({}), "level27_vm", "4200").is_ok());
        let d = VM
            .check(&json!({"type": "baremetal"}), "level27_vm", "4201")
            .unwrap_err();
        assert!(
            d.0[0].detail.contains("level27_baremetal") && d.0[0].detail.contains("4201"),
            "{:?}",
            d.0[0]
        );
        let d = VM.check(&json!({"type": "kvmhost"}), "level27_vm", "4202").unwrap_err();
        assert!(d.0[0].detail.contains("\"kvmhost\""), "{:?}", d.0[0]);
    }

    #[test]
    fn a_data_source_of_another_kind_names_the_data_source_to_read_it_with() {
        let d = VM
            .check_data(&json!({"type": "baremetal"}), "level27_vm", "4201")
            .unwrap_err();
        assert_eq!(d.0[0].summary, "Wrong data source for object 4201");
        assert!(
            d.0[0]
                .detail
                .ends_with("Read it with data \"level27_baremetal\" instead."),
            "a data source neither manages nor imports: {:?}",
            d.0[0]
        );
        let d = VM
            .check_data(&json!({"type": "kvmhost"}), "level27_vm", "4202")
            .unwrap_err();
        assert!(d.0[0].detail.contains("reads only objects"), "{:?}", d.0[0]);
    }
}
