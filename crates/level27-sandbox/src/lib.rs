//! A stateful local implementation of part of the Level27 "CP4" REST API, for testing Terraform
//! modules (and this project's provider) offline.
//!
//! The API lives under `/v1` exactly as `https://api.level27.eu/v1` does; the contract is the
//! seed `shared/seeds/003_…`. Each API object is a declaration (`entity::Entity`, in its family's
//! module: `organisations`, `teams`, …) listed in `ENTITIES`, which `core` serves; `/_sandbox/…`
//! (module `admin`) serves tests.
//!
//! ```no_run
//! # async fn demo() -> Result<(), level27_sandbox::SandboxError> {
//! let sandbox = level27_sandbox::start(level27_sandbox::Config::default(), "127.0.0.1:0").await?;
//! println!("API at {}", sandbox.api_url());
//! sandbox.shutdown().await?;
//! # Ok(()) }
//! ```

mod admin;
mod apps;
mod core;
mod countries;
mod dns;
mod entity;
mod error;
mod faults;
mod form;
mod gate;
mod list;
mod organisations;
mod store;
mod systems;
mod team_links;
mod teams;

use std::future::Future;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use clap::Parser;
use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;

pub use error::SandboxError;

use admin::Counters;
use entity::Entity;
use faults::Faults;
use store::{Phase, Store};

/// Every entity the sandbox serves. Adding apps, domains, … means one declaration and one line
/// here.
static ENTITIES: &[&Entity] = &[
    &organisations::ORGANISATION,
    &teams::TEAM,
    &apps::CUSTOM_PACKAGE,
    &apps::APP,
    &apps::COMPONENT,
    &apps::URL,
    &apps::SSL_CERTIFICATE,
    &systems::SYSTEM,
    &dns::CONTACT,
    &dns::DOMAIN,
    &dns::RECORD,
];

/// The entities whose list answers carry `total` beside the page, as the seed shows them (custom
/// packages L68712, certificates L12467); the others' seed lists have none (apps L6800, teams).
static LIST_TOTALS: &[&str] = &["custompackage", "sslCertificate"];

/// How long a stopping server waits for requests in flight before it exits anyway. Every
/// acknowledged change is already on disk, so cutting them short loses nothing.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// How a sandbox behaves. `Default` is the well-behaved in-memory sandbox with key `sandbox`.
#[derive(Debug, Clone)]
pub struct Config {
    /// The only accepted `Authorization` header value.
    pub api_key: String,
    /// Where state is kept across restarts; `None` keeps it in memory only.
    pub data_file: Option<PathBuf>,
    /// Added before every API request.
    pub latency: Duration,
    /// Fraction (0.0–1.0) of API requests that fail with 429, 503 or a dropped connection.
    pub fail_rate: f64,
    /// The `Retry-After` of injected 429s, in seconds.
    pub retry_after_secs: u64,
    /// Seed of the fault-injection random sequences (one per route, so the n-th request to a
    /// route meets the same fate whatever the interleaving); `None` for random ones.
    pub seed: Option<u64>,
    /// How long asynchronous objects stay in transitional statuses.
    pub async_duration: Duration,
    /// Echo the request's `Authorization` header in error bodies, so a test can prove a client
    /// never lets the key reach its output or logs.
    pub echo_auth: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            api_key: "sandbox".into(),
            data_file: None,
            latency: Duration::ZERO,
            fail_rate: 0.0,
            retry_after_secs: 1,
            seed: None,
            async_duration: Duration::ZERO,
            echo_auth: false,
        }
    }
}

/// The `level27-sandbox` command line.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "level27-sandbox",
    version,
    about = "A local, stateful Level27 CP4 API for testing Terraform modules offline"
)]
pub struct Cli {
    /// Address to listen on; port 0 picks a free port (printed on the first line of stdout).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8027")]
    pub listen: String,
    /// The API key clients must send as the raw `Authorization` header.
    #[arg(long, value_name = "KEY", default_value = "sandbox")]
    pub api_key: String,
    /// Keep state in this JSON file (written atomically after every change, loaded at start).
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
    /// Delay added to every API request, in milliseconds.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub latency_ms: u64,
    /// Fraction of API requests that fail (429, 503 or a dropped connection), 0.0–1.0.
    #[arg(long, value_name = "F", default_value_t = 0.0, value_parser = parse_rate)]
    pub fail_rate: f64,
    /// `Retry-After` of injected 429 responses, in seconds.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub retry_after_secs: u64,
    /// Seed for the fault-injection random numbers (reproducible runs; one sequence per route).
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// How long asynchronous objects stay in transitional statuses, in milliseconds.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub async_ms: u64,
    /// Echo the received `Authorization` header in error bodies (for tests that prove a client
    /// keeps the key out of its output and logs).
    #[arg(long)]
    pub echo_auth: bool,
    /// Log every request on stderr.
    #[arg(short, long)]
    pub verbose: bool,
}

