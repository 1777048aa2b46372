//! `level27_ssl_certificate`: `/apps/{appId}/sslcertificates` (seed L12326–L12749).
//!
//! Seed: issuance is asynchronous, with two statuses: `status` (the object) and `sslStatus`
//! (validation); both must be `ok`. A `validation_failed` is an error quoting each url's
//! `errorMsg`. PUT takes `name` (and `sslType`) only (L12518): every other argument is sent on
//! create only and replaces the certificate. Keys are answered as `"***"`: the private key is
//! write-only.

use crate::framework::config_check::ConfigRule;
use crate::framework::plan_checks::PlanCheck;
use crate::framework::validate::{each, hostname, max_length, not_blank, one_of, pem, HostnameRules};
use crate::framework::wait::{SecondStatus, StatusRule};
use crate::framework::{Attribute, Endpoint, ResourceSpec, UpdateVerb};

const TYPES: &[&str] = &["letsencrypt", "xolphin", "own"];

pub fn spec() -> ResourceSpec {
    ResourceSpec {
        type_name: "level27_ssl_certificate",
        description: "An SSL certificate of a Level27 app: issued by Let's Encrypt or Xolphin, or your own.",
        version: 0,
        attributes: vec![
            Attribute::id("id").computed().read_from("id").describe("The certificate's id."),
            Attribute::id("app_id")
                .required()
                .requires_replace()
                .describe("The app the certificate belongs to. Changing it replaces the certificate.")
                .describe_data("The app the certificate belongs to."),
            Attribute::string("name")
                .required()
                .api("name")
                .validate(not_blank())
                .validate(max_length(255))
                .describe("The certificate's name (the only argument that changes in place)."),
            Attribute::string("type")
                .required()
                .api("sslType")
                .requires_replace()
                .validate(one_of(TYPES))
                .describe("`letsencrypt`, `xolphin` or `own`. Changing it replaces the certificate.")
                .describe_data("`letsencrypt`, `xolphin` or `own`."),
            // Seed: the answer has no `autoSslCertificateUrls`; `matchingUrls` (L12420, host names
            // such as `cer1.testdomain.be`) is read as the names the certificate covers.
            Attribute::string_list("domains")
                .optional()
                .send_as("autoSslCertificateUrls")
                .read_from("matchingUrls")
                .csv()
                .create_only()
                .requires_replace()
                .validate(each(hostname(HostnameRules::FQDN.wildcard())))
                .describe("letsencrypt and xolphin (required for them): the host names the certificate covers (`*.shop.example` allowed). Changing them replaces the certificate.")
                .describe_data("The host names the certificate covers."),
            Attribute::bool("auto_url_link")
                .optional_computed()
                .send_as("autoUrlLink")
                .read_from("autoUrlLink")
                .create_only()
                .requires_replace()
                .describe("On create: once issued, link the app's existing urls whose host it covers and that have no certificate (a `level27_app_component_url` that leaves `ssl_certificate_id` out reads the link back without a diff; the API's default is false). Changing it replaces the certificate.")
                .describe_data("Whether matching urls were linked once issued."),
            Attribute::bool("ssl_force")
                .optional_computed()
                .send_as("sslForce")
                .read_from("sslForce")
                .create_only()
                .requires_replace()
                .describe("On create: force https on the linked urls (the API's default is true). Changing it replaces the certificate.")
                .describe_data("Whether https is forced on the linked urls."),
            Attribute::string("private_key_wo")
                .optional()
                .validate(pem("PRIVATE KEY"))
                .write_only()
                .send_as("sslKey")
                .create_only()
                .requires_replace()
                .describe("own (required for it): the PEM private key. Write-only on Terraform 1.11+ (never stored in state); a sensitive attribute on older Terraform. To send a new key, change `private_key_wo_version`.")
                .describe_data("Never readable."),
            Attribute::number("private_key_wo_version")
                .optional()
                .requires_replace()
                .describe("own only: any value; changing it replaces the certificate with one made from the current `private_key_wo`.")
                .describe_data("Not readable from the API."),
            Attribute::string("certificate")
                .optional()
                .validate(pem("CERTIFICATE"))
                .send_as("sslCrt")
                .read_from("sslCrt")
                .create_only()
                .requires_replace()
                .describe("own (required for it): the PEM certificate. Changing it replaces the certificate.")
                .describe_data("The PEM certificate."),
            Attribute::string("ca_bundle")
                .optional()
                .validate(pem("CERTIFICATE"))
                .send_as("sslCabundle")
                .read_from("sslCabundle")
                .create_only()
                .requires_replace()
                .describe("own (required for it): the PEM CA bundle. Changing it replaces the certificate.")
                .describe_data("The PEM CA bundle."),
            Attribute::string("ssl_status")
                .computed()
                .read_from("sslStatus")
                // An update waits for it to be `ok` again: a refresh that saw it mid-validation
                // must not plan it unchanged.
                .changes_on_update()
                .describe("The validation status (`ok` once issued)."),
            Attribute::string("expires")
                .computed()
                .read_from("dtExpires")
                .describe("When the certificate expires, in Unix seconds."),
        ],
        endpoint: Endpoint {
            collection: "/apps/{app_id}/sslcertificates",
            item: "/apps/{app_id}/sslcertificates/{id}",
            singular: "sslCertificate",
            plural: "sslCertificates",
            update: UpdateVerb::Put,
        },
        import_id: &["app_id", "id"],
        natural_key: &["name"],
        status: Some(StatusRule {
            also: Some(SecondStatus {
                field: "sslStatus",
                ready: &["ok"],
                failed: &["validation_failed"],
            }),
            failure_detail: &["sslCertificateUrls[].errorMsg"],
            ..StatusRule::default()
        }),
        rules: vec![
            ConfigRule::RequiredWhen { attribute: "domains", when: "type", is: &["letsencrypt", "xolphin"] },
            ConfigRule::OnlyWhen { attribute: "domains", when: "type", is: &["letsencrypt", "xolphin"] },
            ConfigRule::RequiredWhen { attribute: "private_key_wo", when: "type", is: &["own"] },
            ConfigRule::RequiredWhen { attribute: "certificate", when: "type", is: &["own"] },
            ConfigRule::RequiredWhen { attribute: "ca_bundle", when: "type", is: &["own"] },
            ConfigRule::OnlyWhen { attribute: "private_key_wo", when: "type", is: &["own"] },
            ConfigRule::OnlyWhen { attribute: "certificate", when: "type", is: &["own"] },
            ConfigRule::OnlyWhen { attribute: "ca_bundle", when: "type", is: &["own"] },
            // It only says when to send `private_key_wo` again: on another type it would send nothing.
            ConfigRule::OnlyWhen { attribute: "private_key_wo_version", when: "type", is: &["own"] },
        ],
        plan_checks: vec![PlanCheck::Exists(super::app::EXISTS)],
        ..ResourceSpec::default()
    }
}
