//! The two mappings between Terraform values and API objects, driven by each attribute's
//! `ApiField`: state → request body, and API object → state (with the normalisation that keeps the
//! next plan empty: `"30.0"` is the number 30, the API's empty (`""` or null) is whichever of the
//! two the user wrote, ids nested in objects are read through dotted paths).
//! An attribute's own codec (CSV, lists of ids) and normaliser (an answer spelled differently
//! keeps the value in state) live in `codecs`.
//!
//! A nested attribute is sent as a JSON object (Single), an array (List, Set) or an object of
//! objects (Map), each element holding its sub-attributes under their `send` names. It is read
//! back from its `read` path, each sub-attribute from its own `read` path relative to the element;
//! sub-attributes without one keep the value of the element's partner in the base state (paired
//! as the plan pairs them: by index, key, or for sets by equal configured values, so the API's
//! order of a set does not matter).

use super::codecs::{self, Codec};
use super::schema::{Attribute, Block, Mode, NestedAttributes, Nesting};
use super::value::{match_elements, pair_exact_first, Number, Object, Type, Value};
use serde_json::{Map, Value as Json};

/// The request body for create (`prior == None`) or update. With `only_changed`, only the fields
/// whose value differs from `prior` are included (PATCH); otherwise every sendable field is (POST,
/// PUT with the current values).
pub fn request_body(block: &Block, planned: &Object, prior: Option<&Object>, only_changed: bool) -> Map<String, Json> {
    let mut body = Map::new();
    for a in &block.attributes {
        let Some(field) = a.api.send else { continue };
        if (prior.is_some() && a.api.create_only) || (prior.is_none() && a.api.update_only) {
            continue;
        }
        let v = planned.get(a.name).unwrap_or(&Value::Null);
        if only_changed {
            if let Some(p) = prior {
                // A new spelling of the same value (see `codecs`) is no change to the API.
                let before = p.get(a.name).unwrap_or(&Value::Null);
                if codecs::equivalent(a, before, v, p) && !a.write_only && !a.api.always_send {
                    continue;
                }
            }
        }
        // On create, leave unset fields out so the API applies its own defaults.
        if prior.is_none() && v.is_null() {
            continue;
        }
        // A write-only value left out is not sent: null would read as "clear it".
        if v.is_unknown() || (a.write_only && v.is_null()) {
            continue;
        }
        if a.api.spread {
            if let Value::Map(entries) = v {
                for (k, e) in entries {
                    body.insert(k.clone(), to_json(e));
                }
            }
            continue;
        }
        if let (Codec::Numbered(numbered), Some(n)) = (a.api.codec, &a.nested) {
            let elements = field_json(a, v, prior.is_none());
            body.extend(numbered.fields(n, &elements, prior.is_none()));
            continue;
        }
        body.insert(field.to_string(), field_json(a, v, prior.is_none()));
    }
    body
}

/// The JSON of one attribute's value; `create` leaves null sub-values out, as at the top level.
fn field_json(a: &Attribute, v: &Value, create: bool) -> Json {
    if let Some(j) = codecs::encode(a, v) {
        return j;
    }
    let Some(n) = &a.nested else { return to_json(v) };
    let element = |v: &Value| match v {
        Value::Object(o) => Json::Object(element_json(&n.attributes, o, create)),
        _ => Json::Null,
    };
    match (n.nesting, v) {
        (Nesting::Single, Value::Object(_)) => element(v),
        (Nesting::List, Value::List(items)) | (Nesting::Set, Value::Set(items)) => {
            Json::Array(items.iter().map(element).collect())
        }
        (Nesting::Map, Value::Map(items)) => Json::Object(items.iter().map(|(k, v)| (k.clone(), element(v))).collect()),
        _ => Json::Null,
    }
}

/// One element of a nested attribute: its sendable sub-attributes. Unknown values (computed ones
/// of a new element) are the API's to decide and are left out.
fn element_json(attrs: &[Attribute], o: &Object, create: bool) -> Map<String, Json> {
    let mut out = Map::new();
    for a in attrs {
        let Some(field) = a.api.send else { continue };
        let v = o.get(a.name).unwrap_or(&Value::Null);
        if v.is_unknown() || (create && v.is_null()) {
            continue;
        }
        out.insert(field.to_string(), field_json(a, v, create));
    }
    out
}

/// Whether an update must call the API: a sendable value changed (beyond its spelling, see
/// `codecs`), or a write-only value is to be sent along with a change of an argument (its
/// `*_wo_version`, any other). Otherwise only provider-side settings (such as timeouts) or
/// spellings changed, and the planned values become the state without a request: a write-only
/// value alone would resend (reset) a password nobody asked to change.
pub fn needs_request(block: &Block, prior: &Object, planned: &Object, send: &Object) -> bool {
    let changed = |a: &Attribute| match (prior.get(a.name), planned.get(a.name)) {
        // A spread map's entries are fields of their own: a removed key is no longer managed and
        // is not sent (the object keeps its value), so only added or changed entries count.
        (before, after) if a.api.spread => after.and_then(Value::as_map).is_some_and(|after| {
            let before = before.and_then(Value::as_map);
            after.iter().any(|(k, v)| before.and_then(|b| b.get(k)) != Some(v))
        }),
        (Some(before), Some(after)) => !codecs::equivalent(a, before, after, prior),
        (before, after) => before != after,
    };
    let sendable_changed = block
        .attributes
        .iter()
        .any(|a| a.api.send.is_some() && !a.api.create_only && changed(a));
    let write_only_to_send = block
        .attributes
        .iter()
        .any(|a| a.write_only && !a.api.create_only && send.get(a.name).is_some_and(|v| !v.is_null()));
    let argument_changed = block
        .attributes
        .iter()
        // A write-only value is null in both on Terraform 1.11+; before, it is an ordinary
        // sensitive attribute whose change is one.
        .any(|a| a.mode.is_configurable() && changed(a));
    sendable_changed || (write_only_to_send && argument_changed)
}

