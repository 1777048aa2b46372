//! API paths rendered from state, and the API's envelopes.

use super::value::Object;
use super::value::Value;
use serde_json::Value as Json;

/// Fills `{attribute}` placeholders from the state. Ids are whole numbers; strings are
/// percent-encoded so a name can never change the path.
pub fn render_path(template: &str, state: &Object) -> Result<String, String> {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find('}')
            .map(|e| start + e)
            .ok_or_else(|| template.to_string())?;
        let name = &rest[start + 1..end];
        match state.get(name) {
            Some(Value::Number(n)) => out.push_str(&n.to_string()),
            Some(Value::String(s)) if !s.is_empty() => percent_encode(s, &mut out),
            _ => return Err(name.to_string()),
        }
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The `{attribute}` names of a path template, in order (`spec_check` checks their form).
pub(crate) fn placeholders(path: &str) -> impl Iterator<Item = &str> {
    path.split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(name, _)| name))
}

/// Appends `s` with every byte but RFC 3986's unreserved ones percent-encoded.
fn percent_encode(s: &str, out: &mut String) {
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

/// `path?key=value&…` with keys and values percent-encoded; `path` unchanged without pairs.
pub fn with_query(path: &str, query: &[(&str, String)]) -> String {
    let mut out = path.to_string();
    // A path may carry fixed parameters of its own (`/domains/check?name=…`).
    let fixed = path.contains('?');
    for (i, (k, v)) in query.iter().enumerate() {
        out.push(if i == 0 && !fixed { '?' } else { '&' });
        percent_encode(k, &mut out);
        out.push('=');
        percent_encode(v, &mut out);
    }
    out
}

/// `{"team": {...}}` → the object; tolerates an unwrapped object.
pub fn unwrap_envelope<'a>(v: &'a Json, key: &str) -> &'a Json {
    v.get(key).unwrap_or(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_rendered_from_state_and_encoded() {
        let s: Object = [
            ("organisation_id".to_string(), Value::int(12)),
            ("id".to_string(), Value::string("5")),
            ("name".to_string(), Value::string("a/b c")),
        ]
        .into_iter()
        .collect();
        assert_eq!(
            render_path("/organisations/{organisation_id}/teams/{id}", &s).unwrap(),
            "/organisations/12/teams/5"
        );
        assert_eq!(render_path("/x/{name}", &s).unwrap(), "/x/a%2Fb%20c");
        assert_eq!(render_path("/x/{missing}", &s), Err("missing".to_string()));
    }

    #[test]
    fn query_strings_are_encoded() {
        assert_eq!(with_query("/domains/check", &[]), "/domains/check");
        assert_eq!(
            with_query(
                "/domains/check",
                &[("name", "a b&c=d".to_string()), ("extension", "be".to_string())]
            ),
            "/domains/check?name=a%20b%26c%3Dd&extension=be"
        );
        assert_eq!(
            with_query("/domains/check?name=x", &[("extension", "be".to_string())]),
            "/domains/check?name=x&extension=be"
        );
    }
}
