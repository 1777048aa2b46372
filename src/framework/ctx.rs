//! What every operation needs, and how it stops when Terraform asks.

use super::diag::{Diagnostic, Diagnostics};
use super::shared_reads::SharedReads;
use super::value::Object;
use level27_client::Client;
use tokio_util::sync::CancellationToken;

/// What every operation needs: the configured API client, Terraform's stop signal, and whether
/// the running Terraform supports write-only attributes (1.11+).
pub struct Ctx<'a> {
    pub client: &'a Client,
    pub stop: &'a CancellationToken,
    pub write_only: bool,
    /// The provider's configuration, for attributes that default to a provider argument.
    pub provider_config: &'a Object,
    /// Lists read once and shared between operations (secondary reads, plan-time lookups).
    pub reads: &'a SharedReads,
}

/// The summary of [`cancelled`]'s diagnostic.
pub const CANCELLED: &str = "Operation cancelled";

pub fn cancelled() -> Diagnostics {
    Diagnostic::error(
        CANCELLED,
        "Terraform asked the provider to stop (interrupt); the operation was abandoned.",
    )
    .into()
}

/// Runs an API call unless Terraform asks the provider to stop first.
pub(crate) async fn cancellable<T>(ctx: &Ctx<'_>, fut: impl std::future::Future<Output = T>) -> Result<T, Diagnostics> {
    tokio::select! {
        r = fut => Ok(r),
        _ = ctx.stop.cancelled() => Err(cancelled()),
    }
}
