//! The registry documentation (`docs/`), generated from the provider's own schema.
//!
//! Every resource and data source the provider serves gets a page: its description, a
//! hand-written part when `templates/<kind>/<type>.md.tmpl` exists, its example from
//! `examples/`, its arguments and attributes with their rules (type, sensitive, write-only,
//! default, validation, replacement), nested schemas, timeouts and import. `docs/index.md` and
//! `docs/guides/` come from templates under `templates/`. `level27-docs` writes the pages;
//! `tests/docs.rs` fails when `docs/` differs from what it would write.

pub mod render;

use crate::framework::Block;
use crate::provider::Provider;
use render::Kind;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The command that regenerates `docs/`.
pub const REGENERATE: &str = "cargo run --bin level27-docs";

/// The folders the generator owns: any page in them that it does not write is stale.
pub const MANAGED_DIRS: &[&str] = &["docs/resources", "docs/data-sources", "docs/guides"];

/// The provider's name as the registry shows it in page titles.
const PROVIDER: &str = "level27";

#[derive(Debug, thiserror::Error)]
pub enum DocsError {
    #[error("cannot read {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("cannot write {path}: {source}")]
    Write { path: String, source: std::io::Error },
    #[error("{path}: {message}")]
    Template { path: String, message: String },
}

/// One generated file, its path relative to the repository root (`docs/resources/team.md`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub path: String,
    pub content: String,
}

/// The page name of a type: `level27_team` → `team`.
pub fn short_name(type_name: &str) -> &str {
    type_name
        .strip_prefix(PROVIDER)
        .and_then(|s| s.strip_prefix('_'))
        .unwrap_or(type_name)
}

/// The example files a type's page embeds (relative to the repository root).
pub fn resource_example(type_name: &str) -> String {
    format!("examples/resources/{type_name}/resource.tf")
}
pub fn resource_import(type_name: &str) -> String {
    format!("examples/resources/{type_name}/import.sh")
}
pub fn data_source_example(type_name: &str) -> String {
    format!("examples/data-sources/{type_name}/data-source.tf")
}
pub const PROVIDER_EXAMPLE: &str = "examples/provider/provider.tf";

/// The `terraform import ADDRESS ID` command of an `import.sh`: exactly one such line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportCommand {
    pub address: String,
    pub id: String,
}

pub fn parse_import_sh(text: &str) -> Result<ImportCommand, String> {
    let commands: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("terraform import"))
        .collect();
    let [line] = commands.as_slice() else {
        return Err(format!(
            "expected exactly one `terraform import ADDRESS ID` line, found {}",
            commands.len()
        ));
    };
    let words: Vec<&str> = line.split_whitespace().collect();
    match words.as_slice() {
        ["terraform", "import", address, id] if !address.starts_with('-') => Ok(ImportCommand {
            address: address.to_string(),
            id: id.trim_matches(['"', '\'']).to_string(),
        }),
        _ => Err(format!(
            "`{line}` is not of the form `terraform import ADDRESS ID` (no options, one id)"
        )),
    }
}

fn read(root: &Path, rel: &str) -> Result<String, DocsError> {
    std::fs::read_to_string(root.join(rel)).map_err(|source| DocsError::Read {
        path: rel.to_string(),
        source,
    })
}

