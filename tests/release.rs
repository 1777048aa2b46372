//! `scripts/release`: the packages it writes are what the registry and provider mirrors expect,
//! and Terraform (1.11 and 1.0) installs one from a filesystem mirror with a plain
//! `terraform init` (no `dev_overrides`), records its hash in `.terraform.lock.hcl` and applies the
//! quickstart with it.
//!
//! Building a release binary here would take minutes, so the script packages the binary cargo
//! built for this test run (`--binary`); the build step of the script is the same `cargo build`.

mod common;

use common::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const NAME: &str = "terraform-provider-level27";
const VERSION: &str = env!("CARGO_PKG_VERSION");

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Terraform's name for this machine's platform (`linux_amd64`).
fn platform() -> String {
    let os = match std::env::consts::OS {
        "macos" => "darwin",
        other => other,
    };
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => other,
    };
    format!("{os}_{arch}")
}

fn prefix() -> String {
    format!("{NAME}_{VERSION}")
}

/// Runs `scripts/release --binary <the test's provider> --out <out> <extra>`.
fn release(out: &Path, extra: &[&str], env: &[(&str, &Path)]) -> Output {
    let mut cmd = Command::new(root().join("scripts/release"));
    cmd.args(["--binary", PROVIDER_BIN, "--out"])
        .arg(out)
        .args(extra)
        .current_dir(root());
    for (k, v) in env {
        cmd.env(k, v);
    }
    run_with_timeout(cmd, format!("scripts/release {extra:?}"), Duration::from_secs(300))
}

/// A zip's entries (name, unix mode, sha256), its own sha256, and the `h1:` hash Terraform
/// computes for the unpacked package (sha256 over the sorted `<sha256>  <name>` lines, base64),
/// plus the sha256 of `files`. Read with python3, which the release script needs anyway.
fn inspect(zip: &Path, files: &[&Path]) -> Value {
    const SCRIPT: &str = r#"
import base64, hashlib, json, sys, zipfile
path, files = sys.argv[1], sys.argv[2:]
entries, lines = [], []
with zipfile.ZipFile(path) as z:
    for i in sorted(z.infolist(), key=lambda i: i.filename):
        h = hashlib.sha256(z.read(i)).hexdigest()
        entries.append({"name": i.filename, "mode": (i.external_attr >> 16) & 0o7777, "sha256": h})
        lines.append(f"{h}  {i.filename}\n")
sha = lambda p: hashlib.sha256(open(p, "rb").read()).hexdigest()
print(json.dumps({
    "entries": entries,
    "sha256": sha(path),
    "h1": "h1:" + base64.b64encode(hashlib.sha256("".join(lines).encode()).digest()).decode(),
    "files": {f: sha(f) for f in files},
}))
"#;
    let out = Command::new("python3")
        .arg("-c")
        .arg(SCRIPT)
        .arg(zip)
        .args(files)
        .output()
        .expect("python3");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("json")
}

