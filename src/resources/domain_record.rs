//! `level27_domain_record`: `/domains/{domainId}/records` (seed L19256–L19600).
//!
//! PUT updates a record in place (seed L19443; `/replace` is never needed: PUT takes every
//! field). Content is checked per type at plan time as the seed writes the rules (L19268–L19283),
//! and compared per type so that the API's spelling (case, trailing dot, IPv6 compression, TXT
//! quotes) never shows as a change. A refresh reads the domain's record list once, paged, and
//! answers every record of that domain from it. Records the platform manages (linked to a url, a
//! mailgroup or an app component) are refused by the API on delete; its message is shown.
//! Seed: records have no TTL (the domain's applies) and SRV content's format is not documented.

use crate::framework::codecs::{same_hostname, Normaliser};
use crate::framework::config_check::ConfigRule;
use crate::framework::mapping::lookup;
use crate::framework::plan_checks::{ExistsCheck, ParentCheck, PlanCheck};
use crate::framework::validate::{hostname, int_between, ipv4, ipv6, one_of, url, HostnameRules, Validator};
use crate::framework::{
    AttrPath, Attribute, Diagnostic, Diagnostics, Endpoint, Object, ResourceSpec, UpdateVerb, Value,
};
use serde_json::Value as Json;

pub(crate) const TYPES: &[&str] = &["A", "AAAA", "CNAME", "NS", "MX", "SRV", "TXT", "URLFW1", "URLFW2"];

/// The seed's rules over type, name, content and priority together.
fn record_rules(config: &Object) -> Diagnostics {
    let mut diags = Diagnostics::default();
    let Some(kind) = config.get("type").and_then(Value::as_str) else {
        return diags;
    };
    let mut error = |attr: &'static str, detail: String| {
        diags.push(
            Diagnostic::error(format!("Invalid {attr} for a record of type {kind}"), detail).at(AttrPath::attr(attr)),
        );
    };
    // Seed: names are relative to the domain: a trailing dot (a zone file's absolute name) is
    // refused by the API as no valid host name (most plausibly; the sandbox does), said at plan.
    // ("@" is refused by the attribute's own validator, `not_at`.)
    let name = config
        .get("name")
        .and_then(Value::as_str)
        .filter(|n| !n.is_empty() && *n != "@");
    if let Some(name) = name.filter(|n| n.ends_with('.')) {
        error(
            "name",
            format!("name is relative to the domain and takes no trailing dot, got {name:?}: write \"www\" for www.<domain>"),
        );
    } else if let Some(name) = name {
        let rules = match kind {
            "CNAME" | "NS" | "SRV" | "TXT" => HostnameRules::HOST.underscores().wildcard().relative(),
            _ => HostnameRules::HOST.wildcard().relative(),
        };
        if let Err(e) = hostname(rules).check(&Value::string(name)) {
            let why = if name.contains('_') && !rules.underscores {
                " (underscores are allowed only in CNAME, NS, SRV and TXT record names)"
            } else {
                ""
            };
            error("name", format!("name {e}{why}"));
        }
    }
    // DNS (RFC 1034 §3.6.2): a CNAME stands alone at its name, and the apex always holds the
    // zone's SOA and NS records, so the API refuses a CNAME there (seed L19804's rule; the
    // sandbox does the same).
    let apex = match config.get("name") {
        None | Some(Value::Null) => true,
        Some(v) => v.as_str() == Some(""),
    };
    if kind == "CNAME" && apex {
        error(
            "name",
            "a CNAME record cannot be at the apex (no name): the apex always holds the domain's SOA and NS records, and a CNAME stands alone at its name. Point the apex at addresses with A or AAAA records, or forward it with a URLFW1 or URLFW2 record.".to_string(),
        );
    }
    if let Some(content) = config.get("content").and_then(Value::as_str) {
        let v = Value::string(content);
        let problem = match kind {
            // The API's "should not be blank", said at plan time with what the type takes.
            _ if content.trim().is_empty() => Some(format!(
                "must not be empty or only spaces: a record of type {kind} holds {}",
                match kind {
                    "A" => "an IPv4 address",
                    "AAAA" => "an IPv6 address",
                    "CNAME" | "NS" | "MX" => "a host name",
                    "URLFW1" | "URLFW2" => "an http:// or https:// URL",
                    _ => "text",
                }
            )),
            "A" => ipv4().check(&v).err(),
            "AAAA" => ipv6().check(&v).err(),
            "CNAME" | "NS" | "MX" if content.parse::<std::net::IpAddr>().is_ok() => Some(format!(
                "must be a host name, not an IP address, got {content:?} (point an A or AAAA record at addresses)"
            )),
            "CNAME" | "NS" | "MX" => hostname(HostnameRules::FQDN.underscores()).check(&v).err(),
            "URLFW1" | "URLFW2" => url().check(&v).err(),
            "SRV" => srv_problem(content),
            _ => None,
        };
        if let Some(p) = problem {
            error("content", format!("content {p}"));
        } else if kind != "TXT" && content.contains(char::is_whitespace) && kind != "SRV" {
            error("content", format!("content must not hold spaces, got {content:?}"));
        }
    }
    match config.get("priority") {
        Some(Value::Null) | None if kind == "MX" => {
            error(
                "priority",
                "priority is required for an MX record, greater than 0".into(),
            );
        }
        Some(p) if kind == "MX" && p.as_i64().is_some_and(|p| p <= 0) => {
            error(
                "priority",
                format!("an MX record's priority must be greater than 0, got {}", p.display()),
            );
        }
        // Seed L19466/L19588: priority is described only for MX ("It should be > 0 for record
        // type MX"); an SRV record keeps its priority in `content`. Seed: the API is not
        // documented to refuse it on other types, so a warning, not an error: it is sent, and
        // most plausibly has no effect.
        Some(p) if kind != "MX" && !p.is_null() && !p.is_unknown() => {
            let srv = match kind {
                "SRV" => " (an SRV record's priority is the first field of its content)",
                _ => "",
            };
            diags.push(
                Diagnostic::warning(
                    format!("priority has no effect on {} {kind} record", article(kind)),
                    format!(
                        "priority = {} is taken by MX records only{srv}; leave it out of this record.",
                        p.display()
                    ),
                )
                .at(AttrPath::attr("priority")),
            );
        }
        _ => {}
    }
    diags
}

