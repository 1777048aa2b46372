//! Fault injection: a configurable fraction of API requests fail the way a busy real API does,
//! so that the provider's retries are tested rather than assumed.

use std::collections::{HashMap, VecDeque};
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

    /// The fault `key` names (`"503"`, `"dropAfterProcessing"`, …).
    pub(crate) fn from_key(key: &str) -> Option<Fault> {
        Fault::ALL.into_iter().find(|f| f.key() == key)
    }

    pub(crate) const ALL: [Fault; 4] = [
        Fault::TooManyRequests,
        Fault::Unavailable,
        Fault::DropBefore,
        Fault::DropAfter,
    ];
}

/// The fault sequences: one random sequence per route (method and path template), each seeded
/// from the configured seed and the route. The n-th request to a route thus meets the same fate
/// in every run with that seed, however a client's parallel requests to other routes interleave
/// with it: a test can rely on "the first 50 POSTs of teams include a drop after processing".
pub(crate) struct Faults {
    rate: f64,
    retry_after_secs: u64,
    seed: Option<u64>,
    rngs: Mutex<HashMap<String, fastrand::Rng>>,
    /// Faults asked for per route (`POST /_sandbox/fail-requests`): the next requests to the
    /// route meet them in order, before any drawn at random.
    queued: Mutex<HashMap<String, VecDeque<Fault>>>,
}

impl Faults {
    /// `seed` makes each route's sequence of faults reproducible; `None` draws them at random.
    pub(crate) fn new(rate: f64, retry_after_secs: u64, seed: Option<u64>) -> Self {
        Faults {
            rate: rate.clamp(0.0, 1.0),
            retry_after_secs,
            seed,
            rngs: Mutex::new(HashMap::new()),
            queued: Mutex::new(HashMap::new()),
        }
    }

    /// The next `count` requests to `route` (`"GET /v1/systems/{systemId}"`) meet `fault`, after
    /// those already queued for it.
    pub(crate) fn queue(&self, route: &str, fault: Fault, count: usize) {
        let mut queued = self.queued.lock().unwrap_or_else(|e| e.into_inner());
        queued
            .entry(route.to_string())
            .or_default()
            .extend(std::iter::repeat_n(fault, count));
    }

    /// Drops the queued faults (`/_sandbox/reset`).
    pub(crate) fn clear_queued(&self) {
        self.queued.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    /// Draws the fate of one request to `route`: `None` (served normally) with probability
    /// `1 - rate`; otherwise 429, 503 and a dropped connection are equally likely, and a drop
    /// happens before or after processing with equal chance.
    pub(crate) fn pick(&self, route: &str) -> Option<Fault> {
        let asked = (self.queued.lock().unwrap_or_else(|e| e.into_inner()))
            .get_mut(route)
            .and_then(VecDeque::pop_front);
        if asked.is_some() {
            return asked;
        }
        if self.rate <= 0.0 {
            return None;
        }
        let mut rngs = self.rngs.lock().unwrap_or_else(|e| e.into_inner());
        let rng = rngs.entry(route.to_string()).or_insert_with(|| match self.seed {
            Some(seed) => fastrand::Rng::with_seed(seed ^ fnv1a(route)),
            None => fastrand::Rng::new(),
        });
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

/// FNV-1a: a hash that, unlike std's, is fixed forever, so seeds stay reproducible across builds.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
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
        assert!((0..1000).all(|_| none.pick("GET /x").is_none()));
        let all = Faults::new(1.0, 1, Some(1));
        let picks: Vec<_> = (0..600).filter_map(|_| all.pick("GET /x")).collect();
        assert_eq!(picks.len(), 600);
        for fault in Fault::ALL {
            assert!(picks.contains(&fault), "{fault:?} never drawn");
        }
    }

    #[test]
    fn same_seed_same_faults() {
        let a = Faults::new(0.5, 1, Some(42));
        let b = Faults::new(0.5, 1, Some(42));
        let draw = |f: &Faults| (0..100).map(|_| f.pick("GET /x")).collect::<Vec<_>>();
        assert_eq!(draw(&a), draw(&b));
    }

    #[test]
    fn each_route_has_its_own_sequence_whatever_the_interleaving() {
        let alone = Faults::new(0.5, 1, Some(42));
        let expected: Vec<_> = (0..100).map(|_| alone.pick("POST /teams")).collect();
        // The same seed, with requests to another route in between: POST /teams sees the same
        // fates in the same order.
        let mixed = Faults::new(0.5, 1, Some(42));
        let got: Vec<_> = (0..100)
            .map(|i| {
                for _ in 0..(i % 3) {
                    mixed.pick("GET /teams");
                }
                mixed.pick("POST /teams")
            })
            .collect();
        assert_eq!(got, expected);
        // And the two routes do not share one sequence.
        let another = Faults::new(0.5, 1, Some(42));
        let other: Vec<_> = (0..100).map(|_| another.pick("GET /teams")).collect();
        assert_ne!(other, expected);
    }

    #[test]
    fn queued_faults_come_first_in_order_on_their_route_only() {
        let faults = Faults::new(0.0, 1, Some(1));
        faults.queue("GET /v1/systems/{systemId}", Fault::Unavailable, 2);
        faults.queue("GET /v1/systems/{systemId}", Fault::DropAfter, 1);
        assert_eq!(faults.pick("GET /v1/systems"), None, "another route");
        let picks: Vec<_> = (0..4).map(|_| faults.pick("GET /v1/systems/{systemId}")).collect();
        assert_eq!(
            picks,
            vec![
                Some(Fault::Unavailable),
                Some(Fault::Unavailable),
                Some(Fault::DropAfter),
                None
            ]
        );
        faults.queue("POST /v1/systems", Fault::DropBefore, 3);
        faults.clear_queued();
        assert_eq!(faults.pick("POST /v1/systems"), None, "dropped by a reset");
        assert_eq!(Fault::from_key("dropAfterProcessing"), Some(Fault::DropAfter));
        assert_eq!(Fault::from_key("500"), None);
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
