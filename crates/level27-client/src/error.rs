//! Typed errors, and the parsing of the API's error bodies into them.

use std::fmt;

use serde_json::{Map, Value};

/// Everything a call can fail with. No variant ever contains the api key: messages that come from the
/// server are scrubbed of it before they are stored.
#[derive(Clone, Debug, thiserror::Error)]
pub enum Error {
    /// HTTP 404.
    #[error("{method} {path}: 404 not found: {message}")]
    NotFound {
        method: String,
        path: String,
        message: String,
    },
    /// HTTP 404 from the API's router rather than from an object: no route matches the URL
    /// (Symfony's `No route found for "GET /organisations/1"`), so the URL is wrong, most often a
    /// base URL without `/v1`. Unlike [`Error::NotFound`] it says nothing about the object.
    #[error("{method} {url}: 404 {message}: the Level27 API has no such route; check the API URL (the provider's `api_url` or LEVEL27_API_URL), which must end in /v1, e.g. https://api.level27.eu/v1")]
    RouteNotFound {
        method: String,
        /// The full URL requested, without query string or credentials.
        url: String,
        message: String,
    },
    /// HTTP 400 (or 422): the API's Symfony-form validation errors.
    #[error("{0}")]
    Validation(ValidationErrors),
    /// HTTP 401: the api key was rejected.
    #[error("401 unauthorized: {message}")]
    Unauthorized { message: String },
    /// HTTP 403, and the API's documented "user does not have a proper role" answer, which is a 500
    /// whose message mentions the role.
    #[error("{method} {path}: access denied: {message}")]
    Forbidden {
        method: String,
        path: String,
        message: String,
    },
    /// Any other non-success status, after the retries the status allows.
    #[error("{method} {path}: {status} {message}")]
    Status {
        method: String,
        path: String,
        status: u16,
        message: String,
    },
    /// The request failed without a response (connect error, timeout, dropped connection) and either it
    /// certainly was not processed or the verb is idempotent; retries are exhausted.
    #[error("{method} {path}: request failed: {message}")]
    Transport {
        method: String,
        path: String,
        message: String,
    },
    /// A POST that may or may not have been processed. It is never retried blindly: the caller looks
    /// the object up and decides.
    #[error("{method} {path}: outcome unknown, the API may or may not have processed the request: {message}")]
    OutcomeUnknown {
        method: String,
        path: String,
        message: String,
        /// The API may still be working on it (the request timed out, or a gateway gave up waiting):
        /// an object not found right away may yet appear. Otherwise the connection ended without an
        /// answer, so the API is done with the request, whether it carried it out or not.
        pending: bool,
    },
    /// A success status whose body is not what the call expects.
    #[error("{method} {path}: invalid response: {message}")]
    InvalidResponse {
        method: String,
        path: String,
        message: String,
    },
    /// The [`crate::Config`] cannot be used.
    #[error("invalid Level27 client configuration: {0}")]
    Config(String),
}

impl Error {
    pub fn is_not_found(&self) -> bool {
        matches!(self, Error::NotFound { .. })
    }

    /// The provider's own settings are wrong: the key rejected (401) or a configuration the client
    /// cannot use. Every request fails alike, whatever it asks. (A router's 404 is not counted:
    /// it may be one route the API lacks, and a base URL without `/v1` is refused before any
    /// request.)
    pub fn is_misconfiguration(&self) -> bool {
        matches!(self, Error::Unauthorized { .. } | Error::Config(_))
    }

    pub fn is_outcome_unknown(&self) -> bool {
        matches!(self, Error::OutcomeUnknown { .. })
    }

    /// An unknown outcome where the API may still be carrying the request out (see
    /// [`Error::OutcomeUnknown`]): repeating it could create a duplicate later.
    pub fn may_still_be_running(&self) -> bool {
        matches!(self, Error::OutcomeUnknown { pending: true, .. })
    }

