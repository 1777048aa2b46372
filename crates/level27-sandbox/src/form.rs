//! A small imitation of a Symfony form: reads a JSON body field by field, converting values the
//! way Symfony's form types do, and collects the errors into the tree the API answers with.

use axum::body::Bytes;
use serde_json::{Map, Value};

use crate::error::{ApiError, FormErrors, BLANK, EXTRA_FIELDS, INVALID, INVALID_CHOICE};

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

    /// A text field. Numbers are accepted and kept as their decimal text (the seed's own
    /// examples send `"houseNumber": 123`); `null` and `""` mean "no value", as Symfony's
    /// `TextType` turns an empty string into null.
    pub(crate) fn text(&mut self, field: &str) -> Option<String> {
        match self.body.get(field) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.is_empty() => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(_) => {
                self.error(field, INVALID);
                None
            }
        }
    }

    /// A text field with `NotBlank`.
    pub(crate) fn required_text(&mut self, field: &str) -> Option<String> {
        let was_invalid = matches!(
            self.body.get(field),
            Some(Value::Bool(_) | Value::Array(_) | Value::Object(_))
        );
        let value = self.text(field);
        if value.is_none() && !was_invalid {
            self.error(field, BLANK);
        }
        value
    }

    /// An integer field; integral numbers and numeric strings are accepted. `Ok(None)` for
    /// absent, null or empty, `Err(())` after recording an error.
    pub(crate) fn integer(&mut self, field: &str) -> Result<Option<i64>, ()> {
        match self.int_value(field) {
            Ok(value) => Ok(value),
            Err(()) => {
                self.error(field, INVALID);
                Err(())
            }
        }
    }

    /// An integer restricted to `choices` (`ChoiceType`).
    pub(crate) fn choice(&mut self, field: &str, choices: &[i64]) -> Result<Option<i64>, ()> {
        match self.int_value(field) {
            Ok(None) => Ok(None),
            Ok(Some(v)) if choices.contains(&v) => Ok(Some(v)),
            _ => {
                self.error(field, INVALID_CHOICE);
                Err(())
            }
        }
    }

    fn int_value(&self, field: &str) -> Result<Option<i64>, ()> {
        let parsed = match self.body.get(field) {
            None | Some(Value::Null) => return Ok(None),
            Some(Value::String(s)) if s.is_empty() => return Ok(None),
            Some(Value::Number(n)) => n.as_i64(),
            Some(Value::String(s)) => s.trim().parse::<i64>().ok(),
            Some(_) => None,
        };
        parsed.map(Some).ok_or(())
    }

    /// A boolean field: JSON booleans, 0/1, and the strings "true"/"false"/"1"/"0".
    pub(crate) fn boolean(&mut self, field: &str) -> Result<Option<bool>, ()> {
        let parsed = match self.body.get(field) {
            None | Some(Value::Null) => return Ok(None),
            Some(Value::Bool(b)) => Some(*b),
            Some(Value::Number(n)) => match n.as_i64() {
                Some(0) => Some(false),
                Some(1) => Some(true),
                _ => None,
            },
            Some(Value::String(s)) => match s.as_str() {
                "true" | "1" => Some(true),
                "false" | "0" | "" => Some(false),
                _ => None,
            },
            Some(_) => None,
        };
        match parsed {
            Some(b) => Ok(Some(b)),
            None => {
                self.error(field, INVALID);
                Err(())
            }
        }
    }

    /// The raw JSON value of a field, for fields without a fixed type.
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
    fn text_accepts_numbers_and_blank_means_none() {
        let b = body(json!({"a": 123, "b": "", "c": "x", "d": [1]}));
        let mut form = Form::new("x", &["a", "b", "c", "d"], &b);
        assert_eq!(form.text("a").as_deref(), Some("123"));
        assert_eq!(form.text("b"), None);
        assert_eq!(form.text("c").as_deref(), Some("x"));
        assert_eq!(form.text("d"), None);
        assert!(form.finish().is_err());
    }

    #[test]
    fn extra_fields_are_a_global_error() {
        let b = body(json!({"name": "a", "bogus": 1}));
        let mut form = Form::new("x", &["name"], &b);
        assert_eq!(form.required_text("name").as_deref(), Some("a"));
        assert!(form.finish().is_err());
    }

    #[test]
    fn choices_and_booleans() {
        let b = body(json!({"c": 3, "d": "2", "t": "1", "f": 0, "bad": "yes"}));
        let mut form = Form::new("x", &["c", "d", "t", "f", "bad"], &b);
        assert_eq!(form.choice("c", &[0, 1, 2]), Err(()));
        assert_eq!(form.choice("d", &[0, 1, 2]), Ok(Some(2)));
        assert_eq!(form.boolean("t"), Ok(Some(true)));
        assert_eq!(form.boolean("f"), Ok(Some(false)));
        assert_eq!(form.boolean("bad"), Err(()));
        assert_eq!(form.boolean("missing"), Ok(None));
    }

    #[test]
    fn malformed_json_is_rejected_and_empty_body_is_empty_form() {
        assert!(json_object(&Bytes::from_static(b"{")).is_err());
        assert!(json_object(&Bytes::from_static(b"[1]")).is_err());
        assert_eq!(json_object(&Bytes::from_static(b"  ")).ok(), Some(Map::new()));
    }
}
