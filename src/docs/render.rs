//! Markdown for schemas: argument and attribute lists, nested schemas, timeouts, replacement.

use crate::framework::schema::{Attribute, Block, Mode, NestedBlock, Nesting};
use crate::framework::timeouts::Operation;
use crate::framework::{Type, Value};
use std::fmt::Write as _;
use std::time::Duration;

/// Which page an attribute list is for: the provider's arguments have no "replace" rule and the
/// read-only attributes of data sources are what they read.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Provider,
    Resource,
    DataSource,
}

/// `String`, `List of String`, `Attributes List`, ... as the registry's pages name types.
pub fn type_label(a: &Attribute) -> String {
    match a.nested.as_ref().map(|n| n.nesting) {
        Some(Nesting::Single) => "Attributes".into(),
        Some(Nesting::List) => "Attributes List".into(),
        Some(Nesting::Set) => "Attributes Set".into(),
        Some(Nesting::Map) => "Attributes Map".into(),
        None => ty_label(&a.ty),
    }
}

fn ty_label(t: &Type) -> String {
    match t {
        Type::Bool => "Boolean".into(),
        Type::Number => "Number".into(),
        Type::String => "String".into(),
        Type::Dynamic => "Dynamic".into(),
        Type::List(e) => format!("List of {}", ty_label(e)),
        Type::Set(e) => format!("Set of {}", ty_label(e)),
        Type::Map(e) => format!("Map of {}", ty_label(e)),
        Type::Object(_) => "Object".into(),
        Type::Tuple(_) => "Tuple".into(),
    }
}

