//! Schema declarations. A resource module declares each attribute once: its Terraform name and
//! type, how it is set (required/optional/computed), its validators and plan rules, and the API
//! field it is sent as and read back from. The engine derives behaviour from these declarations.

use super::codecs::{Codec, Normaliser};
use super::validate::Validator;
use super::value::{Type, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Required,
    Optional,
    Computed,
    /// Optional; when the configuration leaves it out the provider (or the API) decides the value.
    OptionalComputed,
}

impl Mode {
    pub fn is_computed(self) -> bool {
        matches!(self, Mode::Computed | Mode::OptionalComputed)
    }

    pub fn is_configurable(self) -> bool {
        !matches!(self, Mode::Computed)
    }
}

/// See [`Attribute::infer_from`].
#[derive(Clone, Copy, Debug)]
pub struct Inference {
    pub source: &'static ListSource,
    /// (item field, attribute) pairs that must be equal.
    pub matching: &'static [(&'static str, &'static str)],
    /// The item field holding the value.
    pub path: &'static str,
}

/// Where an attribute lives in the API.
#[derive(Clone, Debug, Default)]
pub struct ApiField {
    /// The request-body key it is sent as (create and update).
    pub send: Option<&'static str>,
    /// A dotted path in the API object it is read back from (`"country.id"`). Attributes without
    /// one keep the value they had (e.g. ids that only appear in the URL).
    pub read: Option<&'static str>,
    /// Sent only on create (the API ignores or rejects it on update); a change must replace the
    /// object, so it is declared together with `requires_replace` (`spec_check` enforces it).
    pub create_only: bool,
    /// Sent only on update (the create form does not take it: a system's `limitRiops`).
    pub update_only: bool,
    /// Sent in every PATCH even when unchanged, for APIs whose PATCH form marks it required.
    pub always_send: bool,
    /// An object id: a string in Terraform (see [`Attribute::id`]), a JSON number in the API,
    /// read back from a number, a numeric string or a nested `{"id": …}` object. On a list or set
    /// of strings (see [`Attribute::id_set`]), each element is one.
    pub id: bool,
    /// How the value is written in requests and read from answers (see [`Codec`]).
    pub codec: Codec,
    /// When an answer spelled differently means the same as the value in state (see
    /// [`Normaliser`]); the value in state is then kept.
    pub normaliser: Option<Normaliser>,
    /// Read from an item of another list instead of the object (see [`ListSource`]); `read` is
    /// then the path inside that item.
    pub via: Option<&'static ListSource>,
    /// Where a value the configuration cannot know is found before a create: the item of
    /// another list at a path (an app's base package is its plan's `customPackageName`).
    pub fill_from: Option<(&'static ListSource, &'static str)>,
    /// A value the object never answers, found when it is unknown (after an import): the one
    /// item of a list whose fields equal the given attributes (see [`Attribute::infer_from`]).
    pub infer_from: Option<Inference>,
    /// A map of strings whose entries are sent as top-level body fields and read back only for
    /// the keys the state holds (see [`Attribute::spread`]).
    pub spread: bool,
}

/// A list the API serves beside the object, holding values the object's own GET lacks (a url's
/// `handleDns` is only in `/apps/{appId}/urls`). Read once per refresh and shared by every
/// resource that needs it (`framework::shared_reads`).
#[derive(Debug)]
pub struct ListSource {
    /// The list's path, with `{attribute}` placeholders filled from the state.
    pub path: &'static str,
    /// Its envelope key.
    pub plural: &'static str,
    /// The item field that identifies the object (`id`)…
    pub key: &'static str,
    /// …equal to this attribute's value (`id`).
    pub by: &'static str,
    /// Whether the list takes `limit`/`offset`; a list answered whole (`/domains/providers`) is
    /// read in one GET.
    pub paged: bool,
}