/// The values a request is built from: the planned state, plus the write-only attributes taken
/// from the configuration (Terraform 1.11+ plans them as null, so only the config carries them).
pub fn sendable(block: &Block, planned: &Object, config: &Object) -> Object {
    let mut out = planned.clone();
    for a in block.attributes.iter().filter(|a| a.write_only) {
        if let Some(v) = config.get(a.name).filter(|v| !v.is_null()) {
            out.insert(a.name.to_string(), v.clone());
        }
    }
    out
}

pub fn to_json(v: &Value) -> Json {
    match v {
        Value::Null | Value::Unknown => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Number(Number::Int(i)) => Json::from(*i),
        Value::Number(Number::Float(f)) => serde_json::Number::from_f64(*f).map(Json::Number).unwrap_or(Json::Null),
        Value::Number(Number::Big(s)) => s.parse::<serde_json::Number>().map(Json::Number).unwrap_or(Json::Null),
        Value::String(s) => Json::String(s.clone()),
        Value::List(i) | Value::Set(i) | Value::Tuple(i) => Json::Array(i.iter().map(to_json).collect()),
        Value::Map(m) | Value::Object(m) => Json::Object(m.iter().map(|(k, v)| (k.clone(), to_json(v))).collect()),
        Value::Dynamic(d) => to_json(&d.1),
    }
}

/// The state for an API object. Attributes without a read path keep their value from `base` (the
/// planned or prior state), as do nested blocks such as `timeouts`; write-only ones are null.
pub fn state_from_api(block: &Block, api: &Json, base: &Object) -> Object {
    let mut out = base.clone();
    for a in &block.attributes {
        let value = if a.write_only {
            Value::Null
        } else if let (Some(path), None) = (a.api.read, a.api.via) {
            let prior = base.get(a.name).unwrap_or(&Value::Null);
            if a.api.spread && a.mode == Mode::Computed {
                every_entry(block, a.name, path, lookup(api, path))
            } else {
                codecs::reconcile(a, from_api_value(lookup(api, path), a, prior), prior, base)
            }
        } else {
            continue;
        };
        out.insert(a.name.to_string(), value);
    }
    out
}

/// A computed spread map (a data source's component `parameters`): no configuration says which
/// keys are its own, so it holds every entry of `object` but those another attribute of `block`
/// reads (`version` is the typed attribute's), empty ones (null or `""`, which the API treats as
/// unset) and passwords, values as text as the resource reads them. Seed: passwords are answered
/// masked, `"******"` (L7915) or `"*****"` (L9773): a value of asterisks only is no value.
fn every_entry(block: &Block, name: &str, path: &str, object: &Json) -> Value {
    let Json::Object(entries) = object else {
        return Value::Null;
    };
    let prefix = format!("{path}.");
    let theirs: Vec<&str> = block
        .attributes
        .iter()
        .filter(|b| b.name != name)
        .filter_map(|b| b.api.read?.strip_prefix(prefix.as_str()))
        .collect();
    let empty_or_masked = |s: &str| s.chars().all(|c| c == '*');
    Value::Map(
        entries
            .iter()
            .filter(|(k, _)| !theirs.contains(&k.as_str()))
            .filter_map(|(k, v)| {
                let text = match v {
                    Json::Null => return None,
                    Json::String(s) if empty_or_masked(s) => return None,
                    Json::String(s) => s.clone(),
                    other => other.to_string(),
                };
                Some((k.clone(), Value::string(text)))
            })
            .collect(),
    )
}

/// The value of an attribute read from another API item (`ApiField::via`), normalised as
/// `state_from_api` normalises the object's own fields.
pub fn attribute_from_api(a: &Attribute, item: &Json, prior: &Value) -> Value {
    match a.api.read {
        Some(path) => from_api_value(lookup(item, path), a, prior),
        None => prior.clone(),
    }
}

/// Reads a dotted path (`"country.id"`); a missing step is null.
pub fn lookup<'a>(v: &'a Json, path: &str) -> &'a Json {
    // The empty path is the object itself (numbered fields, see `framework::numbered`).
    if path.is_empty() {
        return v;
    }
    path.split('.').fold(v, |cur, key| cur.get(key).unwrap_or(&Json::Null))
}

