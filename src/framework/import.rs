//! Import ids and state upgrades: the two ways a state reaches the provider from outside.

use super::diag::{Diagnostic, Diagnostics};
use super::resource::Resource;
use super::validate::{id_hint, parse_api_id};
use super::value::{Object, Type, Value};
use serde_json::Value as Json;

impl Resource {
    /// Upgrades a state stored under schema `version` (Terraform's JSON form) to the current one.
    pub fn upgrade_state(&self, version: i64, raw_json: &[u8]) -> Result<Value, Diagnostics> {
        let fail = |why: String| -> Diagnostics {
            Diagnostic::error(
                format!("Cannot upgrade the stored state of {}", self.spec.type_name),
                why,
            )
            .into()
        };
        if version > self.schema.version || version < 0 {
            return Err(fail(format!(
                "It was written with schema version {version}, newer than this provider's {}; upgrade the provider.",
                self.schema.version
            )));
        }
        if raw_json.is_empty() {
            return Ok(Value::Null);
        }
        let mut state: serde_json::Map<String, Json> = serde_json::from_slice(raw_json)
            .map_err(|e| fail(format!("The stored state is not a JSON object: {e}.")))?;
        for (v, step) in self.spec.state_upgraders.iter().enumerate().skip(version as usize) {
            state = step(state).map_err(|e| fail(format!("Upgrading from schema version {v}: {e}.")))?;
        }
        super::codec::from_json(&Json::Object(state), &self.ty).map_err(|e| fail(e.to_string()))
    }

    /// The import id's form, e.g. `<organisation_id>/<id>`.
    pub(crate) fn import_shape(&self) -> String {
        self.spec
            .import_id
            .iter()
            .map(|p| format!("<{p}>"))
            .collect::<Vec<_>>()
            .join("/")
    }

    /// Turns an import id into a state holding the ids; Terraform then reads the object (and
    /// reports a clear error when it does not exist).
    pub fn import(&self, id: &str) -> Result<Object, Diagnostics> {
        let shape = self.import_shape();
        let parts: Vec<&str> = id.split('/').collect();
        let bad = |why: String| -> Diagnostics {
            Diagnostic::error(
                format!("Invalid import id for {}", self.spec.type_name),
                format!("Expected an id of the form {shape}; {why}."),
            )
            .into()
        };
        if parts.len() != self.spec.import_id.len() {
            return Err(bad(format!("got {id:?}")));
        }
        let mut state: Object = self
            .block()
            .attributes
            .iter()
            .map(|a| (a.name.to_string(), Value::Null))
            .collect();
        for (name, part) in self.spec.import_id.iter().zip(parts) {
            let attr = self
                .block()
                .attribute(name)
                .ok_or_else(|| bad(format!("unknown attribute {name}")))?;
            let v = match attr.ty {
                _ if attr.api.id => match parse_api_id(part) {
                    Some(_) => Value::string(part),
                    None => {
                        return Err(bad(format!(
                            "{name} must be a positive whole number, got {part:?}{}",
                            id_hint(part)
                        )))
                    }
                },
                Type::Number => match part.parse::<i64>() {
                    Ok(n) if n > 0 => Value::int(n),
                    _ => return Err(bad(format!("{name} must be a positive whole number, got {part:?}"))),
                },
                _ if part.is_empty() => return Err(bad(format!("{name} is empty"))),
                _ => Value::string(part),
            };
            state.insert(name.to_string(), v);
        }
        Ok(state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value as Json;

    #[test]
    fn an_import_id_spelt_with_spaces_or_zeros_names_the_id_meant() {
        let vm = super::super::Resource::new(crate::resources::system::vm());
        let err = vm.import(" 4206").unwrap_err();
        assert_eq!(
            err.0[0].detail,
            "Expected an id of the form <id>; id must be a positive whole number, got \" 4206\"; write it as \"4206\"."
        );
        let err = vm.import("abc").unwrap_err();
        assert!(!err.0[0].detail.contains("write it as"), "{err:?}");
        assert_eq!(vm.import("4206").unwrap()["id"], Value::string("4206"));
    }

    fn rename_title_to_name(mut s: serde_json::Map<String, Json>) -> Result<serde_json::Map<String, Json>, String> {
        let title = s.remove("title").ok_or("no title")?;
        s.insert("name".into(), title);
        Ok(s)
    }

    fn versioned() -> Resource {
        let mut spec = crate::resources::team::spec();
        spec.version = 1;
        spec.state_upgraders = &[rename_title_to_name];
        Resource::new(spec)
    }

    #[test]
    fn state_is_upgraded_step_by_step_to_the_current_schema() {
        let r = versioned();
        let v = r
            .upgrade_state(0, br#"{"id": 5, "organisation_id": 9, "title": "ops"}"#)
            .unwrap();
        let o = v.as_object().unwrap();
        assert_eq!(o["name"], Value::string("ops"));
        // Ids stored as numbers by earlier builds read back as the strings ids are now.
        assert_eq!(o["id"], Value::string("5"));
        assert_eq!(o["organisation_id"], Value::string("9"));
        // Already current: decoded as is.
        let v = r
            .upgrade_state(1, br#"{"id": 5, "organisation_id": 9, "name": "x"}"#)
            .unwrap();
        assert_eq!(v.as_object().unwrap()["name"], Value::string("x"));
        // From the future, or broken: a diagnostic, not a panic.
        assert!(r.upgrade_state(2, b"{}").is_err());
        assert!(r.upgrade_state(0, br#"{"id": 5}"#).is_err());
        assert!(r.upgrade_state(1, b"[1]").is_err());
    }
}
