//! The real `level27-sandbox` binary, as users run it: `--listen 127.0.0.1:0` announces its port
//! on the first stdout line, `--data FILE` keeps state across a SIGTERM and a restart.
//!
//! Self-contained (no `tests/common`): only the binary, std, tokio and reqwest.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_level27-sandbox");
const KEY: &str = "sandbox";

/// A sandbox process; killed on drop if the test did not stop it.
struct Running {
    child: Child,
    /// `http://127.0.0.1:PORT`, from the first stdout line.
    base: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn start(data: &Path) -> Running {
    let mut child = Command::new(BIN)
        .args(["--listen", "127.0.0.1:0", "--data"])
        .arg(data)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {BIN}: {e}"));
    let stdout = child.stdout.take().expect("piped stdout");
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut lines = BufReader::new(stdout).lines();
        let _ = tx.send(lines.next());
        // Keep draining so the sandbox never blocks on a full pipe.
        for _ in lines {}
    });
    // Built before reading, so a failed start still kills the process.
    let mut running = Running {
        child,
        base: String::new(),
    };
    let first = match rx.recv_timeout(Duration::from_secs(30)) {
        Ok(Some(Ok(line))) => line,
        other => panic!("no listening line from the sandbox: {other:?}"),
    };
    let base = first
        .strip_prefix("level27-sandbox listening on ")
        .unwrap_or_else(|| panic!("unexpected first stdout line: {first:?}"))
        .to_string();
    let port: u16 = base
        .strip_prefix("http://127.0.0.1:")
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("the first line does not give http://127.0.0.1:PORT: {first:?}"));
    assert_ne!(port, 0, "the line must give the port really bound, not 0");
    running.base = base;
    running
}

/// SIGTERM, then waits (bounded) for a clean exit.
fn terminate(mut running: Running) -> ExitStatus {
    let pid = running.child.id().to_string();
    let sent = Command::new("kill").args(["-TERM", &pid]).status().expect("run kill");
    assert!(sent.success(), "kill -TERM {pid} failed");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = running.child.try_wait().expect("try_wait") {
            return status;
        }
        assert!(Instant::now() < deadline, "the sandbox did not exit after SIGTERM");
        thread::sleep(Duration::from_millis(20));
    }
}

fn call(running: &Running, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .build()
            .expect("client");
        let mut request = client
            .request(method, format!("{}{path}", running.base))
            .header("Authorization", KEY);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        let text = response.text().await.expect("body");
        let value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
        };
        (status, value)
    })
}

#[test]
fn an_organisation_survives_sigterm_and_a_restart_with_the_same_data_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("sandbox.json");

    let first = start(&data);
    let (status, created) = call(
        &first,
        reqwest::Method::POST,
        "/v1/organisations",
        Some(json!({"name": "Binary e2e", "taxNumber": "BE0777777777", "country": "NL"})),
    );
    assert_eq!(status, 201, "{created}");
    let id = created["organisation"]["id"].as_u64().expect("id");
    let first_base = first.base.clone();
    let exit = terminate(first);
    assert!(exit.success(), "SIGTERM is a graceful stop, exit status 0: {exit:?}");
    let saved = std::fs::read_to_string(&data).expect("data file written");
    assert!(saved.contains("Binary e2e"), "{saved}");

    let second = start(&data);
    let (status, got) = call(&second, reqwest::Method::GET, &format!("/v1/organisations/{id}"), None);
    assert_eq!(status, 200, "{got} (first run was {first_base})");
    assert_eq!(got["organisation"]["name"], "Binary e2e");
    assert_eq!(got["organisation"]["taxNumber"], "BE0777777777");
    assert_eq!(got["organisation"]["country"]["id"], "NL");
    // The restarted sandbox still knows the tax number is taken, and ids continue.
    let (status, duplicate) = call(
        &second,
        reqwest::Method::POST,
        "/v1/organisations",
        Some(json!({"name": "Again", "taxNumber": "BE0777777777"})),
    );
    assert_eq!(status, 400, "{duplicate}");
    let (status, next) = call(
        &second,
        reqwest::Method::POST,
        "/v1/organisations",
        Some(json!({"name": "Next", "taxNumber": "BE0888888888"})),
    );
    assert_eq!(status, 201, "{next}");
    assert!(next["organisation"]["id"].as_u64().expect("id") > id);
    let exit = terminate(second);
    assert!(exit.success(), "{exit:?}");
}

/// A second sandbox started on the data file of a running one is refused with a message and a
/// non-zero exit (they would overwrite each other's changes), and the first is unharmed.
#[test]
fn a_second_sandbox_on_the_same_data_file_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("sandbox.json");
    let first = start(&data);
    let (status, created) = call(
        &first,
        reqwest::Method::POST,
        "/v1/organisations",
        Some(json!({"name": "First", "taxNumber": "BE0111111111"})),
    );
    assert_eq!(status, 201, "{created}");

    let mut second = Command::new(BIN)
        .args(["--listen", "127.0.0.1:0", "--data"])
        .arg(&data)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run a second sandbox");
    // Bounded: a second sandbox that starts serving never exits by itself.
    let deadline = Instant::now() + Duration::from_secs(20);
    while second.try_wait().expect("try_wait").is_none() {
        if Instant::now() >= deadline {
            let _ = second.kill();
            let _ = second.wait();
            panic!("the second sandbox is serving the data file of the first");
        }
        thread::sleep(Duration::from_millis(20));
    }
    let second = second.wait_with_output().expect("output");
    let stdout = String::from_utf8_lossy(&second.stdout);
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(!second.status.success(), "the second sandbox ran: {stdout}");
    assert!(stdout.is_empty(), "no listening line: {stdout}");
    assert!(
        stderr.contains("in use by another level27-sandbox"),
        "the message says why: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");

    let id = created["organisation"]["id"].as_u64().expect("id");
    let (status, got) = call(&first, reqwest::Method::GET, &format!("/v1/organisations/{id}"), None);
    assert_eq!(status, 200, "{got}");
    let lock = dir.path().join(".sandbox.json.lock");
    assert!(lock.exists(), "the first holds its lock beside the data file");
    let exit = terminate(first);
    assert!(exit.success(), "{exit:?}");
    assert!(std::fs::read_to_string(&data).expect("data").contains("First"));
    assert!(!lock.exists(), "a sandbox that stops leaves no lock file behind");
}
