//! Client configuration and retry policy.

use std::fmt;
use std::time::Duration;

/// The public Level27 API.
pub const DEFAULT_BASE_URL: &str = "https://api.level27.eu/v1";

/// The base URL to use, normalised, or what is wrong with it: a phrase to follow the setting's name
/// (`api_url must not end in a query …`). The client appends each request's path to it, so a query
/// or a fragment would swallow that path (`…/v1?x=1/organisations`). Surrounding blanks (a value
/// read from a file) are dropped and the scheme may be written in capitals, as URLs allow.
pub fn check_base_url(raw: &str) -> Result<String, String> {
    let url = raw.trim();
    let lower = url.to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        return Err(format!(
            "must start with https:// (or http:// for a local sandbox), got {:?}",
            shown(url)
        ));
    }
    let example = format!("e.g. {DEFAULT_BASE_URL}");
    let parsed =
        reqwest::Url::parse(url).map_err(|e| format!("is not a URL ({e}), got {:?}; {example}", shown(url)))?;
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(format!("names no host, got {:?}; {example}", shown(url)));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(format!(
            "must not end in a query (?…) or a fragment (#…), since each request's path is appended to it, got {:?}; {example}",
            shown(url)
        ));
    }
    Ok(parsed.as_str().trim_end_matches('/').to_string())
}

/// A URL fit for a message: credentials in it (`user:password@host`) left out.
fn shown(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut u) if u.password().is_some() || !u.username().is_empty() => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.to_string()
        }
        _ => url.to_string(),
    }
}

/// What [`crate::Client::new`] needs. `api_key` is a secret: [`fmt::Debug`] redacts it and the client
/// never puts it in logs or error messages.
#[derive(Clone)]
pub struct Config {
    /// e.g. `https://api.level27.eu/v1`; a trailing slash is tolerated.
    pub base_url: String,
    /// Sent raw in the `Authorization` header (the API uses no `Bearer` prefix).
    pub api_key: String,
    /// Limit for one HTTP attempt (connect, send, and read the whole response).
    pub request_timeout: Duration,
    /// Retries after the first attempt, for the failures that are safe to retry.
    pub max_retries: u32,
    /// Client-side request rate shared by every clone of the client; `None` or `<= 0` = unlimited.
    pub requests_per_second: Option<f64>,
    pub user_agent: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            base_url: DEFAULT_BASE_URL.to_string(),
            api_key: String::new(),
            request_timeout: Duration::from_secs(30),
            max_retries: 4,
            requests_per_second: None,
            user_agent: concat!("level27-client/", env!("CARGO_PKG_VERSION")).to_string(),
        }
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let key = if self.api_key.is_empty() {
            "<empty>"
        } else {
            "<redacted>"
        };
        f.debug_struct("Config")
            .field("base_url", &self.base_url)
            .field("api_key", &key)
            .field("request_timeout", &self.request_timeout)
            .field("max_retries", &self.max_retries)
            .field("requests_per_second", &self.requests_per_second)
            .field("user_agent", &self.user_agent)
            .finish()
    }
}

/// Back-off between retries. The default suits the real API; tests shorten it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Delay before the first retry; it doubles on every further retry.
    pub base_delay: Duration,
    /// Upper bound of the exponential delay.
    pub max_delay: Duration,
    /// Upper bound for a server's `Retry-After`, so one odd header cannot stall a Terraform run.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
        }
    }
}
