//! Level27 "CP4" API client for the Terraform provider.
//!
//! - one `reqwest::Client` (rustls, connection reuse, `TCP_NODELAY`) shared by every clone;
//! - retries with jittered exponential back-off on 429 (honouring `Retry-After`), 502/503/504, connect
//!   failures (but not a plain-HTTP answer to an https:// URL: a wrong URL) and timeouts; a POST is repeated only when it certainly was not processed, otherwise the
//!   call fails with [`Error::OutcomeUnknown`] and the caller reconciles;
//! - a client-side request rate shared by all clones and concurrent calls;
//! - list paging with explicit `limit`/`offset` (the API defaults to 5 items a page);
//! - typed errors, with the API's Symfony-form 400 bodies parsed into field errors;
//! - `tracing` events per attempt, bodies at `trace` level with secrets redacted; the api key never
//!   appears in logs, `Debug` output or error messages.

mod client;
mod config;
mod error;
mod rate_limit;
mod redact;
mod retry;

pub use client::{Client, PAGE_SIZE};
pub use config::{check_base_url, Config, RetryPolicy, DEFAULT_BASE_URL};
pub use error::{Error, FieldError, ValidationErrors};
pub use redact::{is_secret_key, redact_json};
