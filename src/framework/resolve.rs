//! Arguments the API takes as the id of another object that the user names otherwise: a
//! domain's `extension` ("be") is sent as the id of its domain type (364), found at create time
//! by a lookup endpoint. Declared per resource (`ResourceSpec::resolves`); the attribute itself
//! is read back from the object (`domaintype.extension`) and is never sent as written. The same
//! lookup runs when a create is planned, so that a value the API refuses fails the plan.

use super::ctx::{cancellable, Ctx};
use super::diag::{AttrPath, Diagnostic, Diagnostics};
use super::errors::translate;
use super::mapping::lookup;
use super::paths::render_path;
use super::value::Object;
use serde_json::{Map, Value as Json};

/// One argument sent as a looked-up id.
#[derive(Clone, Debug)]
pub struct Resolve {
    /// The attribute the user sets (`extension`).
    pub attribute: &'static str,
    /// The lookup's path with `{attribute}` placeholders, query included
    /// (`/domains/check?name={name}&extension={extension}`).
    pub path: &'static str,
    /// The dotted path of the id in the lookup's answer (`domaintypeId`).
    pub field: &'static str,
    /// The request-body key the id is sent as (`domaintype`).
    pub send_as: &'static str,
}

/// Why a lookup gave no id.
enum Failure {
    /// The API answered about the value: refused it (400) or knows no id for it.
    Refused(Diagnostics),
    /// No usable answer (unreachable, 5xx, cancelled), or none asked for: a value of the path
    /// is not known yet.
    Unanswered(Diagnostics),
}

impl Resolve {
    /// Looks the id up and adds it to a create body. An answer without the id is an error naming
    /// the attribute and its value, never a body sent without it.
    pub async fn add_to(
        &self,
        ctx: &Ctx<'_>,
        planned: &Object,
        body: &mut Map<String, Json>,
    ) -> Result<(), Diagnostics> {
        match self.look_up(ctx, planned).await {
            Ok(id) => {
                body.insert(self.send_as.to_string(), id);
                Ok(())
            }
            Err(Failure::Refused(d) | Failure::Unanswered(d)) => Err(d),
        }
    }

    /// At plan, for a create whose values are known: the API's refusal of the value (an
    /// extension it does not serve) fails the plan, on the argument, before anything is made.
    /// Without an answer (API unreachable, 5xx) the apply decides, as it would have.
    pub async fn check(&self, ctx: &Ctx<'_>, planned: &Object) -> Diagnostics {
        // A value unknown at plan (no path yet) is Unanswered: resolved at the apply's plan.
        match self.look_up(ctx, planned).await {
            Ok(_) => Diagnostics::default(),
            Err(Failure::Refused(d)) => d,
            Err(Failure::Unanswered(d)) => {
                tracing::debug!(attribute = self.attribute, diagnostics = ?d, "not resolved at plan; the apply decides");
                Diagnostics::default()
            }
        }
    }

