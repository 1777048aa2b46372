//! Shared harness for the end-to-end tests: the real `terraform` binary drives the real provider
//! binary against a real `level27-sandbox` process over HTTP.
//!
//! Every test owns its sandbox (on a free port) and its temporary working directories, so tests can
//! run in parallel. Terraform is found through `TERRAFORM` or `PATH`; Terraform 1.0.3 through
//! `TERRAFORM_1_0` (installed by `./scripts/test`).
//!
//! Terraform never reads the user's own CLI configuration: each `Tf` writes its own, with a
//! `dev_overrides` entry pointing `level27/level27` at the provider binary cargo built for this test
//! run, and sets `TF_CLI_CONFIG_FILE` to it.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// The provider binary cargo built for this test run.
pub const PROVIDER_BIN: &str = env!("CARGO_BIN_EXE_terraform-provider-level27");
/// The sandbox binary cargo built for this test run.
pub const SANDBOX_BIN: &str = env!("CARGO_BIN_EXE_level27-sandbox");
/// Terraform's go-plugin magic cookie (key `TF_PLUGIN_MAGIC_COOKIE`).
pub const MAGIC_COOKIE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

/// Default api key of the sandboxes the tests start.
pub const DEFAULT_KEY: &str = "e2e-test-key";

/// How long one Terraform command may take before the test fails (and the process is killed).
const TF_TIMEOUT: Duration = Duration::from_secs(300);

/// The `terraform { required_providers }` block every configuration starts with.
pub const REQUIRED_PROVIDERS: &str = r#"terraform {
  required_providers {
    level27 = {
      source = "level27/level27"
    }
  }
}
"#;

/// `REQUIRED_PROVIDERS` plus an empty provider block (url and key come from the environment).
pub fn header() -> String {
    format!("{REQUIRED_PROVIDERS}\nprovider \"level27\" {{}}\n")
}

// ---------------------------------------------------------------------------------------------
// Finding Terraform
// ---------------------------------------------------------------------------------------------

/// A Terraform binary and its version.
#[derive(Clone, Debug)]
pub struct Terraform {
    pub path: PathBuf,
    pub version: (u64, u64, u64),
}

impl Terraform {
    /// Terraform from `TERRAFORM`, else from `PATH`. Panics with a clear message when there is none:
    /// an end-to-end test that silently skips would hide a broken setup.
    pub fn default_bin() -> Terraform {
        let path = match std::env::var_os("TERRAFORM") {
            Some(p) if !p.is_empty() => PathBuf::from(p),
            _ => find_on_path("terraform").unwrap_or_else(|| {
                panic!(
                    "terraform not found: set TERRAFORM=/path/to/terraform or put terraform on PATH \
                     (./scripts/test installs one)"
                )
            }),
        };
        Terraform::at(path)
    }

    /// Terraform 1.0.x from `TERRAFORM_1_0`, or `None` (after printing a skip line) when unset.
    pub fn v1_0(test: &str) -> Option<Terraform> {
        match std::env::var_os("TERRAFORM_1_0") {
            Some(p) if !p.is_empty() => {
                let tf = Terraform::at(PathBuf::from(p));
                assert_eq!(
                    (tf.version.0, tf.version.1),
                    (1, 0),
                    "TERRAFORM_1_0 points at Terraform {:?}, not 1.0.x",
                    tf.version
                );
                Some(tf)
            }
            _ => {
                if let Some(why) = terraform_1_0_required() {
                    panic!(
                        "{test}: TERRAFORM_1_0 is not set, but {why}: the Terraform 1.0 \
                         compatibility run must not be skipped (./scripts/test installs 1.0.3 and \
                         sets TERRAFORM_1_0)"
                    );
                }
                report_skip(&format!(
                    "{test}: skipped: TERRAFORM_1_0 not set (./scripts/test sets it)"
                ));
                None
            }
        }
    }

    pub fn at(path: PathBuf) -> Terraform {
        let out = Command::new(&path)
            .arg("version")
            .env("CHECKPOINT_DISABLE", "1")
            .env("TF_CLI_CONFIG_FILE", "/dev/null")
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", path.display()));
        let text = String::from_utf8_lossy(&out.stdout);
        let version = text
            .lines()
            .next()
            .and_then(|l| l.trim().strip_prefix("Terraform v"))
            .and_then(parse_version)
            .unwrap_or_else(|| panic!("cannot read the version of {}: {text}", path.display()));
        Terraform { path, version }
    }

    /// `import {}` blocks and `plan -generate-config-out` (Terraform 1.5+).
    pub fn has_import_blocks(&self) -> bool {
        self.version >= (1, 5, 0)
    }
}

