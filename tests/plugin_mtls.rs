//! The provider as a go-plugin server, started by hand the way Terraform starts it: the handshake
//! line, AutoMTLS that requires exactly the client certificate passed in `PLUGIN_CLIENT_CERT` (on
//! its unix socket and on the loopback TCP it falls back to), clear text on an owner-only socket
//! when Terraform sends no certificate (`TF_DISABLE_PLUGIN_TLS`), and refusals: without
//! Terraform's magic cookie (on stderr, for a person), and those Terraform must show (on stdout).

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use base64::Engine as _;
use common::*;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, SignatureScheme};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// A self-signed certificate like Terraform's AutoMTLS one (CA:TRUE, SAN localhost), on P-256.
struct ClientCert {
    der: Vec<u8>,
    key_pkcs8: Vec<u8>,
}

impl ClientCert {
    fn generate() -> ClientCert {
        use rcgen::{
            BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair, KeyUsagePurpose,
        };
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("P-256 key");
        let mut params = CertificateParams::new(vec!["localhost".to_string()]).expect("params");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
            KeyUsagePurpose::KeyAgreement,
            KeyUsagePurpose::KeyCertSign,
        ];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth, ExtendedKeyUsagePurpose::ServerAuth];
        params.distinguished_name.push(DnType::OrganizationName, "HashiCorp");
        params.distinguished_name.push(DnType::CommonName, "localhost");
        let cert = params.self_signed(&key).expect("self-signed certificate");
        ClientCert {
            der: cert.der().to_vec(),
            key_pkcs8: key.serialize_der(),
        }
    }

    fn pem(&self) -> String {
        let b64 = base64::engine::general_purpose::STANDARD.encode(&self.der);
        let mut pem = String::from("-----BEGIN CERTIFICATE-----\n");
        for chunk in b64.as_bytes().chunks(64) {
            pem.push_str(std::str::from_utf8(chunk).unwrap());
            pem.push('\n');
        }
        pem.push_str("-----END CERTIFICATE-----\n");
        pem
    }
}

/// A provider process serving the plugin protocol; killed on drop.
struct Plugin {
    child: Child,
    network: String,
    address: String,
    server_cert: Vec<u8>,
}

impl Plugin {
    /// Started with `PLUGIN_UNIX_SOCKET_DIR=socket_dir`.
    fn start(client: &ClientCert, socket_dir: &std::path::Path) -> Plugin {
        Plugin::start_with(Some(client), socket_dir)
    }

    /// Without a client certificate, `PLUGIN_CLIENT_CERT` is not set: what Terraform does under
    /// `TF_DISABLE_PLUGIN_TLS`.
    fn start_with(client: Option<&ClientCert>, socket_dir: &std::path::Path) -> Plugin {
        let start = Instant::now();
        let mut cmd = plugin_command(client);
        let mut child = cmd
            .env("PLUGIN_UNIX_SOCKET_DIR", socket_dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the provider");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            let _ = tx.send(lines.next());
            for _ in lines {}
        });
        let line = match rx.recv_timeout(Duration::from_secs(10)) {
            Ok(Some(Ok(l))) => l,
            other => {
                let _ = child.kill();
                // Reap it: a killed child left unwaited stays a zombie until the test binary exits.
                let _ = child.wait();
                panic!("no handshake line from the provider: {other:?}");
            }
        };
        // For the log only: startup time is measured by scripts/bench, not asserted here.
        eprintln!("handshake line after {:.1?}: {line}", start.elapsed());
        let parts: Vec<&str> = line.trim().split('|').collect();
        assert_eq!(parts.len(), 6, "handshake line has 6 fields: {line:?}");
        assert_eq!(parts[0], "1", "core protocol version: {line:?}");
        assert_eq!(parts[1], "6", "plugin protocol version: {line:?}");
        assert!(parts[2] == "tcp" || parts[2] == "unix", "network: {line:?}");
        assert_eq!(parts[4], "grpc", "protocol: {line:?}");
        if parts[2] == "tcp" {
            let port: u16 = parts[3]
                .rsplit(':')
                .next()
                .and_then(|p| p.parse().ok())
                .unwrap_or_else(|| panic!("no port in {line:?}"));
            assert!(
                (10000..=25000).contains(&port),
                "port {port} outside PLUGIN_MIN_PORT..=PLUGIN_MAX_PORT"
            );
            assert!(
                parts[3].starts_with("127.0.0.1:"),
                "the plugin listens on loopback only: {line:?}"
            );
        }
        let server_cert = base64::engine::GeneralPurpose::new(
            &base64::alphabet::STANDARD,
            base64::engine::GeneralPurposeConfig::new()
                .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
        )
        .decode(parts[5])
        .expect("the server certificate is base64 DER");
        // go-plugin reads an empty last field as "no TLS".
        assert_eq!(
            server_cert.is_empty(),
            client.is_none(),
            "a server certificate exactly when Terraform sent its own: {line:?}"
        );
        Plugin {
            child,
            network: parts[2].to_string(),
            address: parts[3].to_string(),
            server_cert,
        }
    }
}