/// `a` or `an` before a record type spelled out letter by letter (`an A`, `an SRV`, `a TXT`).
fn article(kind: &str) -> &'static str {
    match kind.chars().next() {
        Some('A' | 'E' | 'F' | 'H' | 'I' | 'L' | 'M' | 'N' | 'O' | 'R' | 'S' | 'X') => "an",
        _ => "a",
    }
}

/// A record name, or a lookup's, that is not "@". Seed: the apex is always written as no name
/// (`"name": null`, L19291, L20906), never "@", the zone-file spelling the API most plausibly
/// refuses as no valid host name (the sandbox does); a lookup by "@" would find nothing.
pub(crate) fn not_at() -> Validator {
    Validator::new("not \"@\" (the apex is no name: null or \"\")", |v| {
        match v.as_str() {
        Some("@") => Err(
            "must not be \"@\", the zone-file spelling of the apex, which the API writes as no name: leave name out (or set it to \"\")"
                .into(),
        ),
        _ => Ok(()),
    }
    })
}

/// A name that repeats its domain's full name: a zone file's or another provider's absolute
/// spelling (`www.acme-example.be` in acme-example.be) without the trailing dot. Names are
/// relative (seed L19291, and `fullname` is the domain's own, L18146), so the API would make
/// `www.acme-example.be.acme-example.be`; refused at plan with the name meant. Only a name with
/// a dot can end with a domain's name, so only those need the domain read.
/// A record's domain must exist: a `domain_id` that names nothing (a typo, a domain deleted
/// since) fails the plan on it, once per domain and process, rather than the record's create.
pub(crate) const DOMAIN_EXISTS: ExistsCheck = ExistsCheck {
    attribute: "domain_id",
    path: "/domains/{value}",
    noun: "domain",
    holds: &[],
};

