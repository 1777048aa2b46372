//! `data "level27_domain_type"`: the API's domain type of an extension (its id, which
//! `level27_domain` resolves by itself, what transfers need, and DNSSEC support).

use crate::framework::{Attribute, DataSource, ListDataSource, ListResult, ListSource};
use crate::resources::domain;

/// Seed L21716: `/domains/providers` lists each provider with its `dnsSecSupported` flag and its
/// domain types; `/domains/check` does not say. Seed: DNSSEC support is the provider's (a domain
/// answer's `domaintype.dnssecSupported` agrees with its provider's flag), so the provider listing
/// the checked type answers it.
static PROVIDERS: ListSource = ListSource {
    path: "/domains/providers",
    plural: "providers",
    key: "domaintypes[].id",
    by: "id",
    paged: false,
};

pub fn data_source() -> DataSource {
    DataSource::list(ListDataSource {
        type_name: "level27_domain_type",
        description: "Finds the Level27 domain type of an extension: its id, whether transfers need an EPP code and whether DNSSEC is supported.",
        // Seed: there is no `/domaintypes` endpoint (reference §1.8); `/domains/check` answers the
        // type of `name.extension` and requires a name, which does not change the type: a fixed
        // label is checked.
        path: "/domains/check?name=level27-domain-type",
        attributes: vec![
            Attribute::string("extension")
                .required()
                .validate(domain::extension())
                .describe("The extension, without a leading dot: `be`, `com`, `nl`."),
            Attribute::id("id")
                .computed()
                .read_from("domaintypeId")
                .describe("The domain type's id."),
            Attribute::bool("transfer_epp_code_required")
                .computed()
                .read_from("transferEppCodeRequired")
                .describe("Whether a transfer needs the EPP (transfer) code (`epp_code_wo`)."),
            Attribute::bool("incoming_transfer_code_possible")
                .computed()
                .read_from("requestIncomingTransferCodePossible")
                .describe("Whether a transfer code can be requested for an incoming transfer."),
            Attribute::bool("transfer_auto_licensee")
                .computed()
                .read_from("transferAutoLicensee")
                .describe("Whether a transfer keeps the registry's licensee automatically."),
            Attribute::bool("dnssec_supported")
                .computed()
                .read_via(&PROVIDERS, "dnsSecSupported")
                .describe("Whether DNSSEC is supported for the extension (by its registry provider)."),
        ],
        query: &[("extension", "extension")],
        filters: &[],
        result: ListResult::Object,
    })
}
