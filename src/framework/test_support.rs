//! Shared test fixtures: a block with one nested attribute of every nesting, and value builders.

use super::schema::{Attribute, Block, Nesting};
use super::value::{Object, Value};

/// A virtual machine of sorts: networks (list), tags (set), records (map), settings (single) and
/// interfaces (a computed list), each with required, optional, defaulted, computed and
/// requires-replace sub-attributes.
pub fn vm() -> Block {
    Block {
        attributes: vec![
            Attribute::number("id").computed().read_from("id"),
            Attribute::string("name").required().api("name"),
            Attribute::nested(
                "networks",
                Nesting::List,
                vec![
                    Attribute::number("network_id")
                        .required()
                        .requires_replace()
                        .api("networkId"),
                    Attribute::string("ip").computed().read_from("ip"),
                    Attribute::string("mac").optional_computed().api("mac"),
                    Attribute::bool("primary").default(Value::Bool(false)).api("primary"),
                    Attribute::string("label").optional().api("label"),
                ],
            )
            .optional_computed()
            .api("networks"),
            Attribute::nested(
                "tags",
                Nesting::Set,
                vec![
                    Attribute::string("key").required().api("key"),
                    Attribute::string("value").optional().api("value"),
                    // Sent, never read back: kept from the matching element.
                    Attribute::string("comment").optional().send_as("comment"),
                    Attribute::number("tag_id").computed().read_from("id"),
                ],
            )
            .optional()
            .api("tags"),
            Attribute::nested(
                "records",
                Nesting::Map,
                vec![
                    Attribute::string("content")
                        .required()
                        .requires_replace()
                        .api("content"),
                    Attribute::number("ttl").default(Value::int(3600)).api("ttl"),
                    Attribute::number("record_id").computed().read_from("id"),
                ],
            )
            .optional()
            .api("records"),
            Attribute::nested(
                "settings",
                Nesting::Single,
                vec![
                    Attribute::string("mode").required().requires_replace().api("mode"),
                    Attribute::number("size").optional().api("size"),
                    Attribute::string("revision")
                        .computed()
                        .changes_on_update()
                        .read_from("revision"),
                ],
            )
            .optional()
            .api("settings"),
            Attribute::nested(
                "interfaces",
                Nesting::List,
                vec![Attribute::string("device").computed().read_from("device")],
            )
            .computed()
            .read_from("interfaces"),
        ],
        ..Block::default()
    }
}

pub fn obj(pairs: &[(&str, Value)]) -> Object {
    pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
}

pub fn o(pairs: &[(&str, Value)]) -> Value {
    Value::Object(obj(pairs))
}

pub fn list(items: &[Value]) -> Value {
    Value::List(items.to_vec())
}

pub fn set(items: &[Value]) -> Value {
    Value::Set(items.to_vec())
}

pub fn map(pairs: &[(&str, Value)]) -> Value {
    Value::Map(obj(pairs))
}

pub fn s(v: &str) -> Value {
    Value::string(v)
}

pub fn n(v: i64) -> Value {
    Value::int(v)
}

/// A network element as Terraform sends it in configuration (unset sub-attributes are null).
pub fn net_config(id: i64) -> Value {
    o(&[
        ("network_id", n(id)),
        ("ip", Value::Null),
        ("mac", Value::Null),
        ("primary", Value::Null),
        ("label", Value::Null),
    ])
}

/// A network element as stored in state.
pub fn net_state(id: i64, ip: &str) -> Value {
    o(&[
        ("network_id", n(id)),
        ("ip", s(ip)),
        ("mac", s(&format!("mac-{id}"))),
        ("primary", Value::Bool(false)),
        ("label", Value::Null),
    ])
}

pub fn tag_config(key: &str, value: &str) -> Value {
    o(&[
        ("key", s(key)),
        ("value", s(value)),
        ("comment", Value::Null),
        ("tag_id", Value::Null),
    ])
}

pub fn tag_state(key: &str, value: &str, id: i64) -> Value {
    o(&[
        ("key", s(key)),
        ("value", s(value)),
        ("comment", Value::Null),
        ("tag_id", n(id)),
    ])
}

/// Looks a value up by path in an object: `at(&o, &["networks", "0", "ip"])`.
pub fn at<'a>(o: &'a Object, path: &[&str]) -> &'a Value {
    let Some((first, rest)) = path.split_first() else {
        return &Value::Null;
    };
    let mut cur = o.get(*first).unwrap_or(&Value::Null);
    for step in rest {
        cur = match cur {
            Value::Object(m) | Value::Map(m) => m.get(*step).unwrap_or(&Value::Null),
            Value::List(items) | Value::Set(items) => step
                .parse::<usize>()
                .ok()
                .and_then(|i| items.get(i))
                .unwrap_or(&Value::Null),
            _ => &Value::Null,
        };
    }
    cur
}
