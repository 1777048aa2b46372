//! How Terraform reaches the provider processes: a unix socket in `PLUGIN_UNIX_SOCKET_DIR`
//! (removed when Terraform shuts the process down), and loopback TCP when no socket can be made
//! there; clear text on the unix socket when the user turns TLS off (`TF_DISABLE_PLUGIN_TLS`),
//! and a refusal Terraform shows when that leaves only TCP. Checked from the provider's `plugin serving` lines in Terraform's debug log (the address
//! it printed in its handshake line, the only one Terraform can dial), under the default
//! Terraform and Terraform 1.0.3.

mod common;

use common::*;

fn config() -> String {
    format!(
        r#"{header}
resource "level27_organisation" "acme" {{
  name       = "Transport e2e"
  tax_number = "BE0123450001"
}}

resource "level27_team" "ops" {{
  organisation_id = level27_organisation.acme.id
  name            = "ops"
}}
"#,
        header = header()
    )
}

/// The `network=` and `address=` of every provider process's `plugin serving` line in a
/// Terraform debug log.
fn plugin_addresses(log: &str) -> Vec<(String, String)> {
    let field = |line: &str, key: &str| {
        line.split_whitespace()
            .find_map(|w| w.strip_prefix(key))
            .map(str::to_string)
            .unwrap_or_default()
    };
    log.lines()
        .filter(|l| l.contains("provider.terraform-provider-level27") && l.contains("plugin serving"))
        .map(|l| (field(l, "network="), field(l, "address=")))
        .collect()
}

fn check(terraform: Terraform) {
    let v = terraform.version;
    let sb = Sandbox::start();
    let mut tf = Tf::with(&format!("transport-{}.{}", v.0, v.1), terraform, Some(&sb));
    let sockets = tf.scratch("sockets");
    let log = tf.scratch("debug.log");
    tf.set_env("PLUGIN_UNIX_SOCKET_DIR", Some(sockets.to_str().unwrap()))
        .set_env("TF_LOG", Some("debug"))
        .set_env("TF_LOG_PATH", Some(log.to_str().unwrap()));
    tf.write_main(&config());

    // Unix socket: every provider process of the apply listened in the directory given.
    tf.apply();
    let text = std::fs::read_to_string(&log).expect("debug log written");
    let addrs = plugin_addresses(&text);
    assert!(
        addrs.len() >= 3,
        "expected a `plugin serving` line per provider process, got {addrs:?}"
    );
    for (network, address) in &addrs {
        assert_eq!(
            network, "unix",
            "Terraform {v:?} reached a provider over {network} ({address})"
        );
        assert!(
            address.starts_with(sockets.to_str().unwrap()),
            "socket {address} is not in PLUGIN_UNIX_SOCKET_DIR {}",
            sockets.display()
        );
    }
    // `run` has checked that the directory is empty again: each process removed its socket.
    assert!(tf.sockets_left().is_empty());
    tf.assert_plan_empty("after apply over unix sockets");

    // TLS turned off by the user (TF_DISABLE_PLUGIN_TLS): go-plugin servers then serve clear
    // text, and so does this provider, on its unix socket only.
    tf.set_env("TF_DISABLE_PLUGIN_TLS", Some("1"));
    std::fs::write(&log, "").unwrap();
    tf.write_main(&config().replace("name            = \"ops\"", "name            = \"ops-plain\""));
    tf.apply();
    let text = std::fs::read_to_string(&log).expect("debug log written");
    let addrs = plugin_addresses(&text);
    assert!(addrs.len() >= 3, "{addrs:?}");
    assert!(
        addrs.iter().all(|(n, _)| n == "unix"),
        "clear text only on unix sockets: {addrs:?}"
    );
    assert!(
        text.contains("serving without TLS"),
        "the provider says it serves without TLS"
    );
    let org = tf.id_of("level27_organisation.acme");
    let team = tf.id_of("level27_team.ops");
    assert_eq!(
        sb.team(org, team).map(|t| t["name"].clone()),
        Some(serde_json::json!("ops-plain")),
        "the rename without TLS reached the API"
    );
    // Without TLS and without a socket directory there is no safe way to serve: the refusal
    // reaches the user in Terraform's error, not only in the debug log.
    let missing = tf.scratch("no-such-dir");
    tf.set_env("PLUGIN_UNIX_SOCKET_DIR", Some(missing.to_str().unwrap()));
    let refused = tf.run(&["plan"]);
    assert_ne!(refused.code, 0, "served clear text on TCP:\n{}", refused.dump());
    let said = refused.stderr.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        said.contains("does not serve plaintext on TCP") && said.contains("TF_DISABLE_PLUGIN_TLS"),
        "the reason is not in Terraform's error:\n{}",
        refused.dump()
    );
    tf.set_env("TF_DISABLE_PLUGIN_TLS", None);

    // A socket directory that does not exist: the provider falls back to loopback TCP, and
    // Terraform works as before.
    tf.set_env("PLUGIN_UNIX_SOCKET_DIR", Some(missing.to_str().unwrap()));
    std::fs::write(&log, "").unwrap();
    tf.write_main(&config().replace("name            = \"ops\"", "name            = \"ops-tcp\""));
    tf.apply();
    let text = std::fs::read_to_string(&log).expect("debug log written");
    let addrs = plugin_addresses(&text);
    assert!(addrs.len() >= 3, "{addrs:?}");
    for (network, address) in &addrs {
        assert_eq!(network, "tcp", "fallback: {address}");
        assert!(address.starts_with("127.0.0.1:"), "loopback only: {address}");
    }
    assert_eq!(
        sb.team(org, team).map(|t| t["name"].clone()),
        Some(serde_json::json!("ops-tcp")),
        "the rename over TCP reached the API"
    );
    tf.destroy();
}

#[test]
fn providers_listen_on_unix_sockets_and_fall_back_to_tcp() {
    check(Terraform::default_bin());
}

#[test]
fn providers_listen_on_unix_sockets_terraform_1_0() {
    if let Some(t) = Terraform::v1_0("providers_listen_on_unix_sockets_terraform_1_0") {
        check(t);
    }
}