/// The file, or `None` when it does not exist.
fn read_optional(root: &Path, rel: &str) -> Result<Option<String>, DocsError> {
    match std::fs::read_to_string(root.join(rel)) {
        Ok(s) => Ok(Some(s)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(DocsError::Read {
            path: rel.to_string(),
            source,
        }),
    }
}

/// Fills `{{ name }}` placeholders from `vars` and `{{ file "path" }}` with a repository file.
/// An unknown placeholder is an error, so a typo never reaches the registry.
pub fn fill(root: &Path, template_path: &str, text: &str, vars: &BTreeMap<&str, String>) -> Result<String, DocsError> {
    let err = |message: String| DocsError::Template {
        path: template_path.to_string(),
        message,
    };
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find("}}").ok_or_else(|| err("a `{{` without its `}}`".into()))?;
        let key = after[..end].trim();
        if let Some(file) = key.strip_prefix("file ") {
            let file = file.trim().trim_matches('"');
            out.push_str(read(root, file)?.trim_end());
        } else {
            let v = vars.get(key).ok_or_else(|| {
                err(format!(
                    "unknown placeholder {{{{ {key} }}}} (known: {}, file \"path\")",
                    vars.keys().copied().collect::<Vec<_>>().join(", ")
                ))
            })?;
            out.push_str(v);
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

/// A hand-written part: an optional front matter (`subcategory: "..."`) and markdown.
struct HandWritten {
    subcategory: String,
    body: String,
}

fn hand_written(root: &Path, rel: &str, vars: &BTreeMap<&str, String>) -> Result<HandWritten, DocsError> {
    let Some(text) = read_optional(root, rel)? else {
        return Ok(HandWritten {
            subcategory: String::new(),
            body: String::new(),
        });
    };
    let (front, body) = split_front_matter(&text).unwrap_or(("", text.as_str()));
    let subcategory = front_matter_field(front, "subcategory").unwrap_or_default();
    Ok(HandWritten {
        subcategory,
        body: fill(root, rel, body.trim(), vars)?,
    })
}

/// `(front matter, rest)` of a page that starts with `---` lines.
pub fn split_front_matter(text: &str) -> Option<(&str, &str)> {
    let rest = text.strip_prefix("---\n")?;
    let end = rest.find("\n---\n")?;
    Some((&rest[..end + 1], &rest[end + 5..]))
}

/// The value of a `key: value` line (quotes removed; `|-` block values joined).
pub fn front_matter_field(front: &str, key: &str) -> Option<String> {
    let mut lines = front.lines();
    while let Some(line) = lines.next() {
        let Some(v) = line.strip_prefix(key).and_then(|r| r.strip_prefix(':')) else {
            continue;
        };
        let v = v.trim();
        if v == "|-" || v == "|" {
            let block: Vec<&str> = lines
                .by_ref()
                .take_while(|l| l.starts_with("  "))
                .map(str::trim)
                .collect();
            return Some(block.join(" "));
        }
        return Some(v.trim_matches('"').to_string());
    }
    None
}

fn front_matter(page_title: &str, subcategory: &str, description: &str) -> String {
    let mut s = String::from("---\n");
    let _ = writeln!(s, "page_title: {}", yaml_string(page_title));
    let _ = writeln!(s, "subcategory: {}", yaml_string(subcategory));
    s.push_str("description: |-\n");
    for line in description.trim().lines() {
        let _ = writeln!(s, "  {line}");
    }
    s.push_str("---\n\n");
    s
}

fn yaml_string(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

fn code_block(lang: &str, code: &str) -> String {
    format!("```{lang}\n{}\n```\n", code.trim_end())
}

/// `import.sh` without its shebang, as shown on the page.
fn script_body(text: &str) -> &str {
    match text.strip_prefix("#!") {
        Some(rest) => rest.split_once('\n').map(|(_, r)| r).unwrap_or(""),
        None => text,
    }
    .trim()
}

/// Every page of `docs/` that the generator owns, in a stable order.
pub fn generate(root: &Path) -> Result<Vec<Page>, DocsError> {
    let provider = Provider::new();
    let mut pages = Vec::new();
    pages.push(index_page(root, &provider)?);
    for (name, resource) in &provider.resources {
        pages.push(resource_page(
            root,
            name,
            resource.spec.import_id,
            &resource.schema.block,
        )?);
    }
    for (name, ds) in &provider.data_sources {
        pages.push(data_source_page(root, name, &ds.schema.block)?);
    }
    pages.extend(guides(root)?);
    Ok(pages)
}

fn type_links(kind: &str, names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("- [`{n}`]({kind}/{}.md)\n", short_name(n)))
        .collect()
}

fn index_page(root: &Path, provider: &Provider) -> Result<Page, DocsError> {
    let rel = "templates/index.md.tmpl";
    let s = render::schema_markdown(&provider.schema.block, Kind::Provider);
    let mut vars: BTreeMap<&str, String> = BTreeMap::new();
    vars.insert(
        "provider_example",
        code_block("terraform", &read(root, PROVIDER_EXAMPLE)?)
            .trim_end()
            .to_string(),
    );
    vars.insert(
        "provider_arguments",
        format!("{}{}{}", s.arguments, s.attributes, s.nested)
            .trim_end()
            .to_string(),
    );
    vars.insert("description", provider.schema.block.description.to_string());
    let resources: Vec<&str> = provider.resources.keys().copied().collect();
    let data_sources: Vec<&str> = provider.data_sources.keys().copied().collect();
    vars.insert("resources", type_links("resources", &resources).trim_end().to_string());
    vars.insert(
        "data_sources",
        type_links("data-sources", &data_sources).trim_end().to_string(),
    );
    let content = fill(root, rel, &read(root, rel)?, &vars)?;
    Ok(Page {
        path: "docs/index.md".into(),
        content: format!("{}\n", content.trim_end()),
    })
}

fn resource_page(root: &Path, name: &str, import_id: &[&str], block: &Block) -> Result<Page, DocsError> {
    let vars: BTreeMap<&str, String> = [("type", name.to_string())].into_iter().collect();
    let hand = hand_written(root, &format!("templates/resources/{name}.md.tmpl"), &vars)?;
    let mut md = front_matter(
        &format!("{name} Resource - terraform-provider-{PROVIDER}"),
        &hand.subcategory,
        block.description,
    );
    let _ = write!(md, "# {name} (Resource)\n\n{}\n\n", block.description.trim());
    if !hand.body.is_empty() {
        let _ = write!(md, "{}\n\n", hand.body);
    }
    if let Some(example) = read_optional(root, &resource_example(name))? {
        let _ = write!(md, "## Example Usage\n\n{}\n", code_block("terraform", &example));
    }
    let s = render::schema_markdown(block, Kind::Resource);
    let _ = write!(md, "## Argument Reference\n\n{}", s.arguments);
    let _ = write!(
        md,
        "## Attribute Reference\n\nIn addition to the arguments above, these attributes are known after apply:\n\n{}",
        s.attributes
    );
    md.push_str(&s.nested);
    let replacing = render::replacing_arguments(block);
    md.push_str("## Replacement\n\n");
    if replacing.is_empty() {
        md.push_str("Every argument can be changed in place.\n\n");
    } else {
        let list: Vec<String> = replacing.iter().map(|a| format!("`{a}`")).collect();
        let _ = write!(
            md,
            "Changing {} destroys this object and creates a new one (the plan shows `must be replaced`); \
             every other argument changes in place.\n\n",
            list.join(", ")
        );
    }
    if let Some(t) = render::timeouts_markdown(block) {
        md.push_str(&t);
    }
    if !import_id.is_empty() {
        md.push_str(&import_section(root, name, import_id)?);
    }
    Ok(Page {
        path: format!("docs/resources/{}.md", short_name(name)),
        content: format!("{}\n", md.trim_end()),
    })
}

fn import_section(root: &Path, name: &str, import_id: &[&str]) -> Result<String, DocsError> {
    let shape: Vec<String> = import_id.iter().map(|a| format!("<{a}>")).collect();
    let shape = shape.join("/");
    let mut md = String::from("## Import\n\n");
    let _ = write!(
        md,
        "An existing object is imported by its id `{shape}`{}. Afterwards `terraform plan` shows no changes when the configuration matches the object.\n\n",
        if import_id.len() > 1 {
            " (the values of these attributes joined by `/`)"
        } else {
            ""
        }
    );
    let rel = resource_import(name);
    let (address, id, script) = match read_optional(root, &rel)? {
        Some(script) => {
            let cmd = parse_import_sh(&script).map_err(|message| DocsError::Template {
                path: rel.clone(),
                message,
            })?;
            (cmd.address, cmd.id, Some(script_body(&script).to_string()))
        }
        None => (format!("{name}.example"), shape.clone(), None),
    };
    let _ = write!(
        md,
        "With an `import` block (Terraform 1.5 and later); `terraform plan -generate-config-out=generated.tf` \
         then writes the configuration for it:\n\n{}\n",
        code_block(
            "terraform",
            &format!("import {{\n  to = {address}\n  id = \"{id}\"\n}}")
        )
    );
    if let Some(script) = script {
        let _ = write!(
            md,
            "With `terraform import` (every Terraform version):\n\n{}\n",
            code_block("shell", &script)
        );
    }
    Ok(md)
}

fn data_source_page(root: &Path, name: &str, block: &Block) -> Result<Page, DocsError> {
    let vars: BTreeMap<&str, String> = [("type", name.to_string())].into_iter().collect();
    let mut hand = hand_written(root, &format!("templates/data-sources/{name}.md.tmpl"), &vars)?;
    if hand.subcategory.is_empty() {
        // The registry's navigation groups pages by subcategory: a data source of a resource's
        // name goes with that resource unless its own template says otherwise.
        hand.subcategory = hand_written(root, &format!("templates/resources/{name}.md.tmpl"), &vars)?.subcategory;
    }
    let mut md = front_matter(
        &format!("{name} Data Source - terraform-provider-{PROVIDER}"),
        &hand.subcategory,
        block.description,
    );
    let _ = write!(md, "# {name} (Data Source)\n\n{}\n\n", block.description.trim());
    if !hand.body.is_empty() {
        let _ = write!(md, "{}\n\n", hand.body);
    }
    if let Some(example) = read_optional(root, &data_source_example(name))? {
        let _ = write!(md, "## Example Usage\n\n{}\n", code_block("terraform", &example));
    }
    let s = render::schema_markdown(block, Kind::DataSource);
    let _ = write!(md, "## Argument Reference\n\n{}", s.arguments);
    let _ = write!(
        md,
        "## Attribute Reference\n\nIn addition to the arguments above, the data source reads:\n\n{}",
        s.attributes
    );
    md.push_str(&s.nested);
    Ok(Page {
        path: format!("docs/data-sources/{}.md", short_name(name)),
        content: format!("{}\n", md.trim_end()),
    })
}

/// `templates/guides/<name>.md.tmpl` → `docs/guides/<name>.md` (with placeholders filled).
fn guides(root: &Path) -> Result<Vec<Page>, DocsError> {
    let dir = root.join("templates/guides");
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(DocsError::Read {
                path: "templates/guides".into(),
                source,
            })
        }
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|n| n.ends_with(".md.tmpl"))
        .collect();
    names.sort();
    let vars = BTreeMap::new();
    names
        .into_iter()
        .map(|n| {
            let rel = format!("templates/guides/{n}");
            let content = fill(root, &rel, &read(root, &rel)?, &vars)?;
            Ok(Page {
                path: format!("docs/guides/{}", n.trim_end_matches(".tmpl")),
                content: format!("{}\n", content.trim_end()),
            })
        })
        .collect()
}

/// What differs between `docs/` and the generated pages: files missing or different, and pages
/// in the generator's folders that it no longer writes.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Drift {
    pub changed: Vec<String>,
    pub stale: Vec<String>,
}

