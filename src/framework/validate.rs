//! Validators: plan-time checks whose messages say what is allowed.

use super::value::Value;
use std::sync::Arc;

type Check = dyn Fn(&Value) -> Result<(), String> + Send + Sync;

/// A check on a known, non-null value. Null and unknown values are not checked (required-ness is
/// Terraform's job, and unknown values are checked again at apply time).
#[derive(Clone)]
pub struct Validator {
    pub description: String,
    check: Arc<Check>,
}

impl Validator {
    pub fn new(
        description: impl Into<String>,
        check: impl Fn(&Value) -> Result<(), String> + Send + Sync + 'static,
    ) -> Validator {
        Validator {
            description: description.into(),
            check: Arc::new(check),
        }
    }

    pub fn check(&self, v: &Value) -> Result<(), String> {
        if v.is_null() || v.contains_unknown() {
            return Ok(());
        }
        (self.check)(v)
    }
}

/// A string of `min..=max` characters (Unicode scalar values).
pub fn length(min: usize, max: usize) -> Validator {
    Validator::new(format!("between {min} and {max} characters"), move |v| {
        match v.as_str() {
            Some(s) => {
                let n = s.chars().count();
                if n < min || n > max {
                    Err(format!("must be between {min} and {max} characters long, got {n}"))
                } else {
                    Ok(())
                }
            }
            None => Err("must be a string".into()),
        }
    })
}

/// A string of at most `max` characters.
pub fn max_length(max: usize) -> Validator {
    Validator::new(format!("at most {max} characters"), move |v| match v.as_str() {
        Some(s) if s.chars().count() > max => Err(format!(
            "must be at most {max} characters long, got {}",
            s.chars().count()
        )),
        Some(_) => Ok(()),
        None => Err("must be a string".into()),
    })
}

/// A string with at least one non-blank character.
pub fn not_blank() -> Validator {
    Validator::new("not empty", |v| match v.as_str() {
        Some(s) if s.trim().is_empty() => Err("must not be empty or only spaces".into()),
        Some(_) => Ok(()),
        None => Err("must be a string".into()),
    })
}

pub fn one_of(allowed: &'static [&'static str]) -> Validator {
    Validator::new(format!("one of {}", allowed.join(", ")), move |v| match v.as_str() {
        Some(s) if allowed.contains(&s) => Ok(()),
        Some(s) => Err(format!(
            "must be one of {}, got {s:?}",
            allowed.iter().map(|a| format!("{a:?}")).collect::<Vec<_>>().join(", ")
        )),
        None => Err("must be a string".into()),
    })
}

/// A whole number within `min..=max`.
pub fn int_between(min: i64, max: i64) -> Validator {
    Validator::new(format!("a whole number from {min} to {max}"), move |v| {
        match v.as_i64() {
            Some(i) if (min..=max).contains(&i) => Ok(()),
            Some(i) => Err(format!("must be between {min} and {max}, got {i}")),
            None => Err(format!(
                "must be a whole number between {min} and {max}, got {}",
                v.display()
            )),
        }
    })
}

/// An API object id: a positive whole number written in decimal (`"1000"`), as a string.
pub fn api_id() -> Validator {
    Validator::new("an id: a positive whole number such as \"1000\"", |v| {
        match v.as_str() {
            Some(s) if parse_api_id(s).is_some() => Ok(()),
            Some(s) => Err(format!(
                "must be an id (a positive whole number such as \"1000\"), got {s:?}"
            )),
            None => Err("must be a string".into()),
        }
    })
}

/// The number an id string stands for: decimal digits without sign or leading zero, above 0,
/// within i64 (what the API's integer ids can hold).
pub fn parse_api_id(s: &str) -> Option<i64> {
    if s.is_empty() || s.starts_with('0') || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse::<i64>().ok()
}

/// A duration such as `30s`, `10m`, `1h30m`.
pub fn duration() -> Validator {
    Validator::new("a duration like 30s, 10m or 1h30m", |v| match v.as_str() {
        Some(s) => parse_duration(s).map(|_| ()),
        None => Err("must be a string".into()),
    })
}

/// A duration greater than zero (a zero timeout would fail every request at once).
pub fn positive_duration() -> Validator {
    Validator::new("a duration greater than zero, like 30s, 10m or 1h30m", |v| {
        match v.as_str() {
            Some(s) => match parse_duration(s)? {
                d if d.is_zero() => Err(format!("must be longer than zero, like 30s or 2m, got {s:?}")),
                _ => Ok(()),
            },
            None => Err("must be a string".into()),
        }
    })
}

/// The longest duration accepted: Go's limit (int64 nanoseconds, about 292 years), which
/// Terraform users know from other providers. Anything longer is a typo, and it keeps deadlines
/// (`now + duration`) far from overflowing.
pub const MAX_DURATION: std::time::Duration = std::time::Duration::from_nanos(i64::MAX as u64);

