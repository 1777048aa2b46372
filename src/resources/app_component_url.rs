//! `level27_app_component_url`: `/apps/{appId}/components/{componentId}/urls` (seed L8905–L9164).
//!
//! Seed: `handleDns` is answered only by the app-wide list `/apps/{appId}/urls` (L12773), read
//! once per refresh and shared by every url of the app; `caching` only by the component-scoped
//! answers (the app-wide list has it `null`). `autoSslCertificate` is taken on create only
//! (not in the PUT body, never answered). There is no PATCH.

use crate::framework::codecs::{same_hostname, Normaliser};
use crate::framework::mapping::lookup;
use crate::framework::plan_checks::{ExistsCheck, ParentCheck, PlanCheck};
use crate::framework::plan_claims::DistinctCreates;
use crate::framework::validate::{hostname, HostnameRules};
use crate::framework::{
    AttrPath, Attribute, Diagnostic, Diagnostics, Endpoint, ListSource, Object, ResourceSpec, UpdateVerb,
};
use serde_json::Value as Json;

/// Every url of an app, the only answer with `handleDns`.
pub static URLS_OF_APP: ListSource = ListSource {
    path: "/apps/{app_id}/urls",
    plural: "urls",
    key: "id",
    by: "id",
    paged: true,
};

/// A url goes only on a component whose type takes urls: the component's answer says so in
/// `definition.urlPossible` (seed L7971, L8666), fixed with its type. Checked at plan, one read
/// per component per provider process, instead of the API's bare "Validation of new url failed"
/// at apply (L8982). A component without the flag passes: the apply decides.
pub(crate) const COMPONENT_TAKES_URLS: ParentCheck = ParentCheck {
    path: "/apps/{app_id}/components/{component_id}",
    envelope: "component",
    reads: &[],
    when: |_| true,
    rule: component_takes_urls,
};

fn component_takes_urls(planned: &Object, component: &Json) -> Diagnostics {
    if lookup(component, "definition.urlPossible").as_bool() != Some(false) {
        return Diagnostics::default();
    }
    let kind = lookup(component, "appcomponenttype").as_str().unwrap_or("its type");
    let id = planned.get("component_id").and_then(|v| v.as_str()).unwrap_or_default();
    Diagnostic::error(
        "Invalid component_id",
        format!(
            "component {id} is of type {kind}, which takes no urls. Point the url at a component that serves web traffic (such as php); `data.level27_app_component_types` lists each type's `url_possible`."
        ),
    )
    .at(AttrPath::attr("component_id"))
    .into()
}

/// `ssl_certificate_id` names a certificate of the url's own app: one of another app (or none)
/// is a 404 at this path, said at plan rather than as the API's bare "This value is not valid."
/// at apply.
pub(crate) const CERTIFICATE_OF_APP: ExistsCheck = ExistsCheck {
    attribute: "ssl_certificate_id",
    path: "/apps/{app_id}/sslcertificates/{value}",
    noun: "certificate of this app with id",
    holds: &[],
};

/// A url's component must exist in its app: a `component_id` that names none (a typo, a
/// component deleted since, one of another app) fails the plan on it, rather than the create.
pub(crate) const COMPONENT_OF_APP: ExistsCheck = ExistsCheck {
    attribute: "component_id",
    path: "/apps/{app_id}/components/{value}",
    noun: "component of this app with id",
    holds: &[],
};

/// Seed L8922: the certificate "must match the url's content". Its names (`matchingUrls`) are
/// fixed at its create, so one read per certificate per provider process answers every url.
pub(crate) const CERTIFICATE_COVERS: ParentCheck = ParentCheck {
    path: "/apps/{app_id}/sslcertificates/{ssl_certificate_id}",
    envelope: "sslCertificate",
    reads: &["content"],
    when: |planned| planned.get("ssl_certificate_id").is_some_and(|v| v.as_str().is_some()),
    rule: certificate_covers,
};

fn certificate_covers(planned: &Object, cert: &Json) -> Diagnostics {
    let names: Vec<&str> = cert
        .get("matchingUrls")
        .and_then(Json::as_array)
        .map(|names| names.iter().filter_map(Json::as_str).collect())
        .unwrap_or_default();
    let Some(content) = planned.get("content").and_then(|v| v.as_str()) else {
        return Diagnostics::default();
    };
    // An own certificate lists no names here: the apply decides.
    if names.is_empty() || names.iter().any(|n| covers(n, content)) {
        return Diagnostics::default();
    }
    let id = planned
        .get("ssl_certificate_id")
        .and_then(|v| v.as_str())
        .unwrap_or_default();
    Diagnostic::error(
        "Invalid ssl_certificate_id",
        format!(
            "certificate {id} covers {}, not {content:?}. Use a certificate whose `domains` include the host (or a `*.` wildcard over it), or leave ssl_certificate_id out.",
            names.iter().map(|n| format!("{n:?}")).collect::<Vec<_>>().join(", ")
        ),
    )
    .at(AttrPath::attr("ssl_certificate_id"))
    .into()
}