impl Cli {
    pub fn config(&self) -> Config {
        Config {
            api_key: self.api_key.clone(),
            data_file: self.data.clone(),
            latency: Duration::from_millis(self.latency_ms),
            fail_rate: self.fail_rate,
            retry_after_secs: self.retry_after_secs,
            seed: self.seed,
            async_duration: Duration::from_millis(self.async_ms),
            echo_auth: self.echo_auth,
        }
    }
}

fn parse_rate(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(f) if (0.0..=1.0).contains(&f) => Ok(f),
        _ => Err(format!("expected a number from 0.0 to 1.0, got {s:?}")),
    }
}

/// What every handler shares.
pub(crate) struct AppState {
    pub(crate) config: Config,
    pub(crate) store: Store,
    pub(crate) faults: Faults,
    pub(crate) counters: Counters,
    pub(crate) entities: &'static [&'static Entity],
    /// Actions that `POST /_sandbox/fail-next` made fail, each once.
    failures: Mutex<Vec<Failure>>,
}

/// A pending `fail-next`: the kind, the phase, and a failed status of the kind's own
/// (`transfer_failed`) or `None` for the phase's (`creating_failed`).
pub(crate) type Failure = (&'static str, Phase, Option<&'static str>);

impl AppState {
    /// Makes the next `phase` action on an object of `kind` end in a failed status: `status`,
    /// which only the actions it applies to take, or the phase's own.
    pub(crate) fn fail_next(&self, failure: Failure) {
        self.lock_failures().push(failure);
    }

    /// The failure the `phase` action starting now must end in, consumed: one for `own` (the
    /// kind's own failed status, when this action may end in it) first, else the phase's.
    pub(crate) fn take_failure(&self, kind: &str, phase: Phase, own: Option<&'static str>) -> Option<Failure> {
        let mut failures = self.lock_failures();
        let found = (own.and_then(|o| failures.iter().position(|f| *f == (kind, phase, Some(o)))))
            .or_else(|| failures.iter().position(|f| *f == (kind, phase, None)));
        found.map(|i| failures.remove(i))
    }

    pub(crate) fn clear_failures(&self) {
        self.lock_failures().clear();
    }

    fn lock_failures(&self) -> std::sync::MutexGuard<'_, Vec<Failure>> {
        self.failures.lock().unwrap_or_else(|e| e.into_inner())
    }
}

pub(crate) type Shared = Arc<AppState>;

/// Builds the sandbox's router (loading `config.data_file` when set). Serve it with [`serve`],
/// or call it in-process with `tower::ServiceExt::oneshot`.
pub fn router(config: Config) -> Result<Router, SandboxError> {
    router_for(config, ENTITIES)
}

/// `router` over a chosen set of entities (unit tests declare their own).
pub(crate) fn router_for(config: Config, entities: &'static [&'static Entity]) -> Result<Router, SandboxError> {
    for entity in entities {
        entity.check(entities).map_err(SandboxError::Config)?;
    }
    if !(0.0..=1.0).contains(&config.fail_rate) {
        return Err(SandboxError::Config(format!(
            "fail rate must be between 0.0 and 1.0, got {}",
            config.fail_rate
        )));
    }
    let store = Store::open(config.data_file.clone(), config.async_duration, entities)?;
    let faults = Faults::new(config.fail_rate, config.retry_after_secs, config.seed);
    let app: Shared = Arc::new(AppState {
        config,
        store,
        faults,
        counters: Counters::default(),
        entities,
        failures: Mutex::default(),
    });
    let api = entities
        .iter()
        .fold(Router::new(), |api, entity| api.merge(core::routes(entity)))
        .merge(apps::routes())
        .merge(team_links::routes())
        .merge(match entities.iter().any(|e| e.kind == systems::SYSTEM.kind) {
            true => systems::routes(),
            false => Router::new(),
        })
        .merge(dns::routes())
        .method_not_allowed_fallback(gate::method_not_allowed)
        .fallback(gate::no_route)
        .layer(axum::middleware::from_fn_with_state(app.clone(), gate::api));
    let admin = admin::routes().layer(axum::middleware::from_fn_with_state(app.clone(), gate::admin));
    Ok(api
        .merge(admin)
        .layer(axum::middleware::from_fn(gate::log))
        .with_state(app))
}

/// Serves `router` on `listener` until `shutdown` completes, then stops accepting connections
/// and waits (at most a few seconds) for requests in flight.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), SandboxError> {
    let (stop_tx, mut stop_rx) = watch::channel(false);
    let mut grace_rx = stop_rx.clone();
    tokio::spawn(async move {
        shutdown.await;
        let _ = stop_tx.send(true);
    });
    // TCP_NODELAY: small responses go out at once instead of waiting on the client's delayed ACK.
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp: &mut tokio::net::TcpStream| {
        let _ = tcp.set_nodelay(true);
    });
    let server = axum::serve(listener, router).with_graceful_shutdown(async move {
        let _ = stop_rx.wait_for(|stop| *stop).await;
    });
    tokio::select! {
        result = server => result.map_err(SandboxError::Serve),
        () = async move {
            let _ = grace_rx.wait_for(|stop| *stop).await;
            tokio::time::sleep(SHUTDOWN_GRACE).await;
        } => Ok(()),
    }
}

