//! Every example the docs embed is applied against a sandbox with the real Terraform, then
//! planned (must be empty); every `import.sh` is run against what was applied (the object is first
//! removed from state), followed by an empty plan; then everything is destroyed.
//!
//! One working directory per type, run a few at a time: `examples/provider/provider.tf` plus the
//! type's `examples/resources/<type>/resource.tf` and `examples/data-sources/<type>/data-source.tf`
//! (a data-source example may use the resource example of its type, as the docs show them side by
//! side). Each directory has its own sandbox, so examples may reuse names and tax numbers. The
//! same files, and each module under `examples/`, are also validated with Terraform 1.0.

mod common;

use common::*;
use level27::docs::{self, parse_import_sh};
use level27::provider::Provider;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

/// How many example directories run at once (each runs Terraform and provider processes).
const PARALLEL: usize = 3;

/// How long one command may take before the test fails.
const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(300);

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn dirs_in(rel: &str) -> BTreeSet<String> {
    fs::read_dir(root().join(rel))
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter(|e| e.path().is_dir())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// The example files of `ty` that exist, as (file name in the working directory, repo path).
fn example_files(ty: &str) -> Vec<(String, String)> {
    let mut files = vec![("provider.tf".to_string(), docs::PROVIDER_EXAMPLE.to_string())];
    for (name, rel) in [
        ("resource.tf", docs::resource_example(ty)),
        ("data-source.tf", docs::data_source_example(ty)),
    ] {
        if root().join(&rel).is_file() {
            files.push((name.to_string(), rel));
        }
    }
    files
}

/// The sandbox's objects, without its id counters (which only grow).
fn objects(sb: &Sandbox) -> Value {
    let mut s = sb.state();
    if let Some(m) = s.as_object_mut() {
        m.retain(|k, _| !k.to_ascii_lowercase().contains("next") && k != "version");
    }
    s
}

/// `program args` in the working directory of `tf`, with its CLI configuration and environment
/// (`Tf::run` puts `-no-color` after the first word, which `terraform state rm` rejects).
fn command_like(tf: &Tf, program: &Path, args: &[&str]) -> Command {
    let (template, _) = tf.command(&["version"]);
    let mut cmd = Command::new(program);
    cmd.args(args).current_dir(&tf.dir);
    for (k, v) in template.get_envs() {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    cmd
}

/// Runs `import.sh` as a user would, with the example's id replaced by the id of what was
/// applied: `terraform` on PATH is the test's Terraform, with the working directory's CLI
/// configuration and environment.
fn run_import_script(tf: &Tf, script: &str, example_id: &str, real_id: &str) -> Output {
    let bin = tf.scratch("bin");
    fs::create_dir_all(&bin).unwrap();
    let link = bin.join("terraform");
    if !link.exists() {
        std::os::unix::fs::symlink(&tf.terraform.path, &link).unwrap();
    }
    // Only on the command line: a comment may quote the example id too.
    let text: String = script
        .lines()
        .map(|l| {
            if l.trim_start().starts_with("terraform import") {
                let (head, id) = l.trim_end().rsplit_once(' ').expect("terraform import ADDRESS ID");
                assert_eq!(id.trim_matches(['"', '\'']), example_id, "{l}");
                format!("{head} {real_id}\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    let path = tf.scratch("import.sh");
    fs::write(&path, &text).unwrap();
    let mut cmd = command_like(tf, Path::new("sh"), &[&path.to_string_lossy()]);
    let path_var = std::env::var_os("PATH").unwrap_or_default();
    let mut paths: Vec<PathBuf> = vec![bin];
    paths.extend(std::env::split_paths(&path_var));
    cmd.env("PATH", std::env::join_paths(paths).unwrap());
    run_with_timeout(
        cmd,
        format!("sh import.sh ({})", text.lines().last().unwrap_or_default()),
        TIMEOUT,
    )
}

/// Applies, plans, imports and destroys the examples of `ty`.
fn exercise(ty: &str, import_ids: &BTreeMap<&'static str, &'static [&'static str]>) {
    let sb = Sandbox::start();
    let before = objects(&sb);
    let tf = Tf::new(&format!("ex-{ty}"), &sb);
    let files = example_files(ty);
    for (name, rel) in &files {
        tf.write(name, &fs::read_to_string(root().join(rel)).unwrap());
    }
    let used: Vec<&String> = files.iter().map(|(_, rel)| rel).collect();
    tf.apply();
    tf.assert_plan_empty(&format!("{ty}: examples {used:?} after apply"));

    // What the data sources read is there.
    let state = tf.state();
    for r in state["resources"].as_array().into_iter().flatten() {
        if r["mode"] == "data" && r["type"] == ty {
            // A list data source has no `id` of its own: what it read is in its plural attribute.
            for i in r["instances"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|i| i["attributes"].get("id").is_some())
            {
                let id = i["attributes"]["id"].as_str().unwrap_or_default();
                assert!(
                    !id.is_empty(),
                    "{ty}: data.{ty}.{} read no id: {}",
                    r["name"].as_str().unwrap_or_default(),
                    i["attributes"]
                );
            }
        }
    }

    let script_rel = docs::resource_import(ty);
    if let Ok(script) = fs::read_to_string(root().join(&script_rel)) {
        let cmd = parse_import_sh(&script).unwrap_or_else(|e| panic!("{script_rel}: {e}"));
        let attrs = tf.attrs(&cmd.address);
        let parts = import_ids
            .get(ty)
            .unwrap_or_else(|| panic!("{script_rel}: {ty} is not a resource of the provider"));
        let real_id = parts
            .iter()
            .map(|p| {
                attrs[*p]
                    .as_str()
                    .unwrap_or_else(|| panic!("{}.{p} is not a string in state: {attrs}", cmd.address))
                    .to_string()
            })
            .collect::<Vec<_>>()
            .join("/");
        let rm = command_like(&tf, &tf.terraform.path, &["state", "rm", &cmd.address]);
        run_with_timeout(rm, format!("terraform state rm {}", cmd.address), TIMEOUT).assert_ok();
        assert!(!tf.in_state(&cmd.address));
        let out = run_import_script(&tf, &script, &cmd.id, &real_id);
        assert!(out.success(), "{script_rel} failed:\n{}", out.dump());
        assert_eq!(
            tf.attrs(&cmd.address)["id"],
            attrs["id"],
            "{script_rel} imported another object"
        );
        tf.assert_plan_empty(&format!("{ty}: after {script_rel}"));
    }

    tf.destroy();
    assert_eq!(
        objects(&sb),
        before,
        "{ty}: the sandbox holds objects after destroying the examples"
    );
}

#[test]
fn every_registry_example_applies_plans_empty_and_imports() {
    let provider = Provider::new();
    let import_ids: BTreeMap<&'static str, &'static [&'static str]> =
        provider.resources.iter().map(|(k, r)| (*k, r.spec.import_id)).collect();
    let types: BTreeSet<String> = dirs_in("examples/resources")
        .into_iter()
        .chain(dirs_in("examples/data-sources"))
        .collect();
    assert!(
        types.contains("level27_team") && root().join(docs::PROVIDER_EXAMPLE).is_file(),
        "examples/ lacks the provider or team examples: {types:?}"
    );

    let queue = Mutex::new(types.iter().cloned().collect::<Vec<_>>());
    let failed = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..PARALLEL {
            s.spawn(|| loop {
                let Some(ty) = queue.lock().unwrap().pop() else { break };
                let ids = &import_ids;
                let t = ty.clone();
                let ok = std::thread::scope(|inner| inner.spawn(move || exercise(&t, ids)).join().is_ok());
                if !ok {
                    failed.lock().unwrap().push(ty);
                }
            });
        }
    });
    let failed = failed.into_inner().unwrap();
    assert!(
        failed.is_empty(),
        "the examples of {failed:?} failed (their panics are printed above)"
    );
}

/// Terraform 1.0 types a list of nested attributes as an object at validation, so an index into
/// one (`regions[0]`) fails there ("This value does not have any indices"), though the provider
/// supports Terraform 1.0. Every example the docs show is validated with it: the files of each
/// type as above, and each complete module under `examples/`.
#[test]
fn every_example_validates_on_terraform_1_0() {
    let Some(tf10) = Terraform::v1_0("every_example_validates_on_terraform_1_0") else {
        return;
    };
    let mut sets: Vec<(String, Vec<(String, String)>)> = dirs_in("examples/resources")
        .into_iter()
        .chain(dirs_in("examples/data-sources"))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .map(|ty| {
            let files = example_files(&ty);
            (ty, files)
        })
        .collect();
    for module in dirs_in("examples") {
        let rel = format!("examples/{module}");
        let files: Vec<(String, String)> = fs::read_dir(root().join(&rel))
            .map(|rd| {
                rd.filter_map(Result::ok)
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n.ends_with(".tf"))
                    .map(|n| (n.clone(), format!("{rel}/{n}")))
                    .collect()
            })
            .unwrap_or_default();
        if files.iter().any(|(n, _)| n == "main.tf") {
            sets.push((module, files));
        }
    }
    assert!(sets.iter().any(|(n, _)| n == "servers"), "{sets:?}");
    let mut failed = Vec::new();
    for (name, files) in &sets {
        let tf = Tf::with(&format!("v10-{name}"), tf10.clone(), None);
        for (file, rel) in files {
            tf.write(file, &fs::read_to_string(root().join(rel)).unwrap());
        }
        let out = tf.run(&["validate"]);
        if !out.success() {
            failed.push(format!("{name}:\n{}", out.dump()));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

/// The examples are what users copy, and what the docs embed: written as `terraform fmt` writes
/// them, so that a copied block does not show up in a user's own `fmt -check`.
#[test]
fn every_example_is_formatted_as_terraform_fmt_writes_it() {
    let tf = Terraform::default_bin();
    let out = Command::new(&tf.path)
        .args(["fmt", "-check", "-recursive", "-list=true", "examples"])
        .current_dir(root())
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .output()
        .expect("run terraform fmt");
    assert!(
        out.status.success(),
        "terraform fmt would rewrite these (run `terraform fmt -recursive examples` and \
         `cargo run --bin level27-docs`):\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
