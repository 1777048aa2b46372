//! A list of objects the API keeps as numbered flat fields of the object itself: a domain's name
//! servers are `nameserver1` … `nameserver4`, `nameserverIp1` …, `nameserverIpv61` …, which users
//! write as `nameservers = [{ hostname = "ns1.acme.example", ipv4 = "198.51.100.53" }]`.
//!
//! Declared on a `Nesting::List` nested attribute with `.numbered(Numbered { max, create_only_from })`;
//! each sub-attribute names its field with an `{n}` placeholder (`.api("nameserverIp{n}")`).
//! Element `i` is slot `i + 1`:
//! - sent: each element's sub-attributes as `field{i + 1}`; on update, the slots past the list's
//!   end are sent as null (cleared), on create left out;
//! - read: a slot whose fields are all null or `""` is no element; trailing ones are dropped, one
//!   inside the list (slot 1 empty, slot 2 set) stays an element of nulls, so that element `i`
//!   is always slot `i + 1`. Configuration may say the same: an element of nulls keeps its slot
//!   empty (so an imported domain's generated configuration validates and plans clean), which is
//!   why sub-attributes declared required are required only in elements that set something, and
//!   why an empty element may not be the last (it would read back as no element at all);
//! - the read goes through the nested list's own reading, so sub-attribute normalisers keep the
//!   configured spelling (`NS1.Example.` ≡ `ns1.example`) and ids read as ids;
//! - slots from `create_only_from` on are settable only at create: never sent on update, and
//!   adding, removing or changing one plans a replacement on that element's path (Terraform
//!   accepts a path that exists before or after); an unknown list replaces on the list's path.

use super::codecs;
use super::diag::AttrPath;
use super::schema::{Attribute, NestedAttributes};
use super::validate::Validator;
use super::value::{Object, Value};
use serde_json::{Map, Value as Json};

/// The placeholder sub-attributes write their slot number with.
pub const SLOT: &str = "{n}";

/// See the module comment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Numbered {
    /// The API's slots are numbered 1 to `max`: at most `max` elements.
    pub max: usize,
    /// Slots numbered from this on are sent only at create; changing them replaces the object.
    pub create_only_from: Option<usize>,
}

impl Numbered {
    /// The API field of a sub-attribute's template (`nameserverIp{n}`) for slot `slot` (1-based).
    pub fn field(template: &str, slot: usize) -> String {
        template.replace(SLOT, &slot.to_string())
    }

    fn settable_on_update(&self, slot: usize) -> bool {
        self.create_only_from.is_none_or(|from| slot < from)
    }

    /// The list's elements, as the JSON array the nested list reading takes, each element keyed
    /// by its sub-attributes' templates, from the flat fields of `object`.
    pub fn elements(&self, object: &Json, n: &NestedAttributes) -> Json {
        let mut elements: Vec<Json> = (1..=self.max)
            .map(|slot| {
                let element: Map<String, Json> = n
                    .attributes
                    .iter()
                    .filter_map(|a| a.api.read)
                    .map(|t| {
                        (
                            t.to_string(),
                            object.get(Numbered::field(t, slot)).cloned().unwrap_or(Json::Null),
                        )
                    })
                    .collect();
                Json::Object(element)
            })
            .collect();
        // Trailing empty slots are no elements.
        while elements.last().is_some_and(is_empty_slot) {
            elements.pop();
        }
        Json::Array(elements)
    }

    /// The flat body fields of `elements` (the nested list's JSON, each element keyed by its
    /// sub-attributes' send templates). `create`: slots past the end are left out, otherwise
    /// sent as null to clear them, except those settable only at create.
    pub fn fields(&self, n: &NestedAttributes, elements: &Json, create: bool) -> Vec<(String, Json)> {
        let items = elements.as_array().map(Vec::as_slice).unwrap_or_default();
        let mut out = Vec::new();
        for slot in 1..=self.max {
            if !create && !self.settable_on_update(slot) {
                continue;
            }
            match items.get(slot - 1) {
                Some(Json::Object(element)) => {
                    for (template, v) in element {
                        out.push((Numbered::field(template, slot), v.clone()));
                    }
                }
                _ if create => {}
                _ => {
                    for t in n.attributes.iter().filter_map(|a| a.api.send) {
                        out.push((Numbered::field(t, slot), Json::Null));
                    }
                }
            }
        }
        out
    }

