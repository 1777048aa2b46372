use axum::http::StatusCode;
use serde_json::json;

use crate::common::Sandbox;

const CREATE_CHILDREN: [&str; 15] = [
    "name",
    "taxNumber",
    "resellerOrganisation",
    "parentOrganisation",
    "externalId",
    "street",
    "houseNumber",
    "zip",
    "city",
    "country",
    "externalInfoRequired",
    "agencyMode",
    "organisationType",
    "remarksToPrintInvoice",
    "required2fa",
];

#[tokio::test]
async fn create_returns_201_with_the_full_object() {
    let sandbox = Sandbox::new();
    let reply = sandbox
        .call(
            "POST",
            "/v1/organisations",
            Some(json!({
                "name": "Acme", "taxNumber": "BE0123", "street": "Main", "houseNumber": 12,
                "zip": 9000, "city": "Gent", "country": "BE"
            })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED);
    let org = &reply.body["organisation"];
    assert!(org["id"].as_u64().expect("id") >= 1000);
    assert_eq!(org["name"], "Acme");
    assert_eq!(org["taxNumber"], "BE0123");
    assert_eq!(org["houseNumber"], "12");
    assert_eq!(org["zip"], "9000");
    assert_eq!(org["country"], json!({"id": "BE", "name": "Belgium"}));
    assert_eq!(org["resellerOrganisation"], json!(null));
    assert_eq!(org["users"], json!([]));
    assert_eq!(org["discount"], "0");
    assert_eq!(org["parentOrganisation"], "level27");
    assert!(org["nextInvoiceRun"].as_str().is_some_and(|s| s.parse::<u64>().is_ok()));
    let keys: Vec<&str> = org.as_object().expect("object").keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "id",
            "name",
            "taxNumber",
            "mustPayTax",
            "remarksToPrintInvoice",
            "externalId",
            "updateEntitiesOnly",
            "preventDeactivation",
            "parentOrganisation",
            "externalInfoRequired",
            "nextInvoiceRun",
            "required2fa",
            "agencyMode",
            "bundleProRata",
            "testAccount",
            "street",
            "houseNumber",
            "zip",
            "city",
            "country",
            "resellerKickback",
            "defaultResellerKickback",
            "pdfInvoice",
            "peppolInvoicing",
            "discount",
            "isSoft",
            "prePaymentRequired",
            "information",
            "resellerOrganisation",
            "users",
            "defaultAgreements",
            "organisationType"
        ]
    );
    // GET returns the same object.
    let id = org["id"].as_u64().expect("id");
    let got = sandbox.call("GET", &format!("/v1/organisations/{id}"), None).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(&got.body["organisation"], org);
}

#[tokio::test]
async fn unset_address_fields_are_null_and_country_null() {
    let sandbox = Sandbox::new();
    let id = sandbox.organisation("Bare").await;
    let org = sandbox.call("GET", &format!("/v1/organisations/{id}"), None).await.body["organisation"].clone();
    for field in ["street", "houseNumber", "zip", "city", "country", "externalId"] {
        assert_eq!(org[field], json!(null), "{field}");
    }
}

#[tokio::test]
async fn missing_required_fields_give_the_symfony_form_body() {
    let sandbox = Sandbox::new();
    let reply = sandbox.call("POST", "/v1/organisations", Some(json!({}))).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let mut children = serde_json::Map::new();
    for field in CREATE_CHILDREN {
        children.insert(field.into(), json!({}));
    }
    children["name"] = json!({"errors": ["This value should not be blank."]});
    children["taxNumber"] = json!({"errors": ["This value should not be blank."]});
    assert_eq!(reply.body, json!({"organisation": {"errors": {"children": children}}}));
    // A failed create consumed no id and created nothing.
    let list = sandbox.call("GET", "/v1/organisations", None).await;
    assert_eq!(list.body, json!({"organisations": []}));
}

