//! Waiting for a component to be provisioned and a certificate to be issued honours `timeouts`
//! and Ctrl-C: a create slower than its `timeouts.create` fails naming the status and the
//! setting, and an interrupt during the waits ends Terraform at once; either way the component
//! and the certificate the API made stay in state (tainted) instead of being lost.

mod common;

use std::os::unix::process::CommandExt;
use std::process::Stdio;
use std::thread;
use std::time::{Duration, Instant};

use common::*;
use serde_json::{json, Value};

/// How long the sandbox takes to make anything: far longer than either test waits.
const ASYNC_MS: u64 = 120_000;

const COMPONENT: &str = "GET /v1/apps/{appId}/components/{componentId}";
const CERTIFICATE: &str = "GET /v1/apps/{appId}/sslcertificates/{sslcertificateId}";

/// An organisation, a plan and an app made through the API (the app's own create is slow too,
/// and not what these tests wait for): the app's id.
fn app(sb: &Sandbox) -> i64 {
    let org = sb.create_organisation("Waits apps", "BE0222222222");
    sb.post_ok(
        "/v1/custompackages",
        json!({"name": "waits", "customPackageName": "drupal_run", "organisation": org}),
    );
    let plan = sb.list_all("/v1/custompackages", "customPackages")[0]["id"]
        .as_i64()
        .expect("the plan is listed");
    sb.post_ok(
        "/v1/apps",
        json!({"name": "waits", "organisation": org, "customPackage": plan, "customPackageName": "drupal_run"}),
    )["app"]["id"]
        .as_i64()
        .expect("app id")
}

fn config(app: i64, timeout: &str) -> String {
    format!(
        r#"{header}
resource "level27_app_component" "slow" {{
  app_id         = "{app}"
  name           = "slow"
  type           = "mysql"
  systemgroup_id = "3"
  timeouts {{
    create = "{timeout}"
  }}
}}

resource "level27_ssl_certificate" "slow" {{
  app_id  = "{app}"
  name    = "slow"
  type    = "letsencrypt"
  domains = ["slow.shop.example"]
  timeouts {{
    create = "{timeout}"
  }}
}}
"#,
        header = header()
    )
}

/// The ids the API holds under `path` (envelope `key`).
fn ids(sb: &Sandbox, path: &str, key: &str) -> Vec<i64> {
    sb.list_all(path, key).iter().filter_map(|o| o["id"].as_i64()).collect()
}

/// Whether every instance of `addr` in the state is tainted (and there is one).
fn tainted(tf: &Tf, addr: &str) -> bool {
    let (ty, name) = addr.split_once('.').expect("type.name");
    let state = tf.state();
    let instances: Vec<Value> = state["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["type"] == ty && r["name"] == name)
        .flat_map(|r| r["instances"].as_array().cloned().unwrap_or_default())
        .collect();
    !instances.is_empty() && instances.iter().all(|i| i["status"] == "tainted")
}

/// The component and the certificate the API made are in state, tainted.
fn kept(tf: &Tf, sb: &Sandbox, app: i64, dump: &str) {
    let components = ids(sb, &format!("/v1/apps/{app}/components"), "components");
    let certificates = ids(sb, &format!("/v1/apps/{app}/sslcertificates"), "sslCertificates");
    assert_eq!((components.len(), certificates.len()), (1, 1), "{dump}");
    assert_eq!(tf.id_of("level27_app_component.slow"), components[0], "{dump}");
    assert_eq!(tf.id_of("level27_ssl_certificate.slow"), certificates[0], "{dump}");
    for addr in ["level27_app_component.slow", "level27_ssl_certificate.slow"] {
        assert!(tainted(tf, addr), "{addr} is not tainted:\n{}", tf.state_text());
    }
}

#[test]
fn apps_create_slower_than_its_timeout_fails_and_is_kept() {
    let sb = Sandbox::start_with(DEFAULT_KEY, &["--async-ms", &ASYNC_MS.to_string()]);
    let app = app(&sb);
    let tf = Tf::new("apps-timeout", &sb);
    tf.write_main(&config(app, "3s"));
    let out = tf.run(&["apply", "-auto-approve"]).assert_failed();
    let flat = out.all().split_whitespace().collect::<Vec<_>>().join(" ");
    for needle in [
        "with level27_app_component.slow",
        "with level27_ssl_certificate.slow",
        "timeouts.create",
    ] {
        assert!(flat.contains(needle), "no {needle:?} in:\n{}", out.dump());
    }
    // Each error names the status the object was left in (a certificate has two).
    let blocks = out.error_blocks();
    for (addr, status) in [
        ("level27_app_component.slow", "status \"to_create\""),
        ("level27_ssl_certificate.slow", "sslStatus validating"),
    ] {
        assert!(
            blocks.iter().any(|b| b.contains(&format!("with {addr}"))
                && b.contains("Timed out waiting for")
                && b.contains(status)),
            "no timeout naming {status:?} on {addr}:\n{}",
            blocks.join("\n---\n")
        );
    }
    kept(&tf, &sb, app, &out.dump());
}

#[test]
fn apps_ctrl_c_stops_the_waits_at_once() {
    let sb = Sandbox::start_with(DEFAULT_KEY, &["--async-ms", &ASYNC_MS.to_string()]);
    let app = app(&sb);
    let tf = Tf::new("apps-interrupt", &sb);
    tf.write_main(&config(app, "30m"));
    let (mut cmd, label) = tf.command(&["apply", "-auto-approve"]);
    let (out_path, err_path) = (tf.scratch("apply.out"), tf.scratch("apply.err"));
    cmd.stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).expect("stdout file"))
        .stderr(std::fs::File::create(&err_path).expect("stderr file"))
        .process_group(0);
    let mut child = cmd.spawn().expect("start terraform apply");

    // Wait until the provider polls both the component and the certificate.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let counts = sb.api_request_counts();
        if counts.contains_key(COMPONENT) && counts.contains_key(CERTIFICATE) {
            break;
        }
        if Instant::now() > deadline || child.try_wait().unwrap().is_some() {
            kill_group(&mut child);
            panic!("`{label}` never polled both objects: {counts:?}");
        }
        thread::sleep(Duration::from_millis(50));
    }
    assert!(signal_group(child.id(), "INT"), "kill -INT failed");

    // Give up well before the objects would be ready by themselves.
    let give_up = Instant::now() + Duration::from_millis(ASYNC_MS / 2);
    let status = exit_by(&mut child, give_up);
    if status.is_none() {
        kill_group(&mut child);
    }
    let dump = format!(
        "--- stdout ---\n{}\n--- stderr ---\n{}",
        std::fs::read_to_string(&out_path).unwrap_or_default(),
        std::fs::read_to_string(&err_path).unwrap_or_default()
    );
    let status = status.unwrap_or_else(|| panic!("terraform kept waiting after Ctrl-C\n{dump}"));
    assert!(
        !status.success(),
        "an interrupted apply must not report success\n{dump}"
    );
    assert!(dump.contains("Interrupt received"), "{dump}");
    // Terraform exited while the API was still at work: the waits ended, they did not finish.
    let c = sb.get_ok(&format!("/v1/apps/{app}/components"))["components"][0].clone();
    assert_ne!(c["status"], "ok", "{c}");
    kept(&tf, &sb, app, &dump);
}