/// A sandbox running in the background of the current tokio runtime (for tests).
pub struct RunningSandbox {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<Result<(), SandboxError>>,
}

impl RunningSandbox {
    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://HOST:PORT`, where `/_sandbox/...` lives.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `http://HOST:PORT/v1`, the equivalent of `https://api.level27.eu/v1`.
    pub fn api_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// Stops the server gracefully and waits for it.
    pub async fn shutdown(mut self) -> Result<(), SandboxError> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match (&mut self.task).await {
            Ok(result) => result,
            Err(e) => Err(SandboxError::Serve(std::io::Error::other(e))),
        }
    }
}

impl Drop for RunningSandbox {
    fn drop(&mut self) {
        // Dropping the sender also stops the server; abort covers a shutdown still in grace.
        self.stop.take();
        if !self.task.is_finished() {
            self.task.abort();
        }
    }
}

/// Binds `listen` (e.g. `127.0.0.1:0`) and serves a sandbox in the background.
pub async fn start(config: Config, listen: &str) -> Result<RunningSandbox, SandboxError> {
    let router = router(config)?;
    let listener = bind(listen).await?;
    let addr = local_addr(&listener, listen)?;
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(serve(listener, router, async move {
        let _ = stopped.await;
    }));
    Ok(RunningSandbox {
        addr,
        stop: Some(stop),
        task,
    })
}

/// Runs the sandbox like the binary does: binds, writes the `listening on` line to `out`, and
/// serves until SIGINT or SIGTERM.
pub async fn run(config: Config, listen: &str, out: &mut impl Write) -> Result<(), SandboxError> {
    // Load the data file before announcing, so a bad file fails without a listening line.
    let router = router(config)?;
    let listener = bind(listen).await?;
    let addr = local_addr(&listener, listen)?;
    announce(out, addr).map_err(SandboxError::Serve)?;
    serve(listener, router, shutdown_signal()).await
}

/// The first line of stdout, which scripts and tests wait for to learn the port.
fn announce(out: &mut impl Write, addr: SocketAddr) -> std::io::Result<()> {
    writeln!(out, "level27-sandbox listening on http://{addr}")?;
    out.flush()
}

async fn bind(listen: &str) -> Result<TcpListener, SandboxError> {
    TcpListener::bind(listen).await.map_err(|source| SandboxError::Bind {
        addr: listen.to_string(),
        source,
    })
}

fn local_addr(listener: &TcpListener, listen: &str) -> Result<SocketAddr, SandboxError> {
    listener.local_addr().map_err(|source| SandboxError::Bind {
        addr: listen.to_string(),
        source,
    })
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut stream) => {
                stream.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}

/// The `level27-sandbox` binary: parses the command line, serves until a signal, and exits
/// non-zero with a message on error.
pub fn main_entry() {
    let cli = Cli::parse();
    if cli.verbose {
        tracing_subscriber::fmt()
            .with_writer(std::io::stderr)
            .with_max_level(tracing::Level::INFO)
            .with_target(false)
            .init();
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("level27-sandbox: cannot start the runtime: {e}");
            std::process::exit(1);
        }
    };
    let result = runtime.block_on(run(cli.config(), &cli.listen, &mut std::io::stdout()));
    if let Err(e) = result {
        eprintln!("level27-sandbox: {e}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn announce_line_is_exact() {
        let mut out = Vec::new();
        announce(&mut out, "127.0.0.1:4321".parse().expect("addr")).expect("write");
        assert_eq!(out, b"level27-sandbox listening on http://127.0.0.1:4321\n");
    }

    #[test]
    fn cli_defaults_and_rate_bounds() {
        let cli = Cli::try_parse_from(["level27-sandbox"]).expect("defaults");
        assert_eq!(cli.listen, "127.0.0.1:8027");
        assert_eq!(cli.api_key, "sandbox");
        assert_eq!(cli.retry_after_secs, 1);
        assert!(Cli::try_parse_from(["level27-sandbox", "--fail-rate", "1.5"]).is_err());
        let cli = Cli::try_parse_from([
            "level27-sandbox",
            "--fail-rate",
            "0.25",
            "--retry-after-secs",
            "0",
            "--seed",
            "7",
            "--data",
            "x.json",
        ])
        .expect("options");
        let config = cli.config();
        assert_eq!(config.fail_rate, 0.25);
        assert_eq!(config.retry_after_secs, 0);
        assert_eq!(config.seed, Some(7));
        assert_eq!(config.data_file, Some(PathBuf::from("x.json")));
        assert!(!config.echo_auth);
        let cli = Cli::try_parse_from(["level27-sandbox", "--echo-auth"]).expect("echo");
        assert!(cli.config().echo_auth);
    }
}
