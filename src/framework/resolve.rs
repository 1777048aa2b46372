//! Arguments the API takes as the id of another object that the user names otherwise: a
//! domain's `extension` ("be") is sent as the id of its domain type (364), found at create time
//! by a lookup endpoint. Declared per resource (`ResourceSpec::resolves`); the attribute itself
//! is read back from the object (`domaintype.extension`) and is never sent as written.

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

impl Resolve {
    /// Looks the id up and adds it to a create body. An answer without the id is an error naming
    /// the attribute and its value, never a body sent without it.
    pub async fn add_to(
        &self,
        ctx: &Ctx<'_>,
        planned: &Object,
        body: &mut Map<String, Json>,
    ) -> Result<(), Diagnostics> {
        let path = render_path(self.path, planned).map_err(|name| -> Diagnostics {
            Diagnostic::error(
                format!("Missing {name}"),
                format!("{name} is needed to resolve {}.", self.attribute),
            )
            .into()
        })?;
        let action = format!("resolve {}", self.attribute);
        let answer = cancellable(ctx, ctx.client.get(&path)).await?.map_err(|e| {
            let mut diags = translate(&e, &action, None);
            // A refused lookup (400: an extension the API does not serve) is about the
            // argument: said on it, so Terraform points at its line.
            if e.status() == Some(400) {
                for d in diags.0.iter_mut().filter(|d| d.path.is_none()) {
                    d.path = Some(AttrPath::attr(self.attribute));
                }
            }
            diags
        })?;
        let id = lookup(&answer, self.field);
        if id.is_null() {
            let value = planned.get(self.attribute).map(|v| v.display()).unwrap_or_default();
            return Err(Diagnostic::error(
                format!("Unknown {}", self.attribute),
                format!("The Level27 API knows no {} {value}.", self.attribute),
            )
            .into());
        }
        body.insert(self.send_as.to_string(), id.clone());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::test_support::{obj, s, FakeApi};
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
