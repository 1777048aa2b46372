//! Ctrl-C during an apply, as a terminal delivers it: SIGINT to Terraform's whole process group,
//! which includes the provider processes. The provider must survive the signal (as go-plugin
//! servers do) so that Terraform can call StopProvider, and it must then cancel its in-flight API
//! request instead of waiting for a slow API to answer.

mod common;

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use common::*;

/// How long the sandbox holds every request.
const LATENCY_MS: u64 = 30_000;

#[test]
fn interrupt_cancels_in_flight_requests() {
    let sb = Sandbox::start_with(DEFAULT_KEY, &["--latency-ms", &LATENCY_MS.to_string()]);
    let tf = Tf::new("interrupt", &sb);
    tf.write_main(&format!(
        r#"{REQUIRED_PROVIDERS}
provider "level27" {{
  request_timeout = "120s"
}}

resource "level27_organisation" "slow" {{
  name       = "Slow e2e"
  tax_number = "BE0123456789"
}}
"#
    ));

    let (mut cmd, label) = tf.command(&["apply", "-auto-approve"]);
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Its own process group, like a foreground job in a terminal.
        .process_group(0);
    let start = Instant::now();
    let mut child = cmd.spawn().expect("start terraform apply");
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel::<String>();
    let out_thread = thread::spawn(move || {
        let mut all = String::new();
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line.clone());
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    let err_thread = thread::spawn(move || {
        let mut all = String::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            all.push_str(&line);
            all.push('\n');
        }
        all
    });

    // Wait until the create is under way (its POST is then held by the sandbox).
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(line) if line.contains("level27_organisation.slow: Creating...") => break,
            Ok(_) => {}
            Err(mpsc::RecvTimeoutError::Timeout) if Instant::now() < deadline => {}
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "`{label}` never started creating ({e:?}):\n{}\n{}",
                    out_thread.join().unwrap_or_default(),
                    err_thread.join().unwrap_or_default()
                );
            }
        }
    }
    thread::sleep(Duration::from_millis(1500));

    let interrupted = Instant::now();
    let group = format!("-{}", child.id());
    let st = Command::new("kill")
        .args(["-INT", "--", &group])
        .status()
        .expect("kill -INT");
    assert!(st.success(), "kill -INT -- {group} failed");

    let limit = Duration::from_secs(10);
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break Some(st);
        }
        if interrupted.elapsed() > Duration::from_millis(LATENCY_MS) {
            break None;
        }
        thread::sleep(Duration::from_millis(50));
    };
    let stopped_after = interrupted.elapsed();
    if status.is_none() {
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = child.wait();
    }
    let stdout = out_thread.join().unwrap_or_default();
    let stderr = err_thread.join().unwrap_or_default();
    eprintln!(
        "{label}: interrupted after {:.1?}, exited {:.1?} later ({status:?})",
        interrupted - start,
        stopped_after
    );
    let status = status.unwrap_or_else(|| {
        panic!(
            "terraform was still waiting for the API {LATENCY_MS} ms after the interrupt: \
             StopProvider does not cancel in-flight requests\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}"
        )
    });
    assert!(
        stopped_after < limit,
        "terraform took {stopped_after:?} to stop after the interrupt (limit {limit:?}): \
         StopProvider does not cancel in-flight requests\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}"
    );
    assert!(
        !status.success(),
        "an interrupted apply must not report success\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}"
    );
    assert!(
        stdout.contains("Interrupt received") || stderr.contains("Interrupt received"),
        "terraform did not see the interrupt\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}"
    );
    // The stop came through StopProvider, not from a provider killed by the signal.
    for crash in [
        "Plugin did not respond",
        "plugin exited",
        "plugin crashed",
        "connection is unavailable",
        "code = Unavailable",
    ] {
        assert!(
            !stdout.contains(crash) && !stderr.contains(crash),
            "the provider died on SIGINT ({crash:?}) instead of letting Terraform stop it\n\
             --- stdout ---\n{stdout}\n--- stderr ---\n{stderr}"
        );
    }
}