    /// The HTTP status the error came with, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::NotFound { .. } | Error::RouteNotFound { .. } => Some(404),
            Error::Validation(v) => Some(v.status),
            Error::Unauthorized { .. } => Some(401),
            Error::Status { status, .. } => Some(*status),
            Error::Forbidden { .. }
            | Error::Transport { .. }
            | Error::OutcomeUnknown { .. }
            | Error::InvalidResponse { .. }
            | Error::Config(_) => None,
        }
    }

    /// Replaces every occurrence of `secret` in the error's strings. Applied to every error built from a
    /// server answer, because a server may echo the Authorization header back.
    pub(crate) fn scrub(self, secret: &str) -> Error {
        if secret.is_empty() {
            return self;
        }
        let s = |text: String| scrub_str(text, secret);
        match self {
            Error::NotFound { method, path, message } => Error::NotFound {
                method,
                path: s(path),
                message: s(message),
            },
            Error::RouteNotFound { method, url, message } => Error::RouteNotFound {
                method,
                url: s(url),
                message: s(message),
            },
            Error::Validation(v) => Error::Validation(ValidationErrors {
                status: v.status,
                entity: v.entity.map(s),
                global: v.global.into_iter().map(s).collect(),
                fields: v
                    .fields
                    .into_iter()
                    .map(|f| FieldError {
                        path: f.path.into_iter().map(s).collect(),
                        message: s(f.message),
                    })
                    .collect(),
            }),
            Error::Unauthorized { message } => Error::Unauthorized { message: s(message) },
            Error::Forbidden { method, path, message } => Error::Forbidden {
                method,
                path: s(path),
                message: s(message),
            },
            Error::Status {
                method,
                path,
                status,
                message,
            } => Error::Status {
                method,
                path: s(path),
                status,
                message: s(message),
            },
            Error::Transport { method, path, message } => Error::Transport {
                method,
                path: s(path),
                message: s(message),
            },
            Error::OutcomeUnknown {
                method,
                path,
                message,
                pending,
            } => Error::OutcomeUnknown {
                method,
                path: s(path),
                message: s(message),
                pending,
            },
            Error::InvalidResponse { method, path, message } => Error::InvalidResponse {
                method,
                path: s(path),
                message: s(message),
            },
            Error::Config(message) => Error::Config(s(message)),
        }
    }
}

pub(crate) fn scrub_str(text: String, secret: &str) -> String {
    if !secret.is_empty() && text.contains(secret) {
        text.replace(secret, "<redacted>")
    } else {
        text
    }
}

/// A 400 answer, parsed from the API's Symfony-form body
/// `{"<entity>": {"errors": {"errors": [global], "children": {"<field>": {"errors": [msg], "children": …}}}}}`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ValidationErrors {
    pub status: u16,
    /// The envelope key (`organisation`, `app`, …) when the body has exactly one. When it has several
    /// (e.g. `organisation` and `invitation`), this is `None` and every field path starts with its
    /// entity key.
    pub entity: Option<String>,
    /// Messages not tied to a field; for a body that is not a form, its message or text.
    pub global: Vec<String>,
    pub fields: Vec<FieldError>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// API field names from the outermost child down, e.g. `["taxNumber"]` or `["address", "zip"]`.
    pub path: Vec<String>,
    pub message: String,
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} validation failed", self.status)?;
        if let Some(entity) = &self.entity {
            write!(f, " for {entity}")?;
        }
        let mut sep = ": ";
        for message in &self.global {
            write!(f, "{sep}{message}")?;
            sep = "; ";
        }
        for field in &self.fields {
            write!(f, "{sep}{}: {}", field.path.join("."), field.message)?;
            sep = "; ";
        }
        Ok(())
    }
}

/// Longest piece of a non-JSON body quoted in an error message.
const MAX_QUOTED_BODY: usize = 300;

impl ValidationErrors {
    /// Parses a 400 body. Never fails: an unparseable body becomes one global message.
    pub fn from_body(status: u16, body: &[u8]) -> ValidationErrors {
        let mut out = ValidationErrors {
            status,
            ..ValidationErrors::default()
        };
        if let Ok(Value::Object(root)) = serde_json::from_slice::<Value>(body) {
            parse_form_body(&root, &mut out);
            if out.global.is_empty() && out.fields.is_empty() {
                out.global.push(message_from_object(&root).unwrap_or_else(|| {
                    Value::Object(root.clone())
                        .to_string()
                        .chars()
                        .take(MAX_QUOTED_BODY)
                        .collect()
                }));
            }
        } else {
            out.global.push(body_message(status, body));
        }
        for m in out
            .global
            .iter_mut()
            .chain(out.fields.iter_mut().map(|f| &mut f.message))
        {
            without_placeholder(m);
        }
        out
    }
}

/// Drops a translation placeholder the API leaves at the end of some messages: seed L19804,
/// "CNAME/NS record with the same name as an existing record is not allowed ## ADD_CODE". It
/// tells the user nothing.
fn without_placeholder(message: &mut String) {
    if let Some((text, marker)) = message.rsplit_once("## ") {
        let is_code = !marker.is_empty() && marker.chars().all(|c| c.is_ascii_uppercase() || c == '_');
        if is_code && !text.trim().is_empty() {
            message.truncate(text.trim_end().len());
        }
    }
}

