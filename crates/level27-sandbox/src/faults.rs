//! Fault injection: a configurable fraction of API requests fail the way a busy real API does,
//! so that the provider's retries are tested rather than assumed.

use std::sync::Mutex;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::json;

use crate::error::json_response;

/// What happens to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fault {
    /// 429 with `Retry-After`; the request is not processed.
    TooManyRequests,
    /// 503; the request is not processed.
    Unavailable,
    /// The connection is dropped before the request is processed.
    DropBefore,
    /// The request is processed (its change happens), then the connection is dropped instead of
    /// answering: the client cannot know the outcome.
    DropAfter,
}

impl Fault {
    /// The key under which `/_sandbox/requests` counts this fault.
    pub(crate) fn key(self) -> &'static str {
        match self {
            Fault::TooManyRequests => "429",
            Fault::Unavailable => "503",
            Fault::DropBefore => "dropBeforeProcessing",
            Fault::DropAfter => "dropAfterProcessing",
        }
    }

    pub(crate) const ALL: [Fault; 4] = [
        Fault::TooManyRequests,
        Fault::Unavailable,
        Fault::DropBefore,
        Fault::DropAfter,
    ];
}

pub(crate) struct Faults {
    rate: f64,
    retry_after_secs: u64,
    rng: Mutex<fastrand::Rng>,
}

impl Faults {
    /// `seed` makes the sequence of faults reproducible for a given sequence of requests.
    pub(crate) fn new(rate: f64, retry_after_secs: u64, seed: Option<u64>) -> Self {
        let rng = seed.map_or_else(fastrand::Rng::new, fastrand::Rng::with_seed);
        Faults {
            rate: rate.clamp(0.0, 1.0),
            retry_after_secs,
            rng: Mutex::new(rng),
        }
    }

    /// Draws the fate of one request: `None` (served normally) with probability `1 - rate`;
    /// otherwise 429, 503 and a dropped connection are equally likely, and a drop happens
    /// before or after processing with equal chance.
    pub(crate) fn pick(&self) -> Option<Fault> {
        if self.rate <= 0.0 {
            return None;
        }
        let mut rng = self.rng.lock().unwrap_or_else(|e| e.into_inner());
        if rng.f64() >= self.rate {
            return None;
        }
        Some(match rng.u8(0..6) {
            0 | 1 => Fault::TooManyRequests,
            2 | 3 => Fault::Unavailable,
            4 => Fault::DropBefore,
            _ => Fault::DropAfter,
        })
    }

    /// The response a fault gives: 429 or 503, or a body that breaks the connection.
    pub(crate) fn response(&self, fault: Fault) -> Response {
        match fault {
            Fault::TooManyRequests => {
                let mut response = json_response(
                    StatusCode::TOO_MANY_REQUESTS,
                    &json!({"code": 429, "message": "Too Many Requests"}),
                );
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(self.retry_after_secs));
                response
            }
            Fault::Unavailable => json_response(
                StatusCode::SERVICE_UNAVAILABLE,
                &json!({"code": 503, "message": "Service Unavailable"}),
            ),
            Fault::DropBefore | Fault::DropAfter => broken_connection(),
        }
    }
}

/// A response whose body fails on its first poll. Hyper has then only buffered the head, so it
/// closes the connection without sending a byte: the client sees the connection drop with no
/// status line at all.
fn broken_connection() -> Response {
    let failure = std::io::Error::other("level27-sandbox: injected dropped connection");
    let stream = futures_util::stream::iter([Err::<Bytes, std::io::Error>(failure)]);
    let mut response = Response::new(Body::from_stream(stream));
    *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_zero_never_fails_and_rate_one_always_does() {
        let none = Faults::new(0.0, 1, Some(1));
        assert!((0..1000).all(|_| none.pick().is_none()));
        let all = Faults::new(1.0, 1, Some(1));
        let picks: Vec<_> = (0..600).filter_map(|_| all.pick()).collect();
        assert_eq!(picks.len(), 600);
        for fault in Fault::ALL {
            assert!(picks.contains(&fault), "{fault:?} never drawn");
        }
    }

    #[test]
    fn same_seed_same_faults() {
        let a = Faults::new(0.5, 1, Some(42));
        let b = Faults::new(0.5, 1, Some(42));
        let draw = |f: &Faults| (0..100).map(|_| f.pick()).collect::<Vec<_>>();
        assert_eq!(draw(&a), draw(&b));
    }

    #[test]
    fn too_many_requests_carries_retry_after() {
        let faults = Faults::new(1.0, 0, None);
        let response = faults.response(Fault::TooManyRequests);
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(
            response.headers().get(header::RETRY_AFTER),
            Some(&HeaderValue::from_static("0"))
        );
    }
}
