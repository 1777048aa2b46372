//! Per-attribute codecs and normalisers: how one attribute's value is written in a request body and
//! read back from the API's answer when the JSON of its Terraform type is not what the API speaks,
//! and when an answer spelled differently means the same as the value in state.
//!
//! - Codecs ([`Codec`], and `ApiField::id` on a list or set): a set of team ids sent as
//!   `"autoTeams": "1,2,3"`, a list of ssh key ids sent as `[1, 2]` and answered as
//!   `[{"id": 1, …}]`.
//! - Normalisers ([`Normaliser`]): the API answers `www.example.com` for the configured
//!   `WWW.Example.COM.`, `2001:db8::1` for `2001:DB8:0:0:0:0:0:1`, `"v=spf1 -all"` for
//!   `v=spf1 -all`. Where the answer is equivalent to the value in the base state (the plan after
//!   an apply, the prior state on refresh), that value is kept, so the configured spelling stays in
//!   state and the next plan is empty; an answer that differs in meaning replaces it, so drift
//!   still shows.

use super::mapping::{convert, id_from_api};
use super::schema::Attribute;
use super::validate::parse_api_id;
use super::value::{match_elements, Number, Object, Type, Value};
use serde_json::Value as Json;
use std::borrow::Cow;
use std::net::IpAddr;

/// How a value is written in requests and read from answers, beyond the JSON of its type.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Codec {
    /// The JSON of the Terraform type (ids, and lists or sets of ids, as JSON numbers).
    #[default]
    Json,
    /// A list or set of strings or ids sent as one comma-separated string (`"1,2,3"`) and read
    /// back from one (blanks around items ignored, as in `"a.be, b.be"`) or from an array, for
    /// fields the API writes one way and answers the other (`autoTeams` in, `teams` out).
    Csv,
}

/// When two spellings of a value mean the same. For a list, set or map the rule applies to each
/// element.
#[derive(Clone, Copy, Debug)]
pub enum Normaliser {
    /// A host or domain name: letter case and one trailing dot do not matter.
    Hostname,
    /// An IPv4 or IPv6 address: compared as addresses (`2001:DB8::0:1` is `2001:db8::1`).
    IpAddress,
    /// DNS TXT content: `"v=spf1 -all"` is `v=spf1 -all`, and quoted chunks `"abc" "def"` are
    /// `abcdef`.
    Txt,
    /// Numbers written as text: `"30.0"` is `"30"`.
    Numeric,
    /// A resource's own rule, given two non-null values (the API's and the base state's).
    Custom(fn(&Value, &Value) -> bool),
    /// The rule chosen by the value of a sibling attribute (a record's `content` by its `type`);
    /// for sibling values not listed (or an unset sibling) values compare exactly.
    BySibling {
        attribute: &'static str,
        cases: &'static [(&'static str, Normaliser)],
    },
}

// ---------------------------------------------------------------------------------------------
// Codecs

/// The JSON an attribute's value is sent as, where its codec or id-ness decides; `None` for the
/// plain JSON of its type.
pub fn encode(a: &Attribute, v: &Value) -> Option<Json> {
    let id_json = |v: &Value| match v {
        // Validated at plan time, so every id here is a number the API can take; anything else
        // is sent as written and the API's answer says what is wrong.
        Value::String(s) => Some(parse_api_id(s).map_or_else(|| Json::String(s.clone()), Json::from)),
        _ => None,
    };
    match (a.api.codec, v) {
        (Codec::Csv, Value::List(items) | Value::Set(items)) => Some(Json::String(
            items.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(","),
        )),
        (Codec::Json, Value::String(_)) if a.api.id => id_json(v),
        (Codec::Json, Value::List(items) | Value::Set(items)) if a.api.id => Some(Json::Array(
            items.iter().map(|x| id_json(x).unwrap_or(Json::Null)).collect(),
        )),
        _ => None,
    }
}