fn parse_form_body(root: &Map<String, Value>, out: &mut ValidationErrors) {
    // FOSRestBundle's shape: {"code": 400, "message": "Validation Failed", "errors": {form}}.
    if let Some(form) = root.get("errors").filter(|f| is_form(f)) {
        collect_form(form, &mut Vec::new(), 0, out);
        return;
    }
    // The documented shape: one or more {"<entity>": {"errors": {form}}}.
    let entities: Vec<(&String, &Value)> = root
        .iter()
        .filter_map(|(k, v)| v.get("errors").filter(|f| is_form(f)).map(|f| (k, f)))
        .collect();
    match entities.as_slice() {
        [] => {}
        [(entity, form)] => {
            out.entity = Some((*entity).clone());
            collect_form(form, &mut Vec::new(), 0, out);
        }
        many => {
            for (entity, form) in many {
                collect_form(form, &mut vec![(*entity).clone()], 1, out);
            }
        }
    }
}

fn is_form(v: &Value) -> bool {
    v.as_object()
        .is_some_and(|o| o.contains_key("children") || o.get("errors").is_some_and(Value::is_array))
}

/// Walks one form node: its own `errors`, then each child, depth first. `children` may be an object or,
/// PHP's empty-array quirk, a JSON array. Messages of a form's root (`path.len() == root`) are global.
fn collect_form(node: &Value, path: &mut Vec<String>, root: usize, out: &mut ValidationErrors) {
    if let Some(errors) = node.get("errors").and_then(Value::as_array) {
        for e in errors {
            let message = match e {
                Value::String(s) => s.clone(),
                Value::Object(o) => message_from_object(o).unwrap_or_else(|| e.to_string()),
                other => other.to_string(),
            };
            if path.len() == root {
                out.global.push(message);
            } else {
                out.fields.push(FieldError {
                    path: path.clone(),
                    message,
                });
            }
        }
    }
    match node.get("children") {
        Some(Value::Object(children)) => {
            for (name, child) in children {
                path.push(name.clone());
                collect_form(child, path, root, out);
                path.pop();
            }
        }
        Some(Value::Array(children)) => {
            for (index, child) in children.iter().enumerate() {
                path.push(index.to_string());
                collect_form(child, path, root, out);
                path.pop();
            }
        }
        _ => {}
    }
}

fn message_from_object(o: &Map<String, Value>) -> Option<String> {
    for key in ["message", "error_description", "error", "detail", "title"] {
        match o.get(key) {
            Some(Value::String(s)) if !s.trim().is_empty() => return Some(s.trim().to_string()),
            Some(Value::Object(inner)) => {
                if let Some(m) = message_from_object(inner) {
                    return Some(m);
                }
            }
            _ => {}
        }
    }
    None
}

/// A human-readable message for an error response: the JSON `message` when there is one, otherwise the
/// start of the body text, otherwise the status's reason phrase.
pub(crate) fn body_message(status: u16, body: &[u8]) -> String {
    if let Ok(v) = serde_json::from_slice::<Value>(body) {
        match &v {
            Value::Object(o) => {
                if let Some(m) = message_from_object(o) {
                    return m;
                }
            }
            Value::String(s) if !s.trim().is_empty() => return s.trim().to_string(),
            _ => {}
        }
    }
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    // An HTML error page from a proxy says nothing useful in one line.
    if text.is_empty() || text.starts_with('<') {
        return reason_phrase(status).to_string();
    }
    let mut quoted: String = text.chars().take(MAX_QUOTED_BODY).collect();
    if quoted.len() < text.len() {
        quoted.push('…');
    }
    quoted
}

fn reason_phrase(status: u16) -> &'static str {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("unexpected status")
}

/// Whether a 404's message is the router's "no route" answer (Symfony: `No route found for "GET
/// /organisations/1"`) rather than an object's not-found (`Organisation is not found`).
pub(crate) fn is_route_not_found(message: &str) -> bool {
    message.trim_start().starts_with("No route found")
}

