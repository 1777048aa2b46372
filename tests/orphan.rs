//! A Terraform that is killed outright (SIGKILL, a crash, the OOM killer) never calls Shutdown.
//! Its provider processes must not outlive it: they notice that Terraform is no longer their
//! parent, stop serving (removing their socket file) and exit within seconds, instead of
//! waiting for a connection forever, one process per graph walk.

mod common;

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Stdio;
use std::thread;
use std::time::{Duration, Instant};

use common::*;

/// Long enough that the create is certainly still waiting on the API when Terraform is killed.
const LATENCY_MS: u64 = 30_000;

/// The provider processes listening in `dir`, from their socket names
/// (`plugin-level27-<pid>-<random>`).
fn provider_pids(dir: &Path) -> Vec<u32> {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().to_string();
                    name.strip_prefix("plugin-level27-")?.split('-').next()?.parse().ok()
                })
                .collect()
        })
        .unwrap_or_default()
}

fn alive(pid: u32) -> bool {
    // A zombie has exited; only its entry is left for its parent to reap.
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| !s.rsplit(')').next().unwrap_or("").trim_start().starts_with('Z'))
        .unwrap_or(false)
}

#[test]
fn provider_processes_exit_when_terraform_is_killed() {
    let sb = Sandbox::start_with(DEFAULT_KEY, &["--latency-ms", &LATENCY_MS.to_string()]);
    let mut tf = Tf::new("orphan", &sb);
    let sockets = tf.scratch("sockets");
    std::fs::create_dir_all(&sockets).unwrap();
    tf.set_env("PLUGIN_UNIX_SOCKET_DIR", Some(sockets.to_str().unwrap()));
    tf.write_main(&format!(
        r#"{REQUIRED_PROVIDERS}
provider "level27" {{
  request_timeout = "120s"
}}

resource "level27_organisation" "slow" {{
  name       = "Orphan e2e"
  tax_number = "BE0123456789"
}}
"#
    ));

    let (mut cmd, label) = tf.command(&["apply", "-auto-approve"]);
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .process_group(0);
    let mut child = cmd.spawn().expect("start terraform apply");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let reader = thread::spawn(move || {
        let mut all = String::new();
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.contains("level27_organisation.slow: Creating...") {
                let _ = tx.send(());
            }
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    if rx.recv_timeout(Duration::from_secs(60)).is_err() {
        kill_group(&mut child);
        panic!(
            "`{label}` never started the create:\n{}",
            reader.join().unwrap_or_default()
        );
    }
    // The apply walk's provider is waiting on the held POST.
    let pids = provider_pids(&sockets);
    assert!(!pids.is_empty(), "no provider socket in {}", sockets.display());
    assert!(pids.iter().all(|&p| alive(p)), "providers {pids:?} not running");

    // Terraform alone is killed; its provider processes are not signalled at all.
    child.kill().expect("SIGKILL terraform");
    let _ = child.wait();
    let killed = Instant::now();

    let deadline = killed + Duration::from_secs(20);
    while Instant::now() < deadline && pids.iter().any(|&p| alive(p)) {
        thread::sleep(Duration::from_millis(100));
    }
    let left: Vec<u32> = pids.iter().copied().filter(|&p| alive(p)).collect();
    for &p in &left {
        let _ = std::process::Command::new("kill")
            .args(["-KILL", &p.to_string()])
            .status();
    }
    assert!(
        left.is_empty(),
        "provider processes {left:?} were still running 20 s after Terraform was killed"
    );
    eprintln!(
        "{label}: provider processes {pids:?} exited {:.1?} after Terraform was killed",
        killed.elapsed()
    );
    // They stopped serving in order: no socket file left behind.
    assert!(
        provider_pids(&sockets).is_empty(),
        "socket files left in {}: {:?}",
        sockets.display(),
        std::fs::read_dir(&sockets).map(|rd| rd.count()).unwrap_or(0)
    );
}