impl Drift {
    pub fn is_empty(&self) -> bool {
        self.changed.is_empty() && self.stale.is_empty()
    }
}

fn managed_files(root: &Path) -> Result<Vec<String>, DocsError> {
    let mut out = Vec::new();
    for dir in MANAGED_DIRS {
        let entries = match std::fs::read_dir(root.join(dir)) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(source) => {
                return Err(DocsError::Read {
                    path: dir.to_string(),
                    source,
                })
            }
        };
        for e in entries.filter_map(Result::ok) {
            if let Some(n) = e.file_name().to_str() {
                out.push(format!("{dir}/{n}"));
            }
        }
    }
    out.sort();
    Ok(out)
}

pub fn drift(root: &Path, pages: &[Page]) -> Result<Drift, DocsError> {
    let mut d = Drift::default();
    for p in pages {
        if read_optional(root, &p.path)?.as_deref() != Some(p.content.as_str()) {
            d.changed.push(p.path.clone());
        }
    }
    for f in managed_files(root)? {
        if !pages.iter().any(|p| p.path == f) {
            d.stale.push(f);
        }
    }
    Ok(d)
}

/// Writes the pages and removes stale ones; returns the paths written or removed.
pub fn write(root: &Path, pages: &[Page]) -> Result<Vec<String>, DocsError> {
    let d = drift(root, pages)?;
    for p in pages.iter().filter(|p| d.changed.contains(&p.path)) {
        let path: PathBuf = root.join(&p.path);
        let werr = |source| DocsError::Write {
            path: p.path.clone(),
            source,
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(werr)?;
        }
        std::fs::write(&path, &p.content).map_err(werr)?;
    }
    for f in &d.stale {
        std::fs::remove_file(root.join(f)).map_err(|source| DocsError::Write {
            path: f.clone(),
            source,
        })?;
    }
    Ok(d.changed.into_iter().chain(d.stale).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_scripts_hold_one_plain_command() {
        let c = parse_import_sh("#!/bin/sh\n# comment\nterraform import level27_team.ops 1000/2000\n").unwrap();
        assert_eq!(c.address, "level27_team.ops");
        assert_eq!(c.id, "1000/2000");
        assert!(parse_import_sh("terraform import -var x=1 a.b 1").is_err());
        assert!(parse_import_sh("echo hi").is_err());
        assert!(parse_import_sh("terraform import a.b 1\nterraform import a.c 2").is_err());
    }

    #[test]
    fn placeholders_must_be_known() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let vars: BTreeMap<&str, String> = [("a", "x".to_string())].into_iter().collect();
        assert_eq!(fill(root, "t", "<{{ a }}>", &vars).unwrap(), "<x>");
        let e = fill(root, "t", "{{ b }}", &vars).unwrap_err().to_string();
        assert!(e.contains("unknown placeholder {{ b }}"), "{e}");
        assert!(fill(root, "t", "{{ a", &vars).is_err());
    }

    #[test]
    fn front_matter_fields_read_back() {
        let fm = front_matter("level27_team Resource", "Sub", "line one\nline two");
        let (front, rest) = split_front_matter(&fm).unwrap();
        assert_eq!(rest, "\n");
        assert_eq!(front_matter_field(front, "subcategory").as_deref(), Some("Sub"));
        assert_eq!(
            front_matter_field(front, "description").as_deref(),
            Some("line one line two")
        );
        assert_eq!(
            front_matter_field(front, "page_title").as_deref(),
            Some("level27_team Resource")
        );
    }
}
