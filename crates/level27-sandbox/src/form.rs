//! A small imitation of a Symfony form: a JSON body, the form's fields, and the errors collected
//! into the tree the API answers with (`core` reads each field as its declared type).

use axum::body::Bytes;
use serde_json::{Map, Value};

use crate::error::{ApiError, FormErrors, EXTRA_FIELDS};

/// Parses a request body as a JSON object. An empty body is an empty form (every required field
/// then reports "should not be blank"), as Symfony treats a missing body.
pub(crate) fn json_object(body: &Bytes) -> Result<Map<String, Value>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        // Seed: malformed bodies are not documented; FOSRest's body listener answers this.
        Ok(_) | Err(_) => Err(ApiError::BadRequest("Invalid json message received".to_string())),
    }
}

pub(crate) struct Form<'a> {
    body: &'a Map<String, Value>,
    errors: FormErrors,
}

impl<'a> Form<'a> {
    /// A form with the given fields over `body`; any other key is a global error.
    ///
    /// Seed: unknown fields are never mentioned (no "extra fields" anywhere in it). The API's
    /// error bodies are Symfony form trees, and a Symfony form rejects fields it does not define
    /// by default (`allow_extra_fields: false`) with this global message, so the sandbox does.
    pub(crate) fn new(entity: &'static str, fields: &[&'static str], body: &'a Map<String, Value>) -> Self {
        let mut errors = FormErrors::new(entity, fields);
        if body.keys().any(|key| !fields.contains(&key.as_str())) {
            errors.global(EXTRA_FIELDS);
        }
        Form { body, errors }
    }

    /// Whether the body names the field at all (even with `null`): PATCH applies only these.
    pub(crate) fn has(&self, field: &str) -> bool {
        self.body.contains_key(field)
    }

    pub(crate) fn error(&mut self, field: &str, message: &str) {
        self.errors.field(field, message);
    }

    /// An error of the whole form (a class constraint such as a uniqueness rule).
    pub(crate) fn global_error(&mut self, message: &str) {
        self.errors.global(message);
    }

    /// The form's outcome: `Ok` when no field and no global error was recorded.
    pub(crate) fn finish(self) -> Result<(), ApiError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Form(self.errors))
        }
    }

    /// The raw JSON value of a field (`core` reads it as the field's type).
    pub(crate) fn raw(&self, field: &str) -> Option<&'a Value> {
        self.body.get(field)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    #[test]
    fn extra_fields_are_a_global_error() {
        let b = body(json!({"name": "a", "bogus": 1}));
        let form = Form::new("x", &["name"], &b);
        assert!(form.has("name") && !form.has("other"));
        assert!(form.finish().is_err());
        let fine = body(json!({"name": "a"}));
        assert!(Form::new("x", &["name"], &fine).finish().is_ok());
    }

    #[test]
    fn malformed_json_is_rejected_and_empty_body_is_empty_form() {
        assert!(json_object(&Bytes::from_static(b"{")).is_err());
        assert!(json_object(&Bytes::from_static(b"[1]")).is_err());
        assert_eq!(json_object(&Bytes::from_static(b"  ")).ok(), Some(Map::new()));
    }
}