pub(crate) const NAME_NOT_THE_DOMAIN: ParentCheck = ParentCheck {
    path: "/domains/{domain_id}",
    envelope: "domain",
    reads: &["name"],
    when: |planned| {
        planned
            .get("name")
            .and_then(Value::as_str)
            .is_some_and(|n| n.contains('.'))
    },
    rule: name_repeats_domain,
};

fn name_repeats_domain(planned: &Object, domain: &Json) -> Diagnostics {
    let (Some(name), Some(fullname)) = (
        planned.get("name").and_then(Value::as_str),
        lookup(domain, "fullname").as_str(),
    ) else {
        return Diagnostics::default();
    };
    let fullname = fullname.trim_end_matches('.');
    let (lower, domain_lower) = (name.to_ascii_lowercase(), fullname.to_ascii_lowercase());
    let meant = if lower == domain_lower {
        "leave name out (or set it to \"\") for the apex".to_string()
    } else if let Some(label) = lower
        .strip_suffix(&domain_lower)
        .and_then(|rest| rest.strip_suffix('.'))
        .filter(|rest| !rest.is_empty())
    {
        format!("write {:?}", &name[..label.len()])
    } else {
        return Diagnostics::default();
    };
    Diagnostic::error(
        "Invalid name for a record of this domain",
        format!(
            "name {name:?} repeats the domain's name {fullname}: a record's name is relative to its domain, so this would make {name}.{fullname}. To mean {lower}, {meant}."
        ),
    )
    .at(AttrPath::attr("name"))
    .into()
}

/// An SRV record's content split into priority, weight, port and target.
/// Seed: the records endpoint documents no SRV rule; its only SRV record (L20965) holds the four
/// fields of a zone file, `0 5 443 autodiscover.cp4dev.be.`, with `priority` null.
fn srv_fields(content: &str) -> Option<([u16; 3], &str)> {
    let mut parts = content.split_whitespace();
    let mut number = || parts.next().and_then(|p| p.parse::<u16>().ok());
    let numbers = [number()?, number()?, number()?];
    match (parts.next(), parts.next()) {
        (Some(target), None) => Some((numbers, target)),
        _ => None,
    }
}

/// Why SRV content is not `priority weight port target`, if it is not.
fn srv_problem(content: &str) -> Option<String> {
    const FORM: &str =
        "\"priority weight port target\": three whole numbers from 0 to 65535 and a host name, such as \"10 60 5060 sip.example.com.\"";
    match srv_fields(content) {
        None => Some(format!("must be {FORM}, got {content:?}")),
        // "." is the zone file's "no such service here".
        Some((_, ".")) => None,
        Some((_, target)) if target.parse::<std::net::IpAddr>().is_ok() => Some(format!(
            "must be {FORM}; its target must be a host name, not an IP address, got {target:?}"
        )),
        Some((_, target)) => hostname(HostnameRules::FQDN.underscores())
            .check(&Value::string(target))
            .err()
            .map(|e| format!("must be {FORM}; its target {e}")),
    }
}

/// SRV content that means the same: equal numbers (`010` is `10`, any spacing) and the same
/// target host name (letter case, trailing dot).
fn same_srv(a: &Value, b: &Value) -> bool {
    match (a.as_str().and_then(srv_fields), b.as_str().and_then(srv_fields)) {
        (Some((x, s)), Some((y, t))) => x == y && same_hostname(s, t),
        _ => a == b,
    }
}

