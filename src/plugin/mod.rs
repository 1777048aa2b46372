//! Serving the Terraform plugin protocol (go-plugin over gRPC, tfplugin6).
//!
//! Handshake: check the magic cookie and protocol version, listen on a unix socket as go-plugin
//! servers do (or, where that fails, on loopback TCP with TCP_NODELAY), print
//! `1|6|unix|PATH|grpc|<server cert>` and serve only clients presenting Terraform's pinned
//! certificate (AutoMTLS). When Terraform sends no certificate (`TF_DISABLE_PLUGIN_TLS`), clear
//! text as go-plugin servers do, but only on a unix socket that only this user can reach.

pub mod controller;
pub mod grpc;
pub mod log;
pub mod tls;
mod unoffered;

use crate::provider::Provider;
use magma_protocol::tfplugin6::provider_server::Provider as ProviderRpc;
use std::future::Future;
use std::io::Write as _;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
const MAGIC_COOKIE_VALUE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("This binary is a plugin. These are not meant to be executed directly.\nPlease execute the program that consumes these plugins, which will\nload any plugins automatically")]
    NotAPluginHost,
    #[error(
        "Terraform asked for plugin protocol versions {0:?}; this provider speaks protocol 6 (Terraform 1.0 or later)"
    )]
    Protocol(String),
    #[error("TLS is off (PLUGIN_CLIENT_CERT is not set, as with TF_DISABLE_PLUGIN_TLS) and no unix socket can be made ({0}); this provider does not serve plaintext on TCP")]
    PlaintextWithoutSocket(std::io::Error),
    #[error(transparent)]
    Tls(#[from] tls::TlsSetupError),
    #[error("cannot listen on loopback: {0}")]
    Listen(std::io::Error),
    #[error("gRPC server: {0}")]
    Server(#[from] tonic::transport::Error),
    #[error("building the provider failed: {0}")]
    Build(String),
}

/// Runs the plugin until Terraform calls Shutdown (or closes the process). `provider` is called
/// once the handshake line is out: Terraform's TLS handshake comes before its first call, so the
/// provider can still be in the making (see `main`).
pub async fn serve(provider: impl FnOnce() -> Result<Arc<Provider>, ServeError>) -> Result<(), ServeError> {
    serve_service(move || {
        let provider = provider()?;
        let stop = provider.stop.clone();
        Ok((grpc::ProviderService::new(provider), stop))
    })
    .await
}

/// The tfplugin6 service `S`, served as [`serve`] serves this provider's: the same handshake,
/// TLS, socket and shutdown. `make` returns the service and the token Shutdown cancels. Apart
/// from `serve`, used by the benchmark's floor plugin (`benches/floor_plugin.rs`), which must
/// measure this server stack and nothing else.
pub async fn serve_service<S: ProviderRpc>(
    make: impl FnOnce() -> Result<(S, CancellationToken), ServeError>,
) -> Result<(), ServeError> {
    if std::env::var(MAGIC_COOKIE_KEY).ok().as_deref() != Some(MAGIC_COOKIE_VALUE) {
        return Err(ServeError::NotAPluginHost);
    }
    let versions = std::env::var("PLUGIN_PROTOCOL_VERSIONS").unwrap_or_default();
    if !versions.split(',').any(|v| v.trim() == "6") {
        return Err(visible(ServeError::Protocol(versions)));
    }
    // go-plugin's AutoMTLS: Terraform passes its certificate unless TF_DISABLE_PLUGIN_TLS is set.
    let client_cert = std::env::var("PLUGIN_CLIENT_CERT")
        .ok()
        .filter(|c| !c.trim().is_empty());
    ignore_interrupts();
    let socket_dir = std::env::var_os("PLUGIN_UNIX_SOCKET_DIR")
        .filter(|d| !d.is_empty())
        .map(std::path::PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    let Some(client_cert) = client_cert else {
        // Terraform asked for plaintext (TF_DISABLE_PLUGIN_TLS), as go-plugin servers allow. Only
        // on a socket file that no other user can connect to: without the client certificate,
        // the file's permissions are what keeps other local users away from the configured API
        // client. Loopback TCP has no such guard, so there it is refused.
        let (listener, file, uid) = SocketFile::bind_in(&socket_dir)
            .and_then(|(l, f)| f.owner_only().map(|uid| (l, f, uid)))
            .map_err(|e| visible(ServeError::PlaintextWithoutSocket(e)))?;
        let line = format!("1|6|unix|{}|grpc|", file.0.display());
        tracing::debug!("PLUGIN_CLIENT_CERT is not set (TF_DISABLE_PLUGIN_TLS): serving without TLS");
        let served = serve_on(make, listener, Plain { uid }, &line).await;
        drop(file);
        return served;
    };
    let tls = tls::setup(&client_cert).map_err(|e| visible(e.into()))?;
    let acceptor = tokio_rustls::TlsAcceptor::from(tls.config.clone());
    let cert = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD_NO_PAD.encode(&tls.server_cert_der)
    };
    match SocketFile::bind_in(&socket_dir) {
        Ok((listener, file)) => {
            let line = format!("1|6|unix|{}|grpc|{cert}", file.0.display());
            let served = serve_on(make, listener, acceptor, &line).await;
            drop(file);
            served
        }
        Err(e) => {
            // A socket directory that is not writable, or a path too long for sun_path.
            tracing::debug!(error = %e, "no unix socket; serving on loopback TCP");
            let listener = listen_tcp().await.map_err(|e| visible(ServeError::Listen(e)))?;
            let addr = listener.local_addr().map_err(|e| visible(ServeError::Listen(e)))?;
            serve_on(make, listener, acceptor, &format!("1|6|tcp|{addr}|grpc|{cert}")).await
        }
    }
}

/// `e`, also written to stdout where Terraform expects the handshake line: go-plugin shows an
/// unexpected first line to the user ("Unrecognized remote plugin message: ..."), while what a
/// plugin writes on stderr only reaches TF_LOG.
fn visible(e: ServeError) -> ServeError {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "terraform-provider-level27: {}", e.to_string().replace('\n', " "));
    let _ = out.flush();
    e
}

