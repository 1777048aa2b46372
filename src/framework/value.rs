//! Typed Terraform values (cty) and their types.
//!
//! Terraform sends values without type tags (a msgpack array may be a list, a set or a tuple), so
//! every decode is guided by the schema's type. Unknown and null are possible at every level.

use std::collections::BTreeMap;
use std::fmt;

/// A cty type, as declared in a schema and sent to Terraform as type JSON.
#[derive(Clone, Debug, PartialEq)]
pub enum Type {
    Bool,
    Number,
    String,
    /// cty's DynamicPseudoType: the value carries its own type on the wire.
    Dynamic,
    List(Box<Type>),
    Set(Box<Type>),
    Map(Box<Type>),
    Object(Vec<(String, Type)>),
    Tuple(Vec<Type>),
}

impl Type {
    /// cty type JSON: `"string"`, `["list","string"]`, `["object",{"a":"number"}]`.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::{json, Map, Value as J};
        match self {
            Type::Bool => json!("bool"),
            Type::Number => json!("number"),
            Type::String => json!("string"),
            Type::Dynamic => json!("dynamic"),
            Type::List(t) => json!(["list", t.to_json()]),
            Type::Set(t) => json!(["set", t.to_json()]),
            Type::Map(t) => json!(["map", t.to_json()]),
            Type::Object(attrs) => {
                let m: Map<String, J> = attrs.iter().map(|(k, t)| (k.clone(), t.to_json())).collect();
                json!(["object", m])
            }
            Type::Tuple(ts) => json!(["tuple", ts.iter().map(Type::to_json).collect::<Vec<_>>()]),
        }
    }

    /// Parses cty type JSON (as found inside dynamic values).
    pub fn from_json(v: &serde_json::Value) -> Result<Type, String> {
        use serde_json::Value as J;
        match v {
            J::String(s) => match s.as_str() {
                "bool" => Ok(Type::Bool),
                "number" => Ok(Type::Number),
                "string" => Ok(Type::String),
                "dynamic" => Ok(Type::Dynamic),
                other => Err(format!("unknown primitive type {other:?}")),
            },
            J::Array(parts) if parts.len() >= 2 => {
                let kind = parts[0].as_str().unwrap_or_default();
                match kind {
                    "list" => Ok(Type::List(Box::new(Type::from_json(&parts[1])?))),
                    "set" => Ok(Type::Set(Box::new(Type::from_json(&parts[1])?))),
                    "map" => Ok(Type::Map(Box::new(Type::from_json(&parts[1])?))),
                    "object" => {
                        let obj = parts[1].as_object().ok_or("object type without attributes")?;
                        let attrs = obj
                            .iter()
                            .map(|(k, t)| Ok((k.clone(), Type::from_json(t)?)))
                            .collect::<Result<Vec<_>, String>>()?;
                        Ok(Type::Object(attrs))
                    }
                    "tuple" => {
                        let elems = parts[1].as_array().ok_or("tuple type without elements")?;
                        Ok(Type::Tuple(
                            elems.iter().map(Type::from_json).collect::<Result<_, _>>()?,
                        ))
                    }
                    other => Err(format!("unknown type constructor {other:?}")),
                }
            }
            other => Err(format!("invalid type JSON {other}")),
        }
    }
}

/// A cty number. Terraform sends integers, floats, or decimal strings for large numbers.
#[derive(Clone, Debug)]
pub enum Number {
    Int(i64),
    Float(f64),
    /// A number outside i64/f64 precision, kept as its decimal text.
    Big(String),
}

impl Number {
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Number::Int(i) => Some(*i),
            Number::Float(f) if f.fract() == 0.0 && f.abs() < 9.007_199_254_740_992e15 => Some(*f as i64),
            Number::Float(_) => None,
            Number::Big(s) => s.parse().ok(),
        }
    }

    pub fn as_f64(&self) -> f64 {
        match self {
            Number::Int(i) => *i as f64,
            Number::Float(f) => *f,
            Number::Big(s) => s.parse().unwrap_or(f64::NAN),
        }
    }

    /// Parses API text such as `"30"`, `"30.0"` or `"1e3"`.
    pub fn parse(s: &str) -> Option<Number> {
        let s = s.trim();
        if let Ok(i) = s.parse::<i64>() {
            return Some(Number::Int(i));
        }
        let f: f64 = s.parse().ok()?;
        if !f.is_finite() {
            return None;
        }
        Some(Number::from_f64(f))
    }

    /// Integral floats become integers so that `30.0` from the API equals `30` in configuration.
    pub fn from_f64(f: f64) -> Number {
        if f.fract() == 0.0 && f.abs() < 9.007_199_254_740_992e15 {
            Number::Int(f as i64)
        } else {
            Number::Float(f)
        }
    }
}