/// Why the Terraform 1.0 runs may not be skipped, if they may not: under CI (`CI=true`, as CI
/// services set it) or when `LEVEL27_E2E_REQUIRE_TF_1_0=1` (the marker a script that installed
/// Terraform 1.0 sets).
fn terraform_1_0_required() -> Option<&'static str> {
    let set = |k: &str| {
        std::env::var(k)
            .map(|v| matches!(v.trim().to_ascii_lowercase().as_str(), "1" | "true" | "yes"))
            .unwrap_or(false)
    };
    if set("LEVEL27_E2E_REQUIRE_TF_1_0") {
        Some("LEVEL27_E2E_REQUIRE_TF_1_0 is set")
    } else if set("CI") {
        Some("this is a CI run (CI=true)")
    } else {
        None
    }
}

/// Prints (on stdout and stderr, so it shows with and without `--nocapture`) that a step of
/// `test` was skipped and why.
pub fn skip_step(test: &str, step: &str, why: &str) {
    report_skip(&format!("{test}: {step}: skipped: {why}"));
}

/// Prints a skip line, and appends it to the file `LEVEL27_E2E_SKIP_LOG` names: cargo test shows
/// a passing test's output to nobody, so `./scripts/test` counts skips from that file.
fn report_skip(line: &str) {
    println!("{line}");
    eprintln!("{line}");
    if let Some(path) = std::env::var_os("LEVEL27_E2E_SKIP_LOG").filter(|p| !p.is_empty()) {
        use std::io::Write;
        let written = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .and_then(|mut f| writeln!(f, "{line}"));
        if let Err(e) = written {
            panic!("cannot record the skip in {}: {e}", Path::new(&path).display());
        }
    }
}

fn parse_version(s: &str) -> Option<(u64, u64, u64)> {
    let core = s.split(['-', '+']).next()?;
    let mut it = core.split('.').map(|p| p.parse::<u64>().ok());
    Some((it.next()??, it.next()??, it.next().flatten().unwrap_or(0)))
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join(name)).find(|p| p.is_file())
}

// ---------------------------------------------------------------------------------------------
// Running processes with a deadline
// ---------------------------------------------------------------------------------------------