/// Prints the handshake line and serves gRPC on `listener` until Shutdown.
async fn serve_on<S: ProviderRpc, L: Listener, U: Upgrade<L::Stream>>(
    make: impl FnOnce() -> Result<(S, CancellationToken), ServeError>,
    listener: L,
    upgrade: U,
    handshake: &str,
) -> Result<(), ServeError> {
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{handshake}");
        let _ = out.flush();
    }
    let (service, stop) = make()?;
    let incoming = accept(listener, upgrade);
    let shutdown = Arc::new(Notify::new());
    let ctrl = controller::Controller {
        shutdown: shutdown.clone(),
    };
    let server = tonic::transport::Server::builder()
        .add_service(
            magma_protocol::tfplugin6::provider_server::ProviderServer::new(service)
                .max_decoding_message_size(256 << 20),
        )
        .add_service(controller::GrpcControllerServer::new(ctrl));
    let mut fields = handshake.split('|').skip(2);
    let (network, address) = (fields.next().unwrap_or_default(), fields.next().unwrap_or_default());
    // The version in every provider log, as in the User-Agent: the first thing to check in a
    // bug report's TF_LOG output.
    tracing::info!(version = crate::provider::VERSION, network, address, "plugin serving");
    tokio::spawn(exit_when_orphaned(
        std::os::unix::process::parent_id(),
        ORPHAN_CHECK_INTERVAL,
        shutdown.clone(),
    ));
    server
        .serve_with_incoming_shutdown(incoming, async move {
            shutdown.notified().await;
            stop.cancel();
        })
        .await?;
    Ok(())
}

/// How often a provider process checks that Terraform is still its parent.
const ORPHAN_CHECK_INTERVAL: Duration = Duration::from_secs(1);