/// The value of a (non-nested) attribute read from the API's JSON.
pub fn decode(j: &Json, a: &Attribute) -> Value {
    let (Type::List(et) | Type::Set(et)) = &a.ty else {
        return if a.api.id { id_from_api(j) } else { convert(j, &a.ty) };
    };
    if a.api.codec == Codec::Json && !a.api.id {
        return convert(j, &a.ty);
    }
    let element = |j: &Json| if a.api.id { id_from_api(j) } else { convert(j, et) };
    let items: Vec<Value> = match j {
        Json::String(s) if a.api.codec == Codec::Csv => csv_items(s).map(|x| element(&Json::from(x))).collect(),
        Json::Array(items) => items.iter().map(element).collect(),
        _ => return Value::Null,
    };
    // An id of 0 (none) is no element.
    let items = items.into_iter().filter(|v| !(a.api.id && v.is_null()));
    match &a.ty {
        Type::Set(_) => {
            // A set holds each value once, whatever the API repeats.
            let mut unique: Vec<Value> = Vec::new();
            for v in items {
                if !unique.contains(&v) {
                    unique.push(v);
                }
            }
            Value::Set(unique)
        }
        _ => Value::List(items.collect()),
    }
}

/// The items of a comma-separated string; `""` has none.
fn csv_items(s: &str) -> impl Iterator<Item = &str> {
    s.split(',').map(str::trim).filter(|x| !x.is_empty())
}

// ---------------------------------------------------------------------------------------------
// Normalisers

/// The value to keep for a (non-nested) attribute whose answer was read as `read`, with `prior`
/// its value in the base state and `context` the object holding it there (for sibling rules):
/// `prior` where the two mean the same, else `read`.
pub fn reconcile(a: &Attribute, read: Value, prior: &Value, context: &Object) -> Value {
    if a.nested.is_none() && a.mode.is_configurable() {
        // An empty collection and no collection mean the same to the API (as for nested ones).
        if is_empty_collection(&read) && prior.is_null() {
            return Value::Null;
        }
        if read.is_null() && is_empty_collection(prior) {
            return prior.clone();
        }
    }
    match resolve(a.api.normaliser, context) {
        Some(n) if a.nested.is_none() => keep_prior(n, read, prior),
        _ => read,
    }
}

/// Whether `base` (configured) and `fresh` (read from the API) mean the same under the
/// attribute's normaliser: used to pair set elements read from the API with configured ones.
pub fn equivalent(a: &Attribute, base: &Value, fresh: &Value, context: &Object) -> bool {
    base == fresh || resolve(a.api.normaliser, context).is_some_and(|n| same_under(n, base, fresh))
}

fn is_empty_collection(v: &Value) -> bool {
    matches!(v, Value::List(x) | Value::Set(x) if x.is_empty()) || matches!(v, Value::Map(m) if m.is_empty())
}

/// The rule that applies in `context`: a sibling rule resolved to its case.
fn resolve(n: Option<Normaliser>, context: &Object) -> Option<Normaliser> {
    match n? {
        Normaliser::BySibling { attribute, cases } => {
            let on = context.get(attribute).and_then(Value::as_str)?;
            cases
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(on))
                .and_then(|(_, n)| resolve(Some(*n), context))
        }
        n => Some(n),
    }
}

/// `read`, with every part equivalent to its partner in `prior` replaced by that partner.
fn keep_prior(n: Normaliser, read: Value, prior: &Value) -> Value {
    match (read, prior) {
        (Value::List(r), Value::List(p)) => Value::List(
            r.into_iter()
                .enumerate()
                .map(|(i, x)| match p.get(i) {
                    Some(p) => keep_prior(n, x, p),
                    None => x,
                })
                .collect(),
        ),
        (Value::Map(r), Value::Map(p)) => Value::Map(
            r.into_iter()
                .map(|(k, x)| {
                    let v = match p.get(&k) {
                        Some(p) => keep_prior(n, x, p),
                        None => x,
                    };
                    (k, v)
                })
                .collect(),
        ),
        (Value::Set(r), Value::Set(p)) => Value::Set(
            set_partners(n, &r, p)
                .into_iter()
                .zip(r)
                .map(|(q, x)| q.cloned().unwrap_or(x))
                .collect(),
        ),
        (read, prior) if !read.is_null() && !prior.is_null() && same_scalar(n, &read, prior) => prior.clone(),
        (read, _) => read,
    }
}

