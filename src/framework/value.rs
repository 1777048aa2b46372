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

/// A Terraform value. Objects and maps keep their keys sorted, as cty does. Sets compare without
/// regard to order (as cty sets do), so an API that reorders a set never shows as a change.
#[derive(Clone, Debug, Default)]
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

impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Null, Value::Null) | (Value::Unknown, Value::Unknown) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Number(a), Value::Number(b)) => a == b,
            (Value::String(a), Value::String(b)) => a == b,
            (Value::List(a), Value::List(b)) | (Value::Tuple(a), Value::Tuple(b)) => a == b,
            (Value::Set(a), Value::Set(b)) => {
                a.len() == b.len() && match_elements(a, b, |x, y| x == y).iter().all(Option::is_some)
            }
            (Value::Map(a), Value::Map(b)) | (Value::Object(a), Value::Object(b)) => a == b,
            (Value::Dynamic(a), Value::Dynamic(b)) => a == b,
            _ => false,
        }
    }
}

/// Pairs each `left` element with a distinct `right` element it `fits`, pairing as many as
/// possible (a maximum bipartite matching): `result[i]` is the index in `right` of the partner of
/// `left[i]`. Used for set elements, which have no identity other than their values; when one
/// element fits several (an unknown value fits anything), a first-come pairing could leave an
/// element unmatched that has a partner, so augmenting paths are searched.
pub fn match_elements<A, B>(left: &[A], right: &[B], fits: impl Fn(&A, &B) -> bool) -> Vec<Option<usize>> {
    let candidates: Vec<Vec<usize>> = left
        .iter()
        .map(|l| (0..right.len()).filter(|&j| fits(l, &right[j])).collect())
        .collect();
    let mut owner: Vec<Option<usize>> = vec![None; right.len()];
    for start in 0..left.len() {
        augment(start, &candidates, &mut owner);
    }
    let mut out = vec![None; left.len()];
    for (j, i) in owner.iter().enumerate() {
        if let Some(i) = i {
            out[*i] = Some(j);
        }
    }
    out
}

/// Pairs set elements as [`match_elements`] does, first those that `exact`ly fit, then the rest
/// that fit `loosely` (under a normaliser): an element spelled exactly as one on the other side
/// never loses it to a look-alike, so `A.com` keeps its own partner when `a.com` is there too.
/// (For rules that are equivalences, this pairs as many elements as one matching would.)
pub fn pair_exact_first<A, B>(
    left: &[A],
    right: &[B],
    exact: impl Fn(&A, &B) -> bool,
    loosely: impl Fn(&A, &B) -> bool,
) -> Vec<Option<usize>> {
    let mut out = match_elements(left, right, exact);
    let taken: Vec<bool> = (0..right.len()).map(|j| out.contains(&Some(j))).collect();
    let open: Vec<usize> = (0..left.len()).filter(|&i| out[i].is_none()).collect();
    let free: Vec<usize> = (0..right.len()).filter(|&j| !taken[j]).collect();
    let loose = match_elements(&open, &free, |&i, &j| loosely(&left[i], &right[j]));
    for (k, &i) in open.iter().enumerate() {
        out[i] = loose[k].map(|f| free[f]);
    }
    out
}