    async fn look_up(&self, ctx: &Ctx<'_>, planned: &Object) -> Result<Json, Failure> {
        let path = render_path(self.path, planned).map_err(|name| {
            Failure::Unanswered(
                Diagnostic::error(
                    format!("Missing {name}"),
                    format!("{name} is needed to resolve {}.", self.attribute),
                )
                .into(),
            )
        })?;
        let action = format!("resolve {}", self.attribute);
        let answer = cancellable(ctx, ctx.client.get(&path))
            .await
            .map_err(Failure::Unanswered)?
            .map_err(|e| {
                let mut diags = translate(&e, &action, None);
                // A refused lookup (400: an extension the API does not serve) is about the
                // argument: said on it, so Terraform points at its line. A rejected key fails
                // the plan too (see `errors::misconfigured`), on no argument.
                if e.is_misconfiguration() {
                    Failure::Refused(diags)
                } else if e.status() == Some(400) {
                    for d in diags.0.iter_mut().filter(|d| d.path.is_none()) {
                        d.path = Some(AttrPath::attr(self.attribute));
                    }
                    Failure::Refused(diags)
                } else {
                    Failure::Unanswered(diags)
                }
            })?;
        let id = lookup(&answer, self.field);
        if id.is_null() {
            let value = planned.get(self.attribute).map(|v| v.display()).unwrap_or_default();
            return Err(Failure::Refused(
                Diagnostic::error(
                    format!("Unknown {}", self.attribute),
                    format!("The Level27 API knows no {} {value}.", self.attribute),
                )
                .at(AttrPath::attr(self.attribute))
                .into(),
            ));
        }
        Ok(id.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::test_support::{obj, s, FakeApi};
    use crate::framework::value::Value;
    use serde_json::json;

    fn extension() -> Resolve {
        Resolve {
            attribute: "extension",
            path: "/domains/check?name={name}&extension={extension}",
            field: "domaintypeId",
            send_as: "domaintype",
        }
    }

    async fn resolve(api: &FakeApi, planned: &Object) -> Result<Map<String, Json>, Diagnostics> {
        let parts = crate::framework::test_support::CtxParts::default();
        let mut body = Map::new();
        extension()
            .add_to(&parts.ctx(api), planned, &mut body)
            .await
            .map(|()| body)
    }

    #[tokio::test]
    async fn the_looked_up_id_is_sent_in_the_argument_s_place() {
        let api = FakeApi::start(|req| match req.param("extension") {
            Some("be") => (200, json!({"status": "free", "domaintypeId": 364})),
            _ => (200, json!({"success": false})),
        })
        .await;
        let planned = obj(&[("name", s("acme")), ("extension", s("be"))]);
        let body = resolve(&api, &planned).await.unwrap();
        assert_eq!(body.get("domaintype"), Some(&json!(364)));
        assert_eq!(api.seen()[0].param("name"), Some("acme"));

        // An answer without the id is an error naming the attribute, not a body without it.
        let unknown = obj(&[("name", s("acme")), ("extension", s("zz"))]);
        let err = resolve(&api, &unknown).await.unwrap_err();
        assert!(format!("{err:?}").contains("extension"), "{err:?}");
    }

    /// At plan: the API's refusal of the value fails the plan on the argument; no answer, or a
    /// value not known yet, leaves it to the apply.
    #[tokio::test]
    async fn a_create_s_plan_fails_only_on_the_api_s_refusal_of_the_value() {
        let api = FakeApi::start(|req| match req.param("extension") {
            Some("be") => (200, json!({"status": "free", "domaintypeId": 364})),
            Some("xyz") => (
                400,
                json!({"code": 400, "message": "Extension \"xyz\" is not supported"}),
            ),
            Some("down") => (500, json!({"code": 500, "message": "Internal error"})),
            _ => (200, json!({"status": "free"})),
        })
        .await;
        let parts = crate::framework::test_support::CtxParts::default();
        let ctx = parts.ctx(&api);
        let planned = |ext: Value| obj(&[("name", s("acme")), ("extension", ext)]);
        assert!(!extension().check(&ctx, &planned(s("be"))).await.has_errors());
        for refused in ["xyz", "zz"] {
            let d = extension().check(&ctx, &planned(s(refused))).await;
            assert!(d.has_errors(), "{refused}: {d:?}");
            assert_eq!(d.0[0].path, Some(AttrPath::attr("extension")), "{refused}: {d:?}");
        }
        let d = extension().check(&ctx, &planned(s("down"))).await;
        assert!(!d.has_errors(), "a 500 is no verdict on the value: {d:?}");
        let asked = api.seen().len();
        assert!(!extension().check(&ctx, &planned(Value::Unknown)).await.has_errors());
        assert_eq!(api.seen().len(), asked, "an unknown value is not looked up");
    }

    #[tokio::test]
    async fn a_refused_lookup_is_said_on_the_argument() {
        let api = FakeApi::start(|_| {
            (
                400,
                json!({"code": 400, "message": "Extension \"xyz\" is not supported"}),
            )
        })
        .await;
        let planned = obj(&[("name", s("acme")), ("extension", s("xyz"))]);
        let err = resolve(&api, &planned).await.unwrap_err();
        let d = &err.0[0];
        assert_eq!(d.path, Some(AttrPath::attr("extension")), "{d:?}");
        assert!(d.detail.contains("not supported"), "{d:?}");
    }
}
