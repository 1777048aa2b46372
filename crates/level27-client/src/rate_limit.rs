//! Client-side request rate: a next-slot scheduler shared by every clone of a client.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// Each attempt reserves the slot `max(now, next)` and moves `next` one interval on, then sleeps until
/// its slot. Reservation is one short critical section; the sleep happens outside the lock, so callers
/// queue in reservation order without holding anything.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    interval: Duration,
    next: Mutex<Option<Instant>>,
}

/// Slowest rate accepted: one request every 1000 s. Anything slower is surely a typo.
pub(crate) const MIN_REQUESTS_PER_SECOND: f64 = 0.001;

impl RateLimiter {
    /// `None` means unlimited (rate absent, `<= 0`, or so high the interval rounds to zero).
    pub(crate) fn from_rate(rps: Option<f64>) -> Result<Option<RateLimiter>, String> {
        let Some(rps) = rps else { return Ok(None) };
        if rps.is_nan() {
            return Err("requests_per_second is not a number".to_string());
        }
        if rps <= 0.0 {
            return Ok(None);
        }
        if rps < MIN_REQUESTS_PER_SECOND {
            return Err(format!(
                "requests_per_second must be at least {MIN_REQUESTS_PER_SECOND} (or 0 for unlimited), got {rps}"
            ));
        }
        let interval = Duration::from_secs_f64(1.0 / rps);
        if interval.is_zero() {
            return Ok(None);
        }
        Ok(Some(RateLimiter {
            interval,
            next: Mutex::new(None),
        }))
    }

    /// Reserves the next free slot at or after `now`.
    pub(crate) fn reserve(&self, now: Instant) -> Instant {
        // Nothing in the critical section can panic, so a poisoned lock still holds a valid value.
        let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
        let slot = match *next {
            Some(n) if n > now => n,
            _ => now,
        };
        *next = Some(slot + self.interval);
        slot
    }

    /// Waits for this caller's slot.
    pub(crate) async fn acquire(&self) {
        let now = Instant::now();
        let slot = self.reserve(now);
        if slot > now {
            tokio::time::sleep_until(slot).await;
        }
    }
}

/// A pause every caller of a client observes: set when the API answers 429 with `Retry-After`.
/// The API's limit is per key, so every concurrent request would meet the same 429; holding them
/// all spends no requests on answers known in advance.
#[derive(Debug, Default)]
pub(crate) struct Hold {
    until: Mutex<Option<Instant>>,
}

impl Hold {
    /// Holds every caller until at least `until`.
    pub(crate) fn extend(&self, until: Instant) {
        let mut held = self.until.lock().unwrap_or_else(|e| e.into_inner());
        if held.is_none_or(|t| t < until) {
            *held = Some(until);
        }
    }

    /// The end of the hold, if it is still ahead of `now`.
    pub(crate) fn pending(&self, now: Instant) -> Option<Instant> {
        let held = self.until.lock().unwrap_or_else(|e| e.into_inner());
        held.filter(|t| *t > now)
    }

    pub(crate) async fn wait(&self) {
        if let Some(t) = self.pending(Instant::now()) {
            tokio::time::sleep_until(t).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn rates_that_mean_unlimited_or_invalid() {
        assert!(RateLimiter::from_rate(None).unwrap().is_none());
        assert!(RateLimiter::from_rate(Some(0.0)).unwrap().is_none());
        assert!(RateLimiter::from_rate(Some(-3.0)).unwrap().is_none());
        assert!(RateLimiter::from_rate(Some(f64::INFINITY)).unwrap().is_none());
        assert!(RateLimiter::from_rate(Some(f64::NAN)).is_err());
        assert!(RateLimiter::from_rate(Some(1e-9)).is_err());
        let l = RateLimiter::from_rate(Some(4.0)).unwrap().unwrap();
        assert_eq!(l.interval, Duration::from_millis(250));
    }

    #[tokio::test(start_paused = true)]
    async fn slots_are_spaced_by_the_interval_and_idle_time_is_not_banked() {
        let l = RateLimiter::from_rate(Some(10.0)).unwrap().unwrap();
        let t0 = Instant::now();
        let slots: Vec<_> = (0..4).map(|_| l.reserve(t0) - t0).collect();
        let ms = Duration::from_millis;
        assert_eq!(slots, vec![ms(0), ms(100), ms(200), ms(300)]);
        // After a long pause the next request goes at once, but no burst of saved-up slots follows.
        let later = t0 + Duration::from_secs(10);
        assert_eq!(l.reserve(later), later);
        assert_eq!(l.reserve(later), later + ms(100));
    }

    #[tokio::test(start_paused = true)]
    async fn a_hold_only_grows_and_ends_by_itself() {
        let h = Hold::default();
        let t0 = Instant::now();
        assert_eq!(h.pending(t0), None);
        h.extend(t0 + Duration::from_secs(2));
        h.extend(t0 + Duration::from_secs(1)); // a shorter Retry-After does not shorten it
        assert_eq!(h.pending(t0), Some(t0 + Duration::from_secs(2)));
        h.wait().await;
        assert_eq!(Instant::now(), t0 + Duration::from_secs(2));
        assert_eq!(h.pending(Instant::now()), None, "over once reached");
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_callers_share_the_rate() {
        // N acquisitions at R per second from concurrent tasks take (N-1)/R seconds.
        let l = Arc::new(RateLimiter::from_rate(Some(5.0)).unwrap().unwrap());
        let start = Instant::now();
        let tasks: Vec<_> = (0..11)
            .map(|_| {
                let l = Arc::clone(&l);
                tokio::spawn(async move {
                    l.acquire().await;
                    Instant::now()
                })
            })
            .collect();
        let mut done = Vec::new();
        for t in tasks {
            done.push(t.await.unwrap() - start);
        }
        done.sort();
        assert_eq!(done.first().copied(), Some(Duration::ZERO));
        assert_eq!(done.last().copied(), Some(Duration::from_secs(2)));
        for pair in done.windows(2) {
            assert_eq!(pair[1] - pair[0], Duration::from_millis(200));
        }
    }
}
