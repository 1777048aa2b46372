//! Ctrl-C during an apply, as a terminal delivers it: SIGINT to Terraform's whole process group,
//! which includes the provider processes. The provider must survive the signal (as go-plugin
//! servers do) so that Terraform can call StopProvider, and it must then cancel its in-flight API
//! request instead of waiting for a slow API to answer: Terraform exits while the sandbox still
//! holds the POST, and no organisation the state does not know about is left in the API.

mod common;

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::process::Stdio;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use common::*;

/// How long the sandbox holds every API request: far longer than an interrupt takes to reach the
/// provider, so the POST is certainly still held when the provider is told to stop.
const LATENCY_MS: u64 = 15_000;

/// The create's POST, as the sandbox counts it once it has served it.
const POST_ROUTE: &str = "POST /v1/organisations";

/// Whether the provider's trace log (relayed by Terraform into `TF_LOG_PATH`) shows that it is
/// sending the create's POST. The client logs the body of every request just before sending it.
fn post_started(log: &str) -> bool {
    log.lines().any(|l| {
        l.contains("terraform-provider-level27")
            && l.contains("level27 request body")
            && l.contains("POST")
            && l.contains("/organisations")
    })
}

/// The organisations in Terraform's state (none when there is no state file).
fn state_ids(tf: &Tf) -> Vec<i64> {
    if !tf.dir.join("terraform.tfstate").exists() {
        return Vec::new();
    }
    let mut ids: Vec<i64> = tf
        .instances("level27_organisation.slow")
        .iter()
        .filter_map(|a| as_i64(&a["id"]))
        .collect();
    ids.sort();
    ids
}

#[test]
fn interrupt_cancels_in_flight_requests() {
    let sb = Sandbox::start_with(DEFAULT_KEY, &["--latency-ms", &LATENCY_MS.to_string()]);
    let mut tf = Tf::new("interrupt", &sb);
    let log_path = tf.scratch("terraform-provider-trace.log");
    tf.set_env("TF_LOG_PROVIDER", Some("trace"))
        .set_env("TF_LOG_PATH", Some(log_path.to_str().unwrap()));
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

    // Wait until the create is under way: Terraform says so, and the provider's log shows it
    // sending the POST (which the sandbox then holds for LATENCY_MS).
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut creating = false;
    loop {
        if !creating {
            match rx.recv_timeout(Duration::from_millis(100)) {
                Ok(line) => creating = line.contains("level27_organisation.slow: Creating..."),
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => thread::sleep(Duration::from_millis(50)),
            }
        } else {
            thread::sleep(Duration::from_millis(50));
        }
        let log = std::fs::read_to_string(&log_path).unwrap_or_default();
        if creating && post_started(&log) {
            break;
        }
        let exited = child.try_wait().unwrap().is_some();
        if exited || Instant::now() > deadline {
            kill_group(&mut child);
            panic!(
                "`{label}` never started the create's POST (saw Creating...: {creating}, exited: \
                 {exited}):\n{}\n{}\n--- provider log lines ---\n{}",
                out_thread.join().unwrap_or_default(),
                err_thread.join().unwrap_or_default(),
                log.lines()
                    .filter(|l| l.contains("terraform-provider-level27"))
                    .collect::<Vec<_>>()
                    .join("\n")
            );
        }
    }
    let post_seen = Instant::now();
    // The POST is held by the sandbox: not answered yet, no organisation yet.
    assert_eq!(
        sb.api_request_counts().get(POST_ROUTE),
        None,
        "the sandbox already answered the POST before the interrupt"
    );
    assert!(sb.organisation_ids().is_empty());

    let interrupted = Instant::now();
    let group = child.id();
    assert!(signal_group(group, "INT"), "kill -INT -- -{group} failed");

    // Terraform must stop before the sandbox would have answered the held POST; give it until
    // well after that, then kill the whole group (provider processes included).
    let give_up = Duration::from_millis(LATENCY_MS) + Duration::from_secs(30);
    let status = exit_by(&mut child, interrupted + give_up);
    let stopped_after = interrupted.elapsed();
    // Whether the sandbox had served the POST by the time Terraform exited.
    let post_answered = sb.api_request_counts().get(POST_ROUTE).copied();
    if status.is_none() {
        kill_group(&mut child);
    }
    let stdout = out_thread.join().unwrap_or_default();
    let stderr = err_thread.join().unwrap_or_default();
    eprintln!(
        "{label}: POST seen after {:.1?}, interrupted then, exited {:.1?} later ({status:?})",
        post_seen - start,
        stopped_after
    );
    let dump = format!("--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}");
    let status = status.unwrap_or_else(|| {
        panic!(
            "terraform was still running {give_up:?} after the interrupt: StopProvider does not \
             cancel in-flight requests\n{dump}"
        )
    });
    assert_eq!(
        post_answered, None,
        "terraform only stopped after the sandbox had answered the held POST: StopProvider does \
         not cancel in-flight requests\n{dump}"
    );
    assert!(
        !status.success(),
        "an interrupted apply must not report success\n{dump}"
    );
    assert!(
        stdout.contains("Interrupt received") || stderr.contains("Interrupt received"),
        "terraform did not see the interrupt\n{dump}"
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
            "the provider died on SIGINT ({crash:?}) instead of letting Terraform stop it\n{dump}"
        );
    }

    // State and API agree once the held request's time is up: the cancelled create left no
    // organisation behind that Terraform does not know about. (Until then a still-held request
    // could yet create one; stop early if it does.)
    let settled = post_seen + Duration::from_millis(LATENCY_MS) + Duration::from_secs(2);
    while Instant::now() < settled && sb.organisation_ids().is_empty() {
        thread::sleep(Duration::from_millis(200));
    }
    let in_api = sb.organisation_ids();
    let in_state = state_ids(&tf);
    assert_eq!(
        in_api, in_state,
        "after the interrupt the sandbox holds organisations {in_api:?}, the state {in_state:?}: \
         the cancelled create left an organisation Terraform does not know about\n{dump}"
    );
}