/// Parses Go-style durations (`1h30m`, `45s`, `500ms`): Terraform users know this syntax from
/// `timeouts` blocks of every other provider.
pub fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    let bad = || format!("{s:?} is not a duration: use a number with a unit, like 30s, 10m or 1h30m");
    if s.is_empty() {
        return Err(bad());
    }
    let mut total = 0f64;
    let mut rest = s;
    while !rest.is_empty() {
        let num_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).ok_or_else(bad)?;
        if num_len == 0 {
            return Err(bad());
        }
        let n: f64 = rest[..num_len].parse().map_err(|_| bad())?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let factor = match &rest[..unit_len] {
            "ms" => 0.001,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return Err(bad()),
        };
        total += n * factor;
        rest = &rest[unit_len..];
    }
    // `from_secs_f64` would panic on an overflowing total (and the release build aborts on panic).
    match std::time::Duration::try_from_secs_f64(total) {
        Ok(d) if d <= MAX_DURATION => Ok(d),
        _ => Err(format!(
            "{s:?} is too long: a duration may be at most 2562047h (about 292 years)"
        )),
    }
}

/// ISO 3166-1 alpha-2 country codes, as the API's `country` field takes them.
pub fn country_code() -> Validator {
    Validator::new("an ISO 3166-1 alpha-2 country code such as BE or NL", |v| {
        match v.as_str() {
            Some(s) if s.len() == 2 && COUNTRIES.split(' ').any(|c| c == s) => Ok(()),
            Some(s) if s.len() == 2 && COUNTRIES.split(' ').any(|c| c.eq_ignore_ascii_case(s)) => Err(format!(
                "must be an upper-case ISO 3166-1 alpha-2 country code: use {:?}",
                s.to_ascii_uppercase()
            )),
            Some(s) => Err(format!(
                "must be an ISO 3166-1 alpha-2 country code such as \"BE\", \"NL\" or \"FR\", got {s:?}"
            )),
            None => Err("must be a string".into()),
        }
    })
}

const COUNTRIES: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_codes() {
        let v = country_code();
        assert!(v.check(&Value::string("BE")).is_ok());
        let e = v.check(&Value::string("Belgium")).unwrap_err();
        assert!(e.contains("ISO 3166-1 alpha-2"), "{e}");
        assert!(v.check(&Value::string("be")).unwrap_err().contains("\"BE\""));
        assert!(v.check(&Value::string("XX")).is_err());
        assert!(v.check(&Value::Null).is_ok());
        assert!(v.check(&Value::Unknown).is_ok());
    }

    #[test]
    fn ids() {
        let v = api_id();
        for ok in ["1", "1000", "9223372036854775807"] {
            assert!(v.check(&Value::string(ok)).is_ok(), "{ok}");
            assert_eq!(parse_api_id(ok).map(|i| i.to_string()).as_deref(), Some(ok));
        }
        for bad in [
            "",
            "0",
            "007",
            "-1",
            "+1",
            "1.0",
            "1e3",
            " 1",
            "12a",
            "9223372036854775808",
        ] {
            let e = v.check(&Value::string(bad)).unwrap_err();
            assert!(
                e.contains("positive whole number") && e.contains(&format!("{bad:?}")),
                "{bad}: {e}"
            );
        }
        assert!(v.check(&Value::Null).is_ok());
        assert!(v.check(&Value::Unknown).is_ok());
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("1h30m").unwrap().as_secs(), 5400);
        assert_eq!(parse_duration("45s").unwrap().as_secs(), 45);
        assert_eq!(parse_duration("500ms").unwrap().as_millis(), 500);
        assert_eq!(parse_duration("1.5m").unwrap().as_secs(), 90);
        for bad in ["", "10", "m", "10 m", "10x", "-1s"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_duration("2562047h").unwrap().as_secs(), 2_562_047 * 3600);
    }

    #[test]
    fn overlong_durations_are_a_validation_error_not_a_panic() {
        let huge = "9".repeat(400) + "h"; // parses to an infinite f64
        for s in ["99999999999999999999h", "2562048h", "5124095h5124095h", huge.as_str()] {
            let e = parse_duration(s).unwrap_err();
            assert!(e.contains("too long") && e.contains("2562047h"), "{s}: {e}");
            let e = duration().check(&Value::string(s)).unwrap_err();
            assert!(e.contains("too long"), "{s}: {e}");
        }
    }

    #[test]
    fn positive_durations_reject_zero() {
        let v = positive_duration();
        assert!(v.check(&Value::string("30s")).is_ok());
        assert!(v.check(&Value::string("1ms")).is_ok());
        for zero in ["0s", "0ms", "0h0m0s"] {
            let e = v.check(&Value::string(zero)).unwrap_err();
            assert!(e.contains("longer than zero"), "{zero}: {e}");
        }
        assert!(v.check(&Value::string("soon")).unwrap_err().contains("not a duration"));
    }

    #[test]
    fn lengths_ranges_and_enums() {
        assert!(not_blank().check(&Value::string("  ")).is_err());
        assert!(not_blank().check(&Value::string("a")).is_ok());
        assert!(length(1, 3).check(&Value::string("abcd")).is_err());
        assert!(int_between(1, 10)
            .check(&Value::int(11))
            .unwrap_err()
            .contains("between 1 and 10"));
        assert!(one_of(&["a", "b"])
            .check(&Value::string("c"))
            .unwrap_err()
            .contains("\"a\", \"b\""));
    }
}
