//! How an API object is declared: paths, envelope keys, the create and update forms, the stored
//! fields with their types and defaults, the answer shape of each verb, the parent, the status
//! machine and the hooks for what is truly particular. `core` serves every entity from this.
//!
//! A declaration reads like the seed's page for the object (see `teams.rs` in full):
//!
//! ```text
//! pub(crate) static TEAM: Entity = Entity {
//!     kind: "team", plural: "teams", label: "Team", first_id: 5000,
//!     collection: "/v1/organisations/{organisationId}/teams",
//!     item: "/v1/organisations/{organisationId}/teams/{teamId}",
//!     parent: Some(Parent { kind: "organisation", field: "organisation", on_delete: OnParentDelete::Cascade }),
//!     fields: &[Field::new("name", Type::Text), Field::new("organisation", Type::PathParent),
//!               Field::new("adminOnly", Type::Bool).default(Dflt::Bool(false))],
//!     create: &[req("name"), req("organisation"), opt("adminOnly")], update: …,
//!     verbs: Verbs::PUT, shapes: Shapes { created: …, item: …, list: … }, lifecycle: None, …
//! };
//! ```

use serde_json::{json, Value};

use crate::error::ApiError;
use crate::form::Form;
use crate::store::{Record, State};

/// One API object type.
pub(crate) struct Entity {
    /// Singular envelope key, form name, id sequence and `fail-next` kind: `organisation`.
    pub(crate) kind: &'static str,
    /// Plural envelope key of lists and the data file's collection: `organisations`.
    pub(crate) plural: &'static str,
    /// The 404 message's subject: "Organisation is not found".
    pub(crate) label: &'static str,
    /// The first id handed out. Each kind starts at its own base, so an id of one kind used
    /// where another is expected (a classic provider bug) finds nothing.
    pub(crate) first_id: u64,
    /// The collection path (list, create) with one `{param}` per ancestor.
    pub(crate) collection: &'static str,
    /// The item path: the collection's parameters plus the object's own.
    pub(crate) item: &'static str,
    pub(crate) parent: Option<Parent>,
    /// Every stored field (besides `id` and the parent field when it is not in a form).
    pub(crate) fields: &'static [Field],
    /// Answer-only fields with a fixed value (`users: []` until users exist).
    pub(crate) computed: &'static [Computed],
    /// The create form, in the seed's order (the order of `children` in a 400).
    pub(crate) create: &'static [Slot],
    /// The PUT/PATCH form.
    pub(crate) update: &'static [Slot],
    /// Other spellings the API accepts for a form field: (alias, field).
    pub(crate) aliases: &'static [(&'static str, &'static str)],
    pub(crate) verbs: Verbs,
    pub(crate) shapes: Shapes,
    /// Fields `orderBy` accepts on the list.
    pub(crate) sortable: &'static [&'static str],
    /// `Some` for asynchronous objects: `status` (and `statusCategory`) move through
    /// `to_create` → `creating` → `ok` and so on, over `--async-ms`.
    pub(crate) lifecycle: Option<Lifecycle>,
    /// Checks of the whole form that no field type expresses (uniqueness across objects).
    pub(crate) validate: Option<fn(&mut Form, &Record, &State)>,
    /// Reshapes every answer from the stored record, for what no field declaration expresses
    /// (parameters grouped under one key and masked, a value derived from the status).
    pub(crate) present: Option<Present>,
    /// The create and item answers are the object itself, without the `{kind: …}` envelope
    /// (`/custompackages` answers `{"limits": …}`).
    pub(crate) bare: bool,
    /// Ids of objects that exist but are not the user's (Level27's shared systems): their item
    /// paths, and those of their children, answer 403 instead of 404; no list shows them.
    pub(crate) foreign: Option<fn(u64) -> bool>,
}

/// See [`Entity::present`]: the stored record and the answer rendered from the shape.
pub(crate) type Present = fn(&Record, &mut serde_json::Map<String, Value>);

/// An answer-only field: its name and value.
pub(crate) type Computed = (&'static str, fn() -> Value);

/// The owner of an object, named by the collection path (`/organisations/{id}/teams`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Parent {
    /// The parent entity's kind.
    pub(crate) kind: &'static str,
    /// The stored field holding the parent's id (also a form field when the API takes it).
    pub(crate) field: &'static str,
    pub(crate) on_delete: OnParentDelete,
}

