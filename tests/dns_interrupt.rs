//! Ctrl-C while `level27_domain` waits for a registration: Terraform's StopProvider ends the wait
//! at once (the registration is still under way when Terraform has exited), and the domain the
//! API already made is kept in state, tainted, never forgotten. And the API gone down under a
//! refresh of a zone: its records share one failed read of their list.

mod common;

use std::os::unix::process::CommandExt;
use std::process::Stdio;
use std::thread;
use std::time::{Duration, Instant};

use common::*;

/// How long a registration takes in the sandbox: far longer than an interrupt takes to arrive.
const ASYNC_MS: u64 = 90_000;

#[test]
fn dns_interrupt_ends_a_registration_wait() {
    let sb = Sandbox::start_with(DEFAULT_KEY, &["--async-ms", &ASYNC_MS.to_string()]);
    let org = sb.create_organisation("Interrupt DNS", "BE0444444444");
    let contact = sb.create_contact(org, "stop");
    let tf = Tf::new("dns-interrupt", &sb);
    tf.write_main(&format!(
        r#"{header}
resource "level27_domain" "slow" {{
  organisation_id     = {org}
  name                = "slow"
  extension           = "nl"
  action              = "create"
  licensee_contact_id = {contact}
}}
"#,
        header = header()
    ));
    let (mut cmd, label) = tf.command(&["apply", "-auto-approve"]);
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0);
    let mut child = cmd.spawn().expect("start terraform apply");

    // Wait until the registration was asked for and the provider polls it.
    let deadline = Instant::now() + Duration::from_secs(60);
    while sb
        .api_request_counts()
        .get("GET /v1/domains/{domainId}")
        .is_none_or(|n| *n == 0)
    {
        if Instant::now() > deadline || child.try_wait().unwrap().is_some() {
            kill_group(&mut child);
            panic!(
                "`{label}` never started waiting for the registration: {:?}",
                sb.api_request_counts()
            );
        }
        thread::sleep(Duration::from_millis(100));
    }
    assert!(signal_group(child.id(), "INT"), "kill -INT failed");

    // Give up well before the registration would finish by itself.
    let give_up = Instant::now() + Duration::from_millis(ASYNC_MS / 2);
    let status = exit_by(&mut child, give_up);
    let domains = sb.list_all("/v1/domains", "domains");
    if status.is_none() {
        kill_group(&mut child);
    }
    let status = status.expect("terraform kept waiting after the interrupt: StopProvider does not end the wait");
    assert!(!status.success(), "an interrupted apply must not report success");
    assert_eq!(domains.len(), 1, "{domains:?}");
    assert_ne!(
        domains[0]["status"], "ok",
        "terraform exited while the registration was still under way: {domains:?}"
    );
    assert!(
        tf.in_state("level27_domain.slow"),
        "the domain the API made is kept in state"
    );
}

/// The API stopped between two runs (or in the middle of one): a refresh of a zone's records asks
/// for their shared list in one round of retries, and every record refreshed meanwhile reports its
/// failure, rather than each record waiting in turn for a round of its own (fifteen records made a
/// plan take 90 s, with the default retries, to say the same thing fifteen times).
#[test]
fn dns_records_share_one_failed_read_when_the_api_is_down() {
    let mut sb = Sandbox::start();
    let mut tf = Tf::new("dns-api-down", &sb);
    let org = sb.create_organisation("Down DNS", "BE0555555555");
    // The domain is the panel's, so the records' refreshes are the first reads Terraform makes.
    let domain = sb.create_domain(org, "down");
    // Two retries: a round lasts at least their 375 ms of backoff, while the twelve refreshes
    // (all at once with -parallelism=20) start within milliseconds of each other.
    tf.write_main(&format!(
        r#"{REQUIRED_PROVIDERS}
provider "level27" {{
  max_retries = 2
}}
resource "level27_domain_record" "r" {{
  count     = 12
  domain_id = {domain}
  type      = "A"
  name      = "host${{count.index}}"
  content   = "192.0.2.${{count.index + 1}}"
}}
"#
    ));
    tf.apply().assert_ok();
    sb.stop();
    let log = tf.scratch("provider.log");
    tf.set_env("TF_LOG_PROVIDER", Some("debug"));
    tf.set_env("TF_LOG_PATH", Some(log.to_str().unwrap()));
    let plan = tf.run(&["plan", "-parallelism=20"]).assert_failed();
    assert_eq!(
        plan.error_blocks().len(),
        12,
        "each record reports the failure:\n{}",
        plan.dump()
    );
    plan.assert_contains("could not connect");
    let log = std::fs::read_to_string(&log).unwrap();
    let ours: Vec<&str> = log.lines().filter(|l| l.contains("level27 request failed")).collect();
    let first_attempts = ours
        .iter()
        .filter(|l| l.contains("/records") && l.split_whitespace().any(|w| w == "attempt=1"))
        .count();
    assert_eq!(
        first_attempts,
        1,
        "rounds of reads of the record list:\n{}",
        ours.join("\n")
    );
}