#[derive(Clone)]
pub struct Attribute {
    pub name: &'static str,
    pub ty: Type,
    pub mode: Mode,
    pub description: &'static str,
    /// The description in a data source derived from the resource, when the resource's speaks of
    /// what only a managed object does (replacement on change, what setting it needs).
    pub data_description: Option<&'static str>,
    pub sensitive: bool,
    /// Never stored in state (Terraform 1.11+); the value only reaches the API.
    pub write_only: bool,
    pub deprecated: Option<&'static str>,
    pub validators: Vec<Validator>,
    /// A change cannot be made in place: the plan shows a replacement.
    pub requires_replace: bool,
    /// The value used when the configuration leaves the attribute out.
    pub default: Option<Value>,
    /// A computed value the API may change on any update (unknown in an update plan instead of
    /// kept from the prior state).
    pub changes_on_update: bool,
    /// With `changes_on_update`: the attributes it is derived from; unknown in an update plan
    /// only when one of them changes (empty: any change of what the user sets).
    pub changes_with: &'static [&'static str],
    pub api: ApiField,
    /// Set for a nested attribute (protocol 6): `ty` is then derived from these attributes.
    pub nested: Option<NestedAttributes>,
    /// The provider argument whose value is used when the configuration leaves this one out
    /// (e.g. the provider's default `organisation_id`).
    pub provider_default: Option<&'static str>,
}

/// The attributes of a nested attribute and how they nest (one object, a list, set or map of them).
#[derive(Clone)]
pub struct NestedAttributes {
    pub nesting: Nesting,
    pub attributes: Vec<Attribute>,
}

impl NestedAttributes {
    pub fn object_type(&self) -> Type {
        let mut attrs: Vec<(String, Type)> = self
            .attributes
            .iter()
            .map(|a| (a.name.to_string(), a.ty.clone()))
            .collect();
        attrs.sort_by(|a, b| a.0.cmp(&b.0));
        Type::Object(attrs)
    }
}

impl Attribute {
    pub fn new(name: &'static str, ty: Type) -> Attribute {
        Attribute {
            name,
            ty,
            mode: Mode::Optional,
            description: "",
            data_description: None,
            sensitive: false,
            write_only: false,
            deprecated: None,
            validators: Vec::new(),
            requires_replace: false,
            default: None,
            changes_on_update: false,
            changes_with: &[],
            api: ApiField::default(),
            nested: None,
            provider_default: None,
        }
    }

    /// A nested attribute: `nesting` objects made of `attributes`.
    pub fn nested(name: &'static str, nesting: Nesting, attributes: Vec<Attribute>) -> Attribute {
        let nested = NestedAttributes { nesting, attributes };
        let object = nested.object_type();
        let ty = match nesting {
            Nesting::Single => object,
            Nesting::List => Type::List(Box::new(object)),
            Nesting::Set => Type::Set(Box::new(object)),
            Nesting::Map => Type::Map(Box::new(object)),
        };
        Attribute {
            nested: Some(nested),
            ..Attribute::new(name, ty)
        }
    }

    pub fn string(name: &'static str) -> Attribute {
        Attribute::new(name, Type::String)
    }

    pub fn number(name: &'static str) -> Attribute {
        Attribute::new(name, Type::Number)
    }

    /// The id of an API object (its own `id`, or a reference such as `organisation_id`).
    ///
    /// A string holding a positive whole number, as in Level27's own provider and in most of
    /// the ecosystem (the SDK's `id` is a string; import ids are strings), so ids compare equal
    /// wherever they appear. It is also cheaper for Terraform: every number it stores is
    /// formatted through arbitrary-precision decimals and allocates as it goes; a sampled plan
    /// of 500 teams used about a fifth more CPU with numeric ids (`scripts/bench --profile` with a
    /// numeric-id build as `--baseline`: the number-formatting and GC rows).
    pub fn id(name: &'static str) -> Attribute {
        let mut a = Attribute::new(name, Type::String).validate(super::validate::api_id());
        a.api.id = true;
        a
    }

    pub fn bool(name: &'static str) -> Attribute {
        Attribute::new(name, Type::Bool)
    }

    pub fn required(mut self) -> Self {
        self.mode = Mode::Required;
        self
    }

    pub fn optional(mut self) -> Self {
        self.mode = Mode::Optional;
        self
    }

    pub fn computed(mut self) -> Self {
        self.mode = Mode::Computed;
        self
    }

    pub fn optional_computed(mut self) -> Self {
        self.mode = Mode::OptionalComputed;
        self
    }

    /// Markdown description shown in docs and by language servers.
    pub fn describe(mut self, text: &'static str) -> Self {
        self.description = text;
        self
    }

    /// The description in the data source derived from the resource (`describe` is used there
    /// when this is not given).
    pub fn describe_data(mut self, text: &'static str) -> Self {
        self.data_description = Some(text);
        self
    }

