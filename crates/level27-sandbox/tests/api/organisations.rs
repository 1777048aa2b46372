use axum::http::StatusCode;
use serde_json::json;

use crate::common::Sandbox;

/// Seed L573–L604: the create form's fields, and nothing else.
const CREATE_CHILDREN: [&str; 13] = [
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
];

fn keys(object: &serde_json::Value) -> Vec<&str> {
    object.as_object().expect("object").keys().map(String::as_str).collect()
}

#[tokio::test]
async fn create_returns_201_with_the_created_shape_and_real_values() {
    let sandbox = Sandbox::new();
    let reply = sandbox
        .call(
            "POST",
            "/v1/organisations",
            Some(json!({
                "name": "Acme", "taxNumber": "BE0123", "street": "Main", "houseNumber": 12,
                "zip": 9000, "city": "Gent", "country": "BE", "externalId": "77"
            })),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED);
    let org = &reply.body["organisation"];
    assert!(org["id"].as_u64().expect("id") >= 1000);
    assert_eq!(org["name"], "Acme");
    // The seed's 201 examples show null here; the real answer carries what was stored.
    assert_eq!(org["taxNumber"], "BE0123");
    assert_eq!(org["country"], json!({"id": "BE", "name": "Belgium"}));
    assert_eq!(org["houseNumber"], "12");
    assert_eq!(org["zip"], "9000");
    assert_eq!(org["externalId"], 77, "a number, as in the GET example");
    assert_eq!(org["required2fa"], false);
    assert_eq!(org["resellerOrganisation"], json!(null));
    assert_eq!(org["users"], json!([]));
    assert_eq!(org["discount"], "0");
    assert_eq!(org["parentOrganisation"], "level27");
    // Stored fields the GET example lacks, returned where the 201 examples have them.
    assert_eq!(org["paymentperiod"], 30);
    assert_eq!(org["documentInterval"], "0");
    assert_eq!(org["source1"], json!(null));
    assert_eq!(
        org["pricegroup"],
        json!({"id": "default", "description": "List prices"})
    );
    assert!(org["nextInvoiceRun"].as_str().is_some_and(|s| s.parse::<u64>().is_ok()));
    assert_eq!(
        keys(org),
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
            "paymentperiod",
            "documentInterval",
            "source1",
            "source2",
            "resellerKickback",
            "defaultResellerKickback",
            "pdfInvoice",
            "peppolInvoicing",
            "discount",
            "isSoft",
            "prePaymentRequired",
            "defaultAgreements",
            "information",
            "country",
            "resellerOrganisation",
            "users",
            "pricegroup",
            "organisationType"
        ]
    );
}

#[tokio::test]
async fn get_and_list_use_their_own_seed_shapes_with_the_same_values() {
    let sandbox = Sandbox::new();
    let created = sandbox
        .call(
            "POST",
            "/v1/organisations",
            Some(json!({"name": "Shapes", "taxNumber": "BE0999", "city": "Gent", "externalId": 5})),
        )
        .await;
    let created = &created.body["organisation"];
    let id = created["id"].as_u64().expect("id");
    let path = format!("/v1/organisations/{id}");
    let admin = json!({
        "name": "Shapes", "taxNumber": "BE0999", "paymentperiod": 60, "documentInterval": 3,
        "source1": "fair", "source2": "web", "pricegroup": "silver", "commissionFactor": 100
    });
    assert_eq!(
        sandbox.call("PATCH", &path, Some(admin)).await.status,
        StatusCode::NO_CONTENT
    );

    let item = sandbox.call("GET", &path, None).await.body["organisation"].clone();
    assert_eq!(
        keys(&item),
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
    assert_eq!(item["externalId"], 5);
    assert_eq!(item["city"], "Gent");

    let list = sandbox.call("GET", "/v1/organisations", None).await;
    let listed = &list.body["organisations"][0];
    assert_eq!(
        keys(listed),
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
            "resellerOrganisation",
            "source1",
            "source2",
            "resellerKickback",
            "defaultResellerKickback",
            "pdfInvoice",
            "discount",
            "isSoft",
            "prePaymentRequired",
            "defaultAgreements",
            "users",
            "pricegroup",
            "organisationType"
        ]
    );
    // The admin fields the PATCH set come back where the list shape has them.
    assert_eq!(listed["source1"], "fair");
    assert_eq!(listed["source2"], "web");
    assert_eq!(listed["pricegroup"], json!({"id": "silver", "description": "Silver"}));
    // Fields both shapes have agree.
    for (key, value) in item.as_object().expect("object") {
        if let Some(in_list) = listed.get(key) {
            assert_eq!(in_list, value, "{key}");
        }
    }
    // The create shape carries paymentperiod and documentInterval: a second create shows them.
    let second = sandbox
        .call(
            "POST",
            "/v1/organisations",
            Some(json!({"name": "S2", "taxNumber": "BE1000"})),
        )
        .await;
    assert_eq!(second.body["organisation"]["paymentperiod"], 30);
    // commissionFactor is in no shape of the seed.
    assert!(item.get("commissionFactor").is_none() && listed.get("commissionFactor").is_none());
    let state = sandbox.call("GET", "/_sandbox/state", None).await;
    assert_eq!(state.body["organisations"][id.to_string()]["commissionFactor"], 100);
    assert_eq!(state.body["organisations"][id.to_string()]["paymentperiod"], 60);
    assert_eq!(state.body["organisations"][id.to_string()]["documentInterval"], "3");
}