impl PartialEq for Number {
    fn eq(&self, other: &Number) -> bool {
        match (self, other) {
            (Number::Int(a), Number::Int(b)) => a == b,
            (Number::Big(a), Number::Big(b)) => a == b,
            _ => match (self.as_i64(), other.as_i64()) {
                (Some(a), Some(b)) => a == b,
                _ => self.as_f64() == other.as_f64(),
            },
        }
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Number::Int(i) => write!(f, "{i}"),
            Number::Float(x) => write!(f, "{x}"),
            Number::Big(s) => f.write_str(s),
        }
    }
}

/// A Terraform value. Objects and maps keep their keys sorted, as cty does.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Value {
    #[default]
    Null,
    /// Not known until apply. Refinements Terraform attaches (prefix, not-null) are accepted and dropped.
    Unknown,
    Bool(bool),
    Number(Number),
    String(String),
    List(Vec<Value>),
    Set(Vec<Value>),
    Map(BTreeMap<String, Value>),
    Object(BTreeMap<String, Value>),
    Tuple(Vec<Value>),
    /// A value of a dynamically typed attribute, with the concrete type it was sent with.
    Dynamic(Box<(Type, Value)>),
}

/// The attributes of a resource or block, by name.
pub type Object = BTreeMap<String, Value>;

impl Value {
    pub fn string(s: impl Into<String>) -> Value {
        Value::String(s.into())
    }

    pub fn int(i: i64) -> Value {
        Value::Number(Number::Int(i))
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown)
    }

    /// True when the value or anything inside it is unknown.
    pub fn contains_unknown(&self) -> bool {
        match self {
            Value::Unknown => true,
            Value::List(v) | Value::Set(v) | Value::Tuple(v) => v.iter().any(Value::contains_unknown),
            Value::Map(m) | Value::Object(m) => m.values().any(Value::contains_unknown),
            Value::Dynamic(d) => d.1.contains_unknown(),
            _ => false,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Number(n) => n.as_i64(),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&Object> {
        match self {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }

    /// Short human form for diagnostics.
    pub fn display(&self) -> String {
        match self {
            Value::Null => "null".into(),
            Value::Unknown => "(known after apply)".into(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => n.to_string(),
            Value::String(s) => format!("{s:?}"),
            other => format!("{other:?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_compare_by_value_across_representations() {
        assert_eq!(Number::Int(30), Number::Float(30.0));
        assert_eq!(Number::parse("30.0"), Some(Number::Int(30)));
        assert_eq!(Number::parse("2.5"), Some(Number::Float(2.5)));
        assert_ne!(Number::Int(3), Number::Float(3.5));
        assert_eq!(Number::parse("abc"), None);
        assert_eq!(Number::Big("12".into()), Number::Int(12));
    }

    #[test]
    fn type_json_round_trips() {
        let t = Type::Object(vec![
            ("a".into(), Type::List(Box::new(Type::String))),
            ("b".into(), Type::Map(Box::new(Type::Number))),
            ("c".into(), Type::Tuple(vec![Type::Bool, Type::Dynamic])),
            ("d".into(), Type::Set(Box::new(Type::Number))),
        ]);
        let j = t.to_json();
        assert_eq!(Type::from_json(&j).unwrap(), t);
        assert_eq!(
            Type::List(Box::new(Type::String)).to_json(),
            serde_json::json!(["list", "string"])
        );
        assert!(Type::from_json(&serde_json::json!("float")).is_err());
    }

    #[test]
    fn unknown_is_found_at_depth() {
        let v = Value::List(vec![Value::Object(
            [("x".to_string(), Value::Unknown)].into_iter().collect(),
        )]);
        assert!(v.contains_unknown());
        assert!(!Value::List(vec![Value::Null]).contains_unknown());
    }
}
