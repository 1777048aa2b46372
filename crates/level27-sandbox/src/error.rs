//! The one error type every handler returns, rendered the way the real API renders it.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

/// Symfony's message for a violated `NotBlank` constraint.
pub(crate) const BLANK: &str = "This value should not be blank.";
/// Symfony's message when a form field cannot be transformed (wrong type, unknown entity id).
pub(crate) const INVALID: &str = "This value is not valid.";
/// Symfony's message for a `ChoiceType` value outside its choices.
pub(crate) const INVALID_CHOICE: &str = "The selected choice is invalid.";
/// Symfony's message when a form receives fields it does not define.
pub(crate) const EXTRA_FIELDS: &str = "This form should not contain extra fields.";
/// Seed L6218: the organisation form's global error for a tax number already in use.
pub(crate) const TAX_NUMBER_TAKEN: &str = "This organisation with the same tax number already exists in our database.";

/// An API error. Handlers return `Result<_, ApiError>`; `IntoResponse` renders the body.
#[derive(Debug)]
pub(crate) enum ApiError {
    /// Missing or wrong API key.
    // Seed: a 401 is documented only for `/login` ("Bad credentials"), with no body; the
    // sandbox answers `{"code": 401, "message": "..."}`, the FOSRest shape of its other
    // non-form errors.
    Unauthorized(&'static str),
    /// 404 `{"code": 404, "message": "Organisation is not found"}`.
    NotFound(String),
    /// 403: an object that exists but is another organisation's (a shared system).
    Forbidden(String),
    /// 405 for a known path with another method (Symfony's router message).
    MethodNotAllowed(String),
    /// 400 that is not about a form field (bad JSON, bad query parameter).
    BadRequest(String),
    /// 413: a request body over the sandbox's limit.
    TooLarge(String),
    /// 400 with the Symfony form error tree.
    Form(FormErrors),
    /// 500: the sandbox itself failed (e.g. could not write its data file).
    Internal(String),
}

impl ApiError {
    pub(crate) fn not_found(what: &str) -> Self {
        ApiError::NotFound(format!("{what} is not found"))
    }

    fn status(&self) -> StatusCode {
        match self {
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::BadRequest(_) | ApiError::Form(_) => StatusCode::BAD_REQUEST,
            ApiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn body(&self) -> Value {
        let message = match self {
            ApiError::Form(form) => return form.to_json(),
            ApiError::Unauthorized(m) => (*m).to_string(),
            ApiError::NotFound(m)
            | ApiError::Forbidden(m)
            | ApiError::MethodNotAllowed(m)
            | ApiError::BadRequest(m)
            | ApiError::TooLarge(m)
            | ApiError::Internal(m) => m.clone(),
        };
        json!({ "code": self.status().as_u16(), "message": message })
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json_response(self.status(), &self.body())
    }
}

/// A JSON response with an explicit status; used for errors and by the admin routes.
pub(crate) fn json_response(status: StatusCode, body: &Value) -> Response {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    let mut response = (status, bytes).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// The error tree of one Symfony form: global errors plus one entry per form field.
#[derive(Debug, Clone)]
pub(crate) struct FormErrors {
    /// The envelope key (`organisation`, `team`).
    entity: &'static str,
    global: Vec<String>,
    /// Every field of the form, in form order, with its messages (often none).
    children: Vec<(&'static str, Vec<String>)>,
}

impl FormErrors {
    pub(crate) fn new(entity: &'static str, fields: &[&'static str]) -> Self {
        FormErrors {
            entity,
            global: Vec::new(),
            children: fields.iter().map(|f| (*f, Vec::new())).collect(),
        }
    }

    pub(crate) fn global(&mut self, message: impl Into<String>) {
        self.global.push(message.into());
    }

    pub(crate) fn field(&mut self, field: &str, message: impl Into<String>) {
        match self.children.iter_mut().find(|(name, _)| *name == field) {
            Some((_, messages)) => messages.push(message.into()),
            // A field outside the form can only be an error in this crate; keep it visible.
            None => self.global.push(format!("{field}: {}", message.into())),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.global.is_empty() && self.children.iter().all(|(_, m)| m.is_empty())
    }

    /// `{"<entity>": {"errors": {"errors": [...], "children": {"<field>": {"errors": [...]}}}}}`.
    ///
    /// Seed: the only documented error body (L6214) omits the global `errors` key when a form has
    /// no global error (its `invitation` part), as Symfony's FOSRest normaliser does; so do we.
    /// A field without errors is an empty object, as in the seed.
    fn to_json(&self) -> Value {
        let mut children = Map::new();
        for (name, messages) in &self.children {
            let child = if messages.is_empty() {
                json!({})
            } else {
                json!({ "errors": messages })
            };
            children.insert((*name).to_string(), child);
        }
        let mut tree = Map::new();
        if !self.global.is_empty() {
            tree.insert("errors".into(), json!(self.global));
        }
        tree.insert("children".into(), Value::Object(children));
        json!({ self.entity: { "errors": Value::Object(tree) } })
    }
}

/// Startup failures of the sandbox (bad data file, cannot bind).
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error("cannot read data file {path}: {source}")]
    ReadData { path: String, source: std::io::Error },
    #[error("data file {path} is not valid sandbox state: {source}")]
    ParseData { path: String, source: serde_json::Error },
    #[error(
        "data file {path} is in use by another level27-sandbox (it holds {lock}); stop that one or give this one another --data file"
    )]
    DataInUse { path: String, lock: String },
    #[error("cannot write data file {path}: {source}")]
    WriteData { path: String, source: std::io::Error },
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: String, source: std::io::Error },
    #[error("invalid option: {0}")]
    Config(String),
    #[error("server error: {0}")]
    Serve(std::io::Error),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_errors_list_every_field_and_omit_empty_global() {
        let mut errors = FormErrors::new("team", &["name", "organisation", "adminOnly"]);
        errors.field("name", BLANK);
        assert_eq!(
            errors.to_json(),
            json!({"team": {"errors": {"children": {
                "name": {"errors": [BLANK]}, "organisation": {}, "adminOnly": {}
            }}}})
        );
        errors.global(EXTRA_FIELDS);
        assert_eq!(errors.to_json()["team"]["errors"]["errors"], json!([EXTRA_FIELDS]));
    }
}