fn from_api_value(j: &Json, a: &Attribute, prior: &Value) -> Value {
    if a.api.spread {
        // Only the keys the map holds are its own; values as text (`128` reads as "128").
        let Value::Map(known) = prior else { return Value::Null };
        let entries = known
            .keys()
            .map(|k| {
                let v = match j.get(k) {
                    Some(Json::String(s)) => Value::string(s),
                    Some(Json::Null) | None => Value::Null,
                    Some(other) => Value::string(other.to_string()),
                };
                (k.clone(), v)
            })
            .collect();
        return Value::Map(entries);
    }
    if let (Codec::Numbered(numbered), Some(n)) = (a.api.codec, &a.nested) {
        return from_api_nested(&numbered.elements(j, n), n, prior);
    }
    if let Some(n) = &a.nested {
        return from_api_nested(j, n, prior);
    }
    let v = codecs::decode(j, a);
    // The API treats an empty string as unset: it answers `""` or null for a field nobody set,
    // and null for one set to `""`. Both mean the same, so whichever the user wrote (null or
    // `""`) stays in state and the next plan is empty.
    let empty = |v: &Value| v.is_null() || matches!(v, Value::String(s) if s.is_empty());
    match prior {
        Value::Null | Value::String(_) if empty(&v) && empty(prior) => prior.clone(),
        _ => v,
    }
}

/// A nested attribute's value from its API JSON; `base` is its value in the base state.
fn from_api_nested(j: &Json, n: &NestedAttributes, base: &Value) -> Value {
    let attrs = &n.attributes;
    let element = |j: &Json, base: Option<&Value>| match j {
        Json::Object(_) => Value::Object(element_from_api(attrs, j, base.and_then(Value::as_object))),
        _ => Value::Null,
    };
    let empty_base =
        matches!(base, Value::List(v) | Value::Set(v) if v.is_empty()) || matches!(base, Value::Map(m) if m.is_empty());
    match (n.nesting, j) {
        // An API that leaves out an empty collection, or answers one for a field nobody set,
        // means what the user wrote: keep it (as `""` stays null for a null attribute).
        (_, Json::Null) if empty_base => base.clone(),
        (Nesting::List | Nesting::Set, Json::Array(a)) if a.is_empty() && base.is_null() => Value::Null,
        (Nesting::Map, Json::Object(o)) if o.is_empty() && base.is_null() => Value::Null,
        (Nesting::Single, Json::Object(_)) => element(j, Some(base)),
        (Nesting::List, Json::Array(items)) => {
            let before = base.elements();
            Value::List(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, j)| element(j, before.get(i)))
                    .collect(),
            )
        }
        (Nesting::Map, Json::Object(items)) => {
            let before = base.as_map();
            Value::Map(
                items
                    .iter()
                    .map(|(k, j)| (k.clone(), element(j, before.and_then(|m| m.get(k)))))
                    .collect(),
            )
        }
        (Nesting::Set, Json::Array(items)) => {
            let before = base.elements();
            // Pair each API element with the base element holding the same configured values,
            // read as if new (no base) for the comparison.
            let fresh: Vec<Option<Object>> = items
                .iter()
                .map(|j| j.is_object().then(|| element_from_api(attrs, j, None)))
                .collect();
            // Equal elements pair first, then those the API spelled differently (see `codecs`).
            let fits = |normalise: bool| {
                move |f: &Option<Object>, b: &Value| match (f, b) {
                    (Some(f), Value::Object(b)) => same_element(attrs, b, f, normalise),
                    _ => false,
                }
            };
            let partners = pair_exact_first(&fresh, before, fits(false), fits(true));
            Value::Set(
                items
                    .iter()
                    .zip(partners)
                    .map(|(j, p)| element(j, p.and_then(|i| before.get(i))))
                    .collect(),
            )
        }
        // Null, or a shape that does not fit the schema.
        _ => Value::Null,
    }
}

/// One element read from the API: sub-attributes with a read path from the element, the others
/// from its partner in the base state (null for an element the base does not have).
fn element_from_api(attrs: &[Attribute], j: &Json, base: Option<&Object>) -> Object {
    let no_base = Object::new();
    let context = base.unwrap_or(&no_base);
    attrs
        .iter()
        .map(|a| {
            let before = base.and_then(|b| b.get(a.name)).unwrap_or(&Value::Null);
            let v = match a.api.read {
                _ if a.write_only => Value::Null,
                Some(path) => codecs::reconcile(a, from_api_value(lookup(j, path), a, before), before, context),
                None => before.clone(),
            };
            (a.name.to_string(), v)
        })
        .collect()
}

/// Whether an element read from the API (`fresh`, read without a base) is the base element
/// `base`: equal in every configurable sub-attribute the API returns, where an unknown base value
/// (not decided at plan time) fits anything and `""` equals null (the API's empty); with
/// `normalise`, values that differ only in spelling (see `codecs`) are the same too.
fn same_element(attrs: &[Attribute], base: &Object, fresh: &Object, normalise: bool) -> bool {
    attrs
        .iter()
        .filter(|a| a.mode.is_configurable() && a.api.read.is_some() && !a.write_only)
        .all(|a| {
            let b = base.get(a.name).unwrap_or(&Value::Null);
            let f = fresh.get(a.name).unwrap_or(&Value::Null);
            same_value(a, b, f, base, normalise)
        })
}