/// How long an orphaned process waits for the orderly shutdown before exiting regardless.
const ORPHAN_EXIT_GRACE: Duration = Duration::from_secs(5);

/// A Terraform that is killed (SIGKILL, a crash, an OOM kill) never calls Shutdown, and its
/// provider processes are re-parented. Left alone they would wait for a connection forever, one
/// per graph walk. Once the parent is gone: cancel in-flight work and stop serving as Shutdown
/// would (the socket file is removed), and exit outright if that has not ended the process in
/// [`ORPHAN_EXIT_GRACE`]. (PR_SET_PDEATHSIG is no substitute: it fires when the forking *thread*
/// exits, and Go may run `fork` on any of its threads.)
async fn exit_when_orphaned(parent: u32, every: Duration, shutdown: Arc<Notify>) {
    if parent <= 1 {
        return; // Started by init (or already orphaned): there is no Terraform to watch.
    }
    parent_gone(parent, every).await;
    tracing::warn!(parent, "Terraform is gone without shutting this provider down; exiting");
    shutdown.notify_one();
    tokio::time::sleep(ORPHAN_EXIT_GRACE).await;
    std::process::exit(1);
}

/// Returns once this process's parent is no longer `parent`, checking every `every`.
async fn parent_gone(parent: u32, every: Duration) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if std::os::unix::process::parent_id() != parent {
            return;
        }
    }
}

/// A Ctrl-C in the terminal reaches every process of the group, providers included. Like
/// go-plugin servers, swallow it: Terraform decides, and tells us through StopProvider (cancel
/// in-flight work) and Shutdown (exit).
fn ignore_interrupts() {
    use tokio::signal::unix::{signal, SignalKind};
    match signal(SignalKind::interrupt()) {
        Ok(mut interrupts) => {
            tokio::spawn(async move {
                while interrupts.recv().await.is_some() {
                    tracing::debug!("interrupt received; waiting for Terraform's StopProvider");
                }
            });
        }
        Err(e) => tracing::warn!(error = %e, "cannot install the interrupt handler"),
    }
}

/// The socket go-plugin servers listen on where they can (Linux, macOS): a unix socket in
/// `PLUGIN_UNIX_SOCKET_DIR` or the temporary directory. A write on it skips the TCP/IP stack that
/// each loopback TCP write runs through on both ends (a plan makes four calls per resource); the
/// saving is small next to the rest of a call, and within the noise of a 500-resource plan on a
/// shared 2-core machine. The file is removed when this value drops, i.e. when serving ends; a
/// process killed with SIGKILL leaves it behind, as go-plugin's own servers do.
struct SocketFile(std::path::PathBuf);

impl SocketFile {
    fn bind_in(dir: &std::path::Path) -> std::io::Result<(tokio::net::UnixListener, SocketFile)> {
        let mut last = None;
        // A name taken by another process (or left by a killed one) is skipped, never reused.
        for _ in 0..8 {
            let path = dir.join(format!(
                "plugin-level27-{}-{:08x}",
                std::process::id(),
                fastrand::u32(..)
            ));
            match tokio::net::UnixListener::bind(&path) {
                Ok(listener) => return Ok((listener, SocketFile(path))),
                Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => last = Some(e),
                Err(e) => return Err(e),
            }
        }
        Err(last.unwrap_or_else(|| std::io::Error::other("no free socket name")))
    }
}

impl SocketFile {
    /// Only this user may connect (connecting to a unix socket needs write permission on it).
    /// Returns the owner's uid, which is this process's.
    fn owner_only(&self) -> std::io::Result<u32> {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        std::fs::set_permissions(&self.0, std::fs::Permissions::from_mode(0o600))?;
        Ok(std::fs::metadata(&self.0)?.uid())
    }
}