fn listing(dir: &Path) -> BTreeSet<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn release_packages_the_tested_binary_with_checksums_and_manifest() {
    let out_dir = tempfile::tempdir().unwrap();
    let out = release(out_dir.path(), &[], &[]).assert_ok();
    let p = prefix();
    let zip_name = format!("{p}_{}.zip", platform());
    assert_eq!(
        listing(out_dir.path()),
        [
            zip_name.clone(),
            format!("{p}_SHA256SUMS"),
            format!("{p}_manifest.json")
        ]
        .into_iter()
        .collect(),
        "{}",
        out.dump()
    );
    // Without a key it says so, and it names the platforms it did not build.
    out.assert_contains("not signed: no --sign KEYID given");
    for other in ["linux_arm64", "darwin_amd64", "darwin_arm64", "windows_amd64"] {
        if other != platform() {
            out.assert_contains(&format!("skipped: {other}:"));
        }
    }

    let zip = out_dir.path().join(&zip_name);
    let manifest = out_dir.path().join(format!("{p}_manifest.json"));
    let info = inspect(&zip, &[Path::new(PROVIDER_BIN), &manifest]);
    let entries = info["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "one file in the zip: {info}");
    assert_eq!(entries[0]["name"], format!("{NAME}_v{VERSION}"), "{info}");
    assert_eq!(
        entries[0]["mode"], 0o755,
        "the binary is executable once unpacked: {info}"
    );
    assert_eq!(
        entries[0]["sha256"], info["files"][PROVIDER_BIN],
        "the zip holds the given binary unchanged"
    );

    let sums = fs::read_to_string(out_dir.path().join(format!("{p}_SHA256SUMS"))).unwrap();
    let expected = format!(
        "{}  {zip_name}\n{}  {p}_manifest.json\n",
        info["sha256"].as_str().unwrap(),
        info["files"][manifest.to_str().unwrap()].as_str().unwrap()
    );
    assert_eq!(sums, expected);

    let manifest: Value = serde_json::from_str(&fs::read_to_string(&manifest).unwrap()).unwrap();
    let source: Value =
        serde_json::from_str(&fs::read_to_string(root().join("terraform-registry-manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest, source);
    assert_eq!(manifest["metadata"]["protocol_versions"], serde_json::json!(["6.0"]));

    // A second run replaces the files of the same version instead of adding to them.
    fs::write(out_dir.path().join(format!("{p}_darwin_arm64.zip")), b"stale").unwrap();
    release(out_dir.path(), &[], &[]).assert_ok();
    assert_eq!(listing(out_dir.path()).len(), 3, "{:?}", listing(out_dir.path()));
}

#[test]
fn release_refuses_a_binary_that_is_not_there() {
    let out_dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(root().join("scripts/release"));
    cmd.args(["--binary", "no/such/binary", "--out"])
        .arg(out_dir.path())
        .current_dir(root());
    let out = run_with_timeout(
        cmd,
        "scripts/release --binary no/such/binary".into(),
        Duration::from_secs(60),
    );
    out.assert_failed().assert_contains("is not an executable file");
    assert!(listing(out_dir.path()).is_empty());
}

#[test]
fn release_signs_the_checksums_with_the_given_key() {
    let test = "release_signs_the_checksums_with_the_given_key";
    if Command::new("gpg").arg("--version").output().is_err() {
        skip_step(test, "signing", "gpg is not installed");
        return;
    }
    let home = tempfile::Builder::new().prefix("l27-gpg-").tempdir().unwrap();
    let gpg = |args: &[&str]| {
        let mut cmd = Command::new("gpg");
        cmd.args(["--batch", "--no-tty"])
            .args(args)
            .env("GNUPGHOME", home.path());
        run_with_timeout(cmd, format!("gpg {args:?}"), Duration::from_secs(120))
    };
    let uid = "Level27 release test <release-test@example.invalid>";
    gpg(&["--passphrase", "", "--quick-gen-key", uid, "ed25519", "sign", "never"]).assert_ok();

    let out_dir = tempfile::tempdir().unwrap();
    release(
        out_dir.path(),
        &["--sign", "release-test@example.invalid"],
        &[("GNUPGHOME", home.path())],
    )
    .assert_ok()
    .assert_contains("signed ");
    let sums = out_dir.path().join(format!("{}_SHA256SUMS", prefix()));
    let sig = out_dir.path().join(format!("{}_SHA256SUMS.sig", prefix()));
    gpg(&["--verify", sig.to_str().unwrap(), sums.to_str().unwrap()]).assert_ok();
    // The signature covers the checksums: a changed file no longer verifies.
    fs::write(&sums, format!("{}tampered\n", fs::read_to_string(&sums).unwrap())).unwrap();
    gpg(&["--verify", sig.to_str().unwrap(), sums.to_str().unwrap()]).assert_failed();

    let mut kill = Command::new("gpgconf");
    kill.args(["--kill", "gpg-agent"]).env("GNUPGHOME", home.path());
    let _ = run_with_timeout(kill, "gpgconf --kill gpg-agent".into(), Duration::from_secs(30));
}

/// A filesystem mirror (packed layout) holding the release zip, and a CLI configuration using
/// only that mirror for this provider.
struct Mirror {
    _dir: tempfile::TempDir,
    cli_config: PathBuf,
    zip_sha256: String,
    h1: String,
    other_sha256: String,
}

fn mirror() -> Mirror {
    let dir = tempfile::Builder::new().prefix("l27-mirror-").tempdir().unwrap();
    let dist = dir.path().join("dist");
    release(&dist, &[], &[]).assert_ok();
    let zip_name = format!("{}_{}.zip", prefix(), platform());
    let pkg_dir = dir.path().join("mirror/registry.terraform.io/level27/level27");
    fs::create_dir_all(&pkg_dir).unwrap();
    fs::copy(dist.join(&zip_name), pkg_dir.join(&zip_name)).unwrap();
    let manifest = dist.join(format!("{}_manifest.json", prefix()));
    let info = inspect(&pkg_dir.join(&zip_name), &[&manifest]);
    // The checksum Terraform would get from the release's SHA256SUMS through a registry.
    let sums = fs::read_to_string(dist.join(format!("{}_SHA256SUMS", prefix()))).unwrap();
    let zip_sha256 = sums
        .lines()
        .find_map(|l| l.strip_suffix(&format!("  {zip_name}")))
        .unwrap_or_else(|| panic!("no {zip_name} in SHA256SUMS:\n{sums}"))
        .to_string();
    assert_eq!(zip_sha256, info["sha256"].as_str().unwrap());
    let cli_config = dir.path().join("terraformrc");
    fs::write(
        &cli_config,
        format!(
            "provider_installation {{\n  filesystem_mirror {{\n    path    = {}\n    include = [\"registry.terraform.io/level27/level27\"]\n  }}\n}}\n",
            Value::String(dir.path().join("mirror").to_string_lossy().into_owned())
        ),
    )
    .unwrap();
    Mirror {
        _dir: dir,
        cli_config,
        zip_sha256,
        h1: info["h1"].as_str().unwrap().to_string(),
        other_sha256: info["files"][manifest.to_str().unwrap()].as_str().unwrap().to_string(),
    }
}

/// The hashes `.terraform.lock.hcl` records for this provider, after checking its version.
fn locked_hashes(tf: &Tf) -> BTreeSet<String> {
    let lock = tf.read(".terraform.lock.hcl");
    let block = lock
        .split("provider \"registry.terraform.io/level27/level27\" {")
        .nth(1)
        .unwrap_or_else(|| panic!("no level27 provider in the lock file:\n{lock}"));
    assert!(
        block.contains(&format!("version = \"{VERSION}\"")),
        "lock file version:\n{lock}"
    );
    block
        .split('"')
        .filter(|s| s.starts_with("h1:") || s.starts_with("zh:"))
        .map(str::to_string)
        .collect()
}

fn lock_file(hash: &str) -> String {
    format!(
        "provider \"registry.terraform.io/level27/level27\" {{\n  version = \"{VERSION}\"\n  hashes = [\n    \"{hash}\",\n  ]\n}}\n"
    )
}

fn install_from_mirror_and_apply(label: &str, terraform: Terraform) {
    let m = mirror();
    let sb = Sandbox::start();
    let quickstart = fs::read_to_string(root().join("examples/quickstart/main.tf")).unwrap();
    let mut tf = Tf::with(label, terraform.clone(), Some(&sb));
    // Replaces the harness's dev_overrides configuration: only the mirror, as a user would have.
    tf.set_env("TF_CLI_CONFIG_FILE", Some(m.cli_config.to_str().unwrap()));
    tf.write_main(&quickstart);

    let init = tf.run(&["init"]).assert_ok();
    init.assert_not_contains("overrides");
    init.assert_contains(&format!("Installing level27/level27 v{VERSION}"));
    assert_eq!(
        locked_hashes(&tf),
        [m.h1.clone()].into_iter().collect(),
        "a filesystem mirror gives Terraform no signed checksums, so it records the package's h1: hash"
    );
    let installed = tf.dir.join(format!(
        ".terraform/providers/registry.terraform.io/level27/level27/{VERSION}/{}/{NAME}_v{VERSION}",
        platform()
    ));
    assert!(installed.is_file(), "{} is not installed", installed.display());

    let log = tf.scratch("provider.log");
    tf.set_env("TF_LOG_PROVIDER", Some("info"))
        .set_env("TF_LOG_PATH", Some(log.to_str().unwrap()));
    tf.apply();
    let log_text = fs::read_to_string(&log).unwrap_or_default();
    assert!(
        log_text
            .lines()
            .any(|l| l.contains("plugin serving") && l.contains(&format!("version={VERSION}"))),
        "the provider logs its version at startup; the log:\n{log_text}"
    );
    tf.set_env("TF_LOG_PROVIDER", None).set_env("TF_LOG_PATH", None);
    tf.assert_plan_empty(&format!("{label}: quickstart with the mirrored provider"));
    let (major, minor, patch) = terraform.version;
    let agent = format!("{NAME}/{VERSION} Terraform/{major}.{minor}.{patch}");
    let agents = sb.requests()["userAgents"].clone();
    assert!(
        agents.as_object().is_some_and(|m| m.contains_key(&agent)),
        "requests carry User-Agent {agent:?}: {agents}"
    );
    tf.destroy();

    // A lock file holding the zip's SHA256SUMS entry (what `terraform init` records from a
    // registry) accepts the mirrored package and gains its h1: hash ...
    let mut pinned = tf.fresh(&format!("{label}-zh"));
    pinned.set_env("TF_CLI_CONFIG_FILE", Some(m.cli_config.to_str().unwrap()));
    pinned.write_main(&quickstart);
    pinned.write(".terraform.lock.hcl", &lock_file(&format!("zh:{}", m.zip_sha256)));
    pinned.run(&["init"]).assert_ok();
    assert_eq!(
        locked_hashes(&pinned),
        [format!("zh:{}", m.zip_sha256), m.h1.clone()].into_iter().collect()
    );
    // ... and one holding another file's checksum refuses it.
    let mut wrong = pinned.fresh(&format!("{label}-wrong"));
    wrong.set_env("TF_CLI_CONFIG_FILE", Some(m.cli_config.to_str().unwrap()));
    wrong.write_main(&quickstart);
    wrong.write(".terraform.lock.hcl", &lock_file(&format!("zh:{}", m.other_sha256)));
    let refused = wrong.run(&["init"]).assert_failed();
    let words = refused.all().split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("doesn't match any of the checksums"),
        "expected a checksum mismatch:\n{}",
        refused.dump()
    );
}

#[test]
fn terraform_installs_the_release_from_a_filesystem_mirror() {
    install_from_mirror_and_apply("mirror", Terraform::default_bin());
}

#[test]
fn terraform_1_0_installs_the_release_from_a_filesystem_mirror() {
    if let Some(tf) = Terraform::v1_0("terraform_1_0_installs_the_release_from_a_filesystem_mirror") {
        install_from_mirror_and_apply("mirror-1.0", tf);
    }
}