    pub fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }

    pub fn write_only(mut self) -> Self {
        self.write_only = true;
        self.sensitive = true;
        self
    }

    pub fn deprecated(mut self, message: &'static str) -> Self {
        self.deprecated = Some(message);
        self
    }

    pub fn validate(mut self, v: Validator) -> Self {
        self.validators.push(v);
        self
    }

    pub fn requires_replace(mut self) -> Self {
        self.requires_replace = true;
        self
    }

    /// A default makes the attribute optional+computed: the plan shows the value that will be used.
    /// (A mode set after it, `.default(v).required()`, is a contradiction `spec_check` reports.)
    pub fn default(mut self, v: Value) -> Self {
        self.default = Some(v);
        self.mode = Mode::OptionalComputed;
        self
    }

    /// Optional here when the provider block sets `provider_argument`; its value is then planned.
    pub fn provider_default(mut self, provider_argument: &'static str) -> Self {
        self.provider_default = Some(provider_argument);
        self.mode = Mode::OptionalComputed;
        self
    }

    pub fn changes_on_update(mut self) -> Self {
        self.changes_on_update = true;
        self
    }

    /// A computed value the API derives from `sources` (a contact's full name from its first and
    /// last names): unknown in an update plan only when one of them changes.
    pub fn changes_with(mut self, sources: &'static [&'static str]) -> Self {
        self.changes_on_update = true;
        self.changes_with = sources;
        self
    }

    /// Sent as and read back from the same API field.
    pub fn api(mut self, field: &'static str) -> Self {
        self.api.send = Some(field);
        self.api.read = Some(field);
        self
    }

    /// Sent as this request field (nothing is read back unless `read_from` is also given).
    pub fn send_as(mut self, field: &'static str) -> Self {
        self.api.send = Some(field);
        self
    }

    /// Read back from this dotted path of the API object.
    pub fn read_from(mut self, path: &'static str) -> Self {
        self.api.read = Some(path);
        self
    }

    pub fn create_only(mut self) -> Self {
        self.api.create_only = true;
        self
    }

    /// Read back from the item of `source` that is this object, at `path` inside it.
    pub fn read_via(mut self, source: &'static ListSource, path: &'static str) -> Self {
        self.api.via = Some(source);
        self.api.read = Some(path);
        self
    }

    /// Before a create, when the planned value is unknown (a computed attribute), sent as the
    /// value at `path` in the item of `source` that `source.by` names (read once per process
    /// and shared, see `framework::shared_reads`). Read back as declared otherwise.
    pub fn fill_from(mut self, source: &'static ListSource, path: &'static str) -> Self {
        self.api.fill_from = Some((source, path));
        self
    }

    /// When the state holds no value (after an import: the API never answers it), the value at
    /// `path` of the only item of `source` whose `matching` fields equal the state's attributes
    /// (an app's plan: the one plan of its organisation with its base package). Several or no
    /// candidates: it stays unknown to the state and the configuration's value is adopted.
    pub fn infer_from(
        mut self,
        source: &'static ListSource,
        matching: &'static [(&'static str, &'static str)],
        path: &'static str,
    ) -> Self {
        self.api.infer_from = Some(Inference { source, matching, path });
        self
    }

    /// A map of strings whose entries are body fields of their own (`{"memory": "256"}` is sent as
    /// `"memory": "256"` next to the other fields), read back from the object at the `read_from`
    /// path, for the keys the map holds only: the API's other entries are not the map's.
    pub fn spread(mut self) -> Self {
        self.api.spread = true;
        self
    }

    /// Sent on update only; on create the API decides the value (make it optional+computed, or
    /// the plan after create cannot hold).
    pub fn update_only(mut self) -> Self {
        self.api.update_only = true;
        self
    }

    /// Include the field in every PATCH body, changed or not.
    pub fn always_send(mut self) -> Self {
        self.api.always_send = true;
        self
    }

    /// A set of object ids (`team_ids`, `sshkey_ids`): strings in Terraform, each validated as an
    /// id (see [`Attribute::id`]), sent as JSON numbers `[1, 2]`, read back from numbers, numeric
    /// strings or objects `[{"id": 1, …}]`.
    pub fn id_set(name: &'static str) -> Attribute {
        Attribute::ids(name, Type::Set(Box::new(Type::String)))
    }

    /// A list of object ids, as [`Attribute::id_set`] but in order.
    pub fn id_list(name: &'static str) -> Attribute {
        Attribute::ids(name, Type::List(Box::new(Type::String)))
    }

    fn ids(name: &'static str, ty: Type) -> Attribute {
        let mut a = Attribute::new(name, ty).validate(super::validate::each(super::validate::api_id()));
        a.api.id = true;
        a
    }

    /// A set of strings.
    pub fn string_set(name: &'static str) -> Attribute {
        Attribute::new(name, Type::Set(Box::new(Type::String)))
    }

    /// A list of strings.
    pub fn string_list(name: &'static str) -> Attribute {
        Attribute::new(name, Type::List(Box::new(Type::String)))
    }

    /// Sent as one comma-separated string (`"1,2,3"`) and read back from one (or from an array):
    /// for a list or set of strings or ids.
    pub fn csv(mut self) -> Self {
        self.api.codec = Codec::Csv;
        self
    }

    /// A list of nested objects the API keeps as numbered fields of the object itself, each
    /// sub-attribute naming its field with `{n}` (`.api("nameserverIp{n}")`): at most `spec.max`
    /// elements (validated at plan), element `i` in slot `i + 1` (see `framework::numbered`).
    ///
    /// An element whose sub-attributes are all null is an empty slot (how a domain whose name
    /// server 1 is empty and 2 set reads back, and what its generated configuration says), so
    /// Terraform sees every sub-attribute as optional; those declared `.required()` are required
    /// in the elements that set anything (checked at plan, see [`super::numbered::slots`]).
    pub fn numbered(mut self, spec: super::numbered::Numbered) -> Self {
        self.api.codec = Codec::Numbered(spec);
        // The fields are the object's own: sent among the body's, read from the object itself.
        self.api.send = Some("");
        self.api.read = Some("");
        let mut required = Vec::new();
        if let Some(n) = self.nested.as_mut() {
            for sub in n.attributes.iter_mut().filter(|a| a.mode == Mode::Required) {
                sub.mode = Mode::Optional;
                required.push(sub.name);
            }
        }
        self.validate(super::validate::max_items(spec.max))
            .validate(super::numbered::slots(required))
    }

    /// Keep the value in state when the API answers an equivalent spelling of it (host names,
    /// IP addresses, TXT content, numbers as text): for strings, or each element of a collection.
    pub fn normalise(mut self, rule: Normaliser) -> Self {
        self.api.normaliser = Some(rule);
        self
    }

    /// Keep the value in state when `same(a, b)` (symmetric; for collections, per element) says
    /// the API's answer means the same.
    pub fn equivalent(self, same: fn(&Value, &Value) -> bool) -> Self {
        self.normalise(Normaliser::Custom(same))
    }

    /// The normaliser chosen by a sibling attribute's value, e.g. a record's `content` by its
    /// `type`: `.normalise_by("type", &[("A", Normaliser::IpAddress), ("CNAME", Normaliser::Hostname)])`.
    pub fn normalise_by(self, attribute: &'static str, cases: &'static [(&'static str, Normaliser)]) -> Self {
        self.normalise(Normaliser::BySibling { attribute, cases })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nesting {
    Single,
    List,
    Set,
    Map,
}

#[derive(Clone)]
pub struct NestedBlock {
    pub name: &'static str,
    pub nesting: Nesting,
    pub block: Block,
    /// The most blocks a List or Set may hold (0: no limit). Not used for `Single`, which
    /// Terraform requires to declare no item limits.
    pub max_items: i64,
}

#[derive(Clone, Default)]
pub struct Block {
    pub attributes: Vec<Attribute>,
    pub blocks: Vec<NestedBlock>,
    pub description: &'static str,
    pub deprecated: Option<&'static str>,
}

impl Block {
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    /// The object type of values of this block.
    pub fn value_type(&self) -> Type {
        let mut attrs: Vec<(String, Type)> = self
            .attributes
            .iter()
            .map(|a| (a.name.to_string(), a.ty.clone()))
            .collect();
        for b in &self.blocks {
            let t = b.block.value_type();
            attrs.push((
                b.name.to_string(),
                match b.nesting {
                    Nesting::Single => t,
                    Nesting::List => Type::List(Box::new(t)),
                    Nesting::Set => Type::Set(Box::new(t)),
                    Nesting::Map => Type::Map(Box::new(t)),
                },
            ));
        }
        attrs.sort_by(|a, b| a.0.cmp(&b.0));
        Type::Object(attrs)
    }
}

/// A versioned schema; the version drives state upgrades.
#[derive(Clone)]
pub struct Schema {
    pub version: i64,
    pub block: Block,
}
