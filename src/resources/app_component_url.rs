//! `level27_app_component_url`: `/apps/{appId}/components/{componentId}/urls` (seed L8905–L9164).
//!
//! Seed: `handleDns` is answered only by the app-wide list `/apps/{appId}/urls` (L12773), read
//! once per refresh and shared by every url of the app; `caching` only by the component-scoped
//! answers (the app-wide list has it `null`). `autoSslCertificate` is taken on create only
//! (not in the PUT body, never answered). There is no PATCH.

use crate::framework::codecs::Normaliser;
use crate::framework::validate::{hostname, HostnameRules};
use crate::framework::{Attribute, Endpoint, ListSource, ResourceSpec, UpdateVerb};

/// Every url of an app, the only answer with `handleDns`.
pub static URLS_OF_APP: ListSource = ListSource {
    path: "/apps/{app_id}/urls",
    plural: "urls",
    key: "id",
    by: "id",
    paged: true,
};

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
                .describe("The host name, e.g. `www.shop.example` (unique across Level27)."),
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
                .describe("Whether Level27 creates the DNS records (the API's default is false).")
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
            Attribute::bool("https")
                .computed()
                .read_from("https")
                .changes_on_update()
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
        refresh_from_list: true,
        ..ResourceSpec::default()
    }
}
