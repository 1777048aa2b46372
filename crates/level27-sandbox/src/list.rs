//! The list query parameters every list endpoint shares: `limit`, `offset`, `orderBy`,
//! `orderType` and `filter`.

use std::cmp::Ordering;
use std::collections::HashMap;

use serde_json::Value;

use crate::error::ApiError;
use crate::store::Record;

/// Seed: every list documents `limit: (integer - default: 5)`.
pub(crate) const DEFAULT_LIMIT: usize = 5;
/// Seed: no maximum is documented. Larger values are capped (not rejected), so a client asking
/// for "everything" still gets pages it can continue with `offset`.
pub(crate) const MAX_LIMIT: usize = 1000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ListQuery {
    pub(crate) limit: usize,
    pub(crate) offset: usize,
    order_by: Option<String>,
    descending: bool,
    filter: Option<String>,
    /// `filter` matches a whole name (`exactSearch=1`) rather than part of one.
    exact: bool,
    /// The list's own parameters asked for, with their values (lower case).
    own: Vec<(&'static ListParam, String)>,
}

/// A list parameter of one entity kind beyond the shared ones: the seed lists them per endpoint,
/// without a description; the sandbox reads each as its name says.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ListParam {
    kind: &'static str,
    name: &'static str,
    /// The values the seed lists (`one of …`); empty: any text.
    values: &'static [&'static str],
    keep: Keep,
}

