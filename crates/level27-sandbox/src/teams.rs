//! `/v1/organisations/{organisationId}/teams[/{teamId}]` (seed L3610–L3926): the declaration
//! `core` serves.
//!
//! Teams are synchronous. There is no PATCH (the router answers 405). Users and entities of a
//! team have their own endpoints in the seed, not implemented yet: they render as empty lists.

use serde_json::json;

use crate::entity::{opt, req, Dflt, Entity, Field, OnParentDelete, Parent, Shapes, Slot, Type, Verbs};

pub(crate) static TEAM: Entity = Entity {
    kind: "team",
    plural: "teams",
    label: "Team",
    first_id: 5000,
    collection: "/v1/organisations/{organisationId}/teams",
    item: "/v1/organisations/{organisationId}/teams/{teamId}",
    parent: Some(Parent {
        kind: "organisation",
        field: "organisation",
        on_delete: OnParentDelete::Cascade,
    }),
    fields: &[
        Field::new("name", Type::Text),
        Field::new("organisation", Type::PathParent),
        Field::new("adminOnly", Type::Bool).default(Dflt::Bool(false)),
    ],
    computed: &[
        ("users", || json!([])),
        ("entities", || json!([])),
        (
            "teamEntities",
            || json!({ "apps": [], "domains": [], "mailgroups": [], "systems": [] }),
        ),
    ],
    create: FORM,
    // PUT: the same body as create; an omitted `adminOnly` goes back to false.
    update: FORM,
    aliases: &[],
    // DELETE. Seed: no response is documented; 204 like every other delete.
    verbs: Verbs::PUT,
    // Seed L3632: single teams carry `teamEntities`; list items (L3750) do not.
    shapes: Shapes {
        created: ITEM,
        item: ITEM,
        list: &["id", "name", "adminOnly", "users", "entities"],
    },
    // Seed: `showAdminOnlyTeams` ("admin only", malformed enum) and `tag` are accepted and
    // ignored: the sandbox's key acts as an admin and sees every team.
    sortable: &["id", "name", "adminOnly"],
    lifecycle: None,
    validate: None,
    present: None,
    bare: false,
    foreign: None,
};

/// Seed L3620 / L3800: `organisation: required(integer)` on create and PUT, although both
/// examples omit it; the table wins, so a body without it is a 400 like a missing name. It must
/// be the path's organisation (`Type::PathParent`): a team never moves.
const FORM: &[Slot] = &[req("name"), req("organisation"), opt("adminOnly")];

const ITEM: &[&str] = &["id", "name", "adminOnly", "users", "entities", "teamEntities"];