/// What deleting a parent does to its children.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OnParentDelete {
    /// They go with it.
    Cascade,
    /// The parent's delete is refused (400 with this message) while children exist.
    // The coming entities (apps, components, domains, …) use this; `core`'s unit tests exercise it.
    #[cfg_attr(not(test), allow(dead_code))]
    Refuse(&'static str),
}

/// Which verbs the item path serves besides GET; the others answer 405.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Verbs {
    /// PUT: a full replacement of the update form; omitted fields go back to their defaults.
    pub(crate) put: bool,
    pub(crate) patch: Patch,
    pub(crate) delete: bool,
}

impl Verbs {
    pub(crate) const PUT: Verbs = Verbs {
        put: true,
        patch: Patch::None,
        delete: true,
    };
}

/// PATCH: only the fields present change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Patch {
    None,
    /// Required update fields may be left out.
    // The coming entities (apps, components, domains, …) use this; `core`'s unit tests exercise it.
    #[cfg_attr(not(test), allow(dead_code))]
    Partial,
    /// Required update fields are required on PATCH too (as the seed marks some PATCH bodies).
    PartialWithRequired,
    /// PATCH takes a form of its own (the seed documents a smaller body than PUT's); its
    /// required fields may be left out.
    PartialOf(&'static [Slot]),
}

/// The answer shape of each verb: field names in the seed example's order.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Shapes {
    /// The 201 of a create.
    pub(crate) created: &'static [&'static str],
    /// `GET` of one object.
    pub(crate) item: &'static [&'static str],
    /// An element of the list.
    pub(crate) list: &'static [&'static str],
}

/// The status machine of an asynchronous object.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Lifecycle {
    /// Whether an object whose delete finished stays readable with status `deleted` (seed
    /// L14159, L20028) or disappears (404).
    pub(crate) keep_deleted: bool,
    /// A failed status of its own, besides `creating_failed`, for the creates whose field holds
    /// a value: a domain transfer's `transfer_failed`.
    pub(crate) create_failure: Option<CreateFailure>,
}

/// See [`Lifecycle::create_failure`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct CreateFailure {
    pub(crate) status: &'static str,
    pub(crate) field: &'static str,
    pub(crate) value: &'static str,
}

/// One field of a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Slot {
    pub(crate) name: &'static str,
    /// Missing, `null` or `""` is "This value should not be blank.".
    pub(crate) required: bool,
    /// Update forms only: it may be sent, but only with the stored value.
    pub(crate) fixed: bool,
}

/// An optional form field.
pub(crate) const fn opt(name: &'static str) -> Slot {
    Slot {
        name,
        required: false,
        fixed: false,
    }
}

/// A required form field.
pub(crate) const fn req(name: &'static str) -> Slot {
    Slot {
        name,
        required: true,
        fixed: false,
    }
}

/// A required field that cannot change (the seed's "(non-editable)" in an update body).
// The coming entities (apps, components, domains, …) use this; `core`'s unit tests exercise it.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) const fn fixed(name: &'static str) -> Slot {
    Slot {
        name,
        required: true,
        fixed: true,
    }
}

/// A stored field.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Field {
    pub(crate) name: &'static str,
    pub(crate) ty: Type,
    /// The value of a create that leaves it out, and of a PUT that does.
    pub(crate) default: Dflt,
    pub(crate) render: Render,
    /// A value the server schedules: `null` or absent keeps it, even on PUT.
    pub(crate) sticky: bool,
    /// A non-null value refuses the object's DELETE with this message (400): a record the
    /// platform manages through its link to another object.
    pub(crate) refuses_delete: Option<&'static str>,
    /// For a `Ref`: while it names an object, that object's DELETE is refused (400) with the
    /// message this makes from the holding record (a domain's contacts).
    pub(crate) holds: Option<fn(&Record) -> String>,
}

impl Field {
    pub(crate) const fn new(name: &'static str, ty: Type) -> Field {
        Field {
            name,
            ty,
            default: Dflt::Null,
            render: Render::Stored,
            sticky: false,
            refuses_delete: None,
            holds: None,
        }
    }