    /// The path whose change forces a replacement, if a create-only slot differs between `old`
    /// and `new` (beyond the sub-attributes' spellings).
    pub fn replacement(&self, n: &NestedAttributes, path: &AttrPath, old: &Value, new: &Value) -> Option<AttrPath> {
        let from = self.create_only_from?;
        if new.is_unknown() {
            // Unknown until apply: it may change a create-only slot, so replacing is the safe plan.
            return (!old.is_null()).then(|| path.clone());
        }
        let (before, after) = (old.elements(), new.elements());
        for i in from.saturating_sub(1)..self.max {
            match (before.get(i), after.get(i)) {
                (None, None) => {}
                (Some(Value::Object(o)), Some(Value::Object(p))) => {
                    if n.attributes.iter().any(|a| changed(a, o, p)) {
                        return Some(path.clone().index(i));
                    }
                }
                (Some(o), Some(p)) if o == p => {}
                // Added or removed: the path exists in one of the two values, which is what
                // Terraform needs to show the replacement on it.
                _ => return Some(path.clone().index(i)),
            }
        }
        None
    }

    /// The element index and sub-attribute an API field (`nameserverIp2`) belongs to.
    pub fn locate<'a>(&self, n: &'a NestedAttributes, api_field: &str) -> Option<(usize, &'a Attribute)> {
        (1..=self.max).find_map(|slot| {
            n.attributes
                .iter()
                .find(|a| {
                    a.api
                        .send
                        .or(a.api.read)
                        .is_some_and(|t| Numbered::field(t, slot) == api_field)
                })
                .map(|a| (slot - 1, a))
        })
    }
}

/// The rule on a numbered list's elements: one that sets anything sets every sub-attribute in
/// `required`; one that sets nothing (an empty slot) is followed by one that does.
pub fn slots(required: Vec<&'static str>) -> Validator {
    let names = required.join(", ");
    Validator::new(format!("{names} in every element that sets anything"), move |v| {
        let items = v.elements();
        let used = |o: &Object| o.values().any(|x| !x.is_null() && x.as_str() != Some(""));
        for (i, item) in items.iter().enumerate() {
            let Value::Object(o) = item else { continue };
            if used(o) {
                let set: Vec<&str> = o
                    .iter()
                    .filter(|(_, x)| !x.is_null())
                    .map(|(k, _)| k.as_str())
                    .collect();
                if let Some(missing) = required.iter().find(|r| o.get(**r).is_none_or(Value::is_null)) {
                    return Err(format!(
                        "element {i} sets {} but no {missing}; {missing} is required in every element that sets anything",
                        set.join(" and ")
                    ));
                }
            } else if i + 1 == items.len() {
                return Err(format!(
                    "element {i} sets nothing: an empty element keeps its slot free only before one that is used; remove it"
                ));
            }
        }
        Ok(())
    })
}

fn is_empty_slot(element: &Json) -> bool {
    element
        .as_object()
        .is_none_or(|m| m.values().all(|v| v.is_null() || v.as_str() == Some("")))
}

