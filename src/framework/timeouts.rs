//! The `timeouts` block of asynchronous resources (`create`, `update`, `delete` durations).

use super::schema::{Attribute, Block, NestedBlock, Nesting};
use super::validate::{parse_duration, positive_duration};
use super::value::{Object, Value};
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    Create,
    Update,
    Delete,
}

impl Operation {
    pub fn name(self) -> &'static str {
        match self {
            Operation::Create => "create",
            Operation::Update => "update",
            Operation::Delete => "delete",
        }
    }

    /// Defaults when the user sets nothing: provisioning can take minutes on the platform.
    pub fn default_timeout(self) -> Duration {
        match self {
            Operation::Create | Operation::Update => Duration::from_secs(20 * 60),
            Operation::Delete => Duration::from_secs(10 * 60),
        }
    }
}

pub fn block(ops: &[Operation]) -> NestedBlock {
    NestedBlock {
        name: "timeouts",
        nesting: Nesting::Single,
        // Terraform requires MinItems = MaxItems = 0 for NestingSingle (one block or none).
        max_items: 0,
        block: Block {
            attributes: ops
                .iter()
                .map(|op| {
                    Attribute::string(op.name())
                        .optional()
                        .describe("How long to wait, as a duration like `30s`, `10m` or `1h`.")
                        // Zero would send the request, then fail at once without waiting.
                        .validate(positive_duration())
                })
                .collect(),
            blocks: Vec::new(),
            description: "How long to wait for the platform to finish asynchronous work.",
            deprecated: None,
        },
    }
}

/// The timeout for `op` from a state or plan holding a `timeouts` block.
pub fn get(state: &Object, op: Operation) -> Duration {
    match state.get("timeouts") {
        Some(Value::Object(t)) => t
            .get(op.name())
            .and_then(Value::as_str)
            .and_then(|s| parse_duration(s).ok())
            .unwrap_or(op.default_timeout()),
        _ => op.default_timeout(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_timeouts_override_defaults() {
        let mut t = Object::new();
        t.insert("create".into(), Value::string("90s"));
        let mut s = Object::new();
        s.insert("timeouts".into(), Value::Object(t));
        assert_eq!(get(&s, Operation::Create), Duration::from_secs(90));
        assert_eq!(get(&s, Operation::Delete), Operation::Delete.default_timeout());
        assert_eq!(
            get(&Object::new(), Operation::Update),
            Operation::Update.default_timeout()
        );
    }

    #[test]
    fn a_zero_timeout_is_refused_at_validate() {
        let b = block(&[Operation::Delete]);
        let delete = &b.block.attributes[0];
        let refused = delete
            .validators
            .iter()
            .find_map(|v| v.check(&Value::string("0s")).err())
            .unwrap_or_default();
        assert!(refused.contains("longer than zero"), "{refused:?}");
        assert!(delete.validators.iter().all(|v| v.check(&Value::string("90s")).is_ok()));
    }
}
