//! `level27_domain`: `/domains` (seed L18033–L18520).
//!
//! The create body names the domain type by id (`domaintype`); users write the `extension`,
//! resolved at create through `/domains/check` (there is no `/domaintypes` endpoint, and the
//! seed's example ids disagree with each other, so none is hard-coded). The answer renames
//! `handleDns` to `dnsIsHandled` and gives ids as objects; it never echoes `action` or `eppCode`
//! as sent, which are kept from the configuration. Registration is asynchronous (`to_create`).
//! Seed: PATCH marks the licensee and organisation required while its examples send one field;
//! the engine PATCHes the changed fields plus those two, which satisfies either reading. PUT and
//! PATCH cannot set name server 4 (only create can), so adding, changing or removing it replaces
//! the domain. Users write the name servers as a list of objects; the API's numbered fields
//! (`nameserver1`, `nameserverIp1`, `nameserverIpv61`, …) are the engine's `numbered` codec.
//! Seed: DELETE documents no answer; the engine waits until the domain answers 404.

use crate::framework::codecs::Normaliser;
use crate::framework::config_check::ConfigRule;
use crate::framework::membership::{Membership, TeamsFrom};
use crate::framework::numbered::Numbered;
use crate::framework::plan_checks::PlanCheck;
use crate::framework::resolve::Resolve;
use crate::framework::validate::{hostname, int_between, ipv4, ipv6, one_of, HostnameRules, Validator};
use crate::framework::wait::StatusRule;
use crate::framework::{
    AttrPath, Attribute, Diagnostic, Diagnostics, Endpoint, Nesting, Object, ResourceSpec, UpdateVerb, Value,
};

/// A domain extension (`be`, `nl`): the host-name rules, said in the words of an extension. The
/// trailing dot a host name may take is refused: the API looks the extension up as written.
pub(crate) fn extension() -> Validator {
    const WHAT: &str = "an extension without a leading or trailing dot, such as \"be\", \"com\" or \"nl\"";
    let host = hostname(HostnameRules::HOST);
    Validator::new(WHAT, move |v| {
        let refused = match v.as_str() {
            Some(s) if s.ends_with('.') => Err(String::new()),
            _ => host.check(v),
        };
        refused.map_err(|_| match v.as_str() {
            Some(s) => format!("must be {WHAT}, got {s:?}"),
            None => "must be a string".into(),
        })
    })
}

/// A domain's full name (`acme-example.be`), as a lookup takes it: the host-name rules with at
/// least two labels, said in the words of a domain, so that a name without its extension fails the
/// plan instead of matching nothing.
pub(crate) fn full_name() -> Validator {
    const WHAT: &str = "a domain name with its extension, such as \"acme-example.be\"";
    let fqdn = hostname(HostnameRules::FQDN);
    Validator::new(WHAT, move |v| {
        fqdn.check(v).map_err(|e| match v.as_str() {
            Some(s) if !s.trim_end_matches('.').contains('.') => {
                format!("must be {WHAT}, got {s:?}: the extension is part of the full name")
            }
            Some(_) => e,
            None => "must be a string".into(),
        })
    })
}

/// A domain name without its extension: one DNS label.
fn single_label() -> Validator {
    Validator::new(
        "one label of letters, digits and hyphens, without the extension (\"acme-example\", not \"acme-example.be\")",
        |v| {
            match v.as_str() {
            Some(s) if s.contains('.') => Err(format!(
                "must be one label without the extension (write the extension in `extension`), got {s:?}"
            )),
            Some(s)
                if !s.is_empty()
                    && s.len() <= 63
                    && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                    && !s.starts_with('-')
                    && !s.ends_with('-') =>
            {
                Ok(())
            }
            Some(s) => Err(format!(
                "must be one label of 1 to 63 letters, digits or hyphens, not starting or ending with a hyphen, got {s:?}{}",
                // The ASCII letters are all the API takes: an IDN is registered by its xn-- form.
                if s.is_ascii() { "" } else { " (write an international name in its xn-- form)" }
            )),
            None => Err("must be a string".into()),
        }
        },
    )
}