/// The provider's command with the environment Terraform gives it; `PLUGIN_CLIENT_CERT` only with
/// a certificate.
fn plugin_command(client: Option<&ClientCert>) -> Command {
    let mut cmd = Command::new(PROVIDER_BIN);
    cmd.env("TF_PLUGIN_MAGIC_COOKIE", MAGIC_COOKIE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "6")
        .env("PLUGIN_MIN_PORT", "10000")
        .env("PLUGIN_MAX_PORT", "25000")
        .env_remove("PLUGIN_CLIENT_CERT")
        .env_remove("TF_LOG");
    if let Some(c) = client {
        cmd.env("PLUGIN_CLIENT_CERT", c.pem());
    }
    cmd
}

impl Drop for Plugin {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Trusts exactly the server certificate from the handshake line (and checks its signature).
#[derive(Debug)]
struct PinnedServer {
    cert: Vec<u8>,
    crypto: Arc<CryptoProvider>,
}

impl ServerCertVerifier for PinnedServer {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.cert.as_slice() {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General(
                "server certificate differs from the handshake line's".into(),
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.crypto.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.crypto.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.crypto.signature_verification_algorithms.supported_schemes()
    }
}

fn client_config(server_cert: &[u8], client: Option<&ClientCert>) -> Arc<ClientConfig> {
    let crypto = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(crypto.clone())
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(PinnedServer {
            cert: server_cert.to_vec(),
            crypto,
        }));
    let mut cfg = match client {
        Some(c) => builder
            .with_client_auth_cert(
                vec![CertificateDer::from(c.der.clone())],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(c.key_pkcs8.clone())),
            )
            .expect("client certificate"),
        None => builder.with_no_client_auth(),
    };
    cfg.alpn_protocols = vec![b"h2".to_vec()];
    Arc::new(cfg)
}

/// What happened on one connection.
#[derive(Debug)]
enum Outcome {
    /// The TLS handshake failed.
    HandshakeFailed(String),
    /// The handshake completed (client side) but the server then refused: error or EOF on read.
    RefusedAfterHandshake(String),
    /// The server answered the HTTP/2 preface with its SETTINGS frame: served.
    Served { alpn: Option<Vec<u8>> },
    /// Something else came back.
    Other(Vec<u8>),
}

impl Outcome {
    fn describe(&self) -> String {
        match self {
            Outcome::HandshakeFailed(e) => format!("TLS handshake failed: {e}"),
            Outcome::RefusedAfterHandshake(e) => format!("refused: {e}"),
            Outcome::Served { alpn } => format!(
                "served over HTTP/2 (ALPN {:?})",
                alpn.as_deref().map(String::from_utf8_lossy)
            ),
            Outcome::Other(bytes) => format!("unexpected answer {bytes:02x?}"),
        }
    }
}

/// HTTP/2 client preface followed by an empty SETTINGS frame.
fn h2_preface() -> Vec<u8> {
    let mut v = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".to_vec();
    v.extend_from_slice(&[0, 0, 0, 4, 0, 0, 0, 0, 0]);
    v
}

