use axum::http::StatusCode;
use serde_json::json;

use crate::common::Sandbox;

#[tokio::test]
async fn create_get_and_list_teams() {
    let sandbox = Sandbox::new();
    let org = sandbox.organisation("Org").await;
    let teams = format!("/v1/organisations/{org}/teams");
    let reply = sandbox
        .call(
            "POST",
            &teams,
            Some(json!({"name": "ops", "organisation": org, "adminOnly": true})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED);
    let team = &reply.body["team"];
    let id = team["id"].as_u64().expect("id");
    assert!(id >= 1000);
    assert_eq!(
        *team,
        json!({
            "id": id, "name": "ops", "adminOnly": true, "users": [], "entities": [],
            "teamEntities": {"apps": [], "domains": [], "mailgroups": [], "systems": []}
        })
    );
    let got = sandbox.call("GET", &format!("{teams}/{id}"), None).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(&got.body["team"], team);
    // A numeric string is an integer too.
    let second = sandbox
        .call(
            "POST",
            &teams,
            Some(json!({"name": "dev", "organisation": org.to_string()})),
        )
        .await;
    assert_eq!(second.status, StatusCode::CREATED);
    assert_eq!(second.body["team"]["adminOnly"], false);
    let list = sandbox.call("GET", &teams, None).await;
    assert_eq!(list.status, StatusCode::OK);
    let items = list.body["teams"].as_array().expect("teams");
    assert_eq!(items.len(), 2);
    assert!(items.iter().all(|t| t.get("teamEntities").is_none()));
    assert_eq!(items[0]["name"], "ops");
    let filtered = sandbox.call("GET", &format!("{teams}?filter=DE"), None).await;
    assert_eq!(filtered.body["teams"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn team_validation_errors() {
    let sandbox = Sandbox::new();
    let org = sandbox.organisation("Org").await;
    let other = sandbox.organisation("Other").await;
    let teams = format!("/v1/organisations/{org}/teams");
    let reply = sandbox
        .call("POST", &teams, Some(json!({"organisation": other, "color": "red"})))
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        reply.body,
        json!({"team": {"errors": {
            "errors": ["This form should not contain extra fields."],
            "children": {
                "name": {"errors": ["This value should not be blank."]},
                "organisation": {"errors": ["This value is not valid."]},
                "adminOnly": {}
            }
        }}})
    );
}

#[tokio::test]
async fn organisation_is_required_and_must_be_the_paths() {
    let sandbox = Sandbox::new();
    let org = sandbox.organisation("Org").await;
    let other = sandbox.organisation("Other").await;
    let teams = format!("/v1/organisations/{org}/teams");
    let blank = json!({"errors": ["This value should not be blank."]});
    let invalid = json!({"errors": ["This value is not valid."]});
    for (organisation, expected) in [
        (None, &blank),
        (Some(json!(null)), &blank),
        (Some(json!("")), &blank),
        (Some(json!(other)), &invalid),
        (Some(json!(999_999)), &invalid),
        (Some(json!("abc")), &invalid),
    ] {
        let mut body = json!({"name": "t"});
        if let Some(value) = organisation.clone() {
            body["organisation"] = value;
        }
        let reply = sandbox.call("POST", &teams, Some(body)).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{organisation:?}");
        assert_eq!(
            reply.body,
            json!({"team": {"errors": {"children": {
                "name": {}, "organisation": expected, "adminOnly": {}
            }}}}),
            "{organisation:?}"
        );
    }
    // Nothing was created, here or in the other organisation.
    for id in [org, other] {
        let list = sandbox
            .call("GET", &format!("/v1/organisations/{id}/teams"), None)
            .await;
        assert_eq!(list.body, json!({"teams": []}));
    }
    // PUT too: the team stays where it is.
    let created = sandbox
        .call("POST", &teams, Some(json!({"name": "t", "organisation": org})))
        .await;
    let id = created.body["team"]["id"].as_u64().expect("id");
    let path = format!("{teams}/{id}");
    let missing = sandbox.call("PUT", &path, Some(json!({"name": "renamed"}))).await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert_eq!(missing.body["team"]["errors"]["children"]["organisation"], blank);
    let moved = sandbox
        .call("PUT", &path, Some(json!({"name": "renamed", "organisation": other})))
        .await;
    assert_eq!(moved.status, StatusCode::BAD_REQUEST);
    assert_eq!(moved.body["team"]["errors"]["children"]["organisation"], invalid);
    let team = sandbox.call("GET", &path, None).await;
    assert_eq!(team.body["team"]["name"], "t");
}

#[tokio::test]
async fn teams_are_scoped_to_their_organisation() {
    let sandbox = Sandbox::new();
    let org = sandbox.organisation("Org").await;
    let other = sandbox.organisation("Other").await;
    let reply = sandbox
        .call(
            "POST",
            &format!("/v1/organisations/{org}/teams"),
            Some(json!({"name": "t", "organisation": org})),
        )
        .await;
    let team = reply.body["team"]["id"].as_u64().expect("id");
    let wrong = sandbox
        .call("GET", &format!("/v1/organisations/{other}/teams/{team}"), None)
        .await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND);
    assert_eq!(wrong.body, json!({"code": 404, "message": "Team is not found"}));
    let no_org = sandbox
        .call("GET", &format!("/v1/organisations/999999/teams/{team}"), None)
        .await;
    assert_eq!(
        no_org.body,
        json!({"code": 404, "message": "Organisation is not found"})
    );
    let list = sandbox.call("GET", "/v1/organisations/999999/teams", None).await;
    assert_eq!(list.status, StatusCode::NOT_FOUND);
    let create = sandbox
        .call(
            "POST",
            "/v1/organisations/999999/teams",
            Some(json!({"name": "t", "organisation": 999_999})),
        )
        .await;
    assert_eq!(create.status, StatusCode::NOT_FOUND);
    let other_list = sandbox
        .call("GET", &format!("/v1/organisations/{other}/teams"), None)
        .await;
    assert_eq!(other_list.body, json!({"teams": []}));
}

#[tokio::test]
async fn put_replaces_patch_is_not_allowed_delete_removes() {
    let sandbox = Sandbox::new();
    let org = sandbox.organisation("Org").await;
    let reply = sandbox
        .call(
            "POST",
            &format!("/v1/organisations/{org}/teams"),
            Some(json!({"name": "t", "organisation": org, "adminOnly": true})),
        )
        .await;
    let id = reply.body["team"]["id"].as_u64().expect("id");
    let path = format!("/v1/organisations/{org}/teams/{id}");
    let put = sandbox
        .call("PUT", &path, Some(json!({"name": "renamed", "organisation": org})))
        .await;
    assert_eq!(put.status, StatusCode::NO_CONTENT);
    assert!(put.raw.is_empty());
    let team = sandbox.call("GET", &path, None).await.body["team"].clone();
    assert_eq!(team["name"], "renamed");
    assert_eq!(team["adminOnly"], false, "PUT resets an omitted adminOnly");
    let bad = sandbox
        .call("PUT", &path, Some(json!({"organisation": org, "adminOnly": true})))
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let patch = sandbox.call("PATCH", &path, Some(json!({"name": "x"}))).await;
    assert_eq!(patch.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(patch.body["code"], 405);
    let delete = sandbox.call("DELETE", &path, None).await;
    assert_eq!(delete.status, StatusCode::NO_CONTENT);
    assert_eq!(sandbox.call("DELETE", &path, None).await.status, StatusCode::NOT_FOUND);
}
