//! Every directory under `examples/` applies against a sandbox, plans empty afterwards, and
//! destroys cleanly. The quickstart's data sources find what its resources created.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::*;

fn example_dirs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut dirs: Vec<PathBuf> = fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", root.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir() && p.join("main.tf").exists())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn examples_apply_and_plan_clean() {
    let dirs = example_dirs();
    assert!(
        dirs.iter().any(|d| d.ends_with("quickstart")),
        "examples/quickstart is missing"
    );
    for dir in dirs {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let sb = Sandbox::start();
        let tf = Tf::new(&name, &sb);
        for entry in fs::read_dir(&dir).unwrap() {
            let p = entry.unwrap().path();
            if p.extension().is_some_and(|e| e == "tf" || e == "tfvars") {
                tf.write(
                    p.file_name().unwrap().to_str().unwrap(),
                    &fs::read_to_string(&p).unwrap(),
                );
            }
        }
        tf.apply();
        tf.assert_plan_empty(&format!("examples/{name} after apply"));

        if name == "quickstart" {
            let out = tf.outputs();
            let org = as_i64(&out["organisation_id"]).expect("organisation_id output");
            assert_eq!(as_i64(&out["organisation_found_by_name"]), Some(org), "{out}");
            let ops = as_i64(&out["team_ids"]["ops"]).expect("team_ids.ops output");
            assert_eq!(as_i64(&out["team_found_by_name"]), Some(ops), "{out}");
            let teams = sb.teams(org);
            assert_eq!(teams.len(), 2, "two teams: {teams:?}");
        }

        if name == "servers" {
            let systems = sb.list_all("/v1/systems", "systems");
            let kinds: Vec<&str> = systems.iter().filter_map(|s| s["type"].as_str()).collect();
            assert_eq!(kinds.iter().filter(|k| **k == "kvmguest").count(), 2, "{systems:?}");
            assert_eq!(kinds.iter().filter(|k| **k == "baremetal").count(), 1, "{systems:?}");
            assert_eq!(tf.outputs()["baremetal_cores"], 8, "hardware from the configuration");
        }
        if name == "app-hosting" {
            let out = tf.outputs();
            let app = as_i64(&out["app_id"]).expect("app_id output");
            let a = sb.get_ok(&format!("/v1/apps/{app}"));
            assert_eq!(
                (a["app"]["name"].as_str(), a["app"]["status"].as_str()),
                (Some("shop"), Some("ok")),
                "{a}"
            );
            assert_eq!(out["certificate_status"], "ok", "{out}");
            assert_eq!(out["url"], "https://www.shop.example", "{out}");
        }

        if name == "dns-zone" {
            let out = tf.outputs();
            assert_eq!(out["fullname"], "acme-example.be", "{out}");
            let ids = out["record_ids"].as_object().expect("record_ids output");
            assert_eq!(ids.len(), 20, "{out}");
            let domain = sb.list_all("/v1/domains", "domains");
            let domain = domain[0]["id"].as_i64().expect("a domain");
            let records = sb.list_all(&format!("/v1/domains/{domain}/records"), "records");
            let types: std::collections::BTreeSet<&str> = records.iter().filter_map(|r| r["type"].as_str()).collect();
            assert_eq!(records.len(), 20, "{records:?}");
            assert_eq!(types.len(), 9, "every record type: {types:?}");
        }

        tf.destroy();
        if name == "servers" {
            assert!(
                sb.list_all("/v1/systems", "systems").is_empty(),
                "systems left after destroy"
            );
        }
        if name == "dns-zone" {
            assert!(
                sb.list_all("/v1/domains", "domains").is_empty(),
                "examples/dns-zone: domains left"
            );
            assert!(sb.list_all("/v1/domaincontacts", "domaincontacts").is_empty());
        }
        let left = sb.organisations();
        assert!(
            left.is_empty(),
            "examples/{name}: organisations left after destroy: {left:?}"
        );
    }
}