/// Sends the HTTP/2 preface and reads the first frame header back.
async fn talk_h2<S: AsyncRead + AsyncWrite + Unpin>(s: &mut S) -> Result<[u8; 9], String> {
    s.write_all(&h2_preface()).await.map_err(|e| format!("write: {e}"))?;
    s.flush().await.map_err(|e| format!("flush: {e}"))?;
    let mut head = [0u8; 9];
    match tokio::time::timeout(Duration::from_secs(10), s.read_exact(&mut head)).await {
        Err(_) => Err("no answer within 10 s".into()),
        Ok(Err(e)) => Err(format!("read: {e}")),
        Ok(Ok(_)) => Ok(head),
    }
}

async fn connect_tls<S: AsyncRead + AsyncWrite + Unpin>(stream: S, cfg: Arc<ClientConfig>) -> Outcome {
    let connector = tokio_rustls::TlsConnector::from(cfg);
    let name = ServerName::try_from("localhost").unwrap();
    let mut tls = match tokio::time::timeout(Duration::from_secs(10), connector.connect(name, stream)).await {
        Err(_) => return Outcome::HandshakeFailed("timed out".into()),
        Ok(Err(e)) => return Outcome::HandshakeFailed(e.to_string()),
        Ok(Ok(t)) => t,
    };
    let alpn = tls.get_ref().1.alpn_protocol().map(<[u8]>::to_vec);
    match talk_h2(&mut tls).await {
        Err(e) => Outcome::RefusedAfterHandshake(e),
        Ok(head) if head[3] == 4 => Outcome::Served { alpn },
        Ok(head) => Outcome::Other(head.to_vec()),
    }
}

async fn probe(plugin: &Plugin, cfg: Option<Arc<ClientConfig>>) -> Outcome {
    match plugin.network.as_str() {
        "tcp" => {
            let s = tokio::net::TcpStream::connect(&plugin.address)
                .await
                .expect("connect to the plugin");
            match cfg {
                Some(cfg) => connect_tls(s, cfg).await,
                None => plain(s).await,
            }
        }
        _ => {
            let s = tokio::net::UnixStream::connect(&plugin.address)
                .await
                .expect("connect to the plugin socket");
            match cfg {
                Some(cfg) => connect_tls(s, cfg).await,
                None => plain(s).await,
            }
        }
    }
}

