//! Plan-time checks that need the API: a vm's cpu, memory and disk must lie within the limits of
//! the configuration (size plan) it names, which only the API knows. The check runs when the
//! plan is made, so a bad value fails `terraform plan` instead of an apply halfway through.
//!
//! Each lookup is a list read through `SharedReads`: one request per list per provider process,
//! however many resources name the same configuration.

use super::ctx::{cancellable, Ctx};
use super::diag::{AttrPath, Diagnostic, Diagnostics};
use super::errors::translate;
use super::mapping::lookup;
use super::paths::render_path;
use super::shared_reads::SharedReads;
use super::value::{Object, Value};
use serde_json::Value as Json;

/// A range an attribute must lie in, read from the API object another attribute names.
#[derive(Clone, Debug)]
pub struct RangeCheck {
    /// The attribute naming the object holding the limits (`configuration_id`).
    pub by: &'static str,
    /// The list holding it (`/systemproviderconfigurations`, envelope key) and its id field.
    pub path: &'static str,
    pub plural: &'static str,
    /// When the limits are objects nested in each listed item (a region's `zones`): that array
    /// field, whose elements are searched instead.
    pub within: Option<&'static str>,
    pub key: &'static str,
    /// (attribute, minimum field, maximum field): `("cpu", "minCpu", "maxCpu")`. A limit the API
    /// leaves out (or null) does not bound.
    pub bounds: &'static [(&'static str, &'static str, &'static str)],
}

/// A number from the API's spellings: `4`, `4.0`, `"4"`, `"30.0"`.
fn number(v: &Json) -> Option<f64> {
    match v {
        Json::Number(n) => n.as_f64(),
        Json::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn show(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

impl RangeCheck {
    /// The diagnostics for `planned` against the limits in `limits` (the looked-up object).
    pub fn check_against(&self, planned: &Object, limits: &Json, name: &str) -> Diagnostics {
        let mut diags = Diagnostics::default();
        for (attr, min, max) in self.bounds {
            let Some(v) = (match planned.get(*attr) {
                Some(Value::Number(n)) => Some(n.as_f64()),
                _ => None,
            }) else {
                continue;
            };
            let (lo, hi) = (number(lookup(limits, min)), number(lookup(limits, max)));
            let below = lo.is_some_and(|lo| v < lo);
            let above = hi.is_some_and(|hi| v > hi);
            if below || above {
                let range = match (lo, hi) {
                    (Some(lo), Some(hi)) => format!("between {} and {}", show(lo), show(hi)),
                    (Some(lo), None) => format!("at least {}", show(lo)),
                    (None, Some(hi)) => format!("at most {}", show(hi)),
                    (None, None) => String::new(),
                };
                diags.push(
                    Diagnostic::error(
                        format!("Invalid {attr}"),
                        format!(
                            "{attr} = {} is outside the limits of {name}: it must be {range}.",
                            show(v)
                        ),
                    )
                    .at(AttrPath::attr(*attr)),
                );
            }
        }
        diags
    }

    /// The objects that may hold the limits: the listed items, or the elements of their `within`
    /// arrays.
    fn candidates(&self, items: &[Json]) -> Vec<Json> {
        match self.within {
            None => items.to_vec(),
            Some(field) => items
                .iter()
                .filter_map(|i| lookup(i, field).as_array())
                .flatten()
                .cloned()
                .collect(),
        }
    }

    /// Looks the limits up (shared per run) and checks `planned`. Unknown references are checked
    /// at apply's plan, when they are known.
    pub async fn check(&self, ctx: &Ctx<'_>, planned: &Object) -> Result<Diagnostics, Diagnostics> {
        let Some(id) = planned.get(self.by).and_then(Value::as_str) else {
            return Ok(Diagnostics::default());
        };
        let path = render_path(self.path, planned).map_err(|n| {
            Diagnostics::from(Diagnostic::error(
                format!("Missing {n}"),
                format!("Checking {} needs {n}.", self.by),
            ))
        })?;
        let items = cancellable(ctx, ctx.reads.list(ctx.client, &path, self.plural))
            .await?
            .map_err(|e| translate(&e, &format!("look up {}", self.by), None))?;
        let candidates = self.candidates(&items);
        let Some(limits) = SharedReads::find(&candidates, self.key, id) else {
            return Ok(Diagnostic::error(
                format!("Invalid {}", self.by),
                format!("{} = {id:?} names nothing the API lists at {path}.", self.by),
            )
            .at(AttrPath::attr(self.by))
            .into());
        };
        let name = match lookup(limits, "name") {
            Json::String(n) => format!("{} {n:?}", self.by),
            _ => format!("{} {id}", self.by),
        };
        Ok(self.check_against(planned, limits, &name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check() -> RangeCheck {
        RangeCheck {
            by: "configuration_id",
            path: "/systemproviderconfigurations",
            plural: "systemproviderConfigurations",
            within: None,
            key: "id",
            bounds: &[
                ("cpu", "minCpu", "maxCpu"),
                ("memory", "minMemory", "maxMemory"),
                ("disk", "minDisk", "maxDisk"),
            ],
        }
    }

    fn planned(cpu: i64, memory: i64, disk: i64) -> Object {
        [
            ("configuration_id".to_string(), Value::string("3")),
            ("cpu".to_string(), Value::int(cpu)),
            ("memory".to_string(), Value::int(memory)),
            ("disk".to_string(), Value::int(disk)),
        ]
        .into_iter()
        .collect()
    }

    #[test]
    fn values_outside_the_limits_are_errors_on_their_attributes() {
        // The API spells limits as numbers and as strings ("30.0").
        let limits = json!({"id": 3, "name": "Flexible", "minCpu": 1, "maxCpu": 8,
                            "minMemory": "1", "maxMemory": "32", "minDisk": "30.0", "maxDisk": null});
        let ok = check().check_against(&planned(2, 4, 60), &limits, "Flexible");
        assert!(!ok.has_errors(), "{ok:?}");
        let d = check().check_against(&planned(12, 0, 20), &limits, "configuration_id \"Flexible\"");
        let paths: Vec<_> = d.0.iter().map(|d| d.path.clone()).collect();
        assert_eq!(
            paths,
            vec![
                Some(AttrPath::attr("cpu")),
                Some(AttrPath::attr("memory")),
                Some(AttrPath::attr("disk"))
            ]
        );
        assert!(
            d.0[0].detail.contains("cpu = 12") && d.0[0].detail.contains("between 1 and 8"),
            "{}",
            d.0[0].detail
        );
        assert!(d.0[2].detail.contains("at least 30"), "{}", d.0[2].detail);
        // No maximum: a big disk passes.
        assert!(!check().check_against(&planned(2, 4, 5000), &limits, "x").has_errors());
    }

    #[test]
    fn nested_limits_are_searched_in_every_item() {
        let regions = vec![
            json!({"id": 1, "zones": [{"id": 20, "maxCpu": 32}, {"id": 21, "maxCpu": 8}]}),
            json!({"id": 2, "zones": [{"id": 30, "maxCpu": 16}]}),
        ];
        let zones = RangeCheck {
            within: Some("zones"),
            ..check()
        };
        let found = zones.candidates(&regions);
        assert_eq!(
            SharedReads::find(&found, "id", "30"),
            Some(&json!({"id": 30, "maxCpu": 16}))
        );
        assert_eq!(SharedReads::find(&found, "id", "2"), None, "a region is no zone");
        assert_eq!(check().candidates(&regions), regions);
    }
}