/// Up to four name servers with their glue, which the API keeps as numbered fields.
fn nameservers() -> Attribute {
    Attribute::nested(
        "nameservers",
        Nesting::List,
        vec![
            Attribute::string("hostname")
                .required()
                .api("nameserver{n}")
                .validate(hostname(HostnameRules::FQDN))
                .normalise(Normaliser::Hostname)
                .describe("The name server's host name (`ns1.acme.example`); required in every element that sets anything.")
                .describe_data("The name server's host name (null in an empty slot before a used one)."),
            Attribute::string("ipv4")
                .optional()
                .api("nameserverIp{n}")
                .validate(ipv4())
                .normalise(Normaliser::IpAddress)
                .describe("Its IPv4 glue address, for a name server inside the domain itself."),
            Attribute::string("ipv6")
                .optional()
                .api("nameserverIpv6{n}")
                .validate(ipv6())
                .normalise(Normaliser::IpAddress)
                .describe("Its IPv6 glue address."),
        ],
    )
    .optional()
    // Seed L18449–L18484: PATCH and PUT take name servers 1–3 only, so the fourth is settable at
    // create alone; adding, changing or removing it replaces the domain (elements 1–3 change in place).
    .numbered(Numbered {
        max: 4,
        create_only_from: Some(4),
    })
    .describe("Up to four name servers, in order (`[{ hostname = \"ns1.acme.example\", ipv4 = \"198.51.100.53\" }]`), needed when `handle_dns` is false. The API sets the fourth only at create: adding, changing or removing it replaces the domain. An element that sets nothing (`{}`) keeps its slot empty before a used one.")
    .describe_data("The domain's name servers, in order, with their glue addresses.")
}

/// DNS served elsewhere needs a name server: the API refuses it otherwise, but only at apply. At
/// plan, `handle_dns` left out is the domain's current value.
fn nameservers_when_dns_elsewhere(config: &Object) -> Diagnostics {
    let elsewhere = matches!(config.get("handle_dns"), Some(Value::Bool(false)));
    let none = match config.get("nameservers") {
        None | Some(Value::Null) => true,
        Some(Value::List(l)) => l.is_empty(),
        Some(_) => false,
    };
    if !(elsewhere && none) {
        return Diagnostics::default();
    }
    Diagnostic::error(
        "Missing nameservers",
        "nameservers needs at least one name server while handle_dns is false (Level27 does not serve the domain's DNS then; left out, handle_dns keeps the domain's current value), e.g. nameservers = [{ hostname = \"ns1.example.net\" }], or set handle_dns = true.",
    )
    .at(AttrPath::attr("nameservers"))
    .into()
}

