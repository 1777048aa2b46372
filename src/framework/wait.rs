//! Waiting for asynchronous API objects: poll with back-off until a final status, bounded by the
//! user's `timeouts` and cancelled by Terraform's StopProvider.

use std::future::Future;
use std::time::Duration;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::ctx::{cancelled, Ctx};
use super::diag::{Diagnostic, Diagnostics};
use super::errors::translate;
use super::mapping::lookup;
use super::paths::unwrap_envelope;
use super::resource::Resource;
use serde_json::Value as Json;

/// How a resource's `status` field is interpreted.
#[derive(Clone, Debug)]
pub struct StatusRule {
    /// The field of the API object holding the status.
    pub field: &'static str,
    /// Final, healthy statuses.
    pub ready: &'static [&'static str],
}

impl StatusRule {
    pub fn is_failed(status: &str) -> bool {
        status.ends_with("_failed") || status == "failed" || status == "error"
    }
}

#[derive(Debug, PartialEq)]
pub enum WaitError<E> {
    /// The object reached a failed status.
    Failed(String),
    TimedOut {
        last_status: String,
        after: Duration,
    },
    Cancelled,
    Fetch(E),
}

/// Poll intervals: 250 ms doubling to at most 5 s, so fast transitions are seen quickly and slow
/// ones do not hammer the API.
pub fn poll_interval(attempt: u32) -> Duration {
    let ms = 250u64.saturating_mul(1u64 << attempt.min(5));
    Duration::from_millis(ms.min(5000))
}

/// Calls `fetch_status` until it returns a ready status (Ok), a failed one, the timeout passes, or
/// `stop` is cancelled. `fetch_status` returning `Ok(None)` means the object is gone (useful when
/// waiting for deletion with `ready = []`).
pub async fn wait_for_status<E, F, Fut>(
    rule: &StatusRule,
    timeout: Duration,
    stop: &CancellationToken,
    mut fetch_status: F,
) -> Result<Option<String>, WaitError<E>>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Option<String>, E>>,
{
    let started = Instant::now();
    let mut attempt = 0;
    loop {
        let status = tokio::select! {
            r = fetch_status() => r.map_err(WaitError::Fetch)?,
            _ = stop.cancelled() => return Err(WaitError::Cancelled),
        };
        match &status {
            None => return Ok(None),
            Some(s) if rule.ready.contains(&s.as_str()) => return Ok(status),
            Some(s) if StatusRule::is_failed(s) => return Err(WaitError::Failed(s.clone())),
            Some(_) => {}
        }
        if started.elapsed() >= timeout {
            return Err(WaitError::TimedOut {
                last_status: status.unwrap_or_default(),
                after: timeout,
            });
        }
        let pause = poll_interval(attempt).min(timeout.saturating_sub(started.elapsed()));
        attempt += 1;
        tokio::select! {
            _ = tokio::time::sleep(pause) => {}
            _ = stop.cancelled() => return Err(WaitError::Cancelled),
        }
    }
}

impl Resource {
    pub(crate) async fn wait(
        &self,
        ctx: &Ctx<'_>,
        rule: &StatusRule,
        item: &str,
        timeout: std::time::Duration,
        verb: &str,
    ) -> Result<Json, Diagnostics> {
        let last = std::sync::Mutex::new(Json::Null);
        let result = wait_for_status(rule, timeout, ctx.stop, || {
            let fut = ctx.client.get(item);
            let last = &last;
            async move {
                match fut.await {
                    Ok(r) => {
                        let obj = unwrap_envelope(&r, self.spec.endpoint.singular).clone();
                        let status = lookup(&obj, rule.field).as_str().unwrap_or_default().to_string();
                        if let Ok(mut l) = last.lock() {
                            *l = obj;
                        }
                        Ok(Some(status))
                    }
                    Err(e) if e.is_not_found() => Ok(None),
                    Err(e) => Err(e),
                }
            }
        })
        .await;
        let what = format!("{} {}", self.spec.type_name, item);
        match result {
            Ok(_) => Ok(last.into_inner().unwrap_or_default()),
            Err(WaitError::Failed(s)) => Err(Diagnostic::error(
                format!("{what} failed"),
                format!("While waiting to {verb}, the object reached status {s:?}."),
            )
            .into()),
            Err(WaitError::TimedOut { last_status, after }) => Err(Diagnostic::error(
                format!("Timed out waiting for {what}"),
                format!(
                    "Still in status {last_status:?} after {after:?}. Raise `timeouts.{verb}` if the platform is slow."
                ),
            )
            .into()),
            Err(WaitError::Cancelled) => Err(cancelled()),
            Err(WaitError::Fetch(e)) => Err(translate(&e, &self.action(verb), Some(self.block()))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    type Fetch = Box<dyn FnMut() -> std::future::Ready<Result<Option<String>, ()>>>;

    const RULE: StatusRule = StatusRule {
        field: "status",
        ready: &["ok"],
    };

    fn sequence(statuses: &'static [&'static str]) -> (Arc<AtomicUsize>, Fetch) {
        let calls = Arc::new(AtomicUsize::new(0));
        let c = calls.clone();
        let fetch: Fetch = Box::new(move || {
            let i = c.fetch_add(1, Ordering::SeqCst);
            std::future::ready(Ok(Some(statuses[i.min(statuses.len() - 1)].to_string())))
        });
        (calls, fetch)
    }

    #[tokio::test(start_paused = true)]
    async fn waits_through_transitional_statuses() {
        let (calls, f) = sequence(&["to_create", "creating", "ok"]);
        let r = wait_for_status(&RULE, Duration::from_secs(60), &CancellationToken::new(), f).await;
        assert_eq!(r, Ok(Some("ok".into())));
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn failed_status_is_an_error_naming_it() {
        let (_, f) = sequence(&["creating", "creating_failed"]);
        let r = wait_for_status(&RULE, Duration::from_secs(60), &CancellationToken::new(), f).await;
        assert_eq!(r, Err(WaitError::Failed("creating_failed".into())));
    }

    #[tokio::test(start_paused = true)]
    async fn times_out_with_the_last_status() {
        let (calls, f) = sequence(&["creating"]);
        let r = wait_for_status(&RULE, Duration::from_secs(10), &CancellationToken::new(), f).await;
        assert!(matches!(r, Err(WaitError::TimedOut { ref last_status, .. }) if last_status == "creating"));
        // 250+500+1000+2000+5000 ms of back-off, then the deadline: a handful of polls, not a storm.
        assert!(calls.load(Ordering::SeqCst) <= 8, "{}", calls.load(Ordering::SeqCst));
    }

    #[tokio::test(start_paused = true)]
    async fn stop_cancels_the_wait() {
        let (_, f) = sequence(&["creating"]);
        let stop = CancellationToken::new();
        stop.cancel();
        let r = wait_for_status(&RULE, Duration::from_secs(600), &stop, f).await;
        assert_eq!(r, Err(WaitError::Cancelled));
    }

    #[test]
    fn back_off_grows_and_is_capped() {
        assert_eq!(poll_interval(0), Duration::from_millis(250));
        assert_eq!(poll_interval(2), Duration::from_millis(1000));
        assert_eq!(poll_interval(30), Duration::from_secs(5));
    }
}
