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

/// A contact of `org` of type `kind`, with the email `email`; its id.
async fn contact(sandbox: &Sandbox, org: u64, kind: &str, email: &str) -> u64 {
    let made = sandbox
        .call(
            "POST",
            "/v1/domaincontacts",
            Some(json!({"organisation": org, "type": kind, "firstName": "Ada",
                "lastName": "Peeters", "organisationName": "Acme", "country": "BE",
                "phone": "+32.91234567", "fax": "+32.91234500", "email": email,
                "taxNumber": "BE0123456789", "passportNumber": "EB1234565", "gender": "F"})),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    made.body["domaincontact"]["id"].as_u64().expect("id")
}

/// Seed L23455: the contact list takes `type` (licensee or onsite) and keeps those.
#[tokio::test]
async fn contacts_are_listed_by_type() {
    let sandbox = Sandbox::new();
    let org = sandbox.organisation("Contacts").await;
    let licensee = contact(&sandbox, org, "licensee", "l@acme.example").await;
    let onsite = contact(&sandbox, org, "onsite", "o@acme.example").await;
    let ids = |list: &Value| -> Vec<u64> {
        let all = list["domaincontacts"].as_array().cloned().unwrap_or_default();
        all.iter().filter_map(|c| c["id"].as_u64()).collect()
    };
    let on = sandbox.call("GET", "/v1/domaincontacts?type=onsite", None).await;
    assert_eq!(on.status, StatusCode::OK, "{}", on.body);
    assert_eq!(ids(&on.body), [onsite]);
    let li = sandbox.call("GET", "/v1/domaincontacts?type=licensee", None).await;
    assert_eq!(ids(&li.body), [licensee]);
    let all = sandbox.call("GET", "/v1/domaincontacts", None).await;
    assert_eq!(ids(&all.body), [licensee, onsite]);
}

/// Seed L18183–L18213 (create, list and item alike): a domain shows its contacts whole, with
/// `status`, the country as `{id, name}` and `fullname`, but without `organisation`.
#[tokio::test]
async fn a_domain_shows_its_contacts_as_the_seed_does() {
    let sandbox = Sandbox::new();
    let org = sandbox.organisation("Shown").await;
    let licensee = contact(&sandbox, org, "licensee", "shown@acme.example").await;
    let made = sandbox
        .call(
            "POST",
            "/v1/domains",
            Some(json!({"organisation": org, "name": "shown", "action": "none",
                "domaincontactLicensee": licensee, "domaintype": 364})),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let id = made.body["domain"]["id"].as_u64().expect("id");
    let item = sandbox.call("GET", &format!("/v1/domains/{id}"), None).await;
    let list = sandbox.call("GET", "/v1/domains", None).await;
    for shown in [
        &made.body["domain"]["domaincontactLicensee"],
        &item.body["domain"]["domaincontactLicensee"],
        &list.body["domains"][0]["domaincontactLicensee"],
    ] {
        let keys: Vec<&str> = shown
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        assert_eq!(
            keys,
            [
                "id",
                "firstName",
                "lastName",
                "organisationName",
                "street",
                "houseNumber",
                "zip",
                "city",
                "state",
                "phone",
                "fax",
                "email",
                "taxNumber",
                "status",
                "passportNumber",
                "socialNumber",
                "birthStreet",
                "birthZip",
                "birthCity",
                "birthDate",
                "gender",
                "type",
                "country",
                "fullname"
            ],
            "{shown}"
        );
        assert_eq!(shown["id"], json!(licensee));
        assert_eq!(shown["country"], json!({"id": "BE", "name": "Belgium"}));
        assert_eq!(shown["status"], json!(10));
        assert_eq!(shown["passportNumber"], "EB1234565");
        assert_eq!(shown["fullname"], "Ada Peeters");
    }
    assert_eq!(item.body["domain"]["domaincontactOnsite"], Value::Null);
}

/// Seed L23630 documents a 400 for DELETE of a contact; a domain's licensee (required, L18088)
/// or onsite contact cannot go while the domain holds it. Once the domain is gone it can.
#[tokio::test]
async fn a_contact_a_domain_holds_is_not_deleted() {
    let sandbox = Sandbox::new();
    let org = sandbox.organisation("Held").await;
    let licensee = contact(&sandbox, org, "licensee", "held@acme.example").await;
    let onsite = contact(&sandbox, org, "onsite", "held-onsite@acme.example").await;
    let spare = contact(&sandbox, org, "licensee", "spare@acme.example").await;
    let made = sandbox
        .call(
            "POST",
            "/v1/domains",
            Some(json!({"organisation": org, "name": "held", "action": "none",
                "domaincontactLicensee": licensee, "domaincontactOnsite": onsite, "domaintype": 364})),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let domain = made.body["domain"]["id"].as_u64().expect("id");
    for held in [licensee, onsite] {
        let refused = sandbox
            .call("DELETE", &format!("/v1/domaincontacts/{held}"), None)
            .await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
        assert!(
            refused.body["message"].as_str().unwrap_or_default().contains("held.be"),
            "the message names the domain: {}",
            refused.body
        );
        let still = sandbox.call("GET", &format!("/v1/domaincontacts/{held}"), None).await;
        assert_eq!(still.status, StatusCode::OK);
    }
    let item = sandbox.call("GET", &format!("/v1/domains/{domain}"), None).await;
    assert_eq!(item.body["domain"]["domaincontactLicensee"]["id"], json!(licensee));
    let unused = sandbox
        .call("DELETE", &format!("/v1/domaincontacts/{spare}"), None)
        .await;
    assert_eq!(unused.status, StatusCode::NO_CONTENT, "{}", unused.body);
    let gone = sandbox.call("DELETE", &format!("/v1/domains/{domain}"), None).await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.body);
    let freed = sandbox
        .call("DELETE", &format!("/v1/domaincontacts/{licensee}"), None)
        .await;
    assert_eq!(freed.status, StatusCode::NO_CONTENT, "{}", freed.body);
}

/// Seed L18346–L18430: PUT takes the create body (name, action and the non-editable domaintype
/// required, autoTeams and externalInfo allowed), PATCH (L18449) a smaller one without them.
#[tokio::test]
async fn put_takes_the_seed_body_and_patch_its_own() {
    let sandbox = Sandbox::new();
    let id = domain(&sandbox).await;
    let path = format!("/v1/domains/{id}");
    let current = sandbox.call("GET", &path, None).await;
    let licensee = current.body["domain"]["domaincontactLicensee"]["id"].clone();
    let org = current.body["domain"]["organisation"]["id"].clone();
    // The seed's "none" example (L18402), with the required organisation it leaves out.
    let body = json!({"name": "acme-ci", "domaintype": 364, "handleDns": true,
        "domaincontactLicensee": licensee, "action": "none", "autoTeams": null,
        "externalInfo": null, "organisation": org, "ttl": 600});
    let put = sandbox.call("PUT", &path, Some(body.clone())).await;
    assert_eq!(put.status, StatusCode::NO_CONTENT, "{}", put.body);
    let read = sandbox.call("GET", &path, None).await;
    assert_eq!(read.body["domain"]["ttl"], 600);
    let mut bare = body.clone();
    for required in ["name", "action", "domaintype"] {
        bare.as_object_mut().map(|b| b.remove(required));
    }
    let missing = sandbox.call("PUT", &path, Some(bare)).await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST, "{}", missing.body);
    let children = &missing.body["domain"]["errors"]["children"];
    for required in ["name", "action", "domaintype"] {
        assert_eq!(
            children[required]["errors"],
            json!(["This value should not be blank."]),
            "{required}"
        );
    }
    let mut moved = body.clone();
    moved["domaintype"] = json!(75);
    let non_editable = sandbox.call("PUT", &path, Some(moved)).await;
    assert_eq!(non_editable.status, StatusCode::BAD_REQUEST, "{}", non_editable.body);
    assert_eq!(
        non_editable.body["domain"]["errors"]["children"]["domaintype"]["errors"],
        json!(["This value is not valid."])
    );
    let patch = sandbox.call("PATCH", &path, Some(json!({"ttl": 400}))).await;
    assert_eq!(patch.status, StatusCode::NO_CONTENT, "{}", patch.body);
    let renamed = sandbox.call("PATCH", &path, Some(json!({"name": "other"}))).await;
    assert_eq!(
        renamed.status,
        StatusCode::BAD_REQUEST,
        "PATCH has no name: {}",
        renamed.body
    );
}

/// A transfer made to fail ends in `transfer_failed` (a registration status of its own), and only
/// a transfer takes that failure: a plain create meanwhile is unaffected, while `creating_failed`
/// still fails whichever create comes next.
#[tokio::test]
async fn a_failed_transfer_ends_in_transfer_failed() {
    let sandbox = Sandbox::new();
    let org = sandbox.organisation("Moves").await;
    let licensee = contact(&sandbox, org, "licensee", "moves@acme-ci.example").await;
    let fail = |status: &'static str| {
        let sandbox = &sandbox;
        async move {
            let r = sandbox
                .call(
                    "POST",
                    "/_sandbox/fail-next",
                    Some(json!({"kind": "domain", "status": status})),
                )
                .await;
            assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        }
    };
    let register = |name: &'static str, action: &'static str| {
        let sandbox = &sandbox;
        async move {
            let made = sandbox
                .call(
                    "POST",
                    "/v1/domains",
                    Some(
                        json!({"organisation": org, "name": name, "action": action, "eppCode": "x-1",
                        "domaincontactLicensee": licensee, "handleDns": true, "domaintype": 364}),
                    ),
                )
                .await;
            assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
            let id = made.body["domain"]["id"].as_u64().expect("id");
            let read = sandbox.call("GET", &format!("/v1/domains/{id}"), None).await;
            read.body["domain"]["status"].as_str().unwrap_or_default().to_string()
        }
    };
    fail("transfer_failed").await;
    assert_eq!(
        register("kept", "none").await,
        "ok",
        "a plain create leaves a transfer's failure"
    );
    assert_eq!(register("moved", "transfer").await, "transfer_failed");
    fail("creating_failed").await;
    assert_eq!(register("moved-too", "transfer").await, "creating_failed");
    assert_eq!(register("kept-too", "none").await, "ok");

    let r = sandbox
        .call(
            "POST",
            "/_sandbox/fail-next",
            Some(json!({"kind": "system", "status": "transfer_failed"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "only domains transfer: {}", r.body);
}

/// The ids in a domain list answer.
fn domain_ids(list: &Value) -> Vec<u64> {
    let all = list["domains"].as_array().cloned().unwrap_or_default();
    all.iter().filter_map(|d| d["id"].as_u64()).collect()
}

/// Seed: silent on letter case. DNS names are case-insensitive and registries hold them in lower
/// case, so a domain made as `Acme-Case` is `acme-case` in every answer, found whichever case a
/// lookup uses, and one name per extension whatever its case.
#[tokio::test]
async fn a_domain_name_is_answered_in_lower_case_and_found_in_any() {
    let sandbox = Sandbox::new();
    let first = domain(&sandbox).await;
    let org = sandbox.organisation("Case").await;
    let licensee = contact(&sandbox, org, "licensee", "case@acme.example").await;
    let body = |name: &str| {
        json!({"organisation": org, "name": name, "action": "none", "domaincontactLicensee": licensee,
               "domaintype": 364})
    };
    let made = sandbox.call("POST", "/v1/domains", Some(body("Acme-Case"))).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    assert_eq!(made.body["domain"]["name"], "acme-case");
    assert_eq!(made.body["domain"]["fullname"], "acme-case.be");
    let id = made.body["domain"]["id"].as_u64().expect("id");
    let item = sandbox.call("GET", &format!("/v1/domains/{id}"), None).await;
    assert_eq!(item.body["domain"]["fullname"], "acme-case.be", "{}", item.body);
    let listed = sandbox.call("GET", "/v1/domains?limit=100", None).await;
    let names: Vec<&str> = listed.body["domains"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d["fullname"].as_str())
        .collect();
    assert_eq!(names, ["acme-ci.be", "acme-case.be"], "{}", listed.body);
    let found = sandbox.call("GET", "/v1/domains?filter=ACME-Case.BE", None).await;
    assert_eq!(domain_ids(&found.body), [id], "{}", found.body);
    let again = sandbox.call("POST", "/v1/domains", Some(body("ACME-CASE"))).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST, "{}", again.body);
    assert!(
        again.body.to_string().contains("This domain already exists."),
        "{}",
        again.body
    );
    let check = sandbox
        .call("GET", "/v1/domains/check?name=Acme-CASE&extension=BE", None)
        .await;
    assert_eq!(check.body["status"], "registered", "{}", check.body);
    assert_eq!(check.body["domainNameWithExtension"], "acme-case.be");
    assert_ne!(first, id);
}

/// Seed L18233: the domain list's own parameters `action` (create, none, transfer), `mailgroup`
/// (linked, not_linked), `status`, `exactSearch` (0, 1 or empty) and `billingStatus` keep the
/// domains they name; a value outside a listed set is refused, as `orderType`'s is.
#[tokio::test]
async fn the_domain_list_keeps_what_its_parameters_name() {
    let sandbox = Sandbox::new();
    let managed = domain(&sandbox).await;
    let org = sandbox.organisation("Filters").await;
    let licensee = contact(&sandbox, org, "licensee", "filters@acme.example").await;
    let mut ids = vec![managed];
    for (name, action) in [("acme-ci-shop", "create"), ("acme-ci-moved", "transfer")] {
        let made = sandbox
            .call(
                "POST",
                "/v1/domains",
                Some(
                    json!({"organisation": org, "name": name, "action": action, "eppCode": "X1",
                            "domaincontactLicensee": licensee, "domaintype": 364}),
                ),
            )
            .await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
        ids.push(made.body["domain"]["id"].as_u64().expect("id"));
    }
    let listed = |query: &'static str| {
        let sandbox = &sandbox;
        async move {
            let reply = sandbox
                .call("GET", &format!("/v1/domains?limit=100&{query}"), None)
                .await;
            assert_eq!(reply.status, StatusCode::OK, "{query}: {}", reply.body);
            domain_ids(&reply.body)
        }
    };
    assert_eq!(listed("action=create").await, [ids[1]]);
    assert_eq!(listed("action=transfer").await, [ids[2]]);
    assert_eq!(listed("action=none").await, [ids[0]]);
    assert_eq!(listed("action=").await, ids, "an empty value is no filter");
    assert_eq!(listed("status=ok").await, ids, "the sandbox registers at once");
    assert_eq!(listed("status=to_create").await, Vec::<u64>::new());
    assert_eq!(listed("billingStatus=billable").await, ids);
    assert_eq!(listed("billingStatus=free").await, Vec::<u64>::new());
    assert_eq!(listed("mailgroup=not_linked").await, ids, "no domain has a mailgroup");
    assert_eq!(listed("mailgroup=linked").await, Vec::<u64>::new());
    // `filter` matches part of a name; with exactSearch=1 only a whole name or full name.
    assert_eq!(listed("filter=acme-ci").await, ids);
    assert_eq!(listed("filter=acme-ci&exactSearch=1").await, [ids[0]]);
    assert_eq!(listed("filter=ACME-CI-SHOP.be&exactSearch=1").await, [ids[1]]);
    assert_eq!(listed("filter=acme-ci&exactSearch=0").await, ids);
    for bad in ["action=delete", "mailgroup=yes", "exactSearch=2"] {
        let reply = sandbox.call("GET", &format!("/v1/domains?{bad}"), None).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{bad}: {}", reply.body);
        let name = bad.split('=').next().unwrap_or_default();
        assert!(
            reply.body["message"].as_str().is_some_and(|m| m.contains(name)),
            "{}",
            reply.body
        );
    }
}

/// Seed L23224: a free name's check lists the registration product with its prices (.be at 2400,
/// the example's), as the seed's `free` example does; a registered one has `products: null`.
#[tokio::test]
async fn a_free_domain_check_lists_its_registration_prices() {
    let sandbox = Sandbox::new();
    domain(&sandbox).await;
    let free = sandbox
        .call("GET", "/v1/domains/check?name=nobody-has-this&extension=be", None)
        .await;
    assert_eq!(free.status, StatusCode::OK, "{}", free.body);
    assert_eq!(free.body["status"], "free");
    let price = json!({"id": 1453, "period": 12, "currency": "EUR", "price": "2400", "timing": "pre",
                       "default": true, "status": 10, "pricegroup": {"id": "default"}});
    assert_eq!(
        free.body["products"],
        json!([{"id": "domain_be_registration", "description": ".be domain registration",
                "prices": [price.clone()], "agreementPrices": [], "defaultAgreementPrices": [price],
                "allowQuantityChange": null, "quantityCalculation": null}])
    );
    let com = sandbox
        .call("GET", "/v1/domains/check?name=nobody-has-this&extension=com", None)
        .await;
    let product = &com.body["products"][0];
    assert_eq!(product["id"], "domain_com_registration", "{}", com.body);
    assert_eq!(product["prices"][0]["price"], "1431", "the seed's .com price (L20385)");
    let taken = sandbox
        .call("GET", "/v1/domains/check?name=acme-ci&extension=be", None)
        .await;
    assert_eq!(taken.body["status"], "registered");
    assert_eq!(taken.body["products"], Value::Null);
}
