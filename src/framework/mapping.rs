//! The two mappings between Terraform values and API objects, driven by each attribute's
//! `ApiField`: state → request body, and API object → state (with the normalisation that keeps the
//! next plan empty: `"30.0"` is the number 30, `""` is null when the user set nothing, ids nested
//! in objects are read through dotted paths).

use super::schema::{Attribute, Block};
use super::value::{Number, Object, Type, Value};
use serde_json::{Map, Value as Json};

/// The request body for create (`prior == None`) or update. With `only_changed`, only the fields
/// whose value differs from `prior` are included (PATCH); otherwise every sendable field is (POST,
/// PUT with the current values).
pub fn request_body(block: &Block, planned: &Object, prior: Option<&Object>, only_changed: bool) -> Map<String, Json> {
    let mut body = Map::new();
    for a in &block.attributes {
        let Some(field) = a.api.send else { continue };
        if prior.is_some() && a.api.create_only {
            continue;
        }
        let v = planned.get(a.name).unwrap_or(&Value::Null);
        if only_changed {
            if let Some(p) = prior {
                if p.get(a.name).unwrap_or(&Value::Null) == v && !a.write_only && !a.api.always_send {
                    continue;
                }
            }
        }
        // On create, leave unset fields out so the API applies its own defaults.
        if prior.is_none() && v.is_null() {
            continue;
        }
        if v.is_unknown() {
            continue;
        }
        body.insert(field.to_string(), to_json(v));
    }
    body
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
        } else if let Some(path) = a.api.read {
            let prior = base.get(a.name).unwrap_or(&Value::Null);
            from_api_value(lookup(api, path), a, prior)
        } else {
            continue;
        };
        out.insert(a.name.to_string(), value);
    }
    out
}

/// Reads a dotted path (`"country.id"`); a missing step is null.
pub fn lookup<'a>(v: &'a Json, path: &str) -> &'a Json {
    path.split('.').fold(v, |cur, key| cur.get(key).unwrap_or(&Json::Null))
}

fn from_api_value(j: &Json, a: &Attribute, prior: &Value) -> Value {
    let v = convert(j, &a.ty);
    // The API answers "" (or 0-like empties) for fields nobody set; keep null when the user's
    // value is null, so an unset optional attribute never shows a diff.
    match (&v, prior) {
        (Value::String(s), Value::Null) if s.is_empty() => Value::Null,
        _ => v,
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
        (Type::Bool, Json::String(s)) => match s.as_str() {
            "1" | "true" | "yes" => Value::Bool(true),
            "0" | "false" | "no" | "" => Value::Bool(false),
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
                Attribute::string("tax").required().api("tax").always_send(),
            ],
            ..Block::default()
        }
    }

    fn obj(pairs: &[(&str, Value)]) -> Object {
        pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
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
}
