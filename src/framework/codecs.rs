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
use super::value::{pair_exact_first, Number, Object, Type, Value};
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
    /// A list of nested objects kept as numbered flat fields of the object itself
    /// (`nameserver1` …): see `framework::numbered`.
    Numbered(super::numbered::Numbered),
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
    /// A resource's own rule: whether two known, non-null values mean the same. It must be
    /// symmetric (it compares answers with state, and configurations with state).
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
    base == fresh || respelt(a, base, fresh, context)
}

/// A lookup value as sent in the API's `filter`: a host name without the trailing dot that the
/// API's spelling never has (Seed: its examples spell `fullname` and record `name` without one),
/// so `acme.be.` still finds `acme.be`. Case needs nothing: matches are checked locally under the
/// attribute's normaliser anyway.
pub fn as_filter(a: Option<&Attribute>, text: String) -> String {
    match a.and_then(|a| a.api.normaliser) {
        Some(Normaliser::Hostname) if text.len() > 1 => text.trim_end_matches('.').to_string(),
        _ => text,
    }
}

/// Whether `x` and `y` differ only in spelling under `a`'s normaliser (false for equal values and
/// for attributes without one).
pub fn respelt(a: &Attribute, x: &Value, y: &Value, context: &Object) -> bool {
    x != y && resolve(a.api.normaliser, context).is_some_and(|n| same_under(n, x, y))
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
        (read, prior) if same_under(n, &read, prior) => prior.clone(),
        (read, _) => read,
    }
}

/// The partner in `prior` of each element of `read` (see [`pair_exact_first`]).
fn set_partners<'p>(n: Normaliser, read: &[Value], prior: &'p [Value]) -> Vec<Option<&'p Value>> {
    pair_exact_first(read, prior, |r, p| r == p, |r, p| same_under(n, r, p))
        .into_iter()
        .map(|j| j.map(|j| &prior[j]))
        .collect()
}

/// Whether two values mean the same under `n`, element by element for collections.
fn same_under(n: Normaliser, a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::List(x), Value::List(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_under(n, x, y)),
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len() && x.iter().all(|(k, x)| y.get(k).is_some_and(|y| same_under(n, x, y)))
        }
        (Value::Set(x), Value::Set(y)) => x.len() == y.len() && set_partners(n, x, y).iter().all(Option::is_some),
        // Null and unknown values have no spelling: only equal ones are the same.
        (a, b) => {
            a == b || (!a.is_null() && !b.is_null() && !a.is_unknown() && !b.is_unknown() && same_scalar(n, a, b))
        }
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
        // Sibling rules are resolved to their case before comparing (`resolve`).
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
    txt_text(a) == txt_text(b) || wrapped_as_is(a, b) || wrapped_as_is(b, a)
}