/// The partner in `prior` of each element of `read`. Equal elements pair first, so an element the
/// API spells exactly as one in state never loses it to a look-alike (and the set keeps distinct
/// elements); the rest pair by the rule.
fn set_partners<'p>(n: Normaliser, read: &[Value], prior: &'p [Value]) -> Vec<Option<&'p Value>> {
    let exact = match_elements(read, prior, |r, p| r == p);
    let taken: Vec<bool> = (0..prior.len()).map(|j| exact.contains(&Some(j))).collect();
    let open: Vec<usize> = (0..read.len()).filter(|&i| exact[i].is_none()).collect();
    let free: Vec<usize> = (0..prior.len()).filter(|&j| !taken[j]).collect();
    let loose = match_elements(&open, &free, |&i, &j| same_under(n, &read[i], &prior[j]));
    let mut out: Vec<Option<&Value>> = exact.iter().map(|j| j.map(|j| &prior[j])).collect();
    for (k, &i) in open.iter().enumerate() {
        out[i] = loose[k].map(|f| &prior[free[f]]);
    }
    out
}

/// Whether two values mean the same under `n`, element by element for collections.
fn same_under(n: Normaliser, a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::List(x), Value::List(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_under(n, x, y)),
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len() && x.iter().all(|(k, x)| y.get(k).is_some_and(|y| same_under(n, x, y)))
        }
        (Value::Set(x), Value::Set(y)) => x.len() == y.len() && set_partners(n, x, y).iter().all(Option::is_some),
        (a, b) => a == b || (!a.is_null() && !b.is_null() && same_scalar(n, a, b)),
    }
}

fn same_scalar(n: Normaliser, a: &Value, b: &Value) -> bool {
    if let Normaliser::Custom(f) = n {
        return f(a, b);
    }
    let (Some(a), Some(b)) = (a.as_str(), b.as_str()) else {
        return false;
    };
    match n {
        Normaliser::Hostname => same_hostname(a, b),
        Normaliser::IpAddress => same_ip(a, b),
        Normaliser::Txt => same_txt(a, b),
        Normaliser::Numeric => same_number(a, b),
        // Resolved before comparing; a sibling rule inside a sibling rule compares exactly.
        Normaliser::Custom(_) | Normaliser::BySibling { .. } => a == b,
    }
}

/// `WWW.Example.COM.` is `www.example.com`: DNS names are case-insensitive, and a trailing dot
/// only says the name is absolute.
pub fn same_hostname(a: &str, b: &str) -> bool {
    let bare = |s: &'_ str| s.strip_suffix('.').unwrap_or(s).to_string();
    bare(a).eq_ignore_ascii_case(&bare(b))
}

/// The same IPv4 or IPv6 address, however written (compressed or not, any letter case).
pub fn same_ip(a: &str, b: &str) -> bool {
    match (a.trim().parse::<IpAddr>(), b.trim().parse::<IpAddr>()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// The same TXT text, quoted or not, in one chunk or several.
pub fn same_txt(a: &str, b: &str) -> bool {
    txt_text(a) == txt_text(b)
}

/// The text of TXT content: the concatenated chunks of `"abc" "def"` (with `\"` and `\\`
/// unescaped); anything that is not a sequence of quoted chunks is its own text.
pub fn txt_text(s: &str) -> Cow<'_, str> {
    let t = s.trim();
    if !t.starts_with('"') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(t.len());
    let mut chars = t.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        match chars.next() {
            None => return Cow::Owned(out),
            Some('"') => {}
            Some(_) => return Cow::Borrowed(s),
        }
        loop {
            match chars.next() {
                Some('"') => break,
                Some('\\') => match chars.next() {
                    Some(c) => out.push(c),
                    None => return Cow::Borrowed(s),
                },
                Some(c) => out.push(c),
                None => return Cow::Borrowed(s),
            }
        }
    }
}

/// The same number written as text (`"30.0"` and `"30"`); text that is not a number compares
/// exactly.
pub fn same_number(a: &str, b: &str) -> bool {
    match (Number::parse(a), Number::parse(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}