/// A value as it would be written in HCL.
pub fn hcl_value(v: &Value) -> String {
    match v {
        Value::String(s) => serde_json::Value::String(s.clone()).to_string(),
        Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
            format!("[{}]", items.iter().map(hcl_value).collect::<Vec<_>>().join(", "))
        }
        Value::Map(m) | Value::Object(m) => format!(
            "{{ {} }}",
            m.iter()
                .map(|(k, v)| format!("{k} = {}", hcl_value(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => other.display(),
    }
}

/// `20m`, `90s`, `1h30m`: the duration syntax users write in `timeouts` blocks.
pub fn duration_label(d: Duration) -> String {
    let s = d.as_secs();
    let (h, m, sec) = (s / 3600, (s % 3600) / 60, s % 60);
    let mut out = String::new();
    if h > 0 {
        let _ = write!(out, "{h}h");
    }
    if m > 0 {
        let _ = write!(out, "{m}m");
    }
    if sec > 0 || out.is_empty() {
        let _ = write!(out, "{sec}s");
    }
    out
}

/// An anchor id for the nested schema of `path` (`networks`, `networks.routes`).
fn anchor(prefix: &str, path: &str) -> String {
    format!("{prefix}--{}", path.replace('.', "--"))
}

/// One `- `name` (Type, Sensitive, Forces replacement) Description. Rules.` line. The rules
/// are flags and short "Default:" / "Valid values:" sentences, so they read well next to a
/// description that already mentions them.
fn attribute_line(a: &Attribute, path: &str, kind: Kind) -> String {
    let mut flags = vec![type_label(a)];
    if a.sensitive && !a.write_only {
        flags.push("Sensitive".into());
    }
    if a.write_only {
        flags.push("Write-only".into());
    }
    if a.deprecated.is_some() {
        flags.push("Deprecated".into());
    }
    if kind == Kind::Resource && a.requires_replace {
        flags.push("Forces replacement".into());
    }
    let mut text = format!("- `{}` ({}) {}", a.name, flags.join(", "), sentence(a.description));
    if let Some(msg) = a.deprecated {
        let _ = write!(text, " **Deprecated:** {}", sentence(msg));
    }
    // The standard sentence, unless the description already explains it (said twice reads as a
    // mistake).
    if a.write_only && !a.description.contains("Write-only") {
        text.push_str(
            " Write-only: sent to the API, never stored in state (Terraform 1.11 and later; \
             older versions store it as a sensitive value).",
        );
    }
    if let Some(d) = &a.default {
        let _ = write!(text, " Default: `{}`.", hcl_value(d));
    } else if let Some(arg) = a.provider_default {
        let _ = write!(text, " Default: the provider's `{arg}`.");
    } else if a.mode == Mode::OptionalComputed && kind == Kind::Resource {
        text.push_str(" Default: the API's value.");
    }
    if a.mode != Mode::Computed && !a.validators.is_empty() {
        let rules: Vec<&str> = a.validators.iter().map(|v| v.description.as_str()).collect();
        let _ = write!(text, " Valid values: {}.", rules.join("; "));
    }
    if a.nested.is_some() {
        let _ = write!(text, " (see [below for nested schema](#{}))", anchor("nestedatt", path));
    }
    text.push('\n');
    text
}

fn block_line(b: &NestedBlock, path: &str) -> String {
    let label = match b.nesting {
        Nesting::Single => "Block".to_string(),
        Nesting::List => "Block List".to_string(),
        Nesting::Set => "Block Set".to_string(),
        Nesting::Map => "Block Map".to_string(),
    };
    let max = match b.nesting {
        Nesting::List | Nesting::Set if b.max_items > 0 => format!(", Max: {}", b.max_items),
        _ => String::new(),
    };
    format!(
        "- `{}` ({label}{max}) {} (see [below for nested schema](#{}))\n",
        b.name,
        sentence(b.block.description),
        anchor("nestedblock", path)
    )
}

/// Ends a description with a full stop, so the rules appended after it read as sentences.
fn sentence(s: &str) -> String {
    let s = s.trim();
    if s.is_empty() || s.ends_with(['.', '!', '?', ':']) {
        s.to_string()
    } else {
        format!("{s}.")
    }
}

fn join(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_string()
    } else {
        format!("{parent}.{name}")
    }
}

/// A schema as markdown: the arguments (`### Required`, `### Optional`), the read-only
/// attributes (`### Read-Only`) and the nested schemas (whose groups are labelled `Required:`
/// etc., as on the registry's pages).
pub struct Sections {
    pub arguments: String,
    pub attributes: String,
    pub nested: String,
}

pub fn schema_markdown(block: &Block, kind: Kind) -> Sections {
    let mut s = Sections {
        arguments: String::new(),
        attributes: String::new(),
        nested: String::new(),
    };
    groups(
        block,
        "",
        kind,
        true,
        &mut s.arguments,
        &mut s.attributes,
        &mut s.nested,
    );
    s
}

fn sorted(block: &Block, want: impl Fn(Mode) -> bool) -> Vec<&Attribute> {
    let mut v: Vec<&Attribute> = block.attributes.iter().filter(|a| want(a.mode)).collect();
    v.sort_by_key(|a| a.name);
    v
}

fn groups(
    block: &Block,
    path: &str,
    kind: Kind,
    top: bool,
    args: &mut String,
    read_only_out: &mut String,
    nested: &mut String,
) {
    let required = sorted(block, |m| m == Mode::Required);
    let optional = sorted(block, |m| matches!(m, Mode::Optional | Mode::OptionalComputed));
    let read_only = sorted(block, |m| m == Mode::Computed);
    let mut blocks: Vec<&NestedBlock> = block.blocks.iter().collect();
    blocks.sort_by_key(|b| b.name);

    let title = |out: &mut String, t: &str| {
        if top {
            let _ = writeln!(out, "### {t}\n");
        } else {
            let _ = writeln!(out, "{t}:\n");
        }
    };
    if !required.is_empty() {
        title(args, "Required");
        for a in &required {
            args.push_str(&attribute_line(a, &join(path, a.name), kind));
        }
        args.push('\n');
    }
    if !optional.is_empty() || !blocks.is_empty() {
        title(args, "Optional");
        for a in &optional {
            args.push_str(&attribute_line(a, &join(path, a.name), kind));
        }
        for b in &blocks {
            args.push_str(&block_line(b, &join(path, b.name)));
        }
        args.push('\n');
    }
    if !read_only.is_empty() {
        title(read_only_out, "Read-Only");
        for a in &read_only {
            read_only_out.push_str(&attribute_line(a, &join(path, a.name), kind));
        }
        read_only_out.push('\n');
    }

    let mut sub = |p: String, anchor_id: String, inner: &Block| {
        let _ = writeln!(nested, "<a id=\"{anchor_id}\"></a>\n### Nested Schema for `{p}`\n");
        let (mut a, mut r, mut deeper) = (String::new(), String::new(), String::new());
        groups(inner, &p, kind, false, &mut a, &mut r, &mut deeper);
        nested.push_str(&a);
        nested.push_str(&r);
        nested.push_str(&deeper);
    };
    for a in &block.attributes {
        if let Some(n) = &a.nested {
            let p = join(path, a.name);
            let inner = Block {
                attributes: n.attributes.clone(),
                ..Block::default()
            };
            sub(p.clone(), anchor("nestedatt", &p), &inner);
        }
    }
    for b in &blocks {
        let p = join(path, b.name);
        sub(p.clone(), anchor("nestedblock", &p), &b.block);
    }
}

/// The `timeouts` block, with the defaults the engine uses.
pub fn timeouts_markdown(block: &Block) -> Option<String> {
    let t = block.blocks.iter().find(|b| b.name == "timeouts")?;
    let mut out = String::from(
        "## Timeouts\n\nThe platform finishes this object asynchronously; the provider waits for it \
         within these limits, set in a `timeouts` block:\n\n",
    );
    let mut defaults = Vec::new();
    for a in &t.block.attributes {
        let op = [Operation::Create, Operation::Update, Operation::Delete]
            .into_iter()
            .find(|op| op.name() == a.name);
        match op {
            Some(op) => {
                let d = duration_label(op.default_timeout());
                let _ = writeln!(out, "- `{}` (default `{d}`)", a.name);
                defaults.push(format!("    {} = \"{d}\"", a.name));
            }
            None => {
                let _ = writeln!(out, "- `{}`", a.name);
            }
        }
    }
    let _ = write!(
        out,
        "\n```terraform\n  timeouts {{\n{}\n  }}\n```\n\n",
        defaults.join("\n")
    );
    Some(out)
}

/// Which arguments replace the object when they change, at any depth.
pub fn replacing_arguments(block: &Block) -> Vec<String> {
    fn walk(attrs: &[Attribute], path: &str, out: &mut Vec<String>) {
        for a in attrs {
            let p = join(path, a.name);
            if a.requires_replace {
                out.push(p.clone());
            }
            if let Some(n) = &a.nested {
                walk(&n.attributes, &p, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(&block.attributes, "", &mut out);
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::validate::not_blank;

    #[test]
    fn durations_read_like_terraform_timeouts() {
        assert_eq!(duration_label(Duration::from_secs(1200)), "20m");
        assert_eq!(duration_label(Duration::from_secs(5400)), "1h30m");
        assert_eq!(duration_label(Duration::from_secs(45)), "45s");
        assert_eq!(duration_label(Duration::ZERO), "0s");
    }

    #[test]
    fn an_argument_line_carries_every_rule() {
        let a = Attribute::string("name")
            .required()
            .validate(not_blank())
            .requires_replace()
            .describe("The name");
        let line = attribute_line(&a, "name", Kind::Resource);
        assert_eq!(
            line,
            "- `name` (String, Forces replacement) The name. Valid values: not empty.\n"
        );
        let w = Attribute::string("password")
            .optional()
            .write_only()
            .describe("Secret.");
        let line = attribute_line(&w, "password", Kind::Resource);
        assert!(
            line.starts_with("- `password` (String, Write-only) Secret. Write-only:"),
            "{line}"
        );
        let explained = Attribute::string("password")
            .optional()
            .write_only()
            .describe("Secret. Write-only on Terraform 1.11+.");
        let line = attribute_line(&explained, "password", Kind::Resource);
        assert_eq!(
            line.matches("Write-only").count(),
            2,
            "flag and description only: {line}"
        );
    }

    #[test]
    fn asynchronous_resources_document_their_timeouts_and_defaults() {
        use crate::framework::timeouts;
        let block = Block {
            blocks: vec![timeouts::block(&[Operation::Create, Operation::Delete])],
            ..Block::default()
        };
        let md = timeouts_markdown(&block).expect("a timeouts section");
        assert!(
            md.contains("- `create` (default `20m`)\n- `delete` (default `10m`)"),
            "{md}"
        );
        assert!(
            md.contains("timeouts {\n    create = \"20m\"\n    delete = \"10m\"\n  }"),
            "{md}"
        );
        let args = schema_markdown(&block, Kind::Resource);
        assert!(
            args.arguments.contains("- `timeouts` (Block) How long"),
            "{}",
            args.arguments
        );
        assert!(
            args.nested.contains("### Nested Schema for `timeouts`"),
            "{}",
            args.nested
        );
        assert!(timeouts_markdown(&Block::default()).is_none());
    }

    #[test]
    fn nested_attributes_get_their_own_schema_section() {
        let block = Block {
            attributes: vec![Attribute::nested(
                "networks",
                Nesting::List,
                vec![
                    Attribute::id("network_id")
                        .required()
                        .requires_replace()
                        .describe("Network."),
                    Attribute::string("ip").computed().describe("Address."),
                ],
            )
            .optional()
            .describe("Networks.")],
            ..Block::default()
        };
        let s = schema_markdown(&block, Kind::Resource);
        let md = format!("{}{}{}", s.arguments, s.attributes, s.nested);
        assert!(md.contains("- `networks` (Attributes List) Networks."), "{md}");
        assert!(md.contains("(#nestedatt--networks)"), "{md}");
        assert!(
            md.contains("<a id=\"nestedatt--networks\"></a>\n### Nested Schema for `networks`"),
            "{md}"
        );
        assert!(
            md.contains("Required:\n\n- `network_id` (String, Forces replacement) Network."),
            "{md}"
        );
        assert!(md.contains("Read-Only:\n\n- `ip` (String) Address."), "{md}");
        assert_eq!(replacing_arguments(&block), vec!["networks.network_id".to_string()]);
    }
}