    pub(crate) const fn default(self, default: Dflt) -> Field {
        Field { default, ..self }
    }

    pub(crate) const fn render(self, render: Render) -> Field {
        Field { render, ..self }
    }

    pub(crate) const fn sticky(self) -> Field {
        Field { sticky: true, ..self }
    }

    pub(crate) const fn refuses_delete(self, message: &'static str) -> Field {
        Field {
            refuses_delete: Some(message),
            ..self
        }
    }

    pub(crate) const fn holds(self, message: fn(&Record) -> String) -> Field {
        Field {
            holds: Some(message),
            ..self
        }
    }
}

/// How a body value is read (Symfony's form types); every type takes absent, `null` and `""` as
/// "no value".
#[derive(Debug, Clone, Copy)]
pub(crate) enum Type {
    /// Text; numbers are accepted and kept as their decimal text.
    Text,
    /// An integer (or numeric string) of at least `min`; stored as a number.
    Int { min: i64 },
    /// `true`/`false`, 0/1 and their strings.
    Bool,
    /// An integer among these ("The selected choice is invalid." otherwise).
    Choice(&'static [i64]),
    /// A string among these ("The selected choice is invalid." otherwise).
    // The coming entities (apps, components, domains, …) use this; `core`'s unit tests exercise it.
    #[cfg_attr(not(test), allow(dead_code))]
    Enum(&'static [&'static str]),
    /// The id of one of a fixed table's entries, answered as `{"id": …, <label>: …}` (country,
    /// price group); unknown ids are "This value is not valid.".
    Named(&'static Named),
    /// The id of an existing object of this kind, never the object itself; cleared when that
    /// object is deleted.
    Ref(&'static str),
    /// The parent's id, which must be the path's (an object never moves).
    PathParent,
    /// A comma-separated list, given as such or as an array of strings or numbers; stored as
    /// `"a,b"`.
    // The coming entities (apps, components, domains, …) use this; `core`'s unit tests exercise it.
    #[cfg_attr(not(test), allow(dead_code))]
    Csv,
    /// Digits only (Unix timestamps as the API writes them); stored as text.
    Digits,
    /// An object, array or null, stored as given.
    Json,
}

impl Type {
    /// An integer without bounds.
    pub(crate) const INT: Type = Type::Int { min: i64::MIN };
}

/// A table of named ids (countries by ISO code, price groups).
#[derive(Debug)]
pub(crate) struct Named {
    pub(crate) entries: &'static [(&'static str, &'static str)],
    /// The key of the name in the answer's object (`name`, `description`).
    pub(crate) label: &'static str,
}

impl Named {
    pub(crate) fn name(&self, id: &str) -> Option<&'static str> {
        self.entries
            .iter()
            .find(|(known, _)| *known == id)
            .map(|(_, name)| *name)
    }
}

/// A field's default value.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Dflt {
    Null,
    Bool(bool),
    Int(i64),
    Str(&'static str),
    /// Computed when needed (a date relative to now).
    With(fn() -> Value),
}

impl Dflt {
    pub(crate) fn value(self) -> Value {
        match self {
            Dflt::Null => Value::Null,
            Dflt::Bool(b) => json!(b),
            Dflt::Int(n) => json!(n),
            Dflt::Str(s) => json!(s),
            Dflt::With(f) => f(),
        }
    }
}

/// How a stored value is answered.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Render {
    /// As stored (`Named` fields as their `{id, name}` object).
    Stored,
    /// The referenced object's fields (`{"id", "name", "taxNumber"}`), or null.
    RefFields(&'static [&'static str]),
    /// `{key: value}`, or null for null (`organisationType: {"identifier": 2}`).
    Wrap(&'static str),
    /// Computed from the whole record and the clock, even when the stored value is null (a
    /// system's `runningStatus` moving through `stopping`, its `disk` answered as `"30.0"`).
    With(fn(&Record, Clock) -> Value),
    /// Computed from the whole record and the other objects (a url's certificate, shown once an
    /// automatic link is issued; a certificate's linked urls).
    Lookup(fn(&crate::core::Ctx, &State, &Record) -> Value),
    /// Computed from the whole stored object: an answer field named otherwise than the form's
    /// (`dnsIsHandled` for `handleDns`), a name joined from two fields, or the API's own
    /// spelling of a stored value (a record's content).
    Derived(fn(&Record) -> Value),
}

