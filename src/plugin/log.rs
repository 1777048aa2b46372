//! Logs for Terraform: one hclog JSON object per line on stderr, which go-plugin relays into
//! Terraform's log at the same level (`TF_LOG`, `TF_LOG_PROVIDER`). Without either variable a
//! subscriber that records nothing is installed, and logging costs nothing.

use std::fmt::Write as _;
use std::io::Write as _;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::prelude::*;

/// The level Terraform asked for, if any.
pub fn level_from_env() -> Option<Level> {
    let raw = std::env::var("TF_LOG_PROVIDER")
        .or_else(|_| std::env::var("TF_LOG"))
        .ok()?;
    match raw.trim().to_ascii_lowercase().as_str() {
        "trace" | "json" => Some(Level::TRACE),
        "debug" => Some(Level::DEBUG),
        "info" => Some(Level::INFO),
        "warn" => Some(Level::WARN),
        "error" => Some(Level::ERROR),
        "" | "off" => None,
        // Terraform treats any other value as TRACE.
        _ => Some(Level::TRACE),
    }
}

pub fn init() {
    let _ = tracing::subscriber::set_global_default(subscriber(level_from_env()));
}

/// The subscriber for `level`. Without a level it is still installed, as one that records
/// nothing: with no subscriber at all, `tracing` builds every span the HTTP/2 library opens per
/// frame and offers it to the `log` crate (a `tracing` feature another dependency turns on),
/// which showed in `perf` profiles of the provider during a plan.
fn subscriber(level: Option<Level>) -> Box<dyn Subscriber + Send + Sync> {
    match level {
        Some(max) => Box::new(tracing_subscriber::registry().with(HclogLayer { max })),
        None => Box::new(tracing::subscriber::NoSubscriber::default()),
    }
}

struct HclogLayer {
    max: Level,
}

impl<S: Subscriber> Layer<S> for HclogLayer {
    fn enabled(&self, metadata: &tracing::Metadata<'_>, _: Context<'_, S>) -> bool {
        // Our own events at the level asked for; the HTTP/2 and TLS libraries only when something
        // goes wrong (their debug output is frame-by-frame noise).
        let max = if metadata.target().starts_with("level27") {
            self.max
        } else {
            self.max.min(Level::WARN)
        };
        *metadata.level() <= max
    }

    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let line = format_event(event);
        let _ = std::io::stderr().lock().write_all(line.as_bytes());
    }
}

/// Formats one event as an hclog JSON line.
fn format_event(event: &Event<'_>) -> String {
    let mut v = JsonVisitor::default();
    event.record(&mut v);
    let mut obj = serde_json::Map::new();
    obj.insert("@level".into(), level_name(event.metadata().level()).into());
    obj.insert("@message".into(), v.message.into());
    obj.insert("@module".into(), "level27".into());
    obj.insert("@timestamp".into(), timestamp().into());
    for (k, val) in v.fields {
        obj.insert(k, val);
    }
    let mut s = serde_json::Value::Object(obj).to_string();
    s.push('\n');
    s
}

fn level_name(l: &Level) -> &'static str {
    match *l {
        Level::TRACE => "trace",
        Level::DEBUG => "debug",
        Level::INFO => "info",
        Level::WARN => "warn",
        Level::ERROR => "error",
    }
}

#[derive(Default)]
struct JsonVisitor {
    message: String,
    fields: Vec<(String, serde_json::Value)>,
}

impl Visit for JsonVisitor {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else {
            self.fields
                .push((field.name().to_string(), format!("{value:?}").into()));
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else {
            self.fields.push((field.name().to_string(), value.into()));
        }
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.fields.push((field.name().to_string(), value.into()));
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.fields.push((field.name().to_string(), value.into()));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.fields.push((field.name().to_string(), value.into()));
    }
}

/// hclog's JSON time format, `2006-01-02T15:04:05.000000Z07:00`, in UTC.
fn timestamp() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = now.as_secs() as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:06}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        now.subsec_micros()
    )
}

/// Days since 1970-01-01 to a calendar date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_a_level_nothing_is_enabled_not_even_the_libraries_spans() {
        tracing::subscriber::with_default(subscriber(None), || {
            assert!(!tracing::enabled!(target: "level27", Level::ERROR));
            assert!(tracing::trace_span!(target: "h2::proto", "frame", n = 1).is_disabled());
        });
    }

    #[test]
    fn a_level_enables_our_events_up_to_it_and_the_libraries_warnings() {
        tracing::subscriber::with_default(subscriber(Some(Level::DEBUG)), || {
            assert!(tracing::enabled!(target: "level27", Level::DEBUG));
            assert!(!tracing::enabled!(target: "level27", Level::TRACE));
            assert!(tracing::enabled!(target: "h2::proto", Level::WARN));
            assert!(!tracing::enabled!(target: "h2::proto", Level::DEBUG));
        });
    }

    #[test]
    fn calendar_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(20_415), (2025, 11, 23));
        let t = timestamp();
        assert_eq!(t.len(), "2026-11-23T18:18:50.123456Z".len(), "{t}");
    }
}
