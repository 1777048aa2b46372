//! The registry documentation: `docs/` is what the generator writes, every attribute is
//! described, and the docs and examples follow the layout the Terraform registry reads.

use level27::docs::{self, front_matter_field, parse_import_sh, short_name, split_front_matter};
use level27::framework::schema::{Attribute, Block, Mode};
use level27::framework::validate::parse_api_id;
use level27::provider::Provider;
use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn docs_are_what_the_generator_writes() {
    let pages = docs::generate(root()).unwrap_or_else(|e| panic!("the docs generator failed: {e}"));
    let drift = docs::drift(root(), &pages).unwrap();
    assert!(
        drift.is_empty(),
        "docs/ is stale: run `{}` and commit the result.\nout of date or missing: {:?}\nno longer generated: {:?}",
        docs::REGENERATE,
        drift.changed,
        drift.stale
    );
}

fn undescribed(block: &Block, path: &str, out: &mut Vec<String>) {
    fn attrs(list: &[Attribute], path: &str, out: &mut Vec<String>) {
        for a in list {
            let p = format!("{path}.{}", a.name);
            if a.description.trim().is_empty() {
                out.push(p.clone());
            }
            if let Some(n) = &a.nested {
                attrs(&n.attributes, &p, out);
            }
        }
    }
    if block.description.trim().is_empty() {
        out.push(format!("{path} (the block itself)"));
    }
    attrs(&block.attributes, path, out);
    for b in &block.blocks {
        undescribed(&b.block, &format!("{path}.{}", b.name), out);
    }
}

#[test]
fn every_schema_attribute_has_a_description() {
    let provider = Provider::new();
    let mut missing = Vec::new();
    undescribed(&provider.schema.block, "provider", &mut missing);
    for (name, r) in &provider.resources {
        undescribed(&r.schema.block, name, &mut missing);
    }
    for (name, d) in &provider.data_sources {
        undescribed(&d.schema.block, &format!("data.{name}"), &mut missing);
    }
    assert!(
        missing.is_empty(),
        "attributes without a description (add `.describe(...)`; the docs and language servers show it): {missing:?}"
    );
}

/// What a data source reads is described as read, not as the resource's argument: words about
/// plan-time checks, replacement and what is required belong to the resource's page.
#[test]
fn data_sources_describe_what_they_read_not_the_resources_arguments() {
    let provider = Provider::new();
    let resource_words = [
        "checked per",
        "are not changes",
        "changing it",
        "required (",
        "refused at plan",
    ];
    let mut found = Vec::new();
    for (name, d) in &provider.data_sources {
        for a in d.schema.block.attributes.iter().filter(|a| a.mode == Mode::Computed) {
            let text = a.description.to_lowercase();
            if let Some(word) = resource_words.iter().find(|w| text.contains(*w)) {
                found.push(format!("data.{name}.{} ({word:?})", a.name));
            }
        }
    }
    assert!(found.is_empty(), "give these a `.describe_data(...)`: {found:?}");
}

/// The front matter fields the registry reads, from a page; panics naming the page otherwise.
fn front_matter(rel: &str) -> (String, String, String) {
    let text = fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let (front, body) =
        split_front_matter(&text).unwrap_or_else(|| panic!("{rel}: no front matter (a page starts with `---` lines)"));
    let field = |k: &str| front_matter_field(front, k).unwrap_or_else(|| panic!("{rel}: front matter has no `{k}`"));
    let (title, sub, desc) = (field("page_title"), field("subcategory"), field("description"));
    assert!(!title.trim().is_empty(), "{rel}: empty page_title");
    assert!(!desc.trim().is_empty(), "{rel}: empty description");
    (title, sub, body.to_string())
}

fn files_in(rel: &str) -> BTreeSet<String> {
    match fs::read_dir(root().join(rel)) {
        Ok(rd) => rd
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => BTreeSet::new(),
    }
}

