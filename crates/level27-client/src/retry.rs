//! Back-off delays and `Retry-After` parsing.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::config::RetryPolicy;

/// Delay before retry number `retry` (1 = first retry): exponential from `base_delay`, capped at
/// `max_delay`, with "equal jitter" (half fixed, half random) so that clients spread out but never
/// retry at once.
pub(crate) fn backoff(policy: &RetryPolicy, retry: u32) -> Duration {
    let exp = policy
        .base_delay
        .saturating_mul(1u32 << retry.saturating_sub(1).min(20))
        .min(policy.max_delay);
    let half = exp / 2;
    let jitter_nanos = fastrand::u64(0..=u64::try_from(half.as_nanos()).unwrap_or(u64::MAX));
    half + Duration::from_nanos(jitter_nanos)
}

/// `Retry-After` as delay-seconds (`"3"`) or an HTTP-date (`"Wed, 21 Oct 2015 07:28:00 GMT"`); a date in
/// the past means "now". `None` when the value is neither.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    if let Ok(secs) = value.parse::<f64>() {
        return Duration::try_from_secs_f64(secs).ok();
    }
    let at = parse_http_date(value)?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// IMF-fixdate, the only HTTP-date form servers may send today (RFC 9110 §5.6.7).
fn parse_http_date(s: &str) -> Option<SystemTime> {
    let mut parts = s.split_ascii_whitespace();
    let _weekday = parts.next()?;
    let day: u32 = parts.next()?.parse().ok()?;
    let month = match parts.next()? {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    let year: i64 = parts.next()?.parse().ok()?;
    let mut hms = parts.next()?.split(':').map(|p| p.parse::<u64>().ok());
    let (h, m, sec) = (hms.next()??, hms.next()??, hms.next()??);
    if parts.next()? != "GMT" || parts.next().is_some() || hms.next().is_some() {
        return None;
    }
    if !(1..=31).contains(&day) || h > 23 || m > 59 || sec > 60 || year < 1970 {
        return None;
    }
    // Checked all the way: the year comes from the server and may be absurd ("Wed, 21 Oct
    // 99999999999999999 …"); a date that does not fit is treated as no date at all.
    let days = u64::try_from(days_from_civil(year, month, day)?).ok()?;
    let secs = days.checked_mul(86_400)?.checked_add(h * 3600 + m * 60 + sec)?;
    UNIX_EPOCH.checked_add(Duration::from_secs(secs))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm); `None` when
/// the count does not fit an `i64`.
fn days_from_civil(year: i64, month: u32, day: u32) -> Option<i64> {
    let y = if month <= 2 { year.checked_sub(1)? } else { year };
    let era = y.div_euclid(400);
    // 0..=399, so the arithmetic on it and on `doy` cannot overflow.
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era.checked_mul(146_097)?.checked_add(doe)?.checked_sub(719_468)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_is_jittered_and_capped() {
        let p = RetryPolicy::default();
        for _ in 0..200 {
            let d1 = backoff(&p, 1);
            assert!(d1 >= Duration::from_millis(125) && d1 <= Duration::from_millis(250));
            let d3 = backoff(&p, 3);
            assert!(d3 >= Duration::from_millis(500) && d3 <= Duration::from_secs(1));
            let d30 = backoff(&p, 30);
            assert!(d30 >= Duration::from_secs(4) && d30 <= Duration::from_secs(8));
        }
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = UNIX_EPOCH + Duration::from_secs(1_445_412_470); // 2015-10-21 07:27:50 UTC
        assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("1.5", now), Some(Duration::from_millis(1500)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
        assert_eq!(parse_retry_after("Wed, 21 Foo 2015 07:28:00 GMT", now), None);
    }

    #[test]
    fn civil_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), Some(0));
        assert_eq!(days_from_civil(2000, 3, 1), Some(11_017));
        assert_eq!(days_from_civil(2024, 2, 29), Some(19_782));
        assert_eq!(days_from_civil(i64::MAX, 12, 31), None);
    }

    #[test]
    fn extreme_retry_after_dates_do_not_overflow() {
        let now = UNIX_EPOCH + Duration::from_secs(1_445_412_470);
        // Years whose day or second count overflows i64/u64: not a usable date, so the caller falls
        // back to its own back-off.
        for year in ["9223372036854775807", "99999999999999999", "400000000000000"] {
            let header = format!("Wed, 21 Oct {year} 07:28:00 GMT");
            assert_eq!(parse_retry_after(&header, now), None, "{header}");
        }
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 99999999999999999999 07:28:00 GMT", now),
            None
        );
        // Far but representable: a long delay (the client caps it with max_retry_after).
        let far = parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", now).expect("a valid date");
        assert!(far > Duration::from_secs(7_000 * 365 * 86_400), "{far:?}");
    }
}
