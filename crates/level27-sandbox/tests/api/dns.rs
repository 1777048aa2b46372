use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::common::Sandbox;

/// A domain (`acme-ci.be`) of a new organisation, with a licensee contact; its id.
async fn domain(sandbox: &Sandbox) -> u64 {
    let org = sandbox.organisation("Dns").await;
    let contact = sandbox
        .call(
            "POST",
            "/v1/domaincontacts",
            Some(json!({"organisation": org, "type": "licensee", "firstName": "Ada",
                "lastName": "Peeters", "organisationName": "Acme", "street": "Veldstraat",
                "houseNumber": "1", "zip": "9000", "city": "Gent", "country": "BE",
                "phone": "+32.91234567", "email": "hostmaster@acme-ci.example",
                "taxNumber": "BE0123456789"})),
        )
        .await;
    assert_eq!(contact.status, StatusCode::CREATED, "{}", contact.body);
    let domain = sandbox
        .call(
            "POST",
            "/v1/domains",
            Some(json!({"organisation": org, "name": "acme-ci", "action": "none",
                "domaincontactLicensee": contact.body["domaincontact"]["id"],
                "handleDns": true, "domaintype": 364})),
        )
        .await;
    assert_eq!(domain.status, StatusCode::CREATED, "{}", domain.body);
    domain.body["domain"]["id"].as_u64().expect("id")
}

fn types(list: &Value) -> Vec<String> {
    let records = list["records"].as_array().cloned().unwrap_or_default();
    records
        .iter()
        .map(|r| r["type"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// The seed's record list takes a `type` parameter (L19357): only records of that type are
/// listed, with paging over them; without it every record is.
#[tokio::test]
async fn records_are_listed_by_type() {
    let sandbox = Sandbox::new();
    let id = domain(&sandbox).await;
    let path = format!("/v1/domains/{id}/records");
    for (kind, name, content) in [
        ("A", "www", "203.0.113.10"),
        ("TXT", "", "v=spf1 -all"),
        ("A", "shop", "203.0.113.11"),
        ("CNAME", "blog", "blogs.example.net"),
    ] {
        let made = sandbox
            .call(
                "POST",
                &path,
                Some(json!({"type": kind, "name": name, "content": content})),
            )
            .await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    }
    let all = sandbox.call("GET", &format!("{path}?limit=100"), None).await;
    assert_eq!(types(&all.body), ["A", "TXT", "A", "CNAME"]);
    let a = sandbox.call("GET", &format!("{path}?type=A&limit=100"), None).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(types(&a.body), ["A", "A"], "{}", a.body);
    let second = sandbox
        .call("GET", &format!("{path}?type=a&limit=1&offset=1"), None)
        .await;
    assert_eq!(second.body["records"][0]["name"], "shop", "{}", second.body);
    let none = sandbox.call("GET", &format!("{path}?type=MX"), None).await;
    assert_eq!(none.body, json!({"records": []}));
    let empty = sandbox.call("GET", &format!("{path}?type=&limit=100"), None).await;
    assert_eq!(types(&empty.body).len(), 4, "an empty type is no filter");
}