pub fn spec() -> ResourceSpec {
    let attributes = vec![
        Attribute::id("id").computed().read_from("id").describe("The domain's id."),
        Attribute::id("organisation_id")
            .provider_default("organisation_id")
            .send_as("organisation")
            .read_from("organisation.id")
            .always_send()
            .requires_replace()
            .describe("The organisation that owns the domain; defaults to the provider's `organisation_id`. Changing it replaces the domain.")
            .describe_data("The organisation that owns the domain."),
        Attribute::string("name")
            .required()
            .api("name")
            .validate(single_label())
            // DNS names are case-insensitive: `Acme` and the API's `acme` are one domain.
            .normalise(Normaliser::Hostname)
            .requires_replace()
            .describe("The domain name without its extension (`acme-example` for `acme-example.be`). Changing it replaces the domain.")
            .describe_data("The domain name without its extension."),
        Attribute::string("extension")
            .required()
            .read_from("domaintype.extension")
            .validate(extension())
            // The API answers the extension in lower case (`BE` reads back as `be`).
            .normalise(Normaliser::Hostname)
            .requires_replace()
            .describe("The extension (`be`, `com`, `nl`), resolved to the API's domain type (one the API does not serve fails the plan, on this argument). Changing it replaces the domain.")
            .describe_data("The extension (`be`, `com`)."),
        Attribute::string("fullname")
            .computed()
            .read_from("fullname")
            // Checks the data source's lookup key; a resource never takes it from configuration.
            .validate(full_name())
            // The data source's lookup by full name ignores case and a trailing dot.
            .normalise(Normaliser::Hostname)
            .describe("The full domain name, e.g. `acme-example.be`."),
        Attribute::id("domain_type_id")
            .computed()
            .read_from("domaintype.id")
            .describe("The id of the API's domain type for the extension."),
        Attribute::string("action")
            .default(Value::string("none"))
            .send_as("action")
            .validate(one_of(&["none", "create", "transfer"]))
            .create_only()
            .requires_replace()
            .describe("What creating the domain does at the registry: `none` (only manage it here), `create` (register it) or `transfer` (move it here; needs `epp_code_wo`). Sent only at create; changing it replaces the domain.")
            .describe_data("Not returned by the API: always null here."),
        Attribute::string("epp_code_wo")
            .optional()
            .send_as("eppCode")
            .write_only()
            .describe("The transfer (EPP) code, required when `action` is `transfer`. Write-only on Terraform 1.11+ (never stored in state); a sensitive attribute on older Terraform."),
        Attribute::id("licensee_contact_id")
            .required()
            .send_as("domaincontactLicensee")
            .read_from("domaincontactLicensee.id")
            .always_send()
            .describe("The `level27_domain_contact` of type `licensee` holding the domain."),
        Attribute::id("onsite_contact_id")
            .optional()
            .send_as("domaincontactOnsite")
            .read_from("domaincontactOnsite.id")
            .describe("An optional `level27_domain_contact` of type `onsite`."),
        Attribute::bool("handle_dns")
            .optional_computed()
            .send_as("handleDns")
            .read_from("dnsIsHandled")
            .describe("Whether Level27 serves the domain's DNS (records through `level27_domain_record`). Left out, a new domain gets the API's default (true) and an existing one keeps its value: after `handle_dns = false`, write `handle_dns = true` to have Level27 serve it again.")
            .describe_data("Whether Level27 serves the domain's DNS."),
        Attribute::number("ttl")
            .optional_computed()
            .api("ttl")
            .validate(int_between(60, 86_400))
            .describe("The zone's default TTL in seconds; left out, the API's default (1200) is kept.")
            .describe_data("The zone's default TTL in seconds."),
        Attribute::id_set("team_ids")
            .optional_computed()
            .describe("The teams of the organisation that see the domain. Left out, the teams are not managed (the API's are kept).")
            .describe_data("The teams of the organisation that see the domain."),
        Attribute::string("status")
            .computed()
            .read_from("status")
            // An update waits for `ok`, whatever status the last refresh saw.
            .changes_on_update()
            .describe("The domain's status (`ok`, `to_create`, …)."),
        nameservers(),
    ];
    ResourceSpec {
        type_name: "level27_domain",
        description: "A domain registered, transferred or managed at Level27.",
        version: 0,
        attributes,
        endpoint: Endpoint {
            collection: "/domains",
            item: "/domains/{id}",
            singular: "domain",
            plural: "domains",
            update: UpdateVerb::Patch,
        },
        import_id: &["id"],
        natural_key: &["name", "extension"],
        // Seed: registration statuses `to_create`, `creating`, `*_failed`, `transfer_failed`;
        // `*_failed` is a failure by the engine's general rule.
        status: Some(StatusRule::default()),
        rules: vec![
            ConfigRule::RequiredWhen {
                attribute: "epp_code_wo",
                when: "action",
                is: &["transfer"],
            },
            ConfigRule::AsPlanned(nameservers_when_dns_elsewhere),
        ],
        // Seed L18098: `autoTeams` links teams at create; later changes go through the team-entity
        // endpoints (L4596); the answer lists them in `teams`.
        membership: Some(Membership {
            attribute: "team_ids",
            entity: "domains",
            organisation: "organisation_id",
            create_field: Some("autoTeams"),
            read: TeamsFrom::Field("teams"),
        }),
        resolves: vec![Resolve {
            attribute: "extension",
            path: "/domains/check?name={name}&extension={extension}",
            field: "domaintypeId",
            send_as: "domaintype",
        }],
        plan_checks: vec![
            PlanCheck::Exists(super::organisation::EXISTS),
            PlanCheck::Exists(super::team::MEMBERS),
        ],
        ..ResourceSpec::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::test_support::{list, o, obj, s};

    fn errors(handle_dns: Value, nameservers: Value) -> Vec<String> {
        let config = obj(&[("handle_dns", handle_dns), ("nameservers", nameservers)]);
        spec()
            .rules
            .iter()
            .flat_map(|r| r.check(&config).0)
            .map(|d| format!("{} {}", d.summary, d.detail))
            .collect()
    }

    #[test]
    fn an_extension_is_described_as_an_extension() {
        let v = extension();
        assert!(v.description.contains("\"nl\""), "{}", v.description);
        let e = v.check(&s(".be")).unwrap_err();
        assert!(
            e.contains("\"be\"") && e.contains("without a leading or trailing dot") && !e.contains("web01"),
            "{e}"
        );
        assert!(v.check(&s("co.uk")).is_ok());
        assert!(v.check(&s("BE")).is_ok());
        // The API knows "be", not "be." (its check answers `Extension "be." is not supported`).
        let e = v.check(&s("be.")).unwrap_err();
        assert!(e.contains("trailing dot") && e.contains("got \"be.\""), "{e}");
    }

    #[test]
    fn an_international_name_is_told_to_use_its_xn_form() {
        let idn = single_label().check(&s("café")).unwrap_err();
        assert!(idn.contains("xn-- form"), "{idn}");
        assert!(single_label().check(&s("xn--caf-dma")).is_ok());
        let plain = single_label().check(&s("a_b")).unwrap_err();
        assert!(!plain.contains("xn--"), "{plain}");
    }

    #[test]
    fn dns_left_served_elsewhere_needs_a_name_server_at_plan() {
        // `handle_dns` set to false by an earlier configuration (or in the panel), then left out:
        // the plan keeps false, so removing the name servers is refused by the API at apply.
        let domain = crate::framework::resource::Resource::new(spec());
        let config = obj(&[("handle_dns", Value::Null), ("nameservers", Value::Null)]);
        let planned = obj(&[("handle_dns", Value::Bool(false)), ("nameservers", Value::Null)]);
        let e = domain.validate_planned(&config, &planned);
        assert!(e.has_errors(), "the kept handle_dns = false was not seen");
        let detail = &e.0[0].detail;
        assert!(detail.contains("handle_dns = true"), "{detail}");
        let served = obj(&[("handle_dns", Value::Bool(true)), ("nameservers", Value::Null)]);
        assert!(!domain.validate_planned(&config, &served).has_errors());
        // Set in the configuration, the configuration's value is what the plan checks.
        let config = obj(&[("handle_dns", Value::Bool(true)), ("nameservers", Value::Null)]);
        assert!(!domain.validate_planned(&config, &served).has_errors());
    }

    #[test]
    fn dns_served_elsewhere_needs_a_name_server_at_plan() {
        // The API refuses it only at apply ("At least one of the name servers has to be filled in").
        for none in [Value::Null, list(&[])] {
            let e = errors(Value::Bool(false), none);
            assert_eq!(e.len(), 1, "{e:?}");
            assert!(e[0].contains("nameservers") && e[0].contains("handle_dns"), "{e:?}");
        }
        let one = list(&[o(&[("hostname", s("ns1.example.net"))])]);
        assert!(errors(Value::Bool(false), one).is_empty());
        assert!(errors(Value::Bool(true), Value::Null).is_empty());
        assert!(
            errors(Value::Null, Value::Null).is_empty(),
            "left out: the API's default, true"
        );
        assert!(errors(Value::Bool(false), Value::Unknown).is_empty(), "not known yet");
    }
}