/// Whether certificate name `name` (maybe `*.shop.example`, one label deep) covers `host`;
/// letter case and a trailing dot do not matter.
fn covers(name: &str, host: &str) -> bool {
    match name.strip_prefix("*.") {
        Some(parent) => host
            .split_once('.')
            .is_some_and(|(label, rest)| !label.is_empty() && same_hostname(rest, parent)),
        None => same_hostname(name, host),
    }
}

pub fn spec() -> ResourceSpec {
    ResourceSpec {
        type_name: "level27_app_component_url",
        description: "A url (host name) served by a component of a Level27 app.",
        version: 0,
        attributes: vec![
            Attribute::id("id").computed().read_from("id").describe("The url's id."),
            Attribute::id("app_id")
                .required()
                .requires_replace()
                .describe("The app of the component. Changing it replaces the url.")
                .describe_data("The app of the component."),
            Attribute::id("component_id")
                .required()
                .requires_replace()
                .describe("The component that serves the url. Changing it replaces the url.")
                .describe_data("The component that serves the url."),
            Attribute::string("content")
                .required()
                .api("content")
                .validate(hostname(HostnameRules::FQDN))
                .normalise(Normaliser::Hostname)
                .describe("The host name, e.g. `www.shop.example` (unique across Level27: two new urls of one host in a plan fail the plan).")
                .describe_data("The host name, e.g. `www.shop.example` (unique across Level27)."),
            Attribute::bool("ssl_force")
                .optional_computed()
                .api("sslForce")
                .describe("Whether http redirects to https (the API's default is true).")
                .describe_data("Whether http redirects to https."),
            // Seed L12348: a certificate with `autoUrlLink` links the urls it covers that have
            // none, so the link is computed when left out: no diff after the API made it.
            Attribute::id("ssl_certificate_id")
                .optional_computed()
                .send_as("sslCertificate")
                .read_from("sslCertificate")
                .describe("The app's certificate (`level27_ssl_certificate`) for this host; it must cover `content`. Left out, the link the API makes (a certificate's `auto_url_link`) is kept without a diff; removing it from the configuration does not unlink.")
                .describe_data("The app's certificate the url is served with, if any."),
            Attribute::bool("handle_dns")
                .optional_computed()
                .send_as("handleDns")
                .read_via(&URLS_OF_APP, "handleDns")
                .describe("Whether Level27 creates the host's DNS record in its domain, when that domain is at Level27 and serves its DNS (the API's default is false); `level27_domain_records` shows the record with this url's id in `url_id`.")
                .describe_data("Whether Level27 creates the DNS records."),
            Attribute::bool("caching")
                .optional_computed()
                .api("caching")
                .describe("Whether responses are cached (the API's default is false).")
                .describe_data("Whether responses are cached."),
            Attribute::bool("authentication")
                .optional_computed()
                .api("authentication")
                .describe("Whether basic authentication protects the url (the API's default is false).")
                .describe_data("Whether basic authentication protects the url."),
            Attribute::bool("auto_ssl_certificate")
                .optional()
                .send_as("autoSslCertificate")
                .create_only()
                .requires_replace()
                .describe("On create only: let Level27 make a certificate (respected only with `handle_dns` and no `ssl_certificate_id`). The API never shows it, so it cannot show drift; changing it replaces the url.")
                .describe_data("Not readable from the API."),
            // Seed L8951, L9014: `https` is true with a certificate and false without one,
            // whatever `sslForce` says, so only a change of certificate or host can change it.
            Attribute::bool("https")
                .computed()
                .read_from("https")
                .changes_with(&["ssl_certificate_id", "content"])
                .describe("Whether the url is served over https."),
        ],
        endpoint: Endpoint {
            collection: "/apps/{app_id}/components/{component_id}/urls",
            item: "/apps/{app_id}/components/{component_id}/urls/{id}",
            singular: "url",
            plural: "urls",
            update: UpdateVerb::Put,
        },
        import_id: &["app_id", "component_id", "id"],
        natural_key: &["content"],
        plan_checks: vec![
            PlanCheck::Exists(COMPONENT_OF_APP),
            PlanCheck::Parent(COMPONENT_TAKES_URLS),
            PlanCheck::Exists(CERTIFICATE_OF_APP),
            PlanCheck::Parent(CERTIFICATE_COVERS),
        ],
        refresh_from_list: true,
        // Seed: a url's host is unique across Level27 (the sandbox refuses a host any url has,
        // "This value is already used."), so two new urls of one host, whatever their apps,
        // fail the plan instead of the second create at apply.
        distinct_creates: Some(DistinctCreates {
            attribute: "content",
            within: &[],
            noun: "url",
        }),
        ..ResourceSpec::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::Value;
    use serde_json::json;

    #[test]
    fn https_stays_known_unless_the_certificate_or_the_host_changes() {
        let block = crate::framework::schema::Block {
            attributes: spec().attributes,
            blocks: Vec::new(),
            description: "",
            deprecated: None,
        };
        let prior: Object = [
            ("id", Value::string("15000")),
            ("content", Value::string("www.shop.example")),
            ("ssl_certificate_id", Value::string("16000")),
            ("ssl_force", Value::Bool(true)),
            ("caching", Value::Bool(false)),
            ("https", Value::Bool(true)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let https = |change: &str, to: Value| {
            let mut config = prior.clone();
            config.remove("id");
            config.remove("https");
            config.insert(change.to_string(), to);
            let mut proposed = prior.clone();
            proposed.extend(config.clone());
            crate::framework::plan::plan(&block, Some(&prior), &proposed, &config).planned["https"].clone()
        };
        assert_eq!(https("ssl_force", Value::Bool(false)), Value::Bool(true));
        assert_eq!(https("caching", Value::Bool(true)), Value::Bool(true));
        assert_eq!(https("ssl_certificate_id", Value::string("16001")), Value::Unknown);
        assert_eq!(https("content", Value::string("shop.example")), Value::Unknown);
    }

    #[test]
    fn a_certificate_must_cover_the_urls_host() {
        let planned = |content: &str| -> Object {
            [
                ("content".to_string(), Value::string(content)),
                ("ssl_certificate_id".to_string(), Value::string("16000")),
            ]
            .into_iter()
            .collect()
        };
        let cert = json!({"id": 16000, "matchingUrls": ["www.shop.example", "*.cdn.shop.example"]});
        for covered in ["www.shop.example", "WWW.Shop.example.", "img.cdn.shop.example"] {
            assert!(certificate_covers(&planned(covered), &cert).0.is_empty(), "{covered}");
        }
        for not in ["shop.example", "a.b.cdn.shop.example", "cdn.shop.example"] {
            let d = certificate_covers(&planned(not), &cert);
            assert_eq!(d.0.len(), 1, "{not}: {d:?}");
            assert_eq!(d.0[0].path, Some(AttrPath::attr("ssl_certificate_id")));
            assert!(
                d.0[0].detail.starts_with(&format!(
                    "certificate 16000 covers \"www.shop.example\", \"*.cdn.shop.example\", not {not:?}."
                )),
                "{}",
                d.0[0].detail
            );
        }
        // An own certificate names no hosts here: the apply decides.
        assert!(certificate_covers(&planned("x.example"), &json!({"matchingUrls": []}))
            .0
            .is_empty());
    }

    #[test]
    fn a_url_is_refused_on_a_component_whose_type_takes_none() {
        let planned: Object = [("component_id".to_string(), Value::string("14001"))]
            .into_iter()
            .collect();
        let answer = |possible: Json| json!({"id": 14001, "appcomponenttype": "mysql", "definition": {"name": "mysql", "urlPossible": possible}});
        let d = component_takes_urls(&planned, &answer(json!(false)));
        assert_eq!(d.0.len(), 1, "{d:?}");
        assert_eq!(d.0[0].path, Some(AttrPath::attr("component_id")));
        assert!(
            d.0[0]
                .detail
                .starts_with("component 14001 is of type mysql, which takes no urls."),
            "{}",
            d.0[0].detail
        );
        assert!(component_takes_urls(&planned, &answer(json!(true))).0.is_empty());
        // No flag (an API that does not say): the apply decides.
        assert!(
            component_takes_urls(&planned, &json!({"id": 14001, "appcomponenttype": "mysql"}))
                .0
                .is_empty()
        );
    }
}