#[tokio::test]
async fn external_id_is_an_integer_and_pricegroup_a_known_one() {
    let sandbox = Sandbox::new();
    let reply = sandbox
        .call(
            "POST",
            "/v1/organisations",
            Some(json!({"name": "X", "taxNumber": "T", "externalId": "abc"})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        reply.body["organisation"]["errors"]["children"]["externalId"],
        json!({"errors": ["This value is not valid."]})
    );
    let id = sandbox.organisation("Priced").await;
    let bad = sandbox
        .call(
            "PATCH",
            &format!("/v1/organisations/{id}"),
            Some(json!({"name": "Priced", "taxNumber": "BE-Priced", "pricegroup": "platinum"})),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        bad.body["organisation"]["errors"]["children"]["pricegroup"],
        json!({"errors": ["This value is not valid."]})
    );
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
                "resellerOrganisation": 999_999, "externalInfoRequired": 7, "agencyMode": "maybe"
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
    assert_eq!(children["agencyMode"], json!({"errors": ["This value is not valid."]}));
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
async fn create_takes_only_the_create_fields_of_the_seed() {
    let sandbox = Sandbox::new();
    // Update-only fields are extra fields on a create, even well-typed ones.
    for (field, value) in [
        ("remarksToPrintInvoice", json!("net 30")),
        ("required2fa", json!(true)),
        ("paymentperiod", json!(30)),
    ] {
        let mut body = json!({"name": "X", "taxNumber": "T"});
        body[field] = value;
        let reply = sandbox.call("POST", "/v1/organisations", Some(body)).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{field}");
        let errors = &reply.body["organisation"]["errors"];
        assert_eq!(
            errors["errors"],
            json!(["This form should not contain extra fields."]),
            "{field}"
        );
        assert!(errors["children"].get(field).is_none(), "{field} is no create field");
    }
    // The same fields are fine on an update.
    let id = sandbox.organisation("Later").await;
    let patch = sandbox
        .call(
            "PATCH",
            &format!("/v1/organisations/{id}"),
            Some(json!({"name": "Later", "taxNumber": "BE-Later", "remarksToPrintInvoice": "net 30", "required2fa": true})),
        )
        .await;
    assert_eq!(patch.status, StatusCode::NO_CONTENT, "{:?}", patch.body);
    let org = sandbox.call("GET", &format!("/v1/organisations/{id}"), None).await.body["organisation"].clone();
    assert_eq!(org["remarksToPrintInvoice"], "net 30");
    assert_eq!(org["required2fa"], true);
}

#[tokio::test]
async fn tax_numbers_are_unique_on_create_and_update() {
    let sandbox = Sandbox::new();
    let first = sandbox.organisation("First").await;
    let taken = json!({"organisation": {"errors": {
        "errors": ["This organisation with the same tax number already exists in our database."],
        "children": CREATE_CHILDREN.iter().map(|f| (f.to_string(), json!({}))).collect::<serde_json::Map<_, _>>()
    }}});
    // Another name, the same tax number (in another case): refused, in the seed's L6214 shape.
    let reply = sandbox
        .call(
            "POST",
            "/v1/organisations",
            Some(json!({"name": "Copy", "taxNumber": "be-first"})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.body, taken);
    let list = sandbox.call("GET", "/v1/organisations", None).await;
    assert_eq!(list.body["organisations"].as_array().map(Vec::len), Some(1));

    // An update keeping its own tax number is fine; taking another's is not.
    let second = sandbox.organisation("Second").await;
    let own = json!({"name": "Second renamed", "taxNumber": "BE-Second"});
    for verb in ["PUT", "PATCH"] {
        let path = format!("/v1/organisations/{second}");
        assert_eq!(
            sandbox.call(verb, &path, Some(own.clone())).await.status,
            StatusCode::NO_CONTENT
        );
        let steal = json!({"name": "Second", "taxNumber": "BE-First"});
        let reply = sandbox.call(verb, &path, Some(steal)).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{verb}");
        let errors = &reply.body["organisation"]["errors"];
        assert_eq!(
            errors["errors"],
            json!(["This organisation with the same tax number already exists in our database."])
        );
        assert_eq!(errors["children"]["taxNumber"], json!({}));
    }
    let second = sandbox.call("GET", &format!("/v1/organisations/{second}"), None).await;
    assert_eq!(second.body["organisation"]["taxNumber"], "BE-Second");
    // Once the first is gone, its tax number is free again.
    sandbox
        .call("DELETE", &format!("/v1/organisations/{first}"), None)
        .await;
    let reply = sandbox
        .call(
            "POST",
            "/v1/organisations",
            Some(json!({"name": "Copy", "taxNumber": "BE-First"})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED);
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
        .call(
            "PATCH",
            &path,
            Some(json!({"name": "A", "taxNumber": "T1", "city": "Brugge", "zip": 8000})),
        )
        .await;
    assert_eq!(patch.status, StatusCode::NO_CONTENT);
    let org = sandbox.call("GET", &path, None).await.body["organisation"].clone();
    assert_eq!(org["name"], "A");
    assert_eq!(org["taxNumber"], "T1");
    assert_eq!(org["city"], "Brugge");
    assert_eq!(org["zip"], "8000");
    let blank = sandbox
        .call("PATCH", &path, Some(json!({"name": "", "taxNumber": "T1"})))
        .await;
    assert_eq!(blank.status, StatusCode::BAD_REQUEST);
    // Seed alias: `defaultAgreement` is `defaultAgreements`.
    let agreements = json!({"Level27\\AppBundle\\Entity\\App": 83});
    let patch = sandbox
        .call(
            "PATCH",
            &path,
            Some(json!({"name": "A", "taxNumber": "T1", "defaultAgreement": agreements})),
        )
        .await;
    assert_eq!(patch.status, StatusCode::NO_CONTENT);
    let org = sandbox.call("GET", &path, None).await.body["organisation"].clone();
    assert_eq!(org["defaultAgreements"], agreements);
    // PATCH leaves absent fields alone: the city is still there.
    assert_eq!(org["city"], "Brugge");
}

#[tokio::test]
async fn patch_requires_name_and_tax_number_as_the_seed_marks_them() {
    let sandbox = Sandbox::new();
    let id = sandbox.organisation("Patched").await;
    let path = format!("/v1/organisations/{id}");
    for body in [
        json!({}),
        json!({"city": "Brugge"}),
        json!({"name": "Patched", "city": "Brugge"}),
    ] {
        let reply = sandbox.call("PATCH", &path, Some(body.clone())).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{body}");
        let children = &reply.body["organisation"]["errors"]["children"];
        assert_eq!(
            children["taxNumber"],
            json!({"errors": ["This value should not be blank."]}),
            "{body}"
        );
    }
    // Nothing changed.
    let org = sandbox.call("GET", &path, None).await.body["organisation"].clone();
    assert_eq!(org["city"], json!(null));
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
            Some(json!({"name": "t", "organisation": org})),
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
