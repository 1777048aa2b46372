//! Arguments the API takes as the id of another object that the user names otherwise: a
//! domain's `extension` ("be") is sent as the id of its domain type (364), found at create time
//! by a lookup endpoint. Declared per resource (`ResourceSpec::resolves`); the attribute itself
//! is read back from the object (`domaintype.extension`) and is never sent as written.

use super::ctx::{cancellable, Ctx};
use super::diag::{Diagnostic, Diagnostics};
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
        let answer = cancellable(ctx, ctx.client.get(&path))
            .await?
            .map_err(|e| translate(&e, &action, None))?;
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