/// HTTP/2 in clear text, no TLS at all.
async fn plain<S: AsyncRead + AsyncWrite + Unpin>(mut s: S) -> Outcome {
    match talk_h2(&mut s).await {
        Err(e) => Outcome::RefusedAfterHandshake(e),
        Ok(head) if head[3] == 4 && head[0] == 0 => Outcome::Served { alpn: None },
        Ok(head) => Outcome::Other(head.to_vec()),
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn plugin_requires_the_pinned_client_certificate_on_its_unix_socket() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = requires_the_pinned_client_certificate(dir.path(), "unix");
    assert!(
        path.starts_with(dir.path().to_str().unwrap()),
        "socket {path} is not in PLUGIN_UNIX_SOCKET_DIR"
    );
}

/// Where no socket can be made (here: the directory does not exist), loopback TCP.
#[test]
fn plugin_requires_the_pinned_client_certificate_on_tcp() {
    let dir = tempfile::tempdir().expect("tempdir");
    requires_the_pinned_client_certificate(&dir.path().join("missing"), "tcp");
}

/// Runs the checks on a plugin started with `PLUGIN_UNIX_SOCKET_DIR=socket_dir`, which must serve
/// on `network`; returns the address it served on.
fn requires_the_pinned_client_certificate(socket_dir: &std::path::Path, network: &str) -> String {
    let terraform_cert = ClientCert::generate();
    let other_cert = ClientCert::generate();
    let plugin = Plugin::start(&terraform_cert, socket_dir);
    assert_eq!(plugin.network, network, "served on {}", plugin.address);
    let rt = runtime();

    // The pinned certificate: TLS completes with ALPN h2 and the server speaks HTTP/2.
    let ok = rt.block_on(probe(
        &plugin,
        Some(client_config(&plugin.server_cert, Some(&terraform_cert))),
    ));
    match &ok {
        Outcome::Served { alpn } => assert_eq!(alpn.as_deref(), Some(&b"h2"[..]), "ALPN must negotiate h2"),
        other => panic!(
            "a connection with the pinned client certificate was not served: {}",
            other.describe()
        ),
    }

    // No client certificate: refused.
    let none = rt.block_on(probe(&plugin, Some(client_config(&plugin.server_cert, None))));
    assert!(
        matches!(none, Outcome::HandshakeFailed(_) | Outcome::RefusedAfterHandshake(_)),
        "a connection without a client certificate was not refused: {}",
        none.describe()
    );
    eprintln!("no client certificate: {}", none.describe());

    // Another certificate of the same shape: refused.
    let other = rt.block_on(probe(
        &plugin,
        Some(client_config(&plugin.server_cert, Some(&other_cert))),
    ));
    assert!(
        matches!(other, Outcome::HandshakeFailed(_) | Outcome::RefusedAfterHandshake(_)),
        "a connection with a different client certificate was not refused: {}",
        other.describe()
    );
    eprintln!("another client certificate: {}", other.describe());

    // Clear-text HTTP/2: not served.
    let plain = rt.block_on(probe(&plugin, None));
    assert!(
        !matches!(plain, Outcome::Served { .. }),
        "a clear-text connection was served"
    );
    eprintln!("clear text: {}", plain.describe());

    // The server is still healthy after the refusals.
    let again = rt.block_on(probe(
        &plugin,
        Some(client_config(&plugin.server_cert, Some(&terraform_cert))),
    ));
    assert!(
        matches!(again, Outcome::Served { .. }),
        "the pinned certificate is no longer served after refused connections: {}",
        again.describe()
    );
    plugin.address.clone()
}

/// `TF_DISABLE_PLUGIN_TLS`: Terraform sends no certificate and expects clear text, which the
/// provider serves on a socket only its own user can connect to.
#[test]
fn plugin_serves_clear_text_on_an_owner_only_socket_when_terraform_turns_tls_off() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let plugin = Plugin::start_with(None, dir.path());
    assert_eq!(plugin.network, "unix", "served on {}", plugin.address);
    let mode = std::fs::metadata(&plugin.address)
        .expect("socket file")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "socket mode {mode:o}: others could connect");
    let rt = runtime();
    let plain = rt.block_on(probe(&plugin, None));
    assert!(
        matches!(plain, Outcome::Served { .. }),
        "clear-text HTTP/2 was not served: {}",
        plain.describe()
    );
}

/// Startup refusals are written where Terraform shows them: go-plugin puts an unexpected first
/// line of stdout into its error ("Unrecognized remote plugin message: ..."), while stderr only
/// reaches TF_LOG.
#[test]
fn plugin_refusals_reach_terraform_on_stdout() {
    let cert = ClientCert::generate();
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("missing");
    let mut no_tls_no_socket = plugin_command(None);
    no_tls_no_socket.env("PLUGIN_UNIX_SOCKET_DIR", &missing);
    let mut protocol_5 = plugin_command(Some(&cert));
    protocol_5.env("PLUGIN_PROTOCOL_VERSIONS", "5");
    for (label, cmd, says) in [
        (
            "no TLS and no socket",
            no_tls_no_socket,
            "does not serve plaintext on TCP",
        ),
        ("protocol 5 only", protocol_5, "this provider speaks protocol 6"),
    ] {
        let out = run_with_timeout(
            cmd,
            format!("terraform-provider-level27 ({label})"),
            Duration::from_secs(10),
        );
        assert_eq!(out.code, 1, "{label}: exit code 1:\n{}", out.dump());
        let first = out.stdout.lines().next().unwrap_or_default();
        assert!(
            first.starts_with("terraform-provider-level27: ") && first.contains(says),
            "{label}: the first stdout line must say why:\n{}",
            out.dump()
        );
        assert!(
            !out.stdout.contains("|grpc|"),
            "{label}: it must not serve:\n{}",
            out.dump()
        );
    }
}