/// Whether sub-attribute `a` differs between two elements beyond its spelling; `""` and null are
/// the API's same empty.
fn changed(a: &Attribute, old: &Object, new: &Object) -> bool {
    let (o, p) = (
        old.get(a.name).unwrap_or(&Value::Null),
        new.get(a.name).unwrap_or(&Value::Null),
    );
    let empty = |v: &Value| v.is_null() || v.as_str() == Some("");
    let same = (empty(o) && empty(p)) || codecs::equivalent(a, o, p, old);
    !same
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::codecs::Normaliser;
    use crate::framework::mapping::{request_body, state_from_api};
    use crate::framework::plan::plan;
    use crate::framework::schema::{Block, Nesting};
    use crate::framework::test_support::*;
    use crate::framework::validate::{ipv4, ipv6};
    use serde_json::json;

    const NS: Numbered = Numbered {
        max: 4,
        create_only_from: Some(4),
    };

    fn block() -> Block {
        Block {
            attributes: vec![
                Attribute::number("id").computed().read_from("id"),
                Attribute::string("name").required().api("name"),
                Attribute::nested(
                    "nameservers",
                    Nesting::List,
                    vec![
                        Attribute::string("hostname")
                            .required()
                            .api("nameserver{n}")
                            .normalise(Normaliser::Hostname),
                        Attribute::string("ipv4")
                            .optional()
                            .api("nameserverIp{n}")
                            .validate(ipv4()),
                        Attribute::string("ipv6")
                            .optional()
                            .api("nameserverIpv6{n}")
                            .validate(ipv6())
                            .normalise(Normaliser::IpAddress),
                    ],
                )
                .optional()
                .numbered(NS),
            ],
            ..Block::default()
        }
    }

    fn ns(host: &str, v4: Option<&str>, v6: Option<&str>) -> Value {
        let opt = |v: Option<&str>| v.map_or(Value::Null, s);
        o(&[("hostname", s(host)), ("ipv4", opt(v4)), ("ipv6", opt(v6))])
    }

    fn config(servers: &[Value]) -> Object {
        obj(&[("name", s("acme")), ("nameservers", list(servers))])
    }

    fn planned(prior: Option<&Object>, config: &Object) -> crate::framework::plan::Plan {
        let mut proposed = prior.cloned().unwrap_or_default();
        proposed.extend(config.clone());
        plan(&block(), prior, &proposed, config)
    }

    fn answer(slots: &[(usize, &str, &str, &str)]) -> Json {
        let mut a = json!({"id": 7, "name": "acme"});
        for i in 1..=4 {
            for f in ["nameserver", "nameserverIp", "nameserverIpv6"] {
                a[format!("{f}{i}")] = Json::Null;
            }
        }
        for (i, h, v4, v6) in slots {
            a[format!("nameserver{i}")] = json!(h);
            a[format!("nameserverIp{i}")] = json!(v4);
            a[format!("nameserverIpv6{i}")] = json!(v6);
        }
        a
    }

    #[test]
    fn elements_are_sent_as_numbered_fields() {
        let cfg = config(&[
            ns("ns1.acme.example", Some("198.51.100.53"), None),
            ns("ns2.acme.example", None, Some("2001:db8::53")),
        ]);
        let p = planned(None, &cfg).planned;
        let body = Json::Object(request_body(&block(), &p, None, false));
        // On create, unset glue and the slots past the end are left out.
        assert_eq!(
            body,
            json!({"name": "acme", "nameserver1": "ns1.acme.example", "nameserverIp1": "198.51.100.53",
                   "nameserver2": "ns2.acme.example", "nameserverIpv62": "2001:db8::53"})
        );
    }

    #[test]
    fn an_update_clears_the_slots_past_the_end_but_never_sends_a_create_only_slot() {
        let prior = state_from_api(
            &block(),
            &answer(&[
                (1, "a.example", "", ""),
                (2, "b.example", "", ""),
                (4, "d.example", "", ""),
            ]),
            &Object::new(),
        );
        let mut next = prior.clone();
        let Value::List(mut servers) = prior["nameservers"].clone() else {
            panic!("{prior:?}")
        };
        servers[0] = ns("z.example", None, None);
        servers[1] = o(&[("hostname", Value::Null), ("ipv4", Value::Null), ("ipv6", Value::Null)]);
        next.insert("nameservers".into(), Value::List(servers));
        let patch = Json::Object(request_body(&block(), &next, Some(&prior), true));
        assert_eq!(
            patch,
            json!({"nameserver1": "z.example", "nameserverIp1": null, "nameserverIpv61": null,
                   "nameserver2": null, "nameserverIp2": null, "nameserverIpv62": null,
                   "nameserver3": null, "nameserverIp3": null, "nameserverIpv63": null})
        );
    }

    #[test]
    fn null_slots_are_no_elements_and_a_gap_stays_in_place() {
        let read = |a: Json| state_from_api(&block(), &a, &Object::new())["nameservers"].clone();
        assert_eq!(
            read(answer(&[])),
            Value::Null,
            "no name servers: null, as nobody set them"
        );
        assert_eq!(
            read(answer(&[(1, "a.example", "192.0.2.1", "")])),
            list(&[ns("a.example", Some("192.0.2.1"), None)]),
            "fewer than four; \"\" glue is unset"
        );
        assert_eq!(
            read(answer(&[(2, "b.example", "", "")])),
            list(&[
                o(&[("hostname", Value::Null), ("ipv4", Value::Null), ("ipv6", Value::Null)]),
                ns("b.example", None, None)
            ]),
            "slot 1 empty: element 0 is a gap, element 1 is slot 2"
        );
        let all: Vec<(usize, &str, &str, &str)> = vec![
            (1, "a.example", "", ""),
            (2, "b.example", "", ""),
            (3, "c.example", "", ""),
            (4, "d.example", "", "2001:db8::4"),
        ];
        let Value::List(four) = read(answer(&all)) else {
            panic!()
        };
        assert_eq!(four.len(), 4);
        assert_eq!(four[3], ns("d.example", None, Some("2001:db8::4")));
    }

    #[test]
    fn the_api_s_spelling_keeps_the_configured_one() {
        let cfg = config(&[
            ns(
                "NS1.Acme.Example.",
                Some("198.51.100.53"),
                Some("2001:DB8:0:0:0:0:0:53"),
            ),
            ns("ns2.acme.example", None, None),
        ]);
        let p = planned(None, &cfg).planned;
        let api = answer(&[
            (1, "ns1.acme.example", "198.51.100.53", "2001:db8::53"),
            (2, "ns2.acme.example", "", ""),
        ]);
        let state = state_from_api(&block(), &api, &p);
        assert_eq!(state["nameservers"], cfg["nameservers"]);
        let again = planned(Some(&state), &cfg);
        assert_eq!(again.planned, state, "a second plan is empty");
        assert!(again.requires_replace.is_empty());

        // A real change shows.
        let moved = answer(&[(1, "ns9.acme.example", "198.51.100.53", "2001:db8::53")]);
        let drifted = state_from_api(&block(), &moved, &state);
        assert_eq!(drifted["nameservers"].elements().len(), 1);
        assert_eq!(*at(&drifted, &["nameservers", "0", "hostname"]), s("ns9.acme.example"));
        assert_eq!(
            *at(&drifted, &["nameservers", "0", "ipv6"]),
            s("2001:DB8:0:0:0:0:0:53"),
            "unchanged glue keeps its spelling"
        );
    }

    #[test]
    fn only_a_create_only_slot_forces_a_replacement() {
        let three = [
            ns("a.example", None, None),
            ns("b.example", None, None),
            ns("c.example", None, None),
        ];
        let four = [three.to_vec(), vec![ns("d.example", None, None)]].concat();
        let state = |servers: &[Value]| {
            let mut st = planned(None, &config(servers)).planned;
            st.insert("id".into(), n(7));
            st
        };
        let path = AttrPath::attr("nameservers");

        // Elements 1–3 change in place.
        let mut changed = three.to_vec();
        changed[2] = ns("x.example", Some("192.0.2.3"), None);
        assert!(planned(Some(&state(&three)), &config(&changed))
            .requires_replace
            .is_empty());
        assert_eq!(
            planned(Some(&state(&four)), &config(&[ns("a.example", None, None)])).requires_replace,
            vec![path.clone().index(3)],
            "removing element 4 replaces"
        );
        assert_eq!(
            planned(Some(&state(&three)), &config(&four)).requires_replace,
            vec![path.clone().index(3)],
            "adding element 4 replaces"
        );
        let mut other = four.clone();
        other[3] = ns("e.example", None, None);
        assert_eq!(
            planned(Some(&state(&four)), &config(&other)).requires_replace,
            vec![path.clone().index(3)],
            "changing element 4 replaces, on its own path"
        );
        let mut respelt = four.clone();
        respelt[3] = ns("D.Example.", None, None);
        respelt[0] = ns("z.example", None, None);
        assert!(
            planned(Some(&state(&four)), &config(&respelt))
                .requires_replace
                .is_empty(),
            "a new spelling of element 4 and a change elsewhere replace nothing"
        );
        let mut unknown = config(&four);
        unknown.insert("nameservers".into(), Value::Unknown);
        assert_eq!(planned(Some(&state(&four)), &unknown).requires_replace, vec![path]);
    }

    #[test]
    fn api_fields_locate_their_element_and_sub_attribute() {
        let b = block();
        let a = b.attribute("nameservers").unwrap();
        let n = a.nested.as_ref().unwrap();
        let (i, sub) = NS.locate(n, "nameserverIpv62").unwrap();
        assert_eq!((i, sub.name), (1, "ipv6"));
        assert_eq!(
            NS.locate(n, "nameserver4").map(|(i, a)| (i, a.name)),
            Some((3, "hostname"))
        );
        assert!(NS.locate(n, "nameserver5").is_none());
    }

    #[test]
    fn more_elements_than_slots_are_rejected_at_plan() {
        let five: Vec<Value> = (1..=5).map(|i| ns(&format!("ns{i}.example"), None, None)).collect();
        let d = crate::framework::config_check::validate_attributes(&block(), &config(&five));
        assert_eq!(d.0.len(), 1, "{d:?}");
        assert_eq!(d.0[0].path, Some(AttrPath::attr("nameservers")));
        assert!(d.0[0].detail.contains("at most 4"), "{d:?}");
        let bad = config(&[ns("ns1.example", Some("2001:db8::1"), Some("10.0.0.1"))]);
        let d = crate::framework::config_check::validate_attributes(&block(), &bad);
        let paths: Vec<String> =
            d.0.iter()
                .filter_map(|d| d.path.as_ref().map(|p| p.to_string()))
                .collect();
        assert_eq!(paths, ["nameservers[0].ipv4", "nameservers[0].ipv6"], "{d:?}");
    }

    #[test]
    fn an_empty_element_keeps_its_slot_and_required_means_required_in_a_used_slot() {
        let nameservers = |b: &Block| {
            b.attributes
                .iter()
                .find(|a| a.name == "nameservers")
                .and_then(|a| a.nested.clone())
                .expect("nested")
        };
        // Terraform must accept an element of nulls: the declared-required host name is optional
        // in the schema.
        let n = nameservers(&block());
        let hostname = n.attributes.iter().find(|a| a.name == "hostname").expect("hostname");
        assert_eq!(hostname.mode, crate::framework::schema::Mode::Optional);

        let empty = o(&[("hostname", Value::Null), ("ipv4", Value::Null), ("ipv6", Value::Null)]);
        let check = |servers: &[Value]| crate::framework::config_check::validate_attributes(&block(), &config(servers));
        // Slot 1 empty, slot 2 used: what a domain with a gap reads back as, so its generated
        // configuration validates, and it plans no change against that state.
        let gap = [empty.clone(), ns("b.example", None, None)];
        assert!(check(&gap).0.is_empty(), "{:?}", check(&gap));
        let state = state_from_api(&block(), &answer(&[(2, "b.example", "", "")]), &Object::new());
        assert_eq!(state["nameservers"], list(&gap));
        let p = planned(Some(&state), &config(&gap));
        assert!(p.requires_replace.is_empty(), "{p:?}");
        assert_eq!(p.planned["nameservers"], state["nameservers"]);
        // Created so, slot 1 stays empty and slot 2 holds the name server.
        let created = planned(None, &config(&gap)).planned;
        let body = request_body(&block(), &created, None, false);
        assert!(body.get("nameserver1").is_none_or(Json::is_null), "{body:?}");
        assert_eq!(body.get("nameserver2"), Some(&json!("b.example")));

        // Glue without a host name: refused, naming the element and what is missing.
        let glue_only = o(&[
            ("hostname", Value::Null),
            ("ipv4", s("192.0.2.1")),
            ("ipv6", Value::Null),
        ]);
        let d = check(&[glue_only, ns("b.example", None, None)]);
        assert_eq!(d.0.len(), 1, "{d:?}");
        assert_eq!(d.0[0].path, Some(AttrPath::attr("nameservers")));
        assert!(
            d.0[0].detail.contains("element 0 sets ipv4 but no hostname"),
            "{}",
            d.0[0].detail
        );
        // An empty element last would read back as no element at all: refused.
        let d = check(&[ns("a.example", None, None), empty]);
        assert_eq!(d.0.len(), 1, "{d:?}");
        assert!(d.0[0].detail.contains("element 1 sets nothing"), "{}", d.0[0].detail);
    }
}