pub fn spec() -> ResourceSpec {
    ResourceSpec {
        type_name: "level27_domain_record",
        description: "A DNS record of a domain whose DNS Level27 serves.",
        version: 0,
        attributes: vec![
            Attribute::id("id").computed().read_from("id").describe("The record's id."),
            Attribute::id("domain_id")
                .required()
                .requires_replace()
                .describe("The `level27_domain` the record belongs to. Changing it replaces the record.")
                .describe_data("The domain the record belongs to."),
            Attribute::string("type")
                .required()
                .api("type")
                .validate(one_of(TYPES))
                .describe("The record type: A, AAAA, CNAME, NS, MX, SRV, TXT, URLFW1 or URLFW2 (Level27's URL forwarding)."),
            Attribute::string("name")
                .optional()
                .api("name")
                .validate(not_at())
                .normalise(Normaliser::Hostname)
                .describe("The name inside the domain, relative to it and without a trailing dot (`www`, `_dmarc`, `*.dev`); null or empty for the apex (not `@`). Letter case does not matter. A name ending with the domain's own name (`www.acme-example.be` in acme-example.be) is refused at plan, since it would make `www.acme-example.be.acme-example.be`.")
                .describe_data("The name inside the domain, relative to it and without a trailing dot (`www`, `_dmarc`, `*.dev`); null or empty for the apex (not `@`). Letter case does not matter."),
            Attribute::string("content")
                .required()
                .api("content")
                .normalise_by(
                    "type",
                    &[
                        ("A", Normaliser::IpAddress),
                        ("AAAA", Normaliser::IpAddress),
                        ("CNAME", Normaliser::Hostname),
                        ("NS", Normaliser::Hostname),
                        ("MX", Normaliser::Hostname),
                        ("TXT", Normaliser::Txt),
                        ("SRV", Normaliser::Custom(same_srv)),
                    ],
                )
                .describe("The content, checked per type: an IPv4 address (A), an IPv6 address (AAAA), a host name (CNAME, NS, MX), a URL (URLFW1, URLFW2), `priority weight port target` (SRV, e.g. `10 60 5060 sip.example.com.`), text (TXT). Spellings that mean the same (case, trailing dot, IPv6 compression, TXT quotes) are not changes: however the API spells the value back, the plan stays empty. Rewriting the configured value into another such spelling shows as an in-place update, which sends nothing to the API.")
                .describe_data("The content as the API writes it, which may be spelled otherwise than in the configuration that made the record (letter case, a trailing dot, IPv6 compression, TXT quotes)."),
            Attribute::number("priority")
                .optional()
                .api("priority")
                .validate(int_between(0, 65_535))
                .describe("The priority; required (greater than 0) for MX records, and taken by no other type (an SRV record's is the first field of its `content`): set on another, the plan warns that it has no effect.")
                .describe_data("The priority (MX records; an SRV record's is in its content)."),
        ],
        endpoint: Endpoint {
            collection: "/domains/{domain_id}/records",
            item: "/domains/{domain_id}/records/{id}",
            singular: "record",
            plural: "records",
            update: UpdateVerb::Put,
        },
        import_id: &["domain_id", "id"],
        // The name first: the API's `filter` searches names, never types.
        natural_key: &["name", "type", "content"],
        rules: vec![ConfigRule::Custom(record_rules)],
        plan_checks: vec![PlanCheck::Exists(DOMAIN_EXISTS), PlanCheck::Parent(NAME_NOT_THE_DOMAIN)],
        refresh_from_list: true,
        // Seed L19781: a record linked to a url, a mailgroup or an app component refuses its
        // delete.
        delete_refused_hint: Some(
            "Remove that link (the url, mailgroup or app component) first, or stop managing the record here with a `removed` block (Terraform 1.7+) or `terraform state rm`.",
        ),
        // Seed L19804: the API does not say which record is in the way; a url's `handle_dns`
        // makes one the configuration never shows.
        refusal_hints: &[(
            "same name as an existing record",
            "Another record of the domain holds this name, perhaps one a url's `handle_dns` made (`level27_domain_records` lists them, with its `url_id`): a CNAME stands alone at its name, and NS records below the apex share theirs only with NS records.",
        )],
        ..ResourceSpec::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A create or update the API refuses for a name another record holds says which records may
    /// be in the way (a url's, never in the configuration); other refusals get no such advice.
    #[tokio::test]
    async fn a_name_clash_refusal_says_where_the_other_record_may_come_from() {
        use crate::framework::test_support::{obj, s, CtxParts, FakeApi};
        use crate::framework::Resource;
        use serde_json::json;
        let api = FakeApi::start(|req| {
            let (field, message) = if req.body["type"] == "CNAME" {
                (
                    "name",
                    "CNAME/NS record with the same name as an existing record is not allowed ## ADD_CODE",
                )
            } else {
                ("content", "Please enter a valid IP address")
            };
            let children = json!({ field: {"errors": [message]} });
            (400, json!({"code": 400, "errors": {"children": children}}))
        })
        .await;
        let record = Resource::new(spec());
        let parts = CtxParts::default();
        let said = |kind: &str| {
            let planned = obj(&[
                ("id", Value::Unknown),
                ("domain_id", s("8000")),
                ("type", s(kind)),
                ("name", s("www")),
                ("content", s("shop.example.net")),
                ("priority", Value::Null),
            ]);
            let (record, parts, api) = (&record, &parts, &api);
            async move {
                let refused = record.create(&parts.ctx(api), &planned, &planned).await;
                let Err(refused) = refused else {
                    panic!("the create was not refused")
                };
                let diags = refused.diags;
                diags.0.iter().map(|d| d.detail.clone()).collect::<Vec<_>>().join("\n")
            }
        };
        let clash = said("CNAME").await;
        assert!(clash.contains("existing record is not allowed"), "{clash}");
        assert!(clash.contains("perhaps one a url's `handle_dns` made"), "{clash}");
        let other = said("A").await;
        assert!(other.contains("Please enter a valid IP address"), "{other}");
        assert!(!other.contains("handle_dns"), "{other}");
    }

    fn cfg(kind: &str, name: Option<&str>, content: &str, priority: Option<i64>) -> Object {
        let mut o = Object::new();
        o.insert("type".into(), Value::string(kind));
        o.insert("name".into(), name.map_or(Value::Null, Value::string));
        o.insert("content".into(), Value::string(content));
        o.insert("priority".into(), priority.map_or(Value::Null, Value::int));
        o
    }

    #[test]
    fn priority_on_a_type_other_than_mx_is_a_warning_naming_it() {
        let warnings = |c: &Object| {
            let diags = record_rules(c);
            assert!(!diags.has_errors(), "{diags:?}");
            diags
                .0
                .iter()
                .map(|d| (d.summary.clone(), d.path.clone()))
                .collect::<Vec<_>>()
        };
        for (kind, content, said) in [
            ("A", "203.0.113.10", "priority has no effect on an A record"),
            ("TXT", "v=spf1 -all", "priority has no effect on a TXT record"),
            (
                "SRV",
                "10 60 5060 sip.example.com.",
                "priority has no effect on an SRV record",
            ),
            (
                "CNAME",
                "target.example.com.",
                "priority has no effect on a CNAME record",
            ),
        ] {
            assert_eq!(
                warnings(&cfg(kind, Some("x"), content, Some(10))),
                [(said.to_string(), Some(AttrPath::attr("priority")))],
                "{kind}"
            );
            assert_eq!(
                warnings(&cfg(kind, Some("x"), content, None)),
                [],
                "{kind} without priority"
            );
        }
        assert_eq!(warnings(&cfg("MX", None, "mx.example.com.", Some(10))), []);
        let mut unknown = cfg("A", Some("x"), "203.0.113.10", None);
        unknown.insert("priority".into(), Value::Unknown);
        assert_eq!(warnings(&unknown), [], "unknown until apply: nothing to say yet");
    }

    fn errors(c: &Object) -> usize {
        usize::from(record_rules(c).has_errors())
    }

    #[test]
    fn content_is_checked_per_type() {
        assert_eq!(errors(&cfg("A", Some("www"), "203.0.113.10", None)), 0);
        assert_eq!(errors(&cfg("A", Some("www"), "2001:db8::1", None)), 1);
        assert_eq!(errors(&cfg("AAAA", None, "2001:DB8::1", None)), 0);
        assert_eq!(errors(&cfg("AAAA", None, "203.0.113.10", None)), 1);
        assert_eq!(errors(&cfg("CNAME", Some("www"), "203.0.113.10", None)), 1);
        assert_eq!(errors(&cfg("CNAME", Some("_acme"), "target.example.com.", None)), 0);
        assert_eq!(errors(&cfg("A", Some("_acme"), "203.0.113.10", None)), 1);
        assert_eq!(errors(&cfg("A", Some("w w"), "203.0.113.10", None)), 1);
        assert_eq!(errors(&cfg("URLFW1", None, "ftp://x", None)), 1);
        assert_eq!(errors(&cfg("MX", None, "mx.example.com.", None)), 1);
        assert_eq!(errors(&cfg("MX", None, "mx.example.com.", Some(0))), 1);
        assert_eq!(errors(&cfg("MX", None, "mx.example.com.", Some(10))), 0);
        assert_eq!(errors(&cfg("TXT", None, "v=spf1 include:x -all", None)), 0);
    }

    #[test]
    fn a_cname_is_never_at_the_apex() {
        let on_name = |c: &Object| record_rules(c).0.iter().any(|d| d.path == Some(AttrPath::attr("name")));
        assert!(on_name(&cfg("CNAME", None, "web.example.net.", None)));
        assert!(on_name(&cfg("CNAME", Some(""), "web.example.net.", None)));
        assert!(!on_name(&cfg("CNAME", Some("www"), "web.example.net.", None)));
        assert!(!on_name(&cfg("A", None, "203.0.113.10", None)));
        let mut unknown = cfg("CNAME", None, "web.example.net.", None);
        unknown.insert("name".into(), Value::Unknown);
        assert!(!on_name(&unknown), "an unknown name is checked once known");
    }

    #[test]
    fn srv_content_is_priority_weight_port_target() {
        for ok in [
            "10 60 5060 sip.example.com.",
            "0 5 443 autodiscover.cp4dev.be.",
            "0 0 0 .",
            "1  2 3 SIP.Example.COM",
        ] {
            assert_eq!(errors(&cfg("SRV", Some("_sip._tcp"), ok, None)), 0, "{ok:?}");
        }
        for bad in [
            "garbage",
            "10 60 5060",
            "10 60 5060 sip.example.com. extra",
            "10 60 70000 sip.example.com.",
            "10 60 5060 192.0.2.1",
            "10 60 5060 -bad-.example.com",
        ] {
            let diags = record_rules(&cfg("SRV", Some("_sip._tcp"), bad, None));
            assert!(diags.has_errors(), "{bad:?} passed");
            assert!(
                diags.0[0].detail.contains("priority weight port target"),
                "{:?}",
                diags.0[0]
            );
        }
    }

    #[test]
    fn srv_content_in_the_api_s_spelling_is_the_same() {
        let same = |a: &str, b: &str| same_srv(&Value::string(a), &Value::string(b));
        assert!(same("10 60 5060 SIP.Example.com", "10 60 5060 sip.example.com."));
        assert!(same("10  60 5060 sip.example.com.", "10 60 5060 sip.example.com"));
        assert!(!same("10 60 5060 sip.example.com", "20 60 5060 sip.example.com"));
        assert!(!same("10 60 5060 sip.example.com", "10 60 5060 sip2.example.com"));
        assert!(same("not srv", "not srv") && !same("not srv", "not  srv"));
    }

    #[test]
    fn the_apex_is_no_name_and_names_are_relative() {
        let at = not_at().check(&Value::string("@")).unwrap_err();
        assert!(at.contains("leave name out"), "{at}");
        assert!(not_at().check(&Value::string("www")).is_ok());
        for (name, words) in [("www.", "no trailing dot"), ("www.acme-example.be.", "no trailing dot")] {
            let diags = record_rules(&cfg("A", Some(name), "203.0.113.10", None));
            assert!(diags.has_errors(), "{name:?} passed");
            assert!(diags.0[0].detail.contains(words), "{name:?}: {:?}", diags.0[0]);
        }
        assert_eq!(errors(&cfg("A", Some(""), "203.0.113.10", None)), 0);
        assert_eq!(errors(&cfg("A", None, "203.0.113.10", None)), 0);
        assert_eq!(errors(&cfg("A", Some("*.dev"), "203.0.113.10", None)), 0);
    }

    #[test]
    fn an_invalid_name_is_described_as_a_relative_name() {
        // A name's message must not offer what the name refuses (a trailing dot) nor suggest an
        // absolute name: the user is told what a record's name looks like.
        for (kind, name) in [("A", "café"), ("TXT", "a..b"), ("CNAME", "-x")] {
            let diags = record_rules(&cfg(kind, Some(name), "x.example.com", None));
            let d = diags
                .0
                .iter()
                .find(|d| d.summary.contains("name"))
                .map(|d| d.detail.clone());
            let detail = d.unwrap_or_else(|| panic!("{kind} {name:?} passed: {diags:?}"));
            assert!(detail.contains("a name inside the domain such as \"www\""), "{detail}");
            assert!(detail.contains("no trailing dot"), "{detail}");
            assert!(!detail.contains("optional trailing dot"), "{detail}");
        }
    }

    #[test]
    fn empty_content_is_refused_at_plan_for_every_type() {
        // The API answers "This value should not be blank." only at apply.
        for kind in TYPES {
            for content in ["", "  "] {
                let c = cfg(kind, Some("x"), content, Some(10));
                let diags = record_rules(&c);
                assert!(diags.has_errors(), "{kind} with content {content:?} passed");
                let d = &diags.0[0];
                assert!(d.summary.contains("content"), "{d:?}");
                assert!(d.detail.contains("must not be empty"), "{d:?}");
            }
        }
    }

    #[test]
    fn a_name_repeating_the_domain_is_refused_with_the_name_meant() {
        let domain = serde_json::json!({"id": 8000, "name": "acme-example", "fullname": "acme-example.be"});
        let said = |name: &str| {
            let d = name_repeats_domain(&cfg("A", Some(name), "203.0.113.10", None), &domain);
            assert!(d.0.iter().all(|d| d.path == Some(AttrPath::attr("name"))), "{d:?}");
            d.0.first().map(|d| d.detail.clone())
        };
        assert_eq!(
            said("www.acme-example.be").as_deref(),
            Some("name \"www.acme-example.be\" repeats the domain's name acme-example.be: a record's name is relative to its domain, so this would make www.acme-example.be.acme-example.be. To mean www.acme-example.be, write \"www\".")
        );
        let upper = said("Mail.Dev.ACME-example.BE").unwrap_or_default();
        assert!(upper.contains("write \"Mail.Dev\""), "{upper}");
        let apex = said("acme-example.be").unwrap_or_default();
        assert!(apex.contains("leave name out"), "{apex}");
        // Names that only look alike, and relative names with dots, are the user's to choose.
        for fine in [
            "wwwacme-example.be",
            "www.acme-example.nl",
            "acme-example",
            "selector1._domainkey",
            "be",
        ] {
            assert_eq!(said(fine), None, "{fine}");
        }
        // The check reads the domain only for a name with a dot.
        assert!(!(NAME_NOT_THE_DOMAIN.when)(&cfg(
            "A",
            Some("www"),
            "203.0.113.10",
            None
        )));
        assert!(!(NAME_NOT_THE_DOMAIN.when)(&cfg("A", None, "203.0.113.10", None)));
        assert!((NAME_NOT_THE_DOMAIN.when)(&cfg(
            "A",
            Some("www.acme-example.be"),
            "203.0.113.10",
            None
        )));
    }
}