impl Drop for SocketFile {
    fn drop(&mut self) {
        if let Err(e) = std::fs::remove_file(&self.0) {
            tracing::debug!(path = %self.0.display(), error = %e, "cannot remove the plugin socket");
        }
    }
}

/// A loopback port in Terraform's allowed range (PLUGIN_MIN_PORT..=PLUGIN_MAX_PORT).
async fn listen_tcp() -> std::io::Result<TcpListener> {
    let port = |k: &str, d: u16| std::env::var(k).ok().and_then(|v| v.parse().ok()).unwrap_or(d);
    let (min, max) = (port("PLUGIN_MIN_PORT", 0), port("PLUGIN_MAX_PORT", 0));
    if min == 0 || max < min {
        return TcpListener::bind(("127.0.0.1", 0)).await;
    }
    let span = u32::from(max - min) + 1;
    let start = fastrand::u32(0..span);
    let mut last = None;
    for i in 0..span.min(500) {
        let p = min + ((start + i) % span) as u16;
        match TcpListener::bind(("127.0.0.1", p)).await {
            Ok(l) => return Ok(l),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no free port")))
}

/// How long a client may take to complete the TLS handshake. Terraform's takes milliseconds; a
/// client that connects and stalls would otherwise hold a task and a socket for good.
const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// The pause after a failed accept. Errors such as EMFILE persist until some connection closes,
/// and retrying at once would spin a core.
const ACCEPT_RETRY_DELAY: Duration = Duration::from_millis(100);

type Incoming<S> = Result<S, std::io::Error>;

/// What a connection goes through before gRPC: the TLS handshake of AutoMTLS, or nothing when
/// Terraform turned TLS off.
trait Upgrade<S>: Clone + Send + Sync + 'static {
    type Io: tonic::transport::server::Connected + tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + Unpin + 'static;
    fn upgrade(&self, stream: S) -> impl Future<Output = std::io::Result<Self::Io>> + Send;
}

impl<S> Upgrade<S> for tokio_rustls::TlsAcceptor
where
    S: tonic::transport::server::Connected + tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + Unpin + 'static,
{
    type Io = tokio_rustls::server::TlsStream<S>;
    fn upgrade(&self, stream: S) -> impl Future<Output = std::io::Result<Self::Io>> + Send {
        self.accept(stream)
    }
}

/// No TLS (TF_DISABLE_PLUGIN_TLS), only on a unix socket: a connection is taken only from a
/// process of the user who owns the socket file (this process's user), see `serve`.
#[derive(Clone, Copy)]
struct Plain {
    uid: u32,
}

impl Upgrade<tokio::net::UnixStream> for Plain {
    type Io = tokio::net::UnixStream;
    async fn upgrade(&self, stream: tokio::net::UnixStream) -> std::io::Result<tokio::net::UnixStream> {
        let peer = stream.peer_cred()?.uid();
        if peer != self.uid {
            return Err(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                format!("peer uid {peer} is not the owner {}", self.uid),
            ));
        }
        Ok(stream)
    }
}

/// Accepts connections and upgrades them (the TLS handshake) off the accept loop; connections
/// failing client authentication never reach gRPC.
fn accept<L: Listener, U: Upgrade<L::Stream>>(
    listener: L,
    upgrade: U,
) -> tokio_stream::wrappers::ReceiverStream<Incoming<U::Io>> {
    let (tx, rx) = tokio::sync::mpsc::channel(16);
    tokio::spawn(accept_loop(
        listener,
        upgrade,
        TLS_HANDSHAKE_TIMEOUT,
        ACCEPT_RETRY_DELAY,
        tx,
    ));
    tokio_stream::wrappers::ReceiverStream::new(rx)
}

/// Where connections come from: a unix socket, loopback TCP, or in tests a listener whose accept
/// fails. `peer` names the other end for logs.
trait Listener: Send + 'static {
    type Stream: tonic::transport::server::Connected
        + tokio::io::AsyncRead
        + tokio::io::AsyncWrite
        + Send
        + Unpin
        + 'static;
    fn accept(&mut self) -> impl Future<Output = std::io::Result<(Self::Stream, String)>> + Send;
}