/// go-plugin's message for a binary started without the host's magic cookie.
const NOT_A_PLUGIN_HOST: &str = "This binary is a plugin. These are not meant to be executed directly.";

/// Everything else a real start has (protocol versions, ports, a valid client certificate), so
/// that the cookie is the only reason left to refuse.
#[test]
fn plugin_without_magic_cookie_refuses_to_run() {
    let cert = ClientCert::generate();
    for (label, cookie) in [
        ("no magic cookie", None),
        ("wrong magic cookie", Some("not-the-cookie")),
    ] {
        let mut cmd = Command::new(PROVIDER_BIN);
        match cookie {
            Some(c) => cmd.env("TF_PLUGIN_MAGIC_COOKIE", c),
            None => cmd.env_remove("TF_PLUGIN_MAGIC_COOKIE"),
        };
        cmd.env("PLUGIN_PROTOCOL_VERSIONS", "6")
            .env("PLUGIN_MIN_PORT", "10000")
            .env("PLUGIN_MAX_PORT", "25000")
            .env("PLUGIN_CLIENT_CERT", cert.pem())
            .env_remove("TF_LOG");
        let out = run_with_timeout(
            cmd,
            format!("terraform-provider-level27 ({label})"),
            Duration::from_secs(10),
        );
        assert_eq!(out.code, 1, "{label}: exit code 1:\n{}", out.dump());
        assert!(
            out.stderr.contains(NOT_A_PLUGIN_HOST),
            "{label}: it must say it is a plugin to be run by Terraform:\n{}",
            out.dump()
        );
        assert!(
            !out.stdout.contains("|grpc|"),
            "{label}: it must not serve:\n{}",
            out.dump()
        );
    }
}

/// `--version` by hand says which build this is, as `terraform version` does, without serving.
#[test]
fn plugin_says_its_version_when_asked() {
    for arg in ["--version", "version"] {
        let mut cmd = Command::new(PROVIDER_BIN);
        cmd.arg(arg).env_remove("TF_PLUGIN_MAGIC_COOKIE").env_remove("TF_LOG");
        let out = run_with_timeout(
            cmd,
            format!("terraform-provider-level27 {arg}"),
            Duration::from_secs(10),
        );
        assert_eq!(out.code, 0, "{arg}: exit code 0:\n{}", out.dump());
        assert_eq!(
            out.stdout.trim(),
            format!("terraform-provider-level27 v{}", env!("CARGO_PKG_VERSION")),
            "{arg}:\n{}",
            out.dump()
        );
        assert!(!out.stderr.contains(NOT_A_PLUGIN_HOST), "{arg}:\n{}", out.dump());
    }
}

/// A Ctrl-C in a terminal sends SIGINT to Terraform's whole process group, providers included.
/// Like go-plugin servers, the provider must ignore it and keep serving, so that Terraform can stop
/// it through StopProvider and record what was created.
#[test]
fn plugin_survives_sigint() {
    let cert = ClientCert::generate();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut plugin = Plugin::start(&cert, dir.path());
    let st = Command::new("kill")
        .args(["-INT", &plugin.child.id().to_string()])
        .status()
        .expect("kill -INT");
    assert!(st.success());
    thread::sleep(Duration::from_millis(500));
    let exited = plugin.child.try_wait().expect("try_wait");
    assert!(
        exited.is_none(),
        "the provider exited on SIGINT ({exited:?}): a Ctrl-C in a terminal would kill it under \
         Terraform instead of letting Terraform call StopProvider"
    );
    let rt = runtime();
    let after = rt.block_on(probe(&plugin, Some(client_config(&plugin.server_cert, Some(&cert)))));
    assert!(
        matches!(after, Outcome::Served { .. }),
        "not serving after SIGINT: {}",
        after.describe()
    );
}