#[derive(Debug, PartialEq, Eq)]
enum Keep {
    /// Objects whose stored field equals the value (ASCII case ignored): the sandbox can page
    /// them from the store without rendering the others.
    Stored(&'static str),
    /// Objects whose answer's field equals the value (a status, known once rendered).
    Answered(&'static str),
    /// `linked`: objects whose stored field names another object; `not_linked`: the others.
    Linked(&'static str),
    /// `1`: `filter` matches a whole name; `0`: part of one, as without it.
    ExactFilter,
}

/// Seed: the lists' own query parameters: the record list's `type` (L19357), the contact list's
/// (L23459), and the domain list's `action`, `mailgroup`, `status`, `exactSearch` and
/// `billingStatus` (L18236–L18240). An empty value is no filter.
static LIST_PARAMS: &[ListParam] = &[
    ListParam {
        kind: "record",
        name: "type",
        values: &[],
        keep: Keep::Stored("type"),
    },
    ListParam {
        kind: "domaincontact",
        name: "type",
        values: &[],
        keep: Keep::Stored("type"),
    },
    // Seed: a domain keeps the `action` it was made with (never answered, but the list filters
    // on it).
    ListParam {
        kind: "domain",
        name: "action",
        values: &["create", "none", "transfer"],
        keep: Keep::Stored("action"),
    },
    // Seed: the sandbox serves no mailgroups, so no domain is linked to one.
    ListParam {
        kind: "domain",
        name: "mailgroup",
        values: &["linked", "not_linked"],
        keep: Keep::Linked("mailgroup"),
    },
    ListParam {
        kind: "domain",
        name: "status",
        values: &[],
        keep: Keep::Answered("status"),
    },
    ListParam {
        kind: "domain",
        name: "exactSearch",
        values: &["0", "1"],
        keep: Keep::ExactFilter,
    },
    ListParam {
        kind: "domain",
        name: "billingStatus",
        values: &[],
        keep: Keep::Answered("billingStatus"),
    },
];

impl ListQuery {
    /// Reads the shared parameters. `sortable` lists the fields `orderBy` accepts. Other
    /// parameters (`tag`, family-specific ones) are left to the caller.
    pub(crate) fn parse(params: &HashMap<String, String>, sortable: &[&str]) -> Result<Self, ApiError> {
        let number = |name: &str, default: usize| -> Result<usize, ApiError> {
            match params.get(name).map(|v| v.trim()) {
                None | Some("") => Ok(default),
                Some(v) => v.parse::<usize>().map_err(|_| {
                    ApiError::BadRequest(format!(
                        "Query parameter \"{name}\" must be a non-negative integer, got \"{v}\""
                    ))
                }),
            }
        };
        let limit = number("limit", DEFAULT_LIMIT)?.min(MAX_LIMIT);
        let offset = number("offset", 0)?;
        let order_by = match params.get("orderBy").map(|v| v.trim()) {
            None | Some("") => None,
            Some(field) if sortable.contains(&field) => Some(field.to_string()),
            // Seed: `orderBy` is never described; an unknown field is rejected rather than
            // ignored so that a client bug shows up in tests.
            Some(field) => {
                return Err(ApiError::BadRequest(format!(
                    "Query parameter \"orderBy\" cannot be \"{field}\"; use one of: {}",
                    sortable.join(", ")
                )))
            }
        };
        let descending = match params.get("orderType").map(|v| v.trim()) {
            None | Some("") => false,
            Some(v) if v.eq_ignore_ascii_case("asc") => false,
            Some(v) if v.eq_ignore_ascii_case("desc") => true,
            Some(v) => {
                return Err(ApiError::BadRequest(format!(
                    "Query parameter \"orderType\" must be ASC or DESC, got \"{v}\""
                )))
            }
        };
        // Seed: `filter` is never described. The sandbox matches it as a case-insensitive
        // substring of the object's `name`, `fullname` (a domain's name with its extension),
        // `email` (domain contacts, which have no name) or `content` (urls, records).
        let filter = params
            .get("filter")
            .map(|v| v.trim().to_lowercase())
            .filter(|v| !v.is_empty());
        Ok(ListQuery {
            limit,
            offset,
            order_by,
            descending,
            filter,
            exact: false,
            own: Vec::new(),
        })
    }

    /// Also reads the own parameters of the `kind` list ([`LIST_PARAMS`]); a value outside the
    /// ones the seed lists is refused, as an unknown `orderType` is.
    pub(crate) fn with_own(mut self, kind: &str, params: &HashMap<String, String>) -> Result<Self, ApiError> {
        for p in LIST_PARAMS.iter().filter(|p| p.kind == kind) {
            let Some(value) = params.get(p.name).map(|v| v.trim()).filter(|v| !v.is_empty()) else {
                continue;
            };
            if !p.values.is_empty() && !p.values.iter().any(|v| v.eq_ignore_ascii_case(value)) {
                return Err(ApiError::BadRequest(format!(
                    "Query parameter \"{}\" must be one of {}, got \"{value}\"",
                    p.name,
                    p.values.join(", ")
                )));
            }
            match p.keep {
                Keep::ExactFilter => self.exact = value == "1",
                _ => self.own.push((p, value.to_lowercase())),
            }
        }
        Ok(self)
    }

    /// Whether the stored object passes the own parameters read from the store (the answered
    /// ones are checked on the rendered object, by `apply` and `total`).
    pub(crate) fn keeps_stored(&self, record: &Record) -> bool {
        self.own.iter().all(|(p, wanted)| match p.keep {
            Keep::Stored(field) => record
                .get(field)
                .and_then(Value::as_str)
                .is_some_and(|v| v.eq_ignore_ascii_case(wanted)),
            Keep::Linked(field) => {
                let linked = record.get(field).is_some_and(|v| !v.is_null());
                linked == (wanted == "linked")
            }
            Keep::Answered(_) | Keep::ExactFilter => true,
        })
    }

    /// Whether the answer is every object in ascending id order, paged: the order the store
    /// keeps them in, so the page can be cut before anything is rendered.
    pub(crate) fn in_store_order(&self) -> bool {
        self.filter.is_none()
            && !self.own.iter().any(|(p, _)| matches!(p.keep, Keep::Answered(_)))
            && !self.descending
            && self.order_by.as_deref().is_none_or(|f| f == "id")
    }

    /// Filters, orders (by `orderBy`, then id; ascending id by default) and pages rendered
    /// objects.
    pub(crate) fn apply(&self, mut items: Vec<Value>) -> Vec<Value> {
        items.retain(|item| self.keeps(item));
        let field = self.order_by.as_deref().unwrap_or("id");
        items.sort_by(|a, b| {
            let ordering = compare(a.get(field), b.get(field)).then_with(|| compare(a.get("id"), b.get("id")));
            if self.descending {
                ordering.reverse()
            } else {
                ordering
            }
        });
        items.into_iter().skip(self.offset).take(self.limit).collect()
    }

    /// How many of `items` the filter keeps, over every page: a list's `total`.
    pub(crate) fn total(&self, items: &[Value]) -> usize {
        items.iter().filter(|item| self.keeps(item)).count()
    }

    fn keeps(&self, item: &Value) -> bool {
        let answered = self.own.iter().all(|(p, wanted)| match p.keep {
            Keep::Answered(field) => item
                .get(field)
                .and_then(Value::as_str)
                .is_some_and(|v| v.eq_ignore_ascii_case(wanted)),
            _ => true,
        });
        let Some(needle) = &self.filter else { return answered };
        // Seed: objects without a name (urls) are filtered on their `content`.
        answered
            && ["name", "fullname", "email", "content"].iter().any(|key| {
                item.get(*key).and_then(Value::as_str).is_some_and(|name| {
                    let name = name.to_lowercase();
                    match self.exact {
                        true => name == *needle,
                        false => name.contains(needle.as_str()),
                    }
                })
            })
    }
}

/// Orders JSON scalars: null first, then booleans, numbers, strings (case-insensitively).
fn compare(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    fn rank(v: Option<&Value>) -> u8 {
        match v {
            None | Some(Value::Null) => 0,
            Some(Value::Bool(_)) => 1,
            Some(Value::Number(_)) => 2,
            Some(Value::String(_)) => 3,
            Some(_) => 4,
        }
    }
    match (a, b) {
        (Some(Value::Bool(x)), Some(Value::Bool(y))) => x.cmp(y),
        (Some(Value::Number(x)), Some(Value::Number(y))) => {
            let (x, y) = (x.as_f64().unwrap_or(0.0), y.as_f64().unwrap_or(0.0));
            x.total_cmp(&y)
        }
        (Some(Value::String(x)), Some(Value::String(y))) => {
            x.to_lowercase().cmp(&y.to_lowercase()).then_with(|| x.cmp(y))
        }
        _ => rank(a).cmp(&rank(b)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn params(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn items() -> Vec<Value> {
        (1..=8)
            .rev()
            .map(|i| json!({"id": i, "name": format!("Item {}", 9 - i)}))
            .collect()
    }

    fn ids(v: &[Value]) -> Vec<i64> {
        v.iter().filter_map(|i| i["id"].as_i64()).collect()
    }

    #[test]
    fn defaults_page_five_by_id() {
        let q = ListQuery::parse(&params(&[]), &["id", "name"]).expect("parse");
        assert_eq!(ids(&q.apply(items())), vec![1, 2, 3, 4, 5]);
    }

    #[test]
    fn offset_order_and_filter() {
        let q = ListQuery::parse(
            &params(&[
                ("limit", "3"),
                ("offset", "1"),
                ("orderBy", "name"),
                ("orderType", "desc"),
            ]),
            &["id", "name"],
        )
        .expect("parse");
        // Names are "Item 1" (id 8) … "Item 8" (id 1); descending by name skips "Item 8".
        assert_eq!(ids(&q.apply(items())), vec![2, 3, 4]);
        let q = ListQuery::parse(&params(&[("filter", "ITEM 3")]), &["id"]).expect("parse");
        assert_eq!(ids(&q.apply(items())), vec![6]);
    }

    #[test]
    fn only_an_unfiltered_ascending_id_order_is_the_store_order() {
        let q = |pairs: &[(&str, &str)]| ListQuery::parse(&params(pairs), &["id", "name"]).expect("parse");
        assert!(q(&[]).in_store_order());
        assert!(q(&[("limit", "3"), ("offset", "2"), ("orderBy", "id")]).in_store_order());
        assert!(!q(&[("orderBy", "name")]).in_store_order());
        assert!(!q(&[("orderType", "DESC")]).in_store_order());
        assert!(!q(&[("filter", "a")]).in_store_order());
    }

    #[test]
    fn limits_are_capped_and_bad_values_rejected() {
        let q = ListQuery::parse(&params(&[("limit", "5000")]), &["id"]).expect("parse");
        assert_eq!(q.limit, MAX_LIMIT);
        assert!(ListQuery::parse(&params(&[("limit", "-1")]), &["id"]).is_err());
        assert!(ListQuery::parse(&params(&[("orderBy", "secret")]), &["id"]).is_err());
        assert!(ListQuery::parse(&params(&[("orderType", "up")]), &["id"]).is_err());
    }
}
