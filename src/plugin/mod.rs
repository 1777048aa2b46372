//! Serving the Terraform plugin protocol (go-plugin over gRPC, tfplugin6).
//!
//! Handshake: check the magic cookie and protocol version, listen on loopback TCP (TCP_NODELAY,
//! or every RPC stalls ~40 ms on Nagle + delayed ACK), print
//! `1|6|tcp|127.0.0.1:PORT|grpc|<server cert>` and serve only clients presenting Terraform's
//! pinned certificate (AutoMTLS).

pub mod controller;
pub mod grpc;
pub mod log;
pub mod tls;

use crate::provider::Provider;
use std::io::Write as _;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::Notify;

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
    #[error("PLUGIN_CLIENT_CERT is not set: refusing to serve without mutual TLS")]
    NoClientCert,
    #[error(transparent)]
    Tls(#[from] tls::TlsSetupError),
    #[error("cannot listen on loopback: {0}")]
    Listen(std::io::Error),
    #[error("gRPC server: {0}")]
    Server(#[from] tonic::transport::Error),
}

/// Runs the plugin until Terraform calls Shutdown (or closes the process).
pub async fn serve(provider: Arc<Provider>) -> Result<(), ServeError> {
    if std::env::var(MAGIC_COOKIE_KEY).ok().as_deref() != Some(MAGIC_COOKIE_VALUE) {
        return Err(ServeError::NotAPluginHost);
    }
    let versions = std::env::var("PLUGIN_PROTOCOL_VERSIONS").unwrap_or_default();
    if !versions.split(',').any(|v| v.trim() == "6") {
        return Err(ServeError::Protocol(versions));
    }
    let client_cert = std::env::var("PLUGIN_CLIENT_CERT").map_err(|_| ServeError::NoClientCert)?;
    ignore_interrupts();
    let tls = tls::setup(&client_cert)?;
    let listener = listen().await.map_err(ServeError::Listen)?;
    let addr = listener.local_addr().map_err(ServeError::Listen)?;

    let incoming = accept_tls(listener, tokio_rustls::TlsAcceptor::from(tls.config.clone()));
    let shutdown = Arc::new(Notify::new());
    let ctrl = controller::Controller {
        shutdown: shutdown.clone(),
    };
    let server = tonic::transport::Server::builder()
        .add_service(
            magma_protocol::tfplugin6::provider_server::ProviderServer::new(grpc::ProviderService::new(
                provider.clone(),
            ))
            .max_decoding_message_size(256 << 20),
        )
        .add_service(controller::GrpcControllerServer::new(ctrl));

    {
        use base64::Engine;
        let cert = base64::engine::general_purpose::STANDARD_NO_PAD.encode(&tls.server_cert_der);
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "1|6|tcp|{addr}|grpc|{cert}");
        let _ = out.flush();
    }
    tracing::debug!(%addr, "plugin serving");
    let stop = provider.stop.clone();
    server
        .serve_with_incoming_shutdown(incoming, async move {
            shutdown.notified().await;
            stop.cancel();
        })
        .await?;
    Ok(())
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

/// A loopback port in Terraform's allowed range (PLUGIN_MIN_PORT..=PLUGIN_MAX_PORT).
async fn listen() -> std::io::Result<TcpListener> {
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

/// Accepts connections, sets TCP_NODELAY and completes the TLS handshake off the accept loop;
/// connections failing client authentication never reach gRPC.
fn accept_tls(
    listener: TcpListener,
    acceptor: tokio_rustls::TlsAcceptor,
) -> tokio_stream::wrappers::ReceiverStream<
    Result<tokio_rustls::server::TlsStream<tokio::net::TcpStream>, std::io::Error>,
> {
    let (tx, rx) = tokio::sync::mpsc::channel(16);
    tokio::spawn(async move {
        loop {
            let (stream, peer) = match listener.accept().await {
                Ok(c) => c,
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    continue;
                }
            };
            let _ = stream.set_nodelay(true);
            let acceptor = acceptor.clone();
            let tx = tx.clone();
            tokio::spawn(async move {
                match acceptor.accept(stream).await {
                    Ok(tls) => {
                        let _ = tx.send(Ok(tls)).await;
                    }
                    Err(e) => tracing::warn!(%peer, error = %e, "rejected a connection that failed mutual TLS"),
                }
            });
        }
    });
    tokio_stream::wrappers::ReceiverStream::new(rx)
}