/// What a finished command printed.
#[derive(Debug, Clone)]
pub struct Output {
    pub command: String,
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl Output {
    pub fn success(&self) -> bool {
        self.code == 0
    }
    /// stdout and stderr together (Terraform prints diagnostics on stderr, plans on stdout).
    pub fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
    pub fn contains(&self, needle: &str) -> bool {
        self.stdout.contains(needle) || self.stderr.contains(needle)
    }
    /// A readable dump for assertion messages.
    pub fn dump(&self) -> String {
        format!(
            "$ {}\nexit code {} after {:.1?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.command, self.code, self.elapsed, self.stdout, self.stderr
        )
    }
    /// Asserts the command succeeded; returns self for chaining.
    #[track_caller]
    pub fn assert_ok(self) -> Self {
        assert!(self.success(), "command failed:\n{}", self.dump());
        self
    }
    /// Asserts the command failed; returns self for chaining.
    #[track_caller]
    pub fn assert_failed(self) -> Self {
        assert!(!self.success(), "command unexpectedly succeeded:\n{}", self.dump());
        self
    }
    #[track_caller]
    pub fn assert_contains(&self, needle: &str) -> &Self {
        assert!(
            self.contains(needle),
            "expected the output to contain {needle:?}:\n{}",
            self.dump()
        );
        self
    }
    #[track_caller]
    pub fn assert_not_contains(&self, needle: &str) -> &Self {
        assert!(
            !self.contains(needle),
            "expected the output NOT to contain {needle:?}:\n{}",
            self.dump()
        );
        self
    }

    /// The diagnostics Terraform printed (`Error: ...` blocks on stderr), one string each, with the
    /// box-drawing prefix removed.
    pub fn error_blocks(&self) -> Vec<String> {
        let mut blocks = Vec::new();
        let mut cur: Option<String> = None;
        for raw in self.stderr.lines().chain(self.stdout.lines()) {
            let line = raw.trim_start_matches(['│', '╷', '╵', ' ']).trim_end();
            if line.starts_with("Error: ") {
                if let Some(b) = cur.take() {
                    blocks.push(b);
                }
                cur = Some(String::new());
            } else if line.starts_with("Warning: ") {
                if let Some(b) = cur.take() {
                    blocks.push(b);
                }
            }
            if let Some(b) = cur.as_mut() {
                b.push_str(line);
                b.push('\n');
            }
        }
        if let Some(b) = cur {
            blocks.push(b);
        }
        blocks
    }
}

/// The text of a diagnostic block without its location and source snippet: the summary and the
/// detail the provider wrote.
pub fn diagnostic_message(block: &str) -> String {
    block
        .lines()
        .filter(|l| {
            let t = l.trim_start();
            let snippet = t
                .split_once(':')
                .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
            !(snippet || t.starts_with("with ") || (t.starts_with("on ") && t.contains(" line ")))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Sends `signal` (`"KILL"`, `"INT"`, ...) to every process of the process group `pgid` (the group
/// of a child started with `process_group(0)`: the child and everything it started, such as
/// Terraform's provider processes). Returns whether `kill` succeeded.
pub fn signal_group(pgid: u32, signal: &str) -> bool {
    Command::new("kill")
        .args([&format!("-{signal}"), "--", &format!("-{pgid}")])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// How `child` exited, if it did by `deadline` (checked every 50 ms); `None` leaves it running,
/// for the caller to look at the API and then `kill_group`.
pub fn exit_by(child: &mut Child, deadline: Instant) -> Option<ExitStatus> {
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        if Instant::now() > deadline {
            return None;
        }
        thread::sleep(Duration::from_millis(50));
    }
}

/// Kills the process group of `child` (started with `process_group(0)`) and reaps the child, so
/// no provider process it started is left serving.
pub fn kill_group(child: &mut Child) {
    if !signal_group(child.id(), "KILL") {
        let _ = child.kill();
    }
    let _ = child.wait();
}

/// Runs `cmd` to completion, killing it after `timeout`. The command runs in its own process
/// group, and on timeout the whole group is killed (Terraform and the provider processes it
/// started).
pub fn run_with_timeout(mut cmd: Command, label: String, timeout: Duration) -> Output {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    let start = Instant::now();
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("cannot start `{label}`: {e}"));
    let out_reader = spawn_reader(child.stdout.take().unwrap());
    let err_reader = spawn_reader(child.stderr.take().unwrap());
    let status: ExitStatus = loop {
        if let Some(st) = child.try_wait().expect("try_wait") {
            break st;
        }
        if start.elapsed() > timeout {
            kill_group(&mut child);
            let stdout = out_reader.join().unwrap_or_default();
            let stderr = err_reader.join().unwrap_or_default();
            panic!("`{label}` did not finish within {timeout:?}\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}");
        }
        thread::sleep(Duration::from_millis(20));
    };
    let stdout = out_reader.join().unwrap_or_default();
    let stderr = err_reader.join().unwrap_or_default();
    Output {
        command: label,
        code: status.code().unwrap_or(-1),
        stdout,
        stderr,
        elapsed: start.elapsed(),
    }
}

fn spawn_reader<R: Read + Send + 'static>(mut r: R) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = r.read_to_end(&mut buf);
        String::from_utf8_lossy(&buf).into_owned()
    })
}

// ---------------------------------------------------------------------------------------------
// The sandbox
// ---------------------------------------------------------------------------------------------

/// A `level27-sandbox` process on a free local port, killed on drop.
pub struct Sandbox {
    child: Child,
    /// `http://127.0.0.1:PORT` (no `/v1`).
    pub base: String,
    pub key: String,
    dir: tempfile::TempDir,
    rt: tokio::runtime::Runtime,
    http: reqwest::Client,
}

impl Sandbox {
    /// A sandbox with the default key and no fault injection.
    pub fn start() -> Sandbox {
        Sandbox::start_with(DEFAULT_KEY, &[])
    }