/// Whether `fresh` means `base` for `a`, whose siblings in the base state are `context`.
fn same_value(a: &Attribute, base: &Value, fresh: &Value, context: &Object, normalise: bool) -> bool {
    // The API's empties: "", and (for a collection nobody set) an empty one.
    let empty = |v: &Value| match v {
        Value::String(s) => s.is_empty(),
        Value::List(x) | Value::Set(x) => x.is_empty(),
        Value::Map(m) => m.is_empty(),
        _ => false,
    };
    match (&a.nested, base, fresh) {
        (_, Value::Unknown, _) => true,
        (_, b, f) if (b.is_null() || empty(b)) && (f.is_null() || empty(f)) => true,
        (Some(n), b, f) => {
            let attrs = &n.attributes;
            let pair = |b: &Value, f: &Value| match (b, f) {
                (Value::Object(b), Value::Object(f)) => same_element(attrs, b, f, normalise),
                (b, f) => b == f,
            };
            match (b, f) {
                (Value::Object(b), Value::Object(f)) if n.nesting == Nesting::Single => {
                    same_element(attrs, b, f, normalise)
                }
                (Value::List(b), Value::List(f)) => b.len() == f.len() && b.iter().zip(f).all(|(b, f)| pair(b, f)),
                (Value::Map(b), Value::Map(f)) => {
                    b.len() == f.len() && b.iter().all(|(k, b)| f.get(k).is_some_and(|f| pair(b, f)))
                }
                (Value::Set(b), Value::Set(f)) => {
                    b.len() == f.len() && match_elements(b, f, |b, f| pair(b, f)).iter().all(Option::is_some)
                }
                _ => false,
            }
        }
        (None, b, f) if normalise => codecs::equivalent(a, b, f, context),
        (None, b, f) => b == f,
    }
}

/// An id as the API writes it, `1000`, `"1000"` or a nested `{"id": 1000, …}`, as a string.
/// No id is 0: a `0` (or `""`) stands for "none", as `null` does.
pub(super) fn id_from_api(j: &Json) -> Value {
    match j {
        Json::Number(n) => n
            .as_u64()
            .filter(|&i| i > 0)
            .map_or(Value::Null, |i| Value::String(i.to_string())),
        Json::String(s) if !s.is_empty() && s != "0" => Value::String(s.clone()),
        Json::Object(o) => o.get("id").map_or(Value::Null, id_from_api),
        _ => Value::Null,
    }
}

