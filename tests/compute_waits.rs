//! Waiting for a system honours `timeouts` and Ctrl-C: a create slower than its `timeouts.create`
//! fails naming the status and the setting, and an interrupt during the wait ends Terraform at
//! once; either way the system stays in state (tainted) instead of being lost, and the
//! interrupt's error says so.

mod common;

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::process::Stdio;
use std::thread;
use std::time::{Duration, Instant};

use common::*;

/// How long the sandbox takes to create a system: far longer than either test waits.
const ASYNC_MS: &str = "120000";

fn config(timeout: &str) -> String {
    format!(
        r#"{header}
resource "level27_organisation" "acme" {{
  name       = "Waits compute"
  tax_number = "BE0111111111"
}}

resource "level27_vm" "slow" {{
  organisation_id  = level27_organisation.acme.id
  name             = "slow1"
  zone_id          = "20"
  image_id         = "12"
  configuration_id = "45"
  cpu              = 1
  memory           = 1
  disk             = 30
  timeouts {{
    create = "{timeout}"
  }}
}}
"#,
        header = header()
    )
}

fn system_ids(sb: &Sandbox) -> Vec<i64> {
    sb.list_all("/v1/systems", "systems")
        .iter()
        .filter_map(|s| s["id"].as_i64())
        .collect()
}

#[test]
fn a_create_slower_than_its_timeout_fails_and_is_kept() {
    let sb = Sandbox::start_with(DEFAULT_KEY, &["--async-ms", ASYNC_MS]);
    let tf = Tf::new("compute-timeout", &sb);
    tf.write_main(&config("3s"));
    let out = tf.run(&["apply", "-auto-approve"]).assert_failed();
    let flat = out.all().split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("Timed out waiting for") && flat.contains("timeouts.create"),
        "{}",
        out.dump()
    );
    let ids = system_ids(&sb);
    assert_eq!(ids.len(), 1, "{ids:?}");
    assert_eq!(tf.id_of("level27_vm.slow"), ids[0], "the slow system is kept in state");
}

#[test]
fn ctrl_c_stops_the_wait_at_once() {
    let sb = Sandbox::start_with(DEFAULT_KEY, &["--async-ms", ASYNC_MS]);
    let tf = Tf::new("compute-interrupt", &sb);
    tf.write_main(&config("30m"));
    let (mut cmd, label) = tf.command(&["apply", "-auto-approve"]);
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    let mut child = cmd.spawn().expect("start terraform apply");
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let out_thread = thread::spawn(move || {
        BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .collect::<Vec<_>>()
            .join("\n")
    });
    let err_thread = thread::spawn(move || {
        BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
            .collect::<Vec<_>>()
            .join("\n")
    });
    // Wait until the provider is polling the new system.
    let deadline = Instant::now() + Duration::from_secs(60);
    while !sb.api_request_counts().contains_key("GET /v1/systems/{systemId}") {
        if Instant::now() > deadline || child.try_wait().unwrap().is_some() {
            kill_group(&mut child);
            panic!("`{label}` never polled the system");
        }
        thread::sleep(Duration::from_millis(50));
    }
    assert!(signal_group(child.id(), "INT"), "kill -INT failed");
    let give_up = Instant::now() + Duration::from_secs(60);
    let status = exit_by(&mut child, give_up);
    if status.is_none() {
        kill_group(&mut child);
    }
    let dump = format!(
        "--- stdout ---\n{}\n--- stderr ---\n{}",
        out_thread.join().unwrap_or_default(),
        err_thread.join().unwrap_or_default()
    );
    let status = status.unwrap_or_else(|| panic!("terraform kept waiting after Ctrl-C\n{dump}"));
    assert!(
        !status.success(),
        "an interrupted apply must not report success\n{dump}"
    );
    assert!(dump.contains("Interrupt received"), "{dump}");
    // The error says the system exists and what becomes of it, not only that the wait stopped.
    let id = system_ids(&sb).first().copied().unwrap_or_default();
    let flat = dump.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains(&format!(
            "level27_vm {id} was created already: Terraform keeps it as tainted"
        )),
        "{dump}"
    );
    // The system the API is still making is in state, so nothing is lost.
    let ids = system_ids(&sb);
    assert_eq!(ids.len(), 1, "{ids:?}");
    assert_eq!(tf.id_of("level27_vm.slow"), ids[0], "{dump}");
}
