//! The one place API errors become diagnostics: field errors of a 400 land on the attributes they
//! belong to, 401/403 say which credential or role is missing, and nothing ever repeats the key.

use super::codecs::Codec;
use super::diag::{AttrPath, Diagnostic, Diagnostics};
use super::schema::{Attribute, Block, Nesting};
use super::value::Object;
use level27_client::Error as ApiError;

/// A plan-time check's error when its request met a misconfigured provider (the key rejected):
/// the plan fails with it. Such a check otherwise lets pass what it could not ask about, for the
/// apply to decide; here the apply cannot succeed at all, and a plan that passed would let a CI
/// plan step go green on a wrong secret.
pub fn misconfigured(err: &ApiError, action: &str) -> Option<Diagnostics> {
    err.is_misconfiguration().then(|| translate(err, action, None))
}

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
                // A numbered field (`nameserverIp2`) lands on its element's sub-attribute.
                let numbered = block.and_then(|b| {
                    b.attributes.iter().find_map(|a| match (a.api.codec, &a.nested) {
                        (Codec::Numbered(spec), Some(n)) => spec
                            .locate(n, api_field)
                            .map(|(i, s)| (a, AttrPath::attr(a.name).index(i).then(s.name))),
                        _ => None,
                    })
                });
                if let Some((a, path)) = numbered {
                    diags.push(
                        Diagnostic::error(
                            format!("Invalid value for {}", a.name),
                            format!("The Level27 API rejected the request to {action}: {} (API field `{}`).", f.message, f.path.join(".")),
                        )
                        .at(path),
                    );
                    continue;
                }
                let attr = block.and_then(|b| {
                    b.attributes.iter().find(|a| {
                        !matches!(a.api.codec, Codec::Numbered(_))
                            && (a.api.send == Some(api_field) || a.api.read.is_some_and(|r| r.split('.').next() == Some(api_field)))
                    })
                });
                let d = Diagnostic::error(
                    format!("Invalid value for {}", attr.map(|a| a.name).unwrap_or(api_field)),
                    format!("The Level27 API rejected the request to {action}: {} (API field `{}`).", f.message, f.path.join(".")),
                );
                diags.push(match attr {
                    Some(a) => d.at(nested_path(a, AttrPath::attr(a.name), f.path.get(1..).unwrap_or_default())),
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

/// Follows the rest of an API field path (`["0", "networkId"]`) into a nested attribute, as far
/// as it names its elements and sub-attributes: the diagnostic lands on `networks[0].network_id`.
fn nested_path(a: &Attribute, at: AttrPath, rest: &[String]) -> AttrPath {
    let Some(n) = &a.nested else { return at };
    let (at, rest) = match (n.nesting, rest) {
        (Nesting::Single, rest) => (at, rest),
        (Nesting::List, [i, rest @ ..]) => match i.parse::<usize>() {
            Ok(i) => (at.index(i), rest),
            Err(_) => return at,
        },
        (Nesting::Map, [k, rest @ ..]) => (at.key(k.clone()), rest),
        // A set element has no path step; the set itself is the closest.
        _ => return at,
    };
    let Some((field, rest)) = rest.split_first() else {
        return at;
    };
    match n.attributes.iter().find(|s| s.api.send == Some(field.as_str())) {
        Some(s) => nested_path(s, at.then(s.name), rest),
        None => at,
    }
}

/// A 404 on a collection whose path names a parent (`/domains/{domain_id}/records`): the parent
/// the configuration names does not exist, said on that attribute. `None` for other errors.
pub fn parent_not_found(err: &ApiError, template: &str, config: &Object, action: &str) -> Option<Diagnostics> {
    if !err.is_not_found() {
        return None;
    }
    // The innermost parent: the last placeholder of the path.
    let name = template
        .rsplit('{')
        .next()
        .filter(|_| template.contains('{'))?
        .split_once('}')?
        .0;
    let value = config.get(name)?.display();
    Some(
        Diagnostic::error(
            format!("Invalid {name}"),
            format!("Failed to {action}: {name} = {value} names no existing object ({err})."),
        )
        .at(AttrPath::attr(name))
        .into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::diag::PathStep;
    use level27_client::{FieldError, ValidationErrors};

    #[test]
    fn field_errors_of_numbered_fields_land_on_their_element() {
        let block = Block {
            attributes: vec![
                Attribute::string("name").required().api("name"),
                Attribute::nested(
                    "nameservers",
                    Nesting::List,
                    vec![
                        Attribute::string("hostname").required().api("nameserver{n}"),
                        Attribute::string("ipv4").optional().api("nameserverIp{n}"),
                    ],
                )
                .optional()
                .numbered(crate::framework::numbered::Numbered {
                    max: 4,
                    create_only_from: None,
                }),
            ],
            ..Block::default()
        };
        let err = ApiError::Validation(ValidationErrors {
            status: 400,
            fields: vec![
                FieldError {
                    path: vec!["nameserverIp2".into()],
                    message: "This value is not a valid IP address.".into(),
                },
                FieldError {
                    path: vec!["name".into()],
                    message: "taken".into(),
                },
            ],
            ..ValidationErrors::default()
        });
        let d = translate(&err, "update level27_domain", Some(&block));
        assert_eq!(
            d.0[0].path,
            Some(AttrPath(vec![
                PathStep::Attr("nameservers".into()),
                PathStep::Index(1),
                PathStep::Attr("ipv4".into())
            ]))
        );
        assert!(d.0[0].detail.contains("nameserverIp2"), "{:?}", d.0[0]);
        assert_eq!(d.0[1].path, Some(AttrPath::attr("name")), "other fields as before");
    }

    #[test]
    fn field_errors_inside_nested_attributes_land_on_the_element() {
        let block = Block {
            attributes: vec![Attribute::nested(
                "networks",
                Nesting::List,
                vec![Attribute::number("network_id").required().api("networkId")],
            )
            .optional()
            .api("networks")],
            ..Block::default()
        };
        let err = ApiError::Validation(ValidationErrors {
            status: 400,
            fields: vec![FieldError {
                path: vec!["networks".into(), "1".into(), "networkId".into()],
                message: "not found".into(),
            }],
            ..ValidationErrors::default()
        });
        let d = translate(&err, "create level27_vm", Some(&block));
        assert_eq!(
            d.0[0].path,
            Some(AttrPath(vec![
                PathStep::Attr("networks".into()),
                PathStep::Index(1),
                PathStep::Attr("network_id".into())
            ]))
        );
    }
}