/// Converts API JSON to a value of type `ty`, accepting the API's loose typing (numbers as
/// strings, booleans as 0/1, objects where an id is expected is handled by read paths).
pub fn convert(j: &Json, ty: &Type) -> Value {
    match (ty, j) {
        (_, Json::Null) => Value::Null,
        (Type::String, Json::String(s)) => Value::String(s.clone()),
        (Type::String, Json::Number(n)) => Value::String(n.to_string()),
        (Type::String, Json::Bool(b)) => Value::String(b.to_string()),
        (Type::Number, Json::Number(n)) => n
            .as_i64()
            .map(Number::Int)
            .or_else(|| n.as_f64().map(Number::from_f64))
            .map(Value::Number)
            .unwrap_or(Value::Null),
        (Type::Number, Json::String(s)) => Number::parse(s).map(Value::Number).unwrap_or(Value::Null),
        // An object where a number is expected: the API nests related objects (`{"id": 3, ...}`).
        (Type::Number, Json::Object(o)) => o.get("id").map(|id| convert(id, ty)).unwrap_or(Value::Null),
        (Type::Bool, Json::Bool(b)) => Value::Bool(*b),
        (Type::Bool, Json::Number(n)) => Value::Bool(n.as_f64().unwrap_or(0.0) != 0.0),
        // Seed: flags are answered as true/false, 0/1 ("externalInfoRequired": 0) and, in
        // integrity check reports, "ON" ("autoRenew": "ON"); any letter case is read the same.
        (Type::Bool, Json::String(s)) => match s.to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "on" => Value::Bool(true),
            "0" | "false" | "no" | "off" | "" => Value::Bool(false),
            _ => Value::Null,
        },
        (Type::List(et), Json::Array(a)) => Value::List(a.iter().map(|x| convert(x, et)).collect()),
        (Type::Set(et), Json::Array(a)) => Value::Set(a.iter().map(|x| convert(x, et)).collect()),
        (Type::Map(et), Json::Object(o)) => Value::Map(o.iter().map(|(k, x)| (k.clone(), convert(x, et))).collect()),
        (Type::Object(attrs), Json::Object(o)) => Value::Object(
            attrs
                .iter()
                .map(|(k, t)| (k.clone(), o.get(k).map(|x| convert(x, t)).unwrap_or(Value::Null)))
                .collect(),
        ),
        _ => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn block() -> Block {
        Block {
            attributes: vec![
                Attribute::number("id").computed().read_from("id"),
                Attribute::number("parent_id").required().send_as("organisation"),
                Attribute::string("name").required().api("name"),
                Attribute::string("city").optional().api("city"),
                Attribute::string("country")
                    .optional()
                    .send_as("country")
                    .read_from("country.id"),
                Attribute::number("reseller_id").optional().api("reseller"),
                Attribute::number("disk").computed().read_from("disk"),
                Attribute::string("secret").write_only().send_as("pass"),
                Attribute::number("secret_version").optional(),
                Attribute::string("tax").required().api("tax").always_send(),
            ],
            ..Block::default()
        }
    }

    fn obj(pairs: &[(&str, Value)]) -> Object {
        pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
    }

    #[test]
    fn create_only_and_update_only_fields_go_with_their_verb() {
        let block = Block {
            attributes: vec![
                Attribute::string("name").required().api("name"),
                Attribute::string("action")
                    .optional()
                    .send_as("action")
                    .create_only()
                    .requires_replace(),
                Attribute::number("riops")
                    .optional_computed()
                    .api("limitRiops")
                    .update_only(),
            ],
            ..Block::default()
        };
        let v: Object = [
            ("name".to_string(), Value::string("a")),
            ("action".to_string(), Value::string("none")),
            ("riops".to_string(), Value::int(500)),
        ]
        .into_iter()
        .collect();
        let create = request_body(&block, &v, None, false);
        assert_eq!(Json::Object(create), serde_json::json!({"name": "a", "action": "none"}));
        let update = request_body(&block, &v, Some(&v), false);
        assert_eq!(
            Json::Object(update),
            serde_json::json!({"name": "a", "limitRiops": 500})
        );
    }

    #[test]
    fn api_objects_are_normalised_into_state() {
        let api = json!({"id": "12", "name": "a", "city": "", "country": {"id": "BE", "name": "Belgium"},
                         "reseller": {"id": 3, "name": "r"}, "disk": "30.0", "pass": "x"});
        let base = obj(&[("parent_id", Value::int(9)), ("secret", Value::string("s"))]);
        let s = state_from_api(&block(), &api, &base);
        assert_eq!(s["id"], Value::int(12));
        assert_eq!(s["parent_id"], Value::int(9), "kept: only in the URL");
        assert_eq!(s["city"], Value::Null, "\"\" for an unset field stays null");
        assert_eq!(s["country"], Value::string("BE"));
        assert_eq!(s["reseller_id"], Value::int(3));
        assert_eq!(s["disk"], Value::int(30));
        assert_eq!(s["secret"], Value::Null, "write-only never in state");

        let with_city = obj(&[("city", Value::string(""))]);
        assert_eq!(state_from_api(&block(), &api, &with_city)["city"], Value::string(""));
    }

    #[test]
    fn a_configured_empty_string_survives_the_apis_null() {
        // The API stores `""` as unset and answers null: the user's `""` means the same.
        let base = obj(&[("city", Value::string("")), ("name", Value::string(""))]);
        let s = state_from_api(&block(), &json!({"city": null, "name": ""}), &base);
        assert_eq!(s["city"], Value::string(""));
        assert_eq!(s["name"], Value::string(""));
        // A field left out of the answer reads as null, which is the API's empty too.
        assert_eq!(state_from_api(&block(), &json!({}), &base)["city"], Value::string(""));
        // A real value is drift, shown as such.
        let s = state_from_api(&block(), &json!({"city": "Gent"}), &base);
        assert_eq!(s["city"], Value::string("Gent"));
        // And an attribute the user set to a value the API then cleared is null (a diff).
        let gent = obj(&[("city", Value::string("Gent"))]);
        assert_eq!(
            state_from_api(&block(), &json!({"city": null}), &gent)["city"],
            Value::Null
        );
    }

    #[test]
    fn ids_are_strings_in_state_and_numbers_in_the_api() {
        let block = Block {
            attributes: vec![
                Attribute::id("id").computed().read_from("id"),
                Attribute::id("organisation_id")
                    .required()
                    .send_as("organisation")
                    .read_from("organisation"),
                Attribute::id("reseller_id").optional().api("reseller"),
            ],
            ..Block::default()
        };
        let planned = obj(&[
            ("id", Value::Unknown),
            ("organisation_id", Value::string("9")),
            ("reseller_id", Value::string("3")),
        ]);
        let body = request_body(&block, &planned, None, false);
        assert_eq!(Json::Object(body), json!({"organisation": 9, "reseller": 3}));

        // Whichever way the API writes an id, the state holds its decimal string.
        for (api, want) in [
            (
                json!({"id": 12, "organisation": {"id": 9, "name": "o"}, "reseller": "3"}),
                ["12", "9", "3"],
            ),
            (
                json!({"id": "12", "organisation": 9, "reseller": {"id": "3"}}),
                ["12", "9", "3"],
            ),
        ] {
            let s = state_from_api(&block, &api, &planned);
            for (name, want) in ["id", "organisation_id", "reseller_id"].into_iter().zip(want) {
                assert_eq!(s[name], Value::string(want), "{name} from {api}");
            }
        }
        let none = state_from_api(
            &block,
            &json!({"id": 12, "organisation": 0, "reseller": {"id": "0"}}),
            &Object::new(),
        );
        assert_eq!(none["organisation_id"], Value::Null, "0 is no organisation");
        assert_eq!(none["reseller_id"], Value::Null);
        let none = state_from_api(
            &block,
            &json!({"id": 12, "organisation": null, "reseller": {}}),
            &Object::new(),
        );
        assert_eq!(none["organisation_id"], Value::Null);
        assert_eq!(none["reseller_id"], Value::Null);
    }

    #[test]
    fn bodies_for_create_put_and_patch() {
        let prior = obj(&[
            ("id", Value::int(1)),
            ("parent_id", Value::int(9)),
            ("name", Value::string("a")),
            ("city", Value::string("Gent")),
            ("tax", Value::string("BE1")),
        ]);
        // As Terraform 1.11+ plans it: the write-only secret is null in the plan, only the
        // configuration carries it.
        let planned = obj(&[
            ("id", Value::int(1)),
            ("parent_id", Value::int(9)),
            ("name", Value::string("b")),
            ("city", Value::Null),
            ("secret", Value::Null),
            ("tax", Value::string("BE1")),
        ]);
        let config = obj(&[("secret", Value::string("s")), ("name", Value::string("b"))]);
        let planned = sendable(&block(), &planned, &config);
        assert_eq!(planned["secret"], Value::string("s"));
        assert_eq!(planned["id"], Value::int(1), "other values come from the plan");

        let create = request_body(&block(), &planned, None, false);
        assert_eq!(
            Json::Object(create),
            json!({"organisation": 9, "name": "b", "pass": "s", "tax": "BE1"})
        );
        let put = request_body(&block(), &planned, Some(&prior), false);
        assert_eq!(
            Json::Object(put),
            json!({"organisation": 9, "name": "b", "city": null, "country": null, "reseller": null, "pass": "s", "tax": "BE1"})
        );
        // PATCH: the changed fields, the secret, and the field the API's PATCH form requires.
        let patch = request_body(&block(), &planned, Some(&prior), true);
        assert_eq!(
            Json::Object(patch),
            json!({"name": "b", "city": null, "pass": "s", "tax": "BE1"})
        );
    }

    #[test]
    fn an_unset_write_only_attribute_is_not_sent() {
        let planned = obj(&[
            ("parent_id", Value::int(9)),
            ("name", Value::string("b")),
            ("secret", Value::Null),
        ]);
        let planned = sendable(&block(), &planned, &obj(&[("secret", Value::Null)]));
        let create = request_body(&block(), &planned, None, false);
        assert!(!create.contains_key("pass"), "{create:?}");
    }

    /// A write-only value goes with a change of the object (its version, another argument), never
    /// alone: a change of `timeouts` only must not resend (reset) a component's password.
    #[test]
    fn a_write_only_value_alone_is_no_reason_to_call_the_api() {
        let prior = obj(&[
            ("parent_id", Value::int(9)),
            ("name", Value::string("b")),
            ("secret", Value::Null),
            ("secret_version", Value::int(1)),
        ]);
        let config = obj(&[("secret", Value::string("s3cret"))]);
        let send = sendable(&block(), &prior, &config);
        assert!(!needs_request(&block(), &prior, &prior, &send), "only timeouts changed");
        let mut bumped = prior.clone();
        bumped.insert("secret_version".into(), Value::int(2));
        let send = sendable(&block(), &bumped, &config);
        assert!(
            needs_request(&block(), &prior, &bumped, &send),
            "a new version sends it"
        );
        assert_eq!(request_body(&block(), &send, Some(&prior), true)["pass"], "s3cret");
        let mut renamed = prior.clone();
        renamed.insert("name".into(), Value::string("c"));
        let send = sendable(&block(), &renamed, &config);
        assert!(
            needs_request(&block(), &prior, &renamed, &send),
            "sent with any other change"
        );

        // A create-only write-only value (a certificate's key) is never sent on update: recording
        // its version (after an import) calls nothing.
        let own = Block {
            attributes: vec![
                Attribute::string("name").required().api("name"),
                Attribute::string("key").write_only().send_as("sslKey").create_only(),
                Attribute::number("key_version").optional(),
            ],
            ..Block::default()
        };
        let prior = obj(&[
            ("name", Value::string("own")),
            ("key", Value::Null),
            ("key_version", Value::Null),
        ]);
        let mut planned = prior.clone();
        planned.insert("key_version".into(), Value::int(1));
        let send = sendable(&own, &planned, &obj(&[("key", Value::string("pem"))]));
        assert!(!needs_request(&own, &prior, &planned, &send));
    }

    /// Removing a key of a spread map (a component's `parameters`) stops managing it: nothing to
    /// send, so no request (a PATCH of the required fields alone would re-provision the component).
    #[test]
    fn a_removed_spread_key_alone_is_no_reason_to_call_the_api() {
        let block = Block {
            attributes: vec![
                Attribute::string("name").required().api("name").always_send(),
                Attribute::new("parameters", Type::Map(Box::new(Type::String)))
                    .optional()
                    .send_as("parameters")
                    .spread(),
            ],
            ..Block::default()
        };
        let params = |pairs: &[(&str, &str)]| {
            Value::Map(pairs.iter().map(|(k, v)| (k.to_string(), Value::string(*v))).collect())
        };
        let with = |p: Value| obj(&[("name", Value::string("cache")), ("parameters", p)]);
        let prior = with(params(&[("memory", "256"), ("maxmemory", "1")]));
        for fewer in [params(&[("memory", "256")]), params(&[]), Value::Null] {
            let planned = with(fewer.clone());
            assert!(!needs_request(&block, &prior, &planned, &planned), "{fewer:?}");
        }
        for more in [
            params(&[("memory", "512")]),
            params(&[("memory", "256"), ("maxmemory", "1"), ("x", "2")]),
        ] {
            let planned = with(more.clone());
            assert!(needs_request(&block, &prior, &planned, &planned), "{more:?}");
        }
    }

    mod nested {
        use super::super::*;
        use crate::framework::plan::plan;
        use crate::framework::test_support::*;
        use serde_json::json;

        fn config() -> Object {
            obj(&[
                ("name", s("vm")),
                (
                    "networks",
                    list(&[
                        net_config(1),
                        o(&[
                            ("network_id", n(2)),
                            ("label", s("backup")),
                            ("primary", Value::Bool(true)),
                        ]),
                    ]),
                ),
                (
                    "tags",
                    set(&[
                        tag_config("env", "prod"),
                        o(&[("key", s("team")), ("value", Value::Null), ("comment", s("owner"))]),
                    ]),
                ),
                ("records", map(&[("www", o(&[("content", s("1.2.3.4"))]))])),
                ("settings", o(&[("mode", s("fast"))])),
            ])
        }

        fn planned(prior: Option<&Object>, config: &Object) -> Object {
            let mut proposed = prior.cloned().unwrap_or_default();
            proposed.extend(config.clone());
            plan(&vm(), prior, &proposed, config).planned
        }

        #[test]
        fn nested_attributes_are_sent_under_their_api_names() {
            let p = planned(None, &config());
            let body = Json::Object(request_body(&vm(), &p, None, false));
            // Computed values (unknown) and sub-attributes without `send` are left out; on create
            // so are unset ones, as at the top level.
            assert_eq!(
                body,
                json!({
                    "name": "vm",
                    "networks": [
                        {"networkId": 1, "primary": false},
                        {"networkId": 2, "primary": true, "label": "backup"}
                    ],
                    "tags": [{"key": "env", "value": "prod"}, {"key": "team", "comment": "owner"}],
                    "records": {"www": {"content": "1.2.3.4", "ttl": 3600}},
                    "settings": {"mode": "fast"}
                })
            );
            // An update (PUT) sends the unset ones as null, to clear them.
            let mut prior = p.clone();
            prior.insert("id".into(), n(7));
            let put = Json::Object(request_body(&vm(), &p, Some(&prior), false));
            assert_eq!(
                put["networks"][0],
                json!({"networkId": 1, "primary": false, "label": null})
            );
            assert_eq!(put["settings"], json!({"mode": "fast", "size": null}));
        }

        #[test]
        fn nested_api_values_are_normalised_and_keep_what_is_not_read_back() {
            let base = planned(None, &config());
            let api = json!({
                "id": "12", "name": "vm",
                "networks": [
                    {"networkId": {"id": "1"}, "ip": "10.0.0.1", "mac": "m1", "primary": 0, "label": ""},
                    {"networkId": "2.0", "ip": "10.0.0.2", "mac": "m2", "primary": "1", "label": "backup"}
                ],
                // The API's set order differs from the configuration's.
                "tags": [{"key": "team", "value": "", "id": 21}, {"key": "env", "value": "prod", "id": "20"}],
                "records": {"www": {"content": "1.2.3.4", "ttl": "3600", "id": 30}},
                "settings": {"mode": "fast", "size": null, "revision": "r1"},
                "interfaces": [{"device": "eth0"}]
            });
            let st = state_from_api(&vm(), &api, &base);
            assert_eq!(*at(&st, &["networks", "0", "network_id"]), n(1), "{{id: ..}} objects");
            assert_eq!(*at(&st, &["networks", "1", "network_id"]), n(2), "numbers as strings");
            assert_eq!(*at(&st, &["networks", "0", "primary"]), Value::Bool(false));
            assert_eq!(
                *at(&st, &["networks", "0", "label"]),
                Value::Null,
                "\"\" for an unset value"
            );
            assert_eq!(*at(&st, &["networks", "1", "label"]), s("backup"));
            assert_eq!(*at(&st, &["records", "www", "ttl"]), n(3600));
            assert_eq!(*at(&st, &["interfaces", "0", "device"]), s("eth0"));
            // Each tag got the comment (never read back) of its own element, whatever the order.
            let Value::Set(tags) = &st["tags"] else {
                panic!("{:?}", st["tags"])
            };
            let team = tags
                .iter()
                .find(|t| t.as_object().unwrap()["key"] == s("team"))
                .unwrap();
            let env = tags.iter().find(|t| t.as_object().unwrap()["key"] == s("env")).unwrap();
            assert_eq!(
                *team,
                o(&[
                    ("key", s("team")),
                    ("value", Value::Null),
                    ("comment", s("owner")),
                    ("tag_id", n(21))
                ])
            );
            assert_eq!(*env, tag_state("env", "prod", 20));
            assert!(
                Value::Object(base).admits(&Value::Object(st)),
                "consistent with the plan"
            );
        }

        #[test]
        fn empty_collections_keep_what_the_user_wrote() {
            let mut base = planned(None, &config());
            base.insert("tags".into(), Value::Null);
            base.insert("records".into(), Value::Map(Object::new()));
            let api = json!({"tags": [], "records": null, "settings": null});
            let st = state_from_api(&vm(), &api, &base);
            assert_eq!(st["tags"], Value::Null, "[] for a set nobody set");
            assert_eq!(
                st["records"],
                Value::Map(Object::new()),
                "left out, but the user wrote {{}}"
            );
            assert_eq!(st["settings"], Value::Null);
            // A shape that does not fit the schema is null, never a panic.
            let st = state_from_api(
                &vm(),
                &json!({"networks": {"x": 1}, "tags": [1, null], "settings": []}),
                &base,
            );
            assert_eq!(st["networks"], Value::Null);
            assert_eq!(st["tags"], set(&[Value::Null, Value::Null]));
            assert_eq!(st["settings"], Value::Null);
        }

        /// A stateful stand-in for the API: assigns ids, IPs, MACs and revisions, answers numbers
        /// as strings and `""` for unset strings, and returns sets in reverse order.
        fn server(prev: Option<&Json>, body: &Json) -> Json {
            let old = |path: &str| prev.map(|p| lookup(p, path).clone()).unwrap_or(Json::Null);
            let networks: Vec<Json> = body["networks"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .enumerate()
                .map(|(i, mut n)| {
                    let kept = old("networks").get(i).cloned().unwrap_or(Json::Null);
                    let ip = kept.get("ip").cloned().unwrap_or(json!(format!("10.0.0.{}", i + 1)));
                    let mac = n
                        .get("mac")
                        .or_else(|| kept.get("mac"))
                        .cloned()
                        .unwrap_or(json!(format!("m{i}")));
                    n["networkId"] = json!(n["networkId"].to_string());
                    n["ip"] = ip;
                    n["mac"] = mac;
                    if n.get("label").is_none_or(Json::is_null) {
                        n["label"] = json!("");
                    }
                    n
                })
                .collect();
            let mut next_id = 100;
            let mut id_for = |collection: &str, key: &str, wanted: &Json| {
                let found = old(collection)
                    .as_array()
                    .into_iter()
                    .flatten()
                    .chain(old(collection).as_object().into_iter().flat_map(|m| m.values()))
                    .find(|x| x.get(key) == Some(wanted))
                    .and_then(|x| x.get("id").cloned());
                found.unwrap_or_else(|| {
                    next_id += 1;
                    json!(next_id)
                })
            };
            let mut tags: Vec<Json> = body["tags"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(|mut t| {
                    t["id"] = id_for("tags", "key", &t["key"]);
                    t.as_object_mut().map(|m| m.remove("comment"));
                    t
                })
                .collect();
            tags.reverse();
            let records: Map<String, Json> = body["records"]
                .as_object()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(|(k, mut r)| {
                    r["id"] = id_for("records", "content", &r["content"]);
                    r["ttl"] = json!(r["ttl"].to_string());
                    (k, r)
                })
                .collect();
            let mut settings = body["settings"].clone();
            let same = old("settings").get("mode") == settings.get("mode")
                && old("settings").get("size").unwrap_or(&Json::Null) == settings.get("size").unwrap_or(&Json::Null);
            settings["revision"] = match (same, old("settings.revision")) {
                (true, Json::String(r)) => json!(r),
                (_, Json::String(r)) => json!(format!("{r}+")),
                _ => json!("r1"),
            };
            json!({
                "id": "12", "name": body["name"], "networks": networks, "tags": tags,
                "records": records, "settings": settings, "interfaces": [{"device": "eth0"}]
            })
        }

        /// Apply as the engine does: plan, send, keep the API's answer; the state must hold every
        /// known planned value (Terraform's "inconsistent result" check), and planning the same
        /// configuration again must change nothing.
        fn apply(prior: Option<(&Object, &Json)>, config: &Object) -> (Object, Json) {
            let p = planned(prior.map(|p| p.0), config);
            let body = Json::Object(request_body(&vm(), &p, prior.map(|p| p.0), false));
            let answer = server(prior.map(|p| p.1), &body);
            let state = state_from_api(&vm(), &answer, &p);
            for (name, want) in &p {
                let got = state.get(name).unwrap_or(&Value::Null);
                assert!(want.admits(got), "{name}: planned {want:?}, state {got:?}");
            }
            assert!(!Value::Object(state.clone()).contains_unknown(), "{state:?}");
            let again = planned(Some(&state), config);
            assert_eq!(again, state, "a second plan is empty");
            (state, answer)
        }

        #[test]
        fn plan_request_answer_and_state_agree_on_create_and_update() {
            let (state, answer) = apply(None, &config());
            assert_eq!(*at(&state, &["networks", "1", "ip"]), s("10.0.0.2"));

            // Update: one more network, a changed tag, a new record, changed settings.
            let mut cfg = config();
            cfg.insert(
                "networks".into(),
                list(&[
                    net_config(1),
                    o(&[
                        ("network_id", n(2)),
                        ("label", s("backup")),
                        ("primary", Value::Bool(true)),
                    ]),
                    o(&[("network_id", n(3)), ("mac", s("fixed"))]),
                ]),
            );
            cfg.insert(
                "tags".into(),
                set(&[
                    o(&[("key", s("team")), ("value", Value::Null), ("comment", s("owner"))]),
                    tag_config("env", "staging"),
                ]),
            );
            cfg.insert(
                "records".into(),
                map(&[
                    ("www", o(&[("content", s("1.2.3.4"))])),
                    ("mail", o(&[("content", s("5.6.7.8")), ("ttl", n(60))])),
                ]),
            );
            cfg.insert("settings".into(), o(&[("mode", s("fast")), ("size", n(4))]));
            let (updated, answer) = apply(Some((&state, &answer)), &cfg);
            assert_eq!(
                at(&updated, &["networks", "0", "ip"]),
                at(&state, &["networks", "0", "ip"])
            );
            assert_eq!(*at(&updated, &["networks", "2", "mac"]), s("fixed"));
            assert_eq!(*at(&updated, &["settings", "revision"]), s("r1+"));

            // Shrink back to one network and no tags.
            let mut cfg = config();
            cfg.insert("networks".into(), list(&[net_config(1)]));
            cfg.insert("tags".into(), Value::Null);
            let (shrunk, _) = apply(Some((&updated, &answer)), &cfg);
            assert_eq!(shrunk["networks"], list(&[updated_network(&updated, 0)]));
            assert_eq!(shrunk["tags"], Value::Null);
        }

        fn updated_network(state: &Object, i: usize) -> Value {
            at(state, &["networks", &i.to_string()]).clone()
        }
    }
}