#[tokio::test]
async fn extra_fields_and_bad_values_are_reported() {
    let sandbox = Sandbox::new();
    let reply = sandbox
        .call(
            "POST",
            "/v1/organisations",
            Some(json!({
                "name": "X", "taxNumber": "T", "bogus": 1, "country": "XX",
                "resellerOrganisation": 999_999, "externalInfoRequired": 7, "required2fa": "maybe"
            })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let errors = &reply.body["organisation"]["errors"];
    assert_eq!(errors["errors"], json!(["This form should not contain extra fields."]));
    let children = &errors["children"];
    assert_eq!(children["country"], json!({"errors": ["This value is not valid."]}));
    assert_eq!(
        children["resellerOrganisation"],
        json!({"errors": ["This value is not valid."]})
    );
    assert_eq!(
        children["externalInfoRequired"],
        json!({"errors": ["The selected choice is invalid."]})
    );
    assert_eq!(children["required2fa"], json!({"errors": ["This value is not valid."]}));
    assert_eq!(children["name"], json!({}));
    // Blank strings are blank.
    let reply = sandbox
        .call(
            "POST",
            "/v1/organisations",
            Some(json!({"name": "", "taxNumber": null})),
        )
        .await;
    assert_eq!(
        reply.body["organisation"]["errors"]["children"]["name"],
        json!({"errors": ["This value should not be blank."]})
    );
}

#[tokio::test]
async fn malformed_json_is_a_400() {
    let sandbox = Sandbox::new();
    let reply = sandbox.call("POST", "/v1/organisations", Some(json!([1, 2]))).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.body["code"], 400);
}

#[tokio::test]
async fn unknown_ids_are_404() {
    let sandbox = Sandbox::new();
    for path in ["/v1/organisations/999999", "/v1/organisations/abc"] {
        for method in ["GET", "PUT", "PATCH", "DELETE"] {
            let body = (method == "PUT" || method == "PATCH").then(|| json!({"name": "a", "taxNumber": "b"}));
            let reply = sandbox.call(method, path, body).await;
            assert_eq!(reply.status, StatusCode::NOT_FOUND, "{method} {path}");
            assert_eq!(reply.body, json!({"code": 404, "message": "Organisation is not found"}));
        }
    }
}

#[tokio::test]
async fn list_pages_by_five_filters_and_orders() {
    let sandbox = Sandbox::new();
    let mut ids = Vec::new();
    for name in ["delta", "Alpha", "charlie", "bravo", "echo", "foxtrot", "alphabet"] {
        ids.push(sandbox.organisation(name).await);
    }
    let names = |v: &serde_json::Value| -> Vec<String> {
        v["organisations"]
            .as_array()
            .expect("list")
            .iter()
            .map(|o| o["name"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    let page = sandbox.call("GET", "/v1/organisations", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.body["organisations"].as_array().map(Vec::len), Some(5));
    let page_ids: Vec<u64> = page.body["organisations"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|o| o["id"].as_u64())
        .collect();
    assert_eq!(page_ids, ids[..5]);
    let rest = sandbox.call("GET", "/v1/organisations?limit=5&offset=5", None).await;
    assert_eq!(names(&rest.body), ["foxtrot", "alphabet"]);
    let filtered = sandbox
        .call("GET", "/v1/organisations?filter=ALPHA&limit=100", None)
        .await;
    assert_eq!(names(&filtered.body), ["Alpha", "alphabet"]);
    let ordered = sandbox
        .call("GET", "/v1/organisations?orderBy=name&orderType=DESC&limit=3", None)
        .await;
    assert_eq!(names(&ordered.body), ["foxtrot", "echo", "delta"]);
    let bad = sandbox.call("GET", "/v1/organisations?limit=ten", None).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn put_replaces_and_resets_omitted_fields() {
    let sandbox = Sandbox::new();
    let reply = sandbox
        .call(
            "POST",
            "/v1/organisations",
            Some(json!({"name": "A", "taxNumber": "T1", "city": "Gent", "country": "NL"})),
        )
        .await;
    let id = reply.body["organisation"]["id"].as_u64().expect("id");
    let path = format!("/v1/organisations/{id}");
    let put = sandbox
        .call(
            "PUT",
            &path,
            Some(json!({"name": "B", "taxNumber": "T2", "street": "S", "mustPayTax": false})),
        )
        .await;
    assert_eq!(put.status, StatusCode::NO_CONTENT);
    assert!(put.raw.is_empty());
    let org = sandbox.call("GET", &path, None).await.body["organisation"].clone();
    assert_eq!(org["name"], "B");
    assert_eq!(org["street"], "S");
    assert_eq!(org["city"], json!(null));
    assert_eq!(org["country"], json!(null));
    assert_eq!(org["mustPayTax"], false);
    // PUT requires name and taxNumber.
    let bad = sandbox.call("PUT", &path, Some(json!({"street": "only"}))).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let children = &bad.body["organisation"]["errors"]["children"];
    assert_eq!(children["name"], json!({"errors": ["This value should not be blank."]}));
    assert!(children.get("information").is_some(), "every update field is listed");
    // A rejected update changes nothing.
    let org = sandbox.call("GET", &path, None).await.body["organisation"].clone();
    assert_eq!(org["street"], "S");
}

#[tokio::test]
async fn patch_changes_only_present_fields() {
    let sandbox = Sandbox::new();
    let reply = sandbox
        .call(
            "POST",
            "/v1/organisations",
            Some(json!({"name": "A", "taxNumber": "T1", "city": "Gent"})),
        )
        .await;
    let id = reply.body["organisation"]["id"].as_u64().expect("id");
    let path = format!("/v1/organisations/{id}");
    let patch = sandbox
        .call("PATCH", &path, Some(json!({"city": "Brugge", "zip": 8000})))
        .await;
    assert_eq!(patch.status, StatusCode::NO_CONTENT);
    let org = sandbox.call("GET", &path, None).await.body["organisation"].clone();
    assert_eq!(org["name"], "A");
    assert_eq!(org["taxNumber"], "T1");
    assert_eq!(org["city"], "Brugge");
    assert_eq!(org["zip"], "8000");
    assert_eq!(
        sandbox.call("PATCH", &path, Some(json!({}))).await.status,
        StatusCode::NO_CONTENT
    );
    let blank = sandbox.call("PATCH", &path, Some(json!({"name": ""}))).await;
    assert_eq!(blank.status, StatusCode::BAD_REQUEST);
    // Seed alias: `defaultAgreement` is `defaultAgreements`.
    let agreements = json!({"Level27\\AppBundle\\Entity\\App": 83});
    let patch = sandbox
        .call("PATCH", &path, Some(json!({"defaultAgreement": agreements})))
        .await;
    assert_eq!(patch.status, StatusCode::NO_CONTENT);
    let org = sandbox.call("GET", &path, None).await.body["organisation"].clone();
    assert_eq!(org["defaultAgreements"], agreements);
}

#[tokio::test]
async fn reseller_is_rendered_and_cleared_when_deleted() {
    let sandbox = Sandbox::new();
    let reseller = sandbox.organisation("Reseller").await;
    let reply = sandbox
        .call(
            "POST",
            "/v1/organisations",
            Some(json!({"name": "Client", "taxNumber": "C", "resellerOrganisation": reseller})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED);
    let client = reply.body["organisation"]["id"].as_u64().expect("id");
    assert_eq!(
        reply.body["organisation"]["resellerOrganisation"],
        json!({"id": reseller, "name": "Reseller", "taxNumber": "BE-Reseller"})
    );
    let deleted = sandbox
        .call("DELETE", &format!("/v1/organisations/{reseller}"), None)
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert!(deleted.raw.is_empty());
    let org = sandbox.call("GET", &format!("/v1/organisations/{client}"), None).await;
    assert_eq!(org.body["organisation"]["resellerOrganisation"], json!(null));
    assert_eq!(
        sandbox
            .call("GET", &format!("/v1/organisations/{reseller}"), None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn delete_removes_the_organisations_teams() {
    let sandbox = Sandbox::new();
    let org = sandbox.organisation("Owner").await;
    let team = sandbox
        .call(
            "POST",
            &format!("/v1/organisations/{org}/teams"),
            Some(json!({"name": "t"})),
        )
        .await;
    let team = team.body["team"]["id"].as_u64().expect("team id");
    sandbox.call("DELETE", &format!("/v1/organisations/{org}"), None).await;
    let state = sandbox.call("GET", "/_sandbox/state", None).await;
    assert_eq!(state.body["teams"], json!({}));
    let got = sandbox
        .call("GET", &format!("/v1/organisations/{org}/teams/{team}"), None)
        .await;
    assert_eq!(got.status, StatusCode::NOT_FOUND);
}
