//! The one place API errors become diagnostics: field errors of a 400 land on the attributes they
//! belong to, 401/403 say which credential or role is missing, and nothing ever repeats the key.

use super::diag::{AttrPath, Diagnostic, Diagnostics};
use super::schema::Block;
use level27_client::Error as ApiError;

/// Translates an API error raised while doing `action` (e.g. "create level27_team") on an object
/// whose attributes are declared in `block`.
pub fn translate(err: &ApiError, action: &str, block: Option<&Block>) -> Diagnostics {
    let mut diags = Diagnostics::default();
    match err {
        ApiError::Validation(v) => {
            for g in &v.global {
                diags.push(Diagnostic::error(format!("Level27 API rejected the request to {action}"), g.clone()));
            }
            for f in &v.fields {
                let api_field = f.path.first().map(String::as_str).unwrap_or_default();
                let attr = block.and_then(|b| {
                    b.attributes
                        .iter()
                        .find(|a| a.api.send == Some(api_field) || a.api.read.is_some_and(|r| r.split('.').next() == Some(api_field)))
                });
                let d = Diagnostic::error(
                    format!("Invalid value for {}", attr.map(|a| a.name).unwrap_or(api_field)),
                    format!("The Level27 API rejected the request to {action}: {} (API field `{}`).", f.message, f.path.join(".")),
                );
                diags.push(match attr {
                    Some(a) => d.at(AttrPath::attr(a.name)),
                    None => d,
                });
            }
            if diags.0.is_empty() {
                diags.push(Diagnostic::error(format!("Level27 API rejected the request to {action}"), err.to_string()));
            }
        }
        ApiError::Unauthorized { .. } => diags.push(Diagnostic::error(
            "Level27 API key rejected",
            format!(
                "The Level27 API answered 401 Unauthorized while trying to {action}. Check the provider's `api_key` argument or the LEVEL27_API_KEY environment variable, and that the key has not expired or been restricted to other IP addresses."
            ),
        )),
        ApiError::Forbidden { .. } => diags.push(Diagnostic::error(
            "Access denied by the Level27 API",
            format!("{err}. The api key's user lacks access to this object or the role needed to {action}; ask an organisation admin to grant it."),
        )),
        ApiError::OutcomeUnknown { .. } => diags.push(Diagnostic::error(
            format!("Unknown outcome while trying to {action}"),
            format!("{err}. The request may or may not have been carried out; it was not repeated so that no duplicate is created."),
        )),
        other => diags.push(Diagnostic::error(format!("Failed to {action}"), other.to_string())),
    }
    diags
}