/// The API documents a missing role as a 500 "user does not have a proper role to access a controller".
pub(crate) fn mentions_role(message: &str) -> bool {
    message
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| w.eq_ignore_ascii_case("role") || w.eq_ignore_ascii_case("roles"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fe(path: &[&str], message: &str) -> FieldError {
        FieldError {
            path: path.iter().map(|s| s.to_string()).collect(),
            message: message.to_string(),
        }
    }

    #[test]
    fn documented_body_with_two_entities_prefixes_paths() {
        // The one error body the API documents (post /organisationandinvitation).
        let body = json!({
            "organisation": {"errors": {
                "errors": ["This organisation with the same tax number already exists in our database."],
                "children": {"name": {}, "taxNumber": {}, "country": []}
            }},
            "invitation": {"errors": {"children": {"firstName": {}, "email": {"errors": ["Duplicate email"]}}}}
        });
        let v = ValidationErrors::from_body(400, body.to_string().as_bytes());
        assert_eq!(v.entity, None);
        assert_eq!(
            v.global,
            vec!["This organisation with the same tax number already exists in our database."]
        );
        assert_eq!(v.fields, vec![fe(&["invitation", "email"], "Duplicate email")]);
    }

    #[test]
    fn nested_children_give_full_paths() {
        let body = json!({"app": {"errors": {"children": {
            "name": {"errors": ["This value should not be blank.", "Too short."]},
            "address": {"children": {"zip": {"errors": ["Invalid zip."]}, "street": {}}},
            "tags": {"children": [{}, {"errors": ["Bad tag."]}]}
        }}}});
        let v = ValidationErrors::from_body(400, body.to_string().as_bytes());
        assert_eq!(v.entity.as_deref(), Some("app"));
        assert!(v.global.is_empty());
        assert_eq!(
            v.fields,
            vec![
                fe(&["name"], "This value should not be blank."),
                fe(&["name"], "Too short."),
                fe(&["address", "zip"], "Invalid zip."),
                fe(&["tags", "1"], "Bad tag."),
            ]
        );
        assert_eq!(
            v.to_string(),
            "400 validation failed for app: name: This value should not be blank.; name: Too short.; \
             address.zip: Invalid zip.; tags.1: Bad tag."
        );
    }

    #[test]
    fn a_trailing_placeholder_code_is_dropped() {
        let body = json!({"record": {"errors": {"children": {"name": {"errors": [
            "CNAME/NS record with the same name as an existing record is not allowed ## ADD_CODE"
        ]}}}}});
        let v = ValidationErrors::from_body(400, body.to_string().as_bytes());
        assert_eq!(
            v.fields,
            vec![fe(
                &["name"],
                "CNAME/NS record with the same name as an existing record is not allowed"
            )]
        );
        let v = ValidationErrors::from_body(400, br#"{"code":400,"message":"Refused ## ADD_CODE"}"#);
        assert_eq!(v.global, vec!["Refused"]);
        // Only a code-like marker at the end goes.
        for kept in ["Use ## for comments", "## ADD_CODE", "Tag ## not-a-code"] {
            let v = ValidationErrors::from_body(400, json!({"message": kept}).to_string().as_bytes());
            assert_eq!(v.global, vec![kept]);
        }
    }

    #[test]
    fn fosrest_shape_and_plain_messages() {
        let body = json!({"code": 400, "message": "Validation Failed",
            "errors": {"children": {"email": {"errors": ["Invalid."]}}}});
        let v = ValidationErrors::from_body(400, body.to_string().as_bytes());
        assert_eq!(v.fields, vec![fe(&["email"], "Invalid.")]);

        let v = ValidationErrors::from_body(400, br#"{"code":400,"message":"Bad request"}"#);
        assert_eq!(v.global, vec!["Bad request"]);
        assert!(v.fields.is_empty());

        let v = ValidationErrors::from_body(400, b"oops, not json");
        assert_eq!(v.global, vec!["oops, not json"]);

        let v = ValidationErrors::from_body(400, b"");
        assert_eq!(v.global, vec!["Bad Request"]);
    }

    #[test]
    fn body_message_prefers_json_message_and_truncates_text() {
        assert_eq!(
            body_message(404, br#"{"code":404,"message":"App not found"}"#),
            "App not found"
        );
        assert_eq!(body_message(502, b"<html>bad gateway</html>"), "Bad Gateway");
        let long = "x".repeat(1000);
        let m = body_message(500, long.as_bytes());
        assert_eq!(m.chars().count(), MAX_QUOTED_BODY + 1);
    }

    #[test]
    fn a_route_not_found_is_not_an_objects_not_found() {
        let message = body_message(
            404,
            br#"{"code":404,"message":"No route found for \"GET /organisations/1000\""}"#,
        );
        assert!(is_route_not_found(&message), "{message}");
        assert!(!is_route_not_found("Organisation is not found"));
        let e = Error::RouteNotFound {
            method: "GET".into(),
            url: "http://127.0.0.1:8080/organisations/1000".into(),
            message,
        };
        assert!(!e.is_not_found());
        assert_eq!(e.status(), Some(404));
        let text = e.to_string();
        assert!(text.contains("GET http://127.0.0.1:8080/organisations/1000"), "{text}");
        assert!(text.contains("api_url") && text.contains("/v1"), "{text}");
    }

    #[test]
    fn role_detection_is_word_based() {
        assert!(mentions_role(
            "Response when a user does not have a proper role to access a controller"
        ));
        // Symfony role names such as ROLE_ADMIN count.
        assert!(mentions_role("Missing ROLE_ADMIN"));
        assert!(!mentions_role("controller enrolled"));
        assert!(mentions_role("missing roles"));
    }
}