/// The time a rendered answer is for, with the sandbox's `--async-ms`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Clock {
    pub(crate) now_ms: u64,
    pub(crate) async_ms: u64,
}

impl Clock {
    /// Whether an action started at `since_ms` is still in progress.
    pub(crate) fn busy(self, since_ms: u64) -> bool {
        self.now_ms.saturating_sub(since_ms) < self.async_ms
    }
}

impl Entity {
    pub(crate) fn field(&self, name: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The PATCH form: its own, or the update form.
    pub(crate) fn patch_form(&self) -> &'static [Slot] {
        match self.verbs.patch {
            Patch::PartialOf(slots) => slots,
            _ => self.update,
        }
    }

    /// The stored field names of the create or update form, in form order.
    pub(crate) fn form_names(slots: &[Slot]) -> Vec<&'static str> {
        slots.iter().map(|s| s.name).collect()
    }

    /// A new object's stored fields before the create form is read.
    pub(crate) fn defaults(&self) -> Record {
        self.fields
            .iter()
            .map(|f| (f.name.to_string(), f.default.value()))
            .collect()
    }

    /// Adds the fields a record lacks (from an older data file) with their defaults.
    pub(crate) fn fill_defaults(&self, record: &mut Record) {
        for f in self.fields {
            if !record.contains_key(f.name) {
                record.insert(f.name.to_string(), f.default.value());
            }
        }
    }

    pub(crate) fn not_found(&self) -> ApiError {
        ApiError::not_found(self.label)
    }

    /// The declaration's invariants; `Err` names the first one broken. Checked by a unit test for
    /// every served entity (and by `router` at startup).
    pub(crate) fn check(&self, all: &[&'static Entity]) -> Result<(), String> {
        let known = |name: &str| {
            name == "id"
                || self.field(name).is_some()
                || self.computed.iter().any(|(n, _)| *n == name)
                || (self.lifecycle.is_some() && (name == "status" || name == "statusCategory"))
                || (name == "teams" && crate::team_links::family_of(self.kind).is_some())
        };
        let kind = |k: &str| all.iter().any(|e| e.kind == k);
        for slot in self.create.iter().chain(self.update).chain(self.patch_form()) {
            if self.field(slot.name).is_none() {
                return Err(format!("{}: form field {} is not a stored field", self.kind, slot.name));
            }
        }
        if let Some(slot) = self.create.iter().find(|s| s.fixed) {
            return Err(format!(
                "{}: {} is non-editable in the create form",
                self.kind, slot.name
            ));
        }
        for shape in [self.shapes.created, self.shapes.item, self.shapes.list] {
            if let Some(name) = shape.iter().find(|n| !known(n)) {
                return Err(format!("{}: answer field {name} has no value", self.kind));
            }
        }
        for name in self.sortable {
            if !self.shapes.list.contains(name) {
                return Err(format!("{}: sortable field {name} is not in the list shape", self.kind));
            }
        }
        for f in self.fields {
            if let Type::Ref(target) = f.ty {
                if !kind(target) {
                    return Err(format!("{}: {} refers to unknown kind {target}", self.kind, f.name));
                }
            }
        }
        let mut depth = 0;
        let mut ancestor = self.parent;
        while let Some(parent) = ancestor {
            depth += 1;
            let up = all.iter().find(|e| e.kind == parent.kind);
            let up = up.ok_or_else(|| format!("{}: unknown parent kind {}", self.kind, parent.kind))?;
            if !self.collection.starts_with(up.item) {
                return Err(format!("{}: collection path is not under {}", self.kind, up.item));
            }
            ancestor = up.parent;
        }
        let params = |path: &str| path.matches('{').count();
        if params(self.collection) != depth || params(self.item) != depth + 1 {
            return Err(format!(
                "{}: paths need one parameter per ancestor plus the id",
                self.kind
            ));
        }
        if !self.item.starts_with(self.collection) {
            return Err(format!("{}: item path is not under the collection path", self.kind));
        }
        Ok(())
    }
}