/// Looks for an augmenting path from `start`; iterative, so a large set cannot exhaust the stack.
fn augment(start: usize, candidates: &[Vec<usize>], owner: &mut [Option<usize>]) -> bool {
    let mut seen = vec![false; owner.len()];
    // The left elements on the current path with the next candidate each is to try, and the
    // right element each level took on the way down.
    let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
    let mut taken: Vec<usize> = Vec::new();
    loop {
        let Some(top) = stack.last_mut() else { return false };
        let i = top.0;
        let Some(&j) = candidates[i].get(top.1) else {
            stack.pop();
            taken.pop();
            continue;
        };
        top.1 += 1;
        if seen[j] {
            continue;
        }
        seen[j] = true;
        taken.push(j);
        match owner[j] {
            None => {
                for (level, &(li, _)) in stack.iter().enumerate() {
                    owner[taken[level]] = Some(li);
                }
                return true;
            }
            Some(next) => stack.push((next, 0)),
        }
    }
}

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

    /// The elements of a list or set; none for anything else.
    pub fn elements(&self) -> &[Value] {
        match self {
            Value::List(items) | Value::Set(items) => items,
            _ => &[],
        }
    }

    pub fn as_map(&self) -> Option<&Object> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// Whether `actual` is a value this (planned) value allows: equal wherever this one is known;
    /// an unknown part allows anything. This is what Terraform demands of the state an apply
    /// returns against its plan.
    pub fn admits(&self, actual: &Value) -> bool {
        match (self, actual) {
            (Value::Unknown, _) => true,
            (Value::List(a), Value::List(b)) | (Value::Tuple(a), Value::Tuple(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.admits(y))
            }
            (Value::Set(a), Value::Set(b)) => {
                a.len() == b.len() && match_elements(a, b, |x, y| x.admits(y)).iter().all(Option::is_some)
            }
            (Value::Map(a), Value::Map(b)) | (Value::Object(a), Value::Object(b)) => {
                // A missing key is a null one (objects built by the engine may leave nulls out).
                let null = Value::Null;
                a.keys()
                    .chain(b.keys())
                    .all(|k| a.get(k).unwrap_or(&null).admits(b.get(k).unwrap_or(&null)))
            }
            (Value::Dynamic(a), Value::Dynamic(b)) => a.0 == b.0 && a.1.admits(&b.1),
            _ => self == actual,
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

    fn set(items: &[Value]) -> Value {
        Value::Set(items.to_vec())
    }

    #[test]
    fn sets_compare_without_order_and_lists_with_it() {
        let (a, b, c) = (Value::int(1), Value::int(2), Value::int(3));
        assert_eq!(set(&[a.clone(), b.clone()]), set(&[b.clone(), a.clone()]));
        assert_ne!(set(&[a.clone(), b.clone()]), set(&[a.clone(), c.clone()]));
        assert_ne!(set(std::slice::from_ref(&a)), set(&[a.clone(), a.clone()]));
        assert_ne!(
            Value::List(vec![a.clone(), b.clone()]),
            Value::List(vec![b.clone(), a.clone()])
        );
        assert_ne!(Value::List(vec![a.clone()]), set(std::slice::from_ref(&a)));
    }

    #[test]
    fn a_plan_admits_values_equal_where_it_is_known() {
        let o = |x: Value, y: Value| Value::Object([("x".to_string(), x), ("y".to_string(), y)].into_iter().collect());
        let planned = set(&[o(Value::int(1), Value::Unknown), o(Value::int(2), Value::string("b"))]);
        // The API's order differs and the unknown became known.
        let actual = set(&[
            o(Value::int(2), Value::string("b")),
            o(Value::int(1), Value::string("a")),
        ]);
        assert!(planned.admits(&actual));
        assert!(!planned.admits(&set(&[
            o(Value::int(2), Value::string("c")),
            o(Value::int(1), Value::string("a"))
        ])));
        assert!(!planned.admits(&set(&[o(Value::int(1), Value::string("a"))])));
        // An unknown element that fits both must not take the only partner of the other.
        let wide = set(&[Value::Unknown, Value::int(1)]);
        assert!(wide.admits(&set(&[Value::int(1), Value::int(5)])));
        assert!(Value::List(vec![Value::Unknown]).admits(&Value::List(vec![Value::int(4)])));
        assert!(!Value::List(vec![Value::int(3)]).admits(&Value::List(vec![Value::int(4)])));
    }

    #[test]
    fn elements_are_matched_as_many_as_possible() {
        // left[0] fits both, left[1] only right[0]: a greedy pairing would strand left[1].
        let m = match_elements(&[0, 1], &[10, 11], |l, r| *l == 0 || *r == 10);
        assert_eq!(m, vec![Some(1), Some(0)]);
        let m = match_elements(&[1, 2, 3], &[3, 1], |l, r| l == r);
        assert_eq!(m, vec![Some(1), None, Some(0)]);
        // The last element fits only right[0], which makes every earlier pairing shift by one:
        // an augmenting path as long as the set, found without recursion.
        let n = 3000usize;
        let left: Vec<usize> = (0..n).collect();
        let m = match_elements(
            &left,
            &left,
            |&l, &r| if l == n - 1 { r == 0 } else { r == l || r == l + 1 },
        );
        assert!(m.iter().all(Option::is_some));
        assert_eq!(m[n - 1], Some(0));
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