impl Listener for TcpListener {
    type Stream = TcpStream;
    async fn accept(&mut self) -> std::io::Result<(TcpStream, String)> {
        let (stream, peer) = TcpListener::accept(self).await?;
        // Without it every RPC stalls ~40 ms on Nagle + delayed ACK.
        if let Err(e) = stream.set_nodelay(true) {
            tracing::debug!(%peer, error = %e, "cannot set TCP_NODELAY");
        }
        Ok((stream, peer.to_string()))
    }
}

impl Listener for tokio::net::UnixListener {
    type Stream = tokio::net::UnixStream;
    async fn accept(&mut self) -> std::io::Result<(tokio::net::UnixStream, String)> {
        let (stream, _) = tokio::net::UnixListener::accept(self).await?;
        Ok((stream, "unix socket".to_string()))
    }
}

/// Runs until the gRPC server stops taking connections (`tx` closed).
async fn accept_loop<L: Listener, U: Upgrade<L::Stream>>(
    mut listener: L,
    upgrade: U,
    handshake_timeout: Duration,
    retry_delay: Duration,
    tx: tokio::sync::mpsc::Sender<Incoming<U::Io>>,
) {
    loop {
        let accepted = tokio::select! {
            r = listener.accept() => r,
            _ = tx.closed() => return,
        };
        let (stream, peer) = match accepted {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "accept failed; retrying in {retry_delay:?}");
                tokio::time::sleep(retry_delay).await;
                continue;
            }
        };
        let upgrade = upgrade.clone();
        let tx = tx.clone();
        tokio::spawn(async move {
            match tokio::time::timeout(handshake_timeout, upgrade.upgrade(stream)).await {
                Ok(Ok(io)) => {
                    let _ = tx.send(Ok(io)).await;
                }
                Ok(Err(e)) => tracing::warn!(%peer, error = %e, "rejected a connection that failed authentication"),
                Err(_) => tracing::warn!(
                    %peer,
                    "dropped a connection that did not complete the TLS handshake within {handshake_timeout:?}"
                ),
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::io::AsyncReadExt;

    fn acceptor() -> tokio_rustls::TlsAcceptor {
        use base64::Engine;
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("key");
        let cert = rcgen::CertificateParams::new(vec!["localhost".to_string()])
            .expect("params")
            .self_signed(&key)
            .expect("certificate");
        let b64 = base64::engine::general_purpose::STANDARD.encode(cert.der());
        let pem = format!("-----BEGIN CERTIFICATE-----\n{b64}\n-----END CERTIFICATE-----\n");
        let tls = tls::setup(&pem).expect("TLS setup");
        tokio_rustls::TlsAcceptor::from(tls.config)
    }

    /// A listener whose accept always fails, as with EMFILE; counts the attempts.
    struct Failing(Arc<AtomicUsize>);

    impl Listener for Failing {
        type Stream = TcpStream;
        fn accept(&mut self) -> impl Future<Output = std::io::Result<(TcpStream, String)>> + Send {
            let calls = self.0.clone();
            async move {
                calls.fetch_add(1, Ordering::SeqCst);
                // A real accept goes through the reactor and yields; so does this one.
                tokio::task::yield_now().await;
                Err(std::io::Error::from_raw_os_error(24)) // EMFILE
            }
        }
    }

    // Paused clock: the retry delay passes only when the test sleeps, so the counts are exact.
    #[tokio::test(start_paused = true)]
    async fn accept_errors_are_retried_after_a_pause_not_in_a_busy_loop() {
        let calls = Arc::new(AtomicUsize::new(0));
        let (tx, rx) = tokio::sync::mpsc::channel(1);
        let delay = Duration::from_millis(100);
        let task = tokio::spawn(accept_loop(
            Failing(calls.clone()),
            acceptor(),
            TLS_HANDSHAKE_TIMEOUT,
            delay,
            tx,
        ));
        for _ in 0..100 {
            tokio::task::yield_now().await;
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1, "retried without pausing");
        // Once the delay has passed, it tries again: accepting continues after errors.
        tokio::time::sleep(delay * 2 + delay / 2).await;
        assert_eq!(calls.load(Ordering::SeqCst), 3);
        // The loop ends when the server stops taking connections.
        drop(rx);
        task.await.expect("accept loop");
    }

    #[tokio::test(start_paused = true)]
    async fn a_process_notices_when_its_parent_is_gone_and_only_then() {
        let every = Duration::from_secs(1);
        // Still the same parent: keeps watching, tick after tick.
        let same = std::os::unix::process::parent_id();
        let watching = tokio::time::timeout(every * 30, parent_gone(same, every)).await;
        assert!(watching.is_err(), "reported the living parent as gone");
        // Re-parented (the parent it was started by is no longer its parent): noticed at the
        // next check.
        let other = same.wrapping_add(1);
        let noticed = tokio::time::timeout(every * 2, parent_gone(other, every)).await;
        assert!(noticed.is_ok(), "did not notice the change of parent");
    }

    #[tokio::test]
    async fn clear_text_is_served_only_to_the_sockets_owner() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let (_listener, file) = SocketFile::bind_in(dir.path()).expect("bind");
        let uid = file.owner_only().expect("chmod");
        assert_eq!(
            uid,
            std::fs::metadata(dir.path()).expect("dir").uid(),
            "this process's user"
        );
        let (ours, _peer) = tokio::net::UnixStream::pair().expect("pair");
        assert!(Plain { uid }.upgrade(ours).await.is_ok(), "the owner was refused");
        let (theirs, _peer) = tokio::net::UnixStream::pair().expect("pair");
        let refused = Plain {
            uid: uid.wrapping_add(1),
        }
        .upgrade(theirs)
        .await;
        assert_eq!(
            refused.map(|_| ()).map_err(|e| e.kind()),
            Err(std::io::ErrorKind::PermissionDenied),
            "another user's process was served"
        );
    }

    #[tokio::test]
    async fn the_socket_file_lives_as_long_as_the_server() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let (listener, file) = SocketFile::bind_in(dir.path()).expect("bind");
        let path = file.0.clone();
        assert!(path.starts_with(dir.path()));
        let meta = std::fs::metadata(&path).expect("socket file exists while serving");
        assert!(meta.file_type().is_socket());
        let client = tokio::net::UnixStream::connect(&path).await;
        assert!(client.is_ok(), "cannot connect: {client:?}");
        drop(listener);
        drop(file);
        assert!(!path.exists(), "socket file left after serving ended");
        // The fallback to TCP hinges on this failing.
        assert!(SocketFile::bind_in(&dir.path().join("missing")).is_err());
    }

    #[tokio::test]
    async fn a_client_stalling_the_tls_handshake_is_disconnected() {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.expect("bind");
        let addr = listener.local_addr().expect("address");
        let (tx, mut rx) = tokio::sync::mpsc::channel(1);
        tokio::spawn(accept_loop(
            listener,
            acceptor(),
            Duration::from_millis(200),
            ACCEPT_RETRY_DELAY,
            tx,
        ));
        // Connects and never sends a ClientHello.
        let mut stalled = TcpStream::connect(addr).await.expect("connect");
        let mut buf = [0u8; 64];
        // The bound only keeps a regression from hanging the test run.
        let read = tokio::time::timeout(Duration::from_secs(60), stalled.read(&mut buf)).await;
        match read {
            Ok(Ok(0)) | Ok(Err(_)) => {}
            Ok(Ok(n)) => panic!("the server sent {n} bytes to a client that never said hello"),
            Err(_) => panic!("the server kept a stalled handshake open"),
        }
        assert!(rx.try_recv().is_err(), "a stalled connection must not reach gRPC");
    }
}
