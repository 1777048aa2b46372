//! Ctrl-C while `level27_domain` waits for a registration: Terraform's StopProvider ends the wait
//! at once (the registration is still under way when Terraform has exited), and the domain the
//! API already made is kept in state, tainted, never forgotten.

mod common;

use std::os::unix::process::CommandExt;
use std::process::Stdio;
use std::thread;
use std::time::{Duration, Instant};

use common::*;
use serde_json::json;

/// How long a registration takes in the sandbox: far longer than an interrupt takes to arrive.
const ASYNC_MS: u64 = 90_000;

#[test]
fn dns_interrupt_ends_a_registration_wait() {
    let sb = Sandbox::start_with(DEFAULT_KEY, &["--async-ms", &ASYNC_MS.to_string()]);
    let org = sb.create_organisation("Interrupt DNS", "BE0444444444");
    let contact = sb.post_ok(
        "/v1/domaincontacts",
        json!({"type": "licensee", "firstName": "Ada", "lastName": "Peeters", "organisationName": "Acme",
               "phone": "+32.91234567", "email": "stop@acme.example", "taxNumber": "BE0123456789",
               "organisation": org}),
    )["domaincontact"]["id"]
        .as_i64()
        .unwrap();
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