    /// A sandbox with `key` and extra command-line arguments (`--fail-rate`, `--seed`, ...).
    pub fn start_with(key: &str, extra: &[&str]) -> Sandbox {
        let dir = tempfile::Builder::new()
            .prefix("l27-sandbox-")
            .tempdir()
            .expect("tempdir");
        let log = fs::File::create(dir.path().join("sandbox.log")).expect("sandbox log");
        let mut child = Command::new(SANDBOX_BIN)
            .args(["--listen", "127.0.0.1:0", "--api-key", key])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log))
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {SANDBOX_BIN}: {e}"));
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            let first = lines.next();
            let _ = tx.send(first);
            // Keep draining so the sandbox never blocks on a full pipe.
            for _ in lines {}
        });
        let first = match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(Some(Ok(line))) => line,
            other => {
                let _ = child.kill();
                let _ = child.wait();
                let log = fs::read_to_string(dir.path().join("sandbox.log")).unwrap_or_default();
                panic!("the sandbox did not print its listening line ({other:?}); its log:\n{log}");
            }
        };
        let base = first
            .strip_prefix("level27-sandbox listening on ")
            .unwrap_or_else(|| panic!("unexpected first line from the sandbox: {first:?}"))
            .trim()
            .trim_end_matches('/')
            .to_string();
        assert!(
            base.starts_with("http://127.0.0.1:"),
            "sandbox listens on {base}, expected http://127.0.0.1:PORT"
        );
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .build()
            .expect("http client");
        Sandbox {
            child,
            base,
            key: key.to_string(),
            dir,
            rt,
            http,
        }
    }

    /// The API URL to give the provider: `http://127.0.0.1:PORT/v1`.
    pub fn api_url(&self) -> String {
        format!("{}/v1", self.base)
    }

    /// Stops the sandbox at once, as an API gone down would: its port then refuses connections.
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// The sandbox's own log so far (stderr).
    pub fn log(&self) -> String {
        fs::read_to_string(self.dir.path().join("sandbox.log")).unwrap_or_default()
    }

    /// One HTTP request to the sandbox. `path` is absolute (`/v1/organisations`). Requests that meet
    /// an injected fault (429, 5xx, dropped connection) are retried, so tests can inspect a sandbox
    /// started with `--fail-rate`; the returned status is the final one.
    pub fn request(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let url = format!("{}{}", self.base, path);
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut last_err = String::new();
        for attempt in 0..40 {
            if attempt > 0 {
                thread::sleep(Duration::from_millis(50 * attempt.min(10)));
            }
            let mut req = self
                .http
                .request(method.clone(), &url)
                .header("Authorization", &self.key);
            if let Some(b) = &body {
                req = req.json(b);
            }
            let res = self.rt.block_on(async {
                let resp = req.send().await?;
                let status = resp.status().as_u16();
                let text = resp.text().await?;
                Ok::<_, reqwest::Error>((status, text))
            });
            match res {
                Ok((status, _)) if status == 429 || status == 502 || status == 503 || status == 504 => {
                    last_err = format!("status {status}");
                    // A POST may have been applied before the fault; the tests only POST to
                    // sandboxes without fault injection.
                    continue;
                }
                Ok((status, text)) => {
                    let v = if text.trim().is_empty() {
                        Value::Null
                    } else {
                        serde_json::from_str(&text).unwrap_or(Value::String(text))
                    };
                    return (status, v);
                }
                Err(e) => {
                    last_err = e.to_string();
                    continue;
                }
            }
        }
        panic!("{method} {path}: no answer from the sandbox after retries: {last_err}");
    }

    #[track_caller]
    pub fn get_ok(&self, path: &str) -> Value {
        let (st, v) = self.request("GET", path, None);
        assert_eq!(st, 200, "GET {path} -> {st}: {v}");
        v
    }
    pub fn get_status(&self, path: &str) -> u16 {
        self.request("GET", path, None).0
    }
    #[track_caller]
    pub fn post_ok(&self, path: &str, body: Value) -> Value {
        let (st, v) = self.request("POST", path, Some(body.clone()));
        assert!(st == 200 || st == 201, "POST {path} {body} -> {st}: {v}");
        v
    }
    #[track_caller]
    pub fn patch_ok(&self, path: &str, body: Value) {
        let (st, v) = self.request("PATCH", path, Some(body.clone()));
        assert!((200..300).contains(&st), "PATCH {path} {body} -> {st}: {v}");
    }
    #[track_caller]
    pub fn put_ok(&self, path: &str, body: Value) {
        let (st, v) = self.request("PUT", path, Some(body.clone()));
        assert!((200..300).contains(&st), "PUT {path} {body} -> {st}: {v}");
    }
    #[track_caller]
    pub fn delete_ok(&self, path: &str) {
        let (st, v) = self.request("DELETE", path, None);
        assert!((200..300).contains(&st), "DELETE {path} -> {st}: {v}");
    }

    /// Every item of a paged list (`key` is the plural envelope), read 1000 at a time.
    pub fn list_all(&self, path: &str, key: &str) -> Vec<Value> {
        let mut all = Vec::new();
        let limit = 1000;
        loop {
            let sep = if path.contains('?') { '&' } else { '?' };
            let v = self.get_ok(&format!("{path}{sep}limit={limit}&offset={}", all.len()));
            let page = v
                .get(key)
                .and_then(Value::as_array)
                .unwrap_or_else(|| panic!("GET {path}: no {key:?} array in {v}"))
                .clone();
            let n = page.len();
            all.extend(page);
            if n < limit {
                return all;
            }
        }
    }

    pub fn organisations(&self) -> Vec<Value> {
        self.list_all("/v1/organisations", "organisations")
    }

    pub fn teams(&self, org: i64) -> Vec<Value> {
        self.list_all(&format!("/v1/organisations/{org}/teams"), "teams")
    }

    /// `GET /v1/organisations/{id}` → the unwrapped organisation, or `None` on 404.
    pub fn organisation(&self, id: i64) -> Option<Value> {
        let (st, v) = self.request("GET", &format!("/v1/organisations/{id}"), None);
        match st {
            200 => Some(v["organisation"].clone()),
            404 => None,
            _ => panic!("GET /v1/organisations/{id} -> {st}: {v}"),
        }
    }

    /// `GET /v1/organisations/{org}/teams/{id}` → the unwrapped team, or `None` on 404.
    pub fn team(&self, org: i64, id: i64) -> Option<Value> {
        let (st, v) = self.request("GET", &format!("/v1/organisations/{org}/teams/{id}"), None);
        match st {
            200 => Some(v["team"].clone()),
            404 => None,
            _ => panic!("GET /v1/organisations/{org}/teams/{id} -> {st}: {v}"),
        }
    }

    /// Creates an organisation out of band; returns its id.
    pub fn create_organisation(&self, name: &str, tax_number: &str) -> i64 {
        let v = self.post_ok("/v1/organisations", json!({"name": name, "taxNumber": tax_number}));
        v["organisation"]["id"]
            .as_i64()
            .unwrap_or_else(|| panic!("no organisation.id in {v}"))
    }

    /// A licensee contact of `org` made through the API, with the email `<label>@acme.example`.
    pub fn create_contact(&self, org: i64, label: &str) -> i64 {
        let v = self.post_ok(
            "/v1/domaincontacts",
            json!({"type": "licensee", "firstName": "Ada", "lastName": "Peeters", "organisationName": "Acme",
                   "phone": "+32.91234567", "email": format!("{label}@acme.example"), "taxNumber": "BE0123456789",
                   "organisation": org}),
        );
        v["domaincontact"]["id"]
            .as_i64()
            .unwrap_or_else(|| panic!("no domaincontact.id in {v}"))
    }

    /// The domain `<name>.be` of `org` made through the API as the panel would (`action: none`),
    /// with a licensee contact of its own (`create_contact(org, name)`).
    pub fn create_domain(&self, org: i64, name: &str) -> i64 {
        let contact = self.create_contact(org, name);
        let v = self.post_ok(
            "/v1/domains",
            json!({"name": name, "domaintype": 364, "action": "none", "domaincontactLicensee": contact,
                   "organisation": org}),
        );
        v["domain"]["id"]
            .as_i64()
            .unwrap_or_else(|| panic!("no domain.id in {v}"))
    }

    /// `GET /_sandbox/requests`.
    pub fn requests(&self) -> Value {
        self.get_ok("/_sandbox/requests")
    }

    /// Total API requests served, as counted by the sandbox.
    pub fn total_requests(&self) -> u64 {
        let v = self.requests();
        v["total"]
            .as_u64()
            .unwrap_or_else(|| panic!("no numeric total in /_sandbox/requests: {v}"))
    }

    /// Requests served so far other than the sandbox's own admin routes (`/_sandbox/...`), summed
    /// from the per-route counts of `/_sandbox/requests`.
    pub fn api_requests(&self) -> u64 {
        let v = self.requests();
        let per_route = v["requests"]
            .as_object()
            .unwrap_or_else(|| panic!("no requests object in /_sandbox/requests: {v}"));
        per_route
            .iter()
            .filter(|(route, _)| !route.contains("/_sandbox"))
            .map(|(_, n)| n.as_u64().unwrap_or(0))
            .sum()
    }

    /// Sum of the fault counters in `/_sandbox/requests` (`faults` may be a number or an object of
    /// counters).
    pub fn total_faults(&self) -> u64 {
        fn sum(v: &Value) -> u64 {
            match v {
                Value::Number(n) => n.as_u64().unwrap_or(0),
                Value::Object(m) => m.values().map(sum).sum(),
                Value::Array(a) => a.iter().map(sum).sum(),
                _ => 0,
            }
        }
        sum(&self.requests()["faults"])
    }

    /// `POST /_sandbox/reset-counters`: clears the request counters (not the objects).
    pub fn reset_counters(&self) {
        let (st, v) = self.request("POST", "/_sandbox/reset-counters", None);
        assert!((200..300).contains(&st), "POST /_sandbox/reset-counters -> {st}: {v}");
    }

    /// The per-route counts of `/_sandbox/requests` (admin routes left out), e.g.
    /// `{"GET /v1/organisations/{organisationId}": 2}`.
    pub fn api_request_counts(&self) -> BTreeMap<String, u64> {
        let v = self.requests();
        v["requests"]
            .as_object()
            .unwrap_or_else(|| panic!("no requests object in /_sandbox/requests: {v}"))
            .iter()
            .filter(|(route, _)| !route.contains("/_sandbox"))
            .map(|(route, n)| (route.clone(), n.as_u64().unwrap_or(0)))
            .filter(|(_, n)| *n > 0)
            .collect()
    }

    /// The counted API requests that change something (POST, PUT, PATCH, DELETE), per route.
    pub fn write_requests(&self) -> BTreeMap<String, u64> {
        self.api_request_counts()
            .into_iter()
            .filter(|(route, _)| {
                ["POST ", "PUT ", "PATCH ", "DELETE "]
                    .iter()
                    .any(|m| route.starts_with(m))
            })
            .collect()
    }

    /// `GET /_sandbox/state`: everything the sandbox holds (never slowed down by `--latency-ms`).
    pub fn state(&self) -> Value {
        self.get_ok("/_sandbox/state")
    }

    /// The ids of the organisations the sandbox holds, read from `/_sandbox/state` (so not slowed
    /// down by `--latency-ms`).
    pub fn organisation_ids(&self) -> Vec<i64> {
        let v = self.state();
        let orgs = v["organisations"]
            .as_object()
            .unwrap_or_else(|| panic!("no organisations object in /_sandbox/state: {v}"));
        let mut ids: Vec<i64> = orgs
            .keys()
            .map(|k| {
                k.parse()
                    .unwrap_or_else(|_| panic!("organisation key {k:?} in /_sandbox/state"))
            })
            .collect();
        ids.sort();
        ids
    }

    pub fn reset(&self) {
        let (st, v) = self.request("POST", "/_sandbox/reset", None);
        assert!((200..300).contains(&st), "POST /_sandbox/reset -> {st}: {v}");
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if thread::panicking() {
            let log = self.log();
            let tail: Vec<&str> = log.lines().rev().take(60).collect();
            eprintln!("--- last lines of the sandbox log ({}) ---", self.base);
            for l in tail.into_iter().rev() {
                eprintln!("{l}");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Terraform working directories
// ---------------------------------------------------------------------------------------------

/// A temporary Terraform working directory with its own CLI configuration.
pub struct Tf {
    pub terraform: Terraform,
    root: tempfile::TempDir,
    /// The working directory (where main.tf and terraform.tfstate live).
    pub dir: PathBuf,
    cli_config: PathBuf,
    env: BTreeMap<String, Option<String>>,
    label: String,
}

impl Tf {
    /// A working directory using the default Terraform, with `LEVEL27_API_URL` / `LEVEL27_API_KEY`
    /// pointing at `sandbox`.
    pub fn new(label: &str, sandbox: &Sandbox) -> Tf {
        Tf::with(label, Terraform::default_bin(), Some(sandbox))
    }

    /// A working directory using `terraform`; provider env set from `sandbox` if given (otherwise
    /// both `LEVEL27_*` variables are removed from the environment).
    pub fn with(label: &str, terraform: Terraform, sandbox: Option<&Sandbox>) -> Tf {
        let root = tempfile::Builder::new()
            .prefix(&format!("l27-tf-{label}-"))
            .tempdir()
            .expect("tempdir");
        let dir = root.path().join("work");
        fs::create_dir_all(&dir).unwrap();
        let cli_config = root.path().join("terraformrc");
        let provider_dir = Path::new(PROVIDER_BIN)
            .parent()
            .expect("provider binary has a parent directory");
        fs::write(
            &cli_config,
            format!(
                "provider_installation {{\n  dev_overrides {{\n    \"level27/level27\" = \"{}\"\n  }}\n  direct {{}}\n}}\n",
                provider_dir.display()
            ),
        )
        .unwrap();
        let mut env = BTreeMap::new();
        for k in [
            "LEVEL27_API_URL",
            "LEVEL27_API_KEY",
            "TF_LOG",
            "TF_LOG_PATH",
            "TF_LOG_CORE",
            "TF_LOG_PROVIDER",
            "TF_CLI_ARGS",
            "TF_CLI_ARGS_plan",
            "TF_CLI_ARGS_apply",
            "TF_CLI_ARGS_destroy",
            "TF_CLI_ARGS_import",
            "TF_DATA_DIR",
            "TF_WORKSPACE",
            "TF_PLUGIN_CACHE_DIR",
            "TF_REATTACH_PROVIDERS",
        ] {
            env.insert(k.to_string(), None);
        }
        if let Some(sb) = sandbox {
            env.insert("LEVEL27_API_URL".into(), Some(sb.api_url()));
            env.insert("LEVEL27_API_KEY".into(), Some(sb.key.clone()));
        }
        // The provider processes' unix sockets go here, so `run` can check that none is left.
        let sockets = root.path().join("sockets");
        fs::create_dir_all(&sockets).unwrap();
        env.insert(
            "PLUGIN_UNIX_SOCKET_DIR".into(),
            Some(sockets.to_string_lossy().into_owned()),
        );
        Tf {
            terraform,
            root,
            dir,
            cli_config,
            env,
            label: label.to_string(),
        }
    }

    /// Another, empty working directory with the same Terraform and environment (a fresh state).
    pub fn fresh(&self, label: &str) -> Tf {
        let mut t = Tf::with(label, self.terraform.clone(), None);
        t.env = self.env.clone();
        t
    }

    /// Sets (or, with `None`, removes) an environment variable for every later command.
    pub fn set_env(&mut self, key: &str, value: Option<&str>) -> &mut Self {
        self.env.insert(key.to_string(), value.map(str::to_string));
        self
    }

    /// A scratch path outside the working directory (for logs and the like).
    pub fn scratch(&self, name: &str) -> PathBuf {
        self.root.path().join(name)
    }

    pub fn write(&self, name: &str, content: &str) {
        fs::write(self.dir.join(name), content).unwrap();
    }

    pub fn write_main(&self, content: &str) {
        self.write("main.tf", content);
    }

    pub fn remove(&self, name: &str) {
        let _ = fs::remove_file(self.dir.join(name));
    }

    pub fn read(&self, name: &str) -> String {
        fs::read_to_string(self.dir.join(name))
            .unwrap_or_else(|e| panic!("cannot read {name} in {}: {e}", self.dir.display()))
    }

    /// Runs `terraform <args>` in the working directory (with `-no-color` after the subcommand).
    /// Every provider process it started must have removed its unix socket by the time Terraform
    /// exits (the provider does so when Terraform shuts it down).
    pub fn run(&self, args: &[&str]) -> Output {
        let (cmd, label) = self.command(args);
        let out = run_with_timeout(cmd, label, TF_TIMEOUT);
        eprintln!("{} -> exit {} in {:.2?}", out.command, out.code, out.elapsed);
        let left = self.sockets_left();
        assert!(
            left.is_empty(),
            "{}: provider sockets left behind after Terraform exited: {left:?}",
            out.command
        );
        out
    }

    /// The unix sockets present in the directory given to providers as `PLUGIN_UNIX_SOCKET_DIR`.
    pub fn sockets_left(&self) -> Vec<String> {
        let Some(Some(dir)) = self.env.get("PLUGIN_UNIX_SOCKET_DIR") else {
            return Vec::new();
        };
        fs::read_dir(dir)
            .map(|rd| {
                rd.filter_map(Result::ok)
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The `terraform <args>` command `run` would start, and a label for messages.
    pub fn command(&self, args: &[&str]) -> (Command, String) {
        let mut cmd = Command::new(&self.terraform.path);
        cmd.current_dir(&self.dir);
        let mut full: Vec<&str> = Vec::new();
        if let Some((sub, rest)) = args.split_first() {
            full.push(sub);
            if *sub != "version" && !rest.contains(&"-no-color") {
                full.push("-no-color");
            }
            full.extend_from_slice(rest);
        }
        cmd.args(&full);
        cmd.env("TF_CLI_CONFIG_FILE", &self.cli_config)
            .env("TF_IN_AUTOMATION", "1")
            .env("CHECKPOINT_DISABLE", "1")
            .env("TF_INPUT", "0")
            .env("NO_COLOR", "1");
        for (k, v) in &self.env {
            match v {
                Some(v) => {
                    cmd.env(k, v);
                }
                None => {
                    cmd.env_remove(k);
                }
            }
        }
        let label = format!(
            "[{} tf {}.{}.{}] terraform {}",
            self.label,
            self.terraform.version.0,
            self.terraform.version.1,
            self.terraform.version.2,
            full.join(" ")
        );
        (cmd, label)
    }

    /// `terraform apply -auto-approve`, asserted successful.
    #[track_caller]
    pub fn apply(&self) -> Output {
        self.run(&["apply", "-auto-approve"]).assert_ok()
    }

    /// `terraform destroy -auto-approve`, asserted successful.
    #[track_caller]
    pub fn destroy(&self) -> Output {
        self.run(&["destroy", "-auto-approve"]).assert_ok()
    }

    /// `terraform plan -detailed-exitcode`: 0 no changes, 1 error, 2 changes.
    pub fn plan(&self) -> Output {
        self.run(&["plan", "-detailed-exitcode"])
    }

    /// The exit code of `terraform plan -detailed-exitcode`.
    pub fn plan_exit_code(&self) -> i32 {
        self.plan().code
    }

    /// Asserts `terraform plan -detailed-exitcode` reports no changes.
    #[track_caller]
    pub fn assert_plan_empty(&self, when: &str) -> Output {
        let out = self.plan();
        assert_eq!(out.code, 0, "{when}: expected an empty plan (exit 0):\n{}", out.dump());
        out
    }

    /// Asserts `terraform plan -detailed-exitcode` reports changes; returns the plan.
    #[track_caller]
    pub fn assert_plan_changes(&self, when: &str) -> Output {
        let out = self.plan();
        assert_eq!(
            out.code,
            2,
            "{when}: expected a plan with changes (exit 2):\n{}",
            out.dump()
        );
        out
    }

    /// `terraform.tfstate` as JSON.
    pub fn state(&self) -> Value {
        let text = self.read("terraform.tfstate");
        serde_json::from_str(&text).expect("terraform.tfstate is JSON")
    }

    pub fn state_text(&self) -> String {
        fs::read_to_string(self.dir.join("terraform.tfstate")).unwrap_or_default()
    }

    /// The attributes of every instance of the resource `addr` (`type.name` or
    /// `data.type.name`), in state order.
    pub fn instances(&self, addr: &str) -> Vec<Value> {
        let state = self.state();
        let (mode, rest) = match addr.strip_prefix("data.") {
            Some(r) => ("data", r),
            None => ("managed", addr),
        };
        let (ty, name) = rest.split_once('.').expect("address type.name");
        state["resources"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|r| r["mode"] == mode && r["type"] == ty && r["name"] == name)
            .flat_map(|r| r["instances"].as_array().cloned().unwrap_or_default())
            .map(|i| i["attributes"].clone())
            .collect()
    }

    /// The attributes of the single instance of `addr`; panics if it is not in state.
    #[track_caller]
    pub fn attrs(&self, addr: &str) -> Value {
        let mut all = self.instances(addr);
        assert_eq!(
            all.len(),
            1,
            "expected exactly one instance of {addr} in state, found {}:\n{}",
            all.len(),
            self.state_text()
        );
        all.remove(0)
    }

    /// `id` of `addr` in state, which must be a JSON number.
    #[track_caller]
    pub fn id_of(&self, addr: &str) -> i64 {
        let a = self.attrs(addr);
        state_id(&a["id"]).unwrap_or_else(|| panic!("{addr}.id is not an id in state: {}", a["id"]))
    }

    /// Whether state has any instance of `addr`.
    pub fn in_state(&self, addr: &str) -> bool {
        self.dir.join("terraform.tfstate").exists() && !self.instances(addr).is_empty()
    }

    /// `terraform output -json`, as a map of output name → value.
    pub fn outputs(&self) -> Value {
        let out = self.run(&["output", "-json"]).assert_ok();
        let v: Value = serde_json::from_str(&out.stdout).expect("output -json is JSON");
        let mut m = serde_json::Map::new();
        for (k, o) in v.as_object().cloned().unwrap_or_default() {
            m.insert(k, o["value"].clone());
        }
        Value::Object(m)
    }
}

/// The 1-based line of the first line of `text` containing `needle`.
#[track_caller]
pub fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("{needle:?} not found in:\n{text}"))
}

/// The value of a JSON number that may have been written as a string.
/// An id as the provider stores it: a string of decimal digits (never a JSON number), as a number.
pub fn state_id(v: &Value) -> Option<i64> {
    v.as_str().and_then(level27::framework::validate::parse_api_id)
}

pub fn as_i64(v: &Value) -> Option<i64> {
    v.as_i64()
        .or_else(|| v.as_f64().map(|f| f as i64))
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
}

/// A country as the API returns it (`{"id":"BE",...}`) or as a bare code.
pub fn country_code(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Object(m) => m.get("id").and_then(Value::as_str).map(str::to_string),
        _ => None,
    }
}

/// A scalar as text: strings as they are, numbers and booleans printed (`null` → "").
pub fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

impl Sandbox {
    /// `GET /_sandbox/bodies`: the JSON bodies of API requests per route (`"PATCH
    /// /v1/organisations/{organisationId}"` → the bodies in arrival order), since the last reset
    /// of the counters.
    pub fn bodies(&self) -> Value {
        self.get_ok("/_sandbox/bodies")
    }

    /// The bodies recorded for `route` (none: empty).
    pub fn bodies_of(&self, route: &str) -> Vec<Value> {
        self.bodies()[route].as_array().cloned().unwrap_or_default()
    }
}