/// Whether `quoted` is `plain` in one pair of quotes with its inner quotes left unescaped.
/// Seed: TXT content is answered as sent (L19424); should the API quote it as a zone file does,
/// it may also leave inner quotes unescaped, which the escaped reading (`txt_text`) would take
/// for other text. The sandbox escapes them (RFC 1035 zone syntax), which `txt_text` reads.
fn wrapped_as_is(plain: &str, quoted: &str) -> bool {
    quoted.trim().strip_prefix('"').and_then(|q| q.strip_suffix('"')) == Some(plain)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::mapping::{needs_request, request_body, state_from_api};
    use crate::framework::plan::plan;
    use crate::framework::schema::{Block, Nesting};
    use crate::framework::test_support::*;
    use serde_json::json;

    fn block(attributes: Vec<Attribute>) -> Block {
        Block {
            attributes,
            ..Block::default()
        }
    }

    fn strings(items: &[&str]) -> Vec<Value> {
        items.iter().map(|x| s(x)).collect()
    }

    /// Sends `planned` as a create, then reads `answer` back against it.
    fn create(block: &Block, planned: &Object, answer: Json) -> (Json, Object) {
        let body = Json::Object(request_body(block, planned, None, false));
        (body, state_from_api(block, &answer, planned))
    }

    // --- codecs ------------------------------------------------------------------------------

    #[test]
    fn csv_sets_of_ids_are_sent_as_one_string_and_read_back_from_a_string_or_objects() {
        // As app, domain and system take their teams: sent in `autoTeams`, answered in `teams`.
        let b = block(vec![
            Attribute::id_set("team_ids")
                .optional()
                .send_as("autoTeams")
                .read_from("teams")
                .csv(),
            Attribute::id_set("csv_ids").optional().api("csvIds").csv(),
        ]);
        let planned = obj(&[
            ("team_ids", Value::Set(strings(&["1", "14", "23"]))),
            ("csv_ids", Value::Set(strings(&["7"]))),
        ]);
        let (body, state) = create(
            &b,
            &planned,
            json!({"teams": [{"id": 23, "name": "c"}, {"id": "1"}, {"id": 14}], "csvIds": "7"}),
        );
        assert_eq!(body, json!({"autoTeams": "1,14,23", "csvIds": "7"}));
        assert_eq!(state["team_ids"], planned["team_ids"]);
        assert_eq!(state["csv_ids"], planned["csv_ids"]);

        let b0 = &b.attributes[0];
        // Seed: "autoTeams": "1,14,23"; blanks, repeats, empty items and 0 (none) are no ids.
        assert_eq!(
            decode(&json!("1, 14,,23,14,0"), b0),
            Value::Set(strings(&["1", "14", "23"]))
        );
        assert_eq!(
            decode(&json!([1, "2", {"id": 3}, 0, null]), b0),
            Value::Set(strings(&["1", "2", "3"]))
        );
        assert_eq!(decode(&json!(""), b0), Value::Set(vec![]));
        assert_eq!(decode(&json!(null), b0), Value::Null);
        assert_eq!(decode(&json!({"id": 1}), b0), Value::Null, "not a collection");
        assert_eq!(encode(b0, &Value::Set(vec![])), Some(json!("")));
        assert_eq!(encode(b0, &Value::Null), None, "null stays null");
    }

    #[test]
    fn csv_strings_keep_their_text() {
        let urls = Attribute::string_list("urls")
            .optional()
            .api("autoSslCertificateUrls")
            .csv();
        // Seed: "autoSslCertificateUrls": "test1.testdomain.be, test2.testdomain.be".
        assert_eq!(
            decode(&json!("test1.testdomain.be, test2.testdomain.be"), &urls),
            Value::List(strings(&["test1.testdomain.be", "test2.testdomain.be"]))
        );
        assert_eq!(
            decode(&json!("*.testdomain.be"), &urls),
            Value::List(strings(&["*.testdomain.be"]))
        );
        assert_eq!(
            encode(&urls, &Value::List(strings(&["a.be", "*.b.be"]))),
            Some(json!("a.be,*.b.be"))
        );
        // Without the codec a string is not a list.
        let plain = Attribute::string_list("urls").optional().api("urls");
        assert_eq!(decode(&json!("a.be"), &plain), Value::Null);
        assert_eq!(encode(&plain, &Value::List(strings(&["a.be"]))), None);
    }

    #[test]
    fn id_lists_are_sent_as_numbers_and_read_back_from_numbers_strings_or_objects() {
        let b = block(vec![Attribute::id_list("sshkey_ids").optional().api("sshkeys")]);
        let planned = obj(&[("sshkey_ids", Value::List(strings(&["46", "340"])))]);
        // Seed: a system's sshkeys are sent as [46, 340] and answered as objects.
        let (body, state) = create(
            &b,
            &planned,
            json!({"sshkeys": [{"id": 46, "description": "k"}, {"id": "340", "status": "ok"}]}),
        );
        assert_eq!(body, json!({"sshkeys": [46, 340]}));
        assert_eq!(state["sshkey_ids"], planned["sshkey_ids"]);
        let a = &b.attributes[0];
        assert_eq!(decode(&json!([46, "340"]), a), Value::List(strings(&["46", "340"])));
        assert_eq!(
            decode(&json!("46"), a),
            Value::Null,
            "a list of ids is not CSV unless declared"
        );
        // A scalar id keeps its behaviour: a number, however it is read back.
        let one = Attribute::id("owner_id").optional().api("owner");
        assert_eq!(encode(&one, &s("9")), Some(json!(9)));
        assert_eq!(decode(&json!({"id": 9}), &one), s("9"));
    }

    #[test]
    fn numbers_and_flags_are_read_back_from_the_api_s_loose_forms() {
        let disk = Attribute::number("disk").optional().api("disk");
        assert_eq!(decode(&json!("30.0"), &disk), n(30));
        assert_eq!(decode(&json!("30.5"), &disk), Value::Number(Number::Float(30.5)));
        assert_eq!(decode(&json!(30.0), &disk), n(30));
        assert_eq!(decode(&json!("thirty"), &disk), Value::Null);
        let flag = Attribute::bool("flag").optional().api("flag");
        for (api, want) in [
            (json!(1), true),
            (json!(0), false),
            (json!("1"), true),
            (json!("0"), false),
            (json!("ON"), true),
            (json!("off"), false),
            (json!(true), true),
        ] {
            assert_eq!(decode(&api, &flag), Value::Bool(want), "{api}");
        }
        assert_eq!(decode(&json!("maybe"), &flag), Value::Null);
    }

    #[test]
    fn an_empty_collection_means_none_for_a_collection_nobody_set() {
        let b = block(vec![Attribute::id_set("team_ids").optional().api("teams")]);
        let unset = state_from_api(&b, &json!({"teams": []}), &obj(&[("team_ids", Value::Null)]));
        assert_eq!(unset["team_ids"], Value::Null);
        let empty = state_from_api(&b, &json!({"teams": null}), &obj(&[("team_ids", Value::Set(vec![]))]));
        assert_eq!(empty["team_ids"], Value::Set(vec![]));
        let real = state_from_api(&b, &json!({"teams": [5]}), &obj(&[("team_ids", Value::Null)]));
        assert_eq!(real["team_ids"], Value::Set(strings(&["5"])), "drift shows");
        // A computed collection keeps the API's empty one.
        let b = block(vec![Attribute::id_set("team_ids").computed().read_from("teams")]);
        let computed = state_from_api(&b, &json!({"teams": []}), &obj(&[("team_ids", Value::Null)]));
        assert_eq!(computed["team_ids"], Value::Set(vec![]));
    }

    // --- normalisers -------------------------------------------------------------------------

    #[test]
    fn host_names_compare_without_case_or_trailing_dot() {
        assert!(same_hostname("WWW.Example.COM.", "www.example.com"));
        assert!(same_hostname("example.com", "example.com."));
        assert!(!same_hostname("www.example.com", "www.example.org"));
        assert!(!same_hostname("www.example.com", "www.example.com.."));
        assert!(!same_hostname("example.com", "wexample.com"));
    }

    #[test]
    fn ip_addresses_compare_as_addresses() {
        assert!(same_ip("2001:DB8:0:0:0:0:0:1", "2001:db8::1"));
        assert!(same_ip("2001:0db8:0000::0001", "2001:db8::1"));
        assert!(same_ip("192.0.2.1", "192.0.2.1"));
        assert!(!same_ip("2001:db8::1", "2001:db8::2"));
        assert!(!same_ip("192.0.2.1", "192.0.2.10"));
        assert!(!same_ip("::ffff:192.0.2.1", "192.0.2.1"), "an AAAA is not an A");
        assert!(
            !same_ip("not an ip", "not an ip"),
            "not an address: compared exactly elsewhere"
        );
    }

    #[test]
    fn txt_content_compares_unquoted_and_joined() {
        assert!(same_txt("\"v=spf1 -all\"", "v=spf1 -all"));
        assert!(same_txt("\"abc\" \"def\"", "abcdef"));
        assert!(same_txt("\"abc\"\"def\"", "\"abcdef\""));
        assert!(same_txt(r#""say \"hi\"""#, r#"say "hi""#));
        assert!(!same_txt("\"v=spf1 +all\"", "v=spf1 -all"));
        assert!(
            !same_txt("\"abc\" \"def\"", "abc def"),
            "the space between chunks is not text"
        );
        assert!(!same_txt("\"unterminated", "unterminated"));
        assert!(!same_txt("\"abc\" x", "abcx"), "text outside quotes: not chunks");
        assert_eq!(txt_text("plain \"quoted\" inside"), "plain \"quoted\" inside");
    }

    #[test]
    fn txt_with_inner_quotes_escaped_as_a_zone_file_does_is_the_same_text() {
        // The sandbox's spelling (RFC 1035): quotes and backslashes inside escaped.
        assert!(same_txt(r#"say "hi" there"#, r#""say \"hi\" there""#));
        assert!(same_txt(r#""abc"#, r#""\"abc""#), "a lone quote is text");
        assert!(same_txt(r#""a" x"#, r#""\"a\" x""#));
        assert!(same_txt(r"C:\dir", r#""C:\\dir""#));
        assert!(!same_txt(r#"say "hi" there"#, r#""say \"ho\" there""#));
    }

    #[test]
    fn txt_with_inner_quotes_wrapped_as_is_is_the_same_text() {
        // An API that wraps `say "hi" there` in one pair of quotes without escaping the inner ones.
        assert!(same_txt(r#"say "hi" there"#, r#""say "hi" there""#));
        assert!(same_txt(r#""say "hi" there""#, r#"say "hi" there"#));
        assert!(!same_txt(r#"say "hi" there"#, r#""say "ho" there""#));
    }

    #[test]
    fn numbers_written_as_text_compare_as_numbers() {
        assert!(same_number("30.0", "30"));
        assert!(same_number("1e3", "1000"));
        assert!(!same_number("30.5", "30"));
        assert!(!same_number("30", "thirty"));
    }

    fn named(rule: Normaliser) -> Block {
        block(vec![
            Attribute::string("name").required().api("name").normalise(rule),
            Attribute::string("type").optional().api("type"),
        ])
    }

    #[test]
    fn an_equivalent_answer_keeps_the_configured_spelling_and_a_changed_one_shows() {
        for (rule, configured, same, changed) in [
            (
                Normaliser::Hostname,
                "WWW.Example.COM.",
                "www.example.com",
                "www.example.org",
            ),
            (
                Normaliser::IpAddress,
                "2001:DB8:0:0:0:0:0:1",
                "2001:db8::1",
                "2001:db8::2",
            ),
            (Normaliser::Txt, "v=spf1 -all", "\"v=spf1 -all\"", "\"v=spf1 +all\""),
            (Normaliser::Numeric, "30", "30.0", "30.5"),
        ] {
            let b = named(rule);
            let prior = obj(&[("name", s(configured))]);
            let kept = state_from_api(&b, &json!({"name": same}), &prior);
            assert_eq!(kept["name"], s(configured), "{rule:?}: {same} means {configured}");
            let drift = state_from_api(&b, &json!({"name": changed}), &prior);
            assert_eq!(drift["name"], s(changed), "{rule:?}: {changed} is a change");
            // Read without a prior (import): the API's spelling.
            let imported = state_from_api(&b, &json!({"name": same}), &Object::new());
            assert_eq!(imported["name"], s(same));
        }
        // No normaliser: every spelling is a change.
        let b = block(vec![Attribute::string("name").required().api("name")]);
        let st = state_from_api(&b, &json!({"name": "example.com"}), &obj(&[("name", s("Example.com"))]));
        assert_eq!(st["name"], s("example.com"));
    }

    #[test]
    fn resources_declare_their_own_rule() {
        fn same_ignoring_case(a: &Value, b: &Value) -> bool {
            matches!((a, b), (Value::String(a), Value::String(b)) if a.eq_ignore_ascii_case(b))
        }
        let b = block(vec![Attribute::string("name")
            .required()
            .api("name")
            .equivalent(same_ignoring_case)]);
        let prior = obj(&[("name", s("Alice"))]);
        assert_eq!(
            state_from_api(&b, &json!({"name": "ALICE"}), &prior)["name"],
            s("Alice")
        );
        assert_eq!(state_from_api(&b, &json!({"name": "Bob"}), &prior)["name"], s("Bob"));
    }

    const BY_TYPE: &[(&str, Normaliser)] = &[
        ("A", Normaliser::IpAddress),
        ("AAAA", Normaliser::IpAddress),
        ("CNAME", Normaliser::Hostname),
        ("MX", Normaliser::Hostname),
        ("TXT", Normaliser::Txt),
    ];

    #[test]
    fn a_sibling_chooses_the_rule() {
        let b = block(vec![
            Attribute::string("type").required().api("type"),
            Attribute::string("content")
                .required()
                .api("content")
                .normalise_by("type", BY_TYPE),
        ]);
        let read = |ty: &str, configured: &str, api: &str| {
            let prior = obj(&[("type", s(ty)), ("content", s(configured))]);
            state_from_api(&b, &json!({"type": ty, "content": api}), &prior)["content"].clone()
        };
        assert_eq!(
            read("CNAME", "Web.Example.com.", "web.example.com"),
            s("Web.Example.com.")
        );
        assert_eq!(read("TXT", "Hello", "\"Hello\""), s("Hello"));
        assert_eq!(
            read("aaaa", "2001:DB8::1", "2001:db8::1"),
            s("2001:DB8::1"),
            "any case of the type"
        );
        // TXT text is case-sensitive: the hostname rule must not leak into it.
        assert_eq!(read("TXT", "Hello", "hello"), s("hello"));
        // A type without a rule compares exactly.
        assert_eq!(
            read("SRV", "10 5 5060 Sip.example.com.", "10 5 5060 sip.example.com"),
            s("10 5 5060 sip.example.com")
        );
    }

    #[test]
    fn collections_of_strings_are_normalised_element_by_element() {
        let b = block(vec![
            Attribute::string_set("urls")
                .optional()
                .api("urls")
                .csv()
                .normalise(Normaliser::Hostname),
            Attribute::string_list("servers")
                .optional()
                .api("servers")
                .normalise(Normaliser::Hostname),
            Attribute::new("ips", Type::Map(Box::new(Type::String)))
                .optional()
                .api("ips")
                .normalise(Normaliser::IpAddress),
        ]);
        let prior = obj(&[
            (
                "urls",
                Value::Set(strings(&["Test1.TestDomain.be", "test2.testdomain.be"])),
            ),
            (
                "servers",
                Value::List(strings(&["NS1.example.com.", "ns2.example.com."])),
            ),
            ("ips", map(&[("a", s("2001:DB8::1")), ("b", s("192.0.2.1"))])),
        ]);
        let st = state_from_api(
            &b,
            &json!({
                "urls": "test2.testdomain.be., test1.testdomain.be",
                "servers": ["ns1.example.com", "ns3.example.com"],
                "ips": {"a": "2001:db8:0::1", "b": "192.0.2.2"}
            }),
            &prior,
        );
        assert_eq!(st["urls"], prior["urls"], "the API's order and spelling");
        assert_eq!(
            st["servers"],
            Value::List(strings(&["NS1.example.com.", "ns3.example.com"]))
        );
        assert_eq!(st["ips"], map(&[("a", s("2001:DB8::1")), ("b", s("192.0.2.2"))]));
    }

    #[test]
    fn set_elements_spelled_exactly_keep_their_partner() {
        // "a.com" could pair with "A.com"; the exact "A.com" must, so no element is lost or doubled.
        let read = Value::Set(strings(&["a.com", "A.com"]));
        let prior = Value::Set(strings(&["A.com"]));
        assert_eq!(keep_prior(Normaliser::Hostname, read.clone(), &prior), read);
        let read = Value::Set(strings(&["b.com", "A.COM"]));
        assert_eq!(
            keep_prior(Normaliser::Hostname, read, &prior),
            Value::Set(strings(&["b.com", "A.com"]))
        );
    }

    /// DNS records of a domain, a set whose elements the API spells its own way.
    fn domain() -> Block {
        block(vec![
            Attribute::string("name")
                .required()
                .api("name")
                .normalise(Normaliser::Hostname),
            Attribute::nested(
                "records",
                Nesting::Set,
                vec![
                    Attribute::string("type").required().api("type"),
                    Attribute::string("name")
                        .optional()
                        .api("name")
                        .normalise(Normaliser::Hostname),
                    Attribute::string("content")
                        .required()
                        .api("content")
                        .normalise_by("type", BY_TYPE),
                    Attribute::id("record_id").computed().read_from("id"),
                ],
            )
            .optional()
            .api("records"),
        ])
    }

    fn record(ty: &str, name: &str, content: &str) -> Value {
        o(&[
            ("type", s(ty)),
            ("name", s(name)),
            ("content", s(content)),
            ("record_id", Value::Null),
        ])
    }

    fn config() -> Object {
        obj(&[
            ("name", s("Example.COM.")),
            (
                "records",
                set(&[
                    record("A", "WWW", "192.0.2.1"),
                    record("AAAA", "www", "2001:DB8:0:0:0:0:0:1"),
                    record("TXT", "_dmarc", "v=DMARC1; p=none"),
                    record("TXT", "long", "\"abc\" \"def\""),
                    record("CNAME", "mail", "Mail.Example.net."),
                ]),
            ),
        ])
    }

    fn planned(prior: Option<&Object>, config: &Object) -> Object {
        let mut proposed = prior.cloned().unwrap_or_default();
        proposed.extend(config.clone());
        plan(&domain(), prior, &proposed, config).planned
    }

    fn answer(txt_dmarc: &str) -> Json {
        // The API's order, case, compression and quoting.
        json!({
            "name": "example.com",
            "records": [
                {"id": 5, "type": "CNAME", "name": "mail", "content": "mail.example.net"},
                {"id": 4, "type": "TXT", "name": "long", "content": "abcdef"},
                {"id": 3, "type": "TXT", "name": "_dmarc", "content": txt_dmarc},
                {"id": 2, "type": "AAAA", "name": "www.", "content": "2001:db8::1"},
                {"id": 1, "type": "A", "name": "www", "content": "192.0.2.1"}
            ]
        })
    }

    fn record_id(state: &Object, ty: &str, name: &str, content: &str) -> Option<Value> {
        state["records"].elements().iter().find_map(|r| {
            let r = r.as_object()?;
            (r["type"] == s(ty) && r["name"] == s(name) && r["content"] == s(content)).then(|| r["record_id"].clone())
        })
    }

    #[test]
    fn a_set_answered_in_other_spellings_pairs_with_the_configured_elements() {
        let p = planned(None, &config());
        let state = state_from_api(&domain(), &answer("\"v=DMARC1; p=none\""), &p);
        // Exactly the configured spelling, each element with the id of its own answer.
        let mut want = config();
        want.insert(
            "records".into(),
            set(&[
                o(&[
                    ("type", s("A")),
                    ("name", s("WWW")),
                    ("content", s("192.0.2.1")),
                    ("record_id", s("1")),
                ]),
                o(&[
                    ("type", s("AAAA")),
                    ("name", s("www")),
                    ("content", s("2001:DB8:0:0:0:0:0:1")),
                    ("record_id", s("2")),
                ]),
                o(&[
                    ("type", s("TXT")),
                    ("name", s("_dmarc")),
                    ("content", s("v=DMARC1; p=none")),
                    ("record_id", s("3")),
                ]),
                o(&[
                    ("type", s("TXT")),
                    ("name", s("long")),
                    ("content", s("\"abc\" \"def\"")),
                    ("record_id", s("4")),
                ]),
                o(&[
                    ("type", s("CNAME")),
                    ("name", s("mail")),
                    ("content", s("Mail.Example.net.")),
                    ("record_id", s("5")),
                ]),
            ]),
        );
        assert_eq!(state, want);
        assert!(
            Value::Object(p).admits(&Value::Object(state.clone())),
            "consistent with the plan"
        );
        // The next plan is empty.
        assert_eq!(planned(Some(&state), &config()), state);
    }

    #[test]
    fn a_set_element_that_really_changed_is_not_hidden() {
        let p = planned(None, &config());
        let state = state_from_api(&domain(), &answer("\"v=DMARC1; p=none\""), &p);
        // Someone changed the DMARC policy outside Terraform.
        let refreshed = state_from_api(&domain(), &answer("\"v=DMARC1; p=reject\""), &state);
        assert_eq!(
            record_id(&refreshed, "TXT", "_dmarc", "\"v=DMARC1; p=reject\""),
            Some(s("3")),
            "the API's value: {refreshed:?}"
        );
        assert_eq!(record_id(&refreshed, "TXT", "_dmarc", "v=DMARC1; p=none"), None);
        // The other elements keep their configured spelling.
        assert_eq!(
            record_id(&refreshed, "CNAME", "mail", "Mail.Example.net."),
            Some(s("5"))
        );
        assert_ne!(
            planned(Some(&refreshed), &config()),
            refreshed,
            "the plan shows the change"
        );
    }

    /// A domain as imported (the API's spelling in state), configured in another spelling.
    fn respelt() -> (Block, Object, Object) {
        let b = block(vec![
            Attribute::id("id").computed().read_from("id"),
            Attribute::string("name")
                .required()
                .requires_replace()
                .api("name")
                .normalise(Normaliser::Hostname),
            Attribute::string("note").optional().api("note"),
            Attribute::string("secret").write_only().send_as("secret"),
        ]);
        let prior = obj(&[
            ("id", s("7")),
            ("name", s("example.com")),
            ("note", s("a")),
            ("secret", Value::Null),
        ]);
        let config = obj(&[
            ("id", Value::Null),
            ("name", s("Example.COM.")),
            ("note", s("a")),
            ("secret", Value::Null),
        ]);
        (b, prior, config)
    }

    #[test]
    fn a_new_spelling_replaces_nothing_and_sends_nothing() {
        let (b, prior, config) = respelt();
        let mut proposed = prior.clone();
        proposed.extend(config.clone());
        let p = plan(&b, Some(&prior), &proposed, &config);
        assert_eq!(
            p.planned["name"],
            s("Example.COM."),
            "Terraform demands the configured value"
        );
        assert!(p.requires_replace.is_empty(), "{:?}", p.requires_replace);
        assert!(!needs_request(&b, &prior, &p.planned, &p.planned), "no call to the API");
        let patch = request_body(&b, &p.planned, Some(&prior), true);
        assert!(!patch.contains_key("name"), "{patch:?}");

        // A real change still replaces, and a changed field or a write-only value is sent.
        let mut config = config;
        config.insert("name".into(), s("example.org"));
        let mut proposed = prior.clone();
        proposed.extend(config.clone());
        let p = plan(&b, Some(&prior), &proposed, &config);
        assert_eq!(p.requires_replace.len(), 1);
        let mut note = prior.clone();
        note.insert("note".into(), s("b"));
        assert!(needs_request(&b, &prior, &note, &note));
        let patch = request_body(&b, &note, Some(&prior), true);
        assert_eq!(patch.get("note"), Some(&json!("b")));
        assert!(!patch.contains_key("name"), "{patch:?}");
        // A write-only value goes with a change; alone it calls nothing (see `mapping`).
        let mut secret = note.clone();
        secret.insert("secret".into(), s("s"));
        assert!(needs_request(&b, &prior, &note, &secret));
        let mut alone = prior.clone();
        alone.insert("secret".into(), s("s"));
        assert!(!needs_request(&b, &prior, &prior, &alone));
    }

    #[test]
    fn look_alike_set_elements_keep_their_own_partners() {
        // Two records the API keeps apart (a pairing by the rule alone would cross them).
        let cfg = obj(&[
            ("name", s("example.com")),
            (
                "records",
                set(&[record("A", "WWW", "192.0.2.1"), record("A", "www", "192.0.2.1")]),
            ),
        ]);
        let p = planned(None, &cfg);
        let answer = json!({"name": "example.com", "records": [
            {"id": 1, "type": "A", "name": "WWW", "content": "192.0.2.1"},
            {"id": 2, "type": "A", "name": "www", "content": "192.0.2.1"}
        ]});
        let state = state_from_api(&domain(), &answer, &p);
        assert_eq!(record_id(&state, "A", "WWW", "192.0.2.1"), Some(s("1")), "{state:?}");
        assert_eq!(record_id(&state, "A", "www", "192.0.2.1"), Some(s("2")), "{state:?}");
    }

    #[test]
    fn after_an_import_the_plan_pairs_respelt_elements_with_their_prior_ones() {
        // Imported: the API's spelling and ids in state.
        let imported = state_from_api(&domain(), &answer("\"v=DMARC1; p=none\""), &Object::new());
        assert_eq!(record_id(&imported, "CNAME", "mail", "mail.example.net"), Some(s("5")));
        let p = planned(Some(&imported), &config());
        // The configured spelling, each element with the id of the record it is.
        for (ty, name, content, id) in [
            ("A", "WWW", "192.0.2.1", "1"),
            ("AAAA", "www", "2001:DB8:0:0:0:0:0:1", "2"),
            ("TXT", "_dmarc", "v=DMARC1; p=none", "3"),
            ("TXT", "long", "\"abc\" \"def\"", "4"),
            ("CNAME", "mail", "Mail.Example.net.", "5"),
        ] {
            assert_eq!(record_id(&p, ty, name, content), Some(s(id)), "{ty} {name}: {p:?}");
        }
        // A record that really differs is a new one (its id unknown until apply).
        let mut cfg = config();
        cfg.insert("records".into(), set(&[record("A", "WWW", "192.0.2.99")]));
        let p = planned(Some(&imported), &cfg);
        assert_eq!(record_id(&p, "A", "WWW", "192.0.2.99"), Some(Value::Unknown));
    }
}