#[test]
fn docs_and_examples_follow_the_registry_layout() {
    let provider = Provider::new();
    let mut problems: Vec<String> = Vec::new();

    let (_, _, index) = front_matter("docs/index.md");
    for section in ["## Example Usage", "## Authentication", "## Argument Reference"] {
        if !index.contains(section) {
            problems.push(format!("docs/index.md has no `{section}`"));
        }
    }
    // The page's opening sentence (the provider's description) names every family the resource
    // pages are grouped in, so a reader learns at once what the provider manages.
    let opening = index
        .lines()
        .find(|l| l.starts_with("The Level27 provider"))
        .unwrap_or_default();
    let families: BTreeSet<String> = files_in("docs/resources")
        .iter()
        .map(|f| front_matter(&format!("docs/resources/{f}")).1)
        .collect();
    for family in &families {
        if !opening.to_lowercase().contains(&family.to_lowercase()) {
            problems.push(format!("docs/index.md's opening {opening:?} does not name {family:?}"));
        }
    }
    if !root().join(docs::PROVIDER_EXAMPLE).is_file() {
        problems.push(format!("{} is missing", docs::PROVIDER_EXAMPLE));
    }

    let resources: BTreeSet<&str> = provider.resources.keys().copied().collect();
    let data_sources: BTreeSet<&str> = provider.data_sources.keys().copied().collect();
    for (kind, dir, names, heading) in [
        ("resources", "docs/resources", &resources, "Resource"),
        ("data-sources", "docs/data-sources", &data_sources, "Data Source"),
    ] {
        // The registry groups pages by subcategory in its navigation: a page without one lands in
        // a flat list apart from its family, and a data source of a resource's name belongs with it.
        for n in names.iter() {
            let page = format!("{dir}/{}.md", short_name(n));
            if !root().join(&page).is_file() {
                continue;
            }
            let (_, sub, _) = front_matter(&page);
            if !families.contains(&sub) {
                problems.push(format!(
                    "{page}: subcategory {sub:?} is none of the resource families {families:?} (set it in templates/{kind}/{n}.md.tmpl)"
                ));
            }
            let twin = format!("docs/resources/{}.md", short_name(n));
            if kind == "data-sources"
                && resources.contains(n)
                && root().join(&twin).is_file()
                && front_matter(&twin).1 != sub
            {
                problems.push(format!(
                    "{page}: subcategory {sub:?} differs from its resource's ({twin})"
                ));
            }
        }
        let expected: BTreeSet<String> = names.iter().map(|n| format!("{}.md", short_name(n))).collect();
        let present = files_in(dir);
        for f in present.difference(&expected) {
            problems.push(format!("{dir}/{f} documents no {kind} type of the provider"));
        }
        for n in names.iter() {
            let page = format!("{dir}/{}.md", short_name(n));
            if !root().join(&page).is_file() {
                problems.push(format!("{page} is missing"));
                continue;
            }
            let (title, _, body) = front_matter(&page);
            if title != format!("{n} {heading} - terraform-provider-level27") {
                problems.push(format!("{page}: page_title {title:?}"));
            }
            if !body.contains(&format!("# {n} ({heading})")) {
                problems.push(format!("{page}: no `# {n} ({heading})` heading"));
            }
            if !body.contains("## Example Usage") {
                problems.push(format!("{page}: no example usage"));
            }
        }
        let example_dirs = files_in(&format!("examples/{kind}"));
        for d in &example_dirs {
            if !names.contains(d.as_str()) {
                problems.push(format!("examples/{kind}/{d} is no {kind} type of the provider"));
            }
        }
    }

    for n in &resources {
        let example = docs::resource_example(n);
        match fs::read_to_string(root().join(&example)) {
            Ok(text) if text.contains(&format!("resource \"{n}\"")) => {}
            Ok(_) => problems.push(format!("{example} declares no `resource \"{n}\"`")),
            Err(_) => problems.push(format!("{example} is missing")),
        }
        let import_id = provider.resources[n].spec.import_id;
        let script = docs::resource_import(n);
        match fs::read_to_string(root().join(&script)) {
            Err(_) if !import_id.is_empty() => problems.push(format!("{script} is missing")),
            Err(_) => {}
            Ok(text) => match parse_import_sh(&text) {
                Err(e) => problems.push(format!("{script}: {e}")),
                Ok(cmd) => {
                    if !cmd.address.starts_with(&format!("{n}.")) {
                        problems.push(format!("{script}: imports {} instead of a {n}", cmd.address));
                    }
                    let parts: Vec<&str> = cmd.id.split('/').collect();
                    if parts.len() != import_id.len() || parts.iter().any(|p| parse_api_id(p).is_none()) {
                        problems.push(format!(
                            "{script}: id {:?} is not of the form {}",
                            cmd.id,
                            import_id.iter().map(|a| format!("<{a}>")).collect::<Vec<_>>().join("/")
                        ));
                    }
                }
            },
        }
    }
    for n in &data_sources {
        let example = docs::data_source_example(n);
        match fs::read_to_string(root().join(&example)) {
            Ok(text) if text.contains(&format!("data \"{n}\"")) => {}
            Ok(_) => problems.push(format!("{example} declares no `data \"{n}\"`")),
            Err(_) => problems.push(format!("{example} is missing")),
        }
    }

    for guide in files_in("docs/guides") {
        if !guide.ends_with(".md") {
            problems.push(format!("docs/guides/{guide}: the registry reads .md files only"));
            continue;
        }
        front_matter(&format!("docs/guides/{guide}"));
    }

    assert!(
        problems.is_empty(),
        "the docs or examples do not follow the registry layout (after fixing, run `{}`):\n- {}",
        docs::REGENERATE,
        problems.join("\n- ")
    );
}

/// The getting-started guide is followed by people who have only this repository: the provider
/// is in no registry they can reach, so the guide must say how Terraform finds the binary cargo
/// built (a CLI configuration with `dev_overrides`), and must not send them to `terraform init`,
/// which then fails looking the provider up in the registry.
#[test]
fn the_getting_started_guide_says_how_terraform_finds_the_built_provider() {
    let guide = fs::read_to_string(root().join("docs/guides/getting-started.md")).unwrap();
    for needed in [
        "dev_overrides",
        "TF_CLI_CONFIG_FILE",
        "target/release/terraform-provider-level27",
    ] {
        assert!(guide.contains(needed), "the guide never says {needed:?}");
    }
    let init_steps: Vec<&str> = guide
        .lines()
        .filter(|l| l.trim_start().starts_with("terraform init"))
        .collect();
    assert!(init_steps.is_empty(), "the guide runs {init_steps:?}");
    // Followed step by step from the repository's root, where the build left the reader: the
    // first `terraform apply` runs in a directory holding a configuration, entered before it.
    let apply = guide
        .find("\nterraform apply")
        .expect("the guide applies a configuration");
    assert!(
        guide[..apply].lines().any(|l| l.starts_with("cd ")),
        "the guide runs terraform apply without entering the configuration's directory"
    );
}
