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

/// A list, set or map of at most `max` elements.
pub fn max_items(max: usize) -> Validator {
    Validator::new(format!("at most {max} elements"), move |v| match v {
        Value::List(x) | Value::Set(x) | Value::Tuple(x) if x.len() > max => {
            Err(format!("must have at most {max} elements, got {}", x.len()))
        }
        Value::Map(m) if m.len() > max => Err(format!("must have at most {max} elements, got {}", m.len())),
        _ => Ok(()),
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
                "must be an id (a positive whole number such as \"1000\"), got {s:?}{}",
                id_hint(s)
            )),
            None => Err("must be a string".into()),
        }
    })
}

/// For a padded, signed or zero-led spelling of an id (`" 8"`, `"045"`): `; write it as "45"`,
/// naming the id meant as the API (and the state) spell it; otherwise nothing.
pub fn id_hint(s: &str) -> String {
    let meant = s.trim().trim_start_matches('+').trim_start_matches('0');
    match parse_api_id(meant) {
        Some(id) => format!("; write it as \"{id}\""),
        None => String::new(),
    }
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

/// Applies `inner` to each element of a list, set or map (a set of ids: `each(api_id())`).
/// Every bad element is named, so one plan shows them all.
pub fn each(inner: Validator) -> Validator {
    Validator::new(format!("each element {}", inner.description), move |v| {
        let problems: Vec<String> = match v {
            Value::List(items) => items
                .iter()
                .enumerate()
                .filter_map(|(i, x)| inner.check(x).err().map(|e| format!("element {i} {e}")))
                .collect(),
            Value::Set(items) => items
                .iter()
                .filter_map(|x| inner.check(x).err().map(|e| format!("element {e}")))
                .collect(),
            Value::Map(items) => items
                .iter()
                .filter_map(|(k, x)| inner.check(x).err().map(|e| format!("element {k:?} {e}")))
                .collect(),
            _ => return Err("must be a list, set or map".into()),
        };
        match problems.is_empty() {
            true => Ok(()),
            false => Err(problems.join("; and ")),
        }
    })
}

/// What a host name may look like beyond letters, digits, hyphens and dots.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HostnameRules {
    /// At least two labels (`example.com`), as a domain or a record's target needs.
    pub fqdn: bool,
    /// Underscores in labels, as DNS record names use them (`_dmarc`, `_sip._tcp`).
    pub underscores: bool,
    /// `*` as the whole first label (`*.example.com`), as certificates and records allow.
    pub wildcard: bool,
    /// A name inside a zone (`www`, `_dmarc`), as a DNS record names itself: no trailing dot, since
    /// that would make it absolute.
    pub relative: bool,
}

impl HostnameRules {
    /// A host name of one or more labels (`web01`, `www.example.com`).
    pub const HOST: HostnameRules = HostnameRules {
        fqdn: false,
        underscores: false,
        wildcard: false,
        relative: false,
    };
    /// A fully qualified domain name (`example.com`, `www.example.com`).
    pub const FQDN: HostnameRules = HostnameRules {
        fqdn: true,
        underscores: false,
        wildcard: false,
        relative: false,
    };

    pub const fn underscores(mut self) -> Self {
        self.underscores = true;
        self
    }

    pub const fn wildcard(mut self) -> Self {
        self.wildcard = true;
        self
    }

    pub const fn relative(mut self) -> Self {
        self.relative = true;
        self
    }

    fn describe(self) -> String {
        let mut what = String::from(if self.relative {
            "a name inside the domain such as \"www\" or \"mail.eu\""
        } else if self.fqdn {
            "a fully qualified domain name such as \"www.example.com\""
        } else {
            "a host name such as \"web01\" or \"www.example.com\""
        });
        what.push_str(": labels of 1 to 63 letters, digits or hyphens");
        if self.underscores {
            what.push_str(" (or underscores)");
        }
        what.push_str(if self.relative {
            " separated by dots, at most 253 characters, no trailing dot"
        } else {
            " separated by dots, at most 253 characters, an optional trailing dot"
        });
        if self.wildcard {
            what.push_str(", \"*.\" in front for a wildcard");
        }
        what
    }
}

/// A host or domain name (RFC 1123 labels; a trailing dot allowed, as DNS writes absolute names).
pub fn hostname(rules: HostnameRules) -> Validator {
    let what = rules.describe();
    Validator::new(what.clone(), move |v| match v.as_str() {
        Some(s) => check_hostname(s, rules).map_err(|problem| format!("must be {what}; {problem}")),
        None => Err("must be a string".into()),
    })
}

/// Why `s` is not a host name under `rules`, in a few words.
fn check_hostname(s: &str, rules: HostnameRules) -> Result<(), String> {
    if rules.relative && s.ends_with('.') {
        return Err(format!("{s:?} ends with a dot"));
    }
    let name = s.strip_suffix('.').unwrap_or(s);
    if name.is_empty() {
        return Err(format!("got {s:?}"));
    }
    if name.len() > 253 {
        return Err(format!("got {} characters", name.len()));
    }
    let labels: Vec<&str> = name.split('.').collect();
    for (i, label) in labels.iter().enumerate() {
        if label.is_empty() {
            return Err(format!("{s:?} has an empty label (a leading dot or two dots in a row)"));
        }
        if *label == "*" {
            if !rules.wildcard {
                return Err(format!("{s:?} is a wildcard, which is not allowed here"));
            }
            if i > 0 {
                return Err(format!("{s:?} has \"*\" that is not the first label"));
            }
            continue;
        }
        if label.len() > 63 {
            return Err(format!("the label {label:?} is {} characters long", label.len()));
        }
        if let Some(c) = label
            .chars()
            .find(|&c| !(c.is_ascii_alphanumeric() || c == '-' || (c == '_' && rules.underscores)))
        {
            let hint = if c.is_ascii() {
                ""
            } else {
                " (write an international name in its xn-- form)"
            };
            return Err(format!("the label {label:?} holds {c:?}{hint}"));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(format!("the label {label:?} starts or ends with a hyphen"));
        }
    }
    if rules.fqdn && labels.len() < 2 {
        return Err(format!("{s:?} has one label only"));
    }
    if labels.len() > 1 && labels.last().is_some_and(|l| l.bytes().all(|b| b.is_ascii_digit())) {
        return Err(format!("{s:?} is an IP address or ends in a numeric label"));
    }
    Ok(())
}

/// An IPv4 address in dotted decimal (`192.0.2.10`).
pub fn ipv4() -> Validator {
    Validator::new("an IPv4 address such as \"192.0.2.10\"", |v| match v.as_str() {
        Some(s) if s.parse::<std::net::Ipv4Addr>().is_ok() => Ok(()),
        Some(s) if s.parse::<std::net::Ipv6Addr>().is_ok() => Err(format!(
            "must be an IPv4 address such as \"192.0.2.10\", got the IPv6 address {s:?}"
        )),
        Some(s) => Err(format!(
            "must be an IPv4 address such as \"192.0.2.10\" (four numbers from 0 to 255 separated by dots), got {s:?}"
        )),
        None => Err("must be a string".into()),
    })
}

/// An IPv6 address, compressed or not (`2001:db8::1`).
pub fn ipv6() -> Validator {
    Validator::new("an IPv6 address such as \"2001:db8::1\"", |v| {
        match v.as_str() {
        Some(s) if s.parse::<std::net::Ipv6Addr>().is_ok() => Ok(()),
        Some(s) if s.parse::<std::net::Ipv4Addr>().is_ok() => Err(format!(
            "must be an IPv6 address such as \"2001:db8::1\", got the IPv4 address {s:?}"
        )),
        Some(s) => Err(format!(
            "must be an IPv6 address such as \"2001:db8::1\" (hexadecimal groups separated by colons, \"::\" for zeros), got {s:?}"
        )),
        None => Err("must be a string".into()),
    }
    })
}

/// An `http://` or `https://` URL with a host (a name, an IPv4 address or a bracketed IPv6
/// address), an optional port, and no spaces or credentials.
pub fn url() -> Validator {
    const WHAT: &str = "an http:// or https:// URL such as \"https://www.example.com/path\"";
    Validator::new(WHAT, |v| match v.as_str() {
        Some(s) => check_url(s).map_err(|problem| format!("must be {WHAT}; {problem}, got {s:?}")),
        None => Err("must be a string".into()),
    })
}

fn check_url(s: &str) -> Result<(), String> {
    let scheme_end = s.find("://").ok_or("it has no scheme")?;
    let scheme = &s[..scheme_end];
    if !(scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")) {
        return Err(format!("the scheme {scheme:?} is not http or https"));
    }
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("it holds spaces (write them as %20)".into());
    }
    let rest = &s[scheme_end + 3..];
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    if authority.contains('@') {
        return Err("it holds a user name or password".into());
    }
    let (host, port) = if let Some(bracketed) = authority.strip_prefix('[') {
        let end = bracketed.find(']').ok_or("its IPv6 address has no closing ']'")?;
        let ip = &bracketed[..end];
        if ip.parse::<std::net::Ipv6Addr>().is_err() {
            return Err(format!("{ip:?} is not an IPv6 address"));
        }
        match &bracketed[end + 1..] {
            "" => (None, None),
            p => (None, Some(p.strip_prefix(':').ok_or("text follows its IPv6 address")?)),
        }
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (Some(h), Some(p)),
            None => (Some(authority), None),
        }
    };
    if let Some(p) = port {
        match p.parse::<u16>() {
            Ok(n) if n > 0 && p.bytes().all(|b| b.is_ascii_digit()) => {}
            _ => return Err(format!("the port {p:?} is not a number from 1 to 65535")),
        }
    }
    match host {
        None => Ok(()),
        Some("") => Err("it has no host".into()),
        Some(h) if h.parse::<std::net::Ipv4Addr>().is_ok() => Ok(()),
        Some(h) => check_hostname(h, HostnameRules::HOST).map_err(|e| format!("its host is not a host name: {e}")),
    }
}

/// PEM text: one or more `-----BEGIN <label>-----` … `-----END <label>-----` blocks, each label
/// ending with `label` (`"PRIVATE KEY"` takes `RSA PRIVATE KEY` and `EC PRIVATE KEY` too). The
/// value may be a secret: a message quotes it only when it looks like a file name, the usual
/// slip (`"cert.pem"` for `file("cert.pem")`).
pub fn pem(label: &'static str) -> Validator {
    let what = format!("PEM text (\"-----BEGIN {label}-----\" … \"-----END {label}-----\")");
    Validator::new(what.clone(), move |v| match v.as_str() {
        // Empty is no value: whether one is needed is another rule's to say.
        Some("") => Ok(()),
        Some(s) => check_pem(s, label).map_err(|problem| {
            let hint = if looks_like_a_file_name(s) {
                format!(", not a file name; to use the file's content write file({s:?})")
            } else {
                String::new()
            };
            format!("must be {what}{hint}; {problem}")
        }),
        None => Err("must be a string".into()),
    })
}

fn check_pem(s: &str, label: &str) -> Result<(), String> {
    const BEGIN: &str = "-----BEGIN ";
    let mut rest = s;
    let mut blocks = 0;
    while let Some(start) = rest.find(BEGIN) {
        let after = &rest[start + BEGIN.len()..];
        let found = after.split("-----").next().unwrap_or_default();
        if found.is_empty() || found.contains('\n') {
            return Err("a \"-----BEGIN\" line is not closed by \"-----\"".into());
        }
        if !found.ends_with(label) {
            return Err(format!("it holds a {found} block where a {label} is expected"));
        }
        let end = format!("-----END {found}-----");
        let Some(at) = after.find(&end) else {
            return Err(format!("its {found} block has no \"{end}\" line"));
        };
        rest = &after[at + end.len()..];
        blocks += 1;
    }
    match blocks {
        0 => Err(format!("it holds no \"-----BEGIN {label}-----\" line")),
        _ => Ok(()),
    }
}

fn looks_like_a_file_name(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    s.len() <= 255
        && !s.chars().any(char::is_whitespace)
        && (s.starts_with('/')
            || s.starts_with("./")
            || s.starts_with('~')
            || [".pem", ".crt", ".cer", ".key", ".ca-bundle", ".bundle"]
                .iter()
                .any(|ext| lower.ends_with(ext)))
}

/// An email address: `local@domain`, the domain a fully qualified name.
pub fn email() -> Validator {
    const WHAT: &str = "an email address such as \"admin@example.com\"";
    Validator::new(WHAT, |v| match v.as_str() {
        Some(s) => check_email(s).map_err(|problem| format!("must be {WHAT}; {problem}, got {s:?}")),
        None => Err("must be a string".into()),
    })
}

fn check_email(s: &str) -> Result<(), String> {
    let (local, domain) = s.rsplit_once('@').ok_or("it has no '@'")?;
    if s.len() > 254 {
        return Err(format!("it is {} characters long, at most 254 are allowed", s.len()));
    }
    if local.is_empty() || local.len() > 64 {
        return Err("the part before '@' must be 1 to 64 characters".into());
    }
    // RFC 5322 dot-atoms: the quoted forms are left out, as mail forms and APIs do.
    let atext = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~-".contains(c);
    if let Some(c) = local.chars().find(|&c| !(atext(c) || c == '.')) {
        return Err(format!("the part before '@' holds {c:?}"));
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err("the part before '@' has a dot at its start or end, or two in a row".into());
    }
    check_hostname(domain, HostnameRules::FQDN).map_err(|e| format!("its domain is not a domain name: {e}"))
}

/// A phone number as the API writes it: `+`, the country code, a dot, the number in digits
/// (`+32.22341234`); at most 15 digits in all (E.164).
// Seed: domain contacts document "Phone (format: +32.12345678)" and answer "+32.22341234" and
// "+48.1345612"; one request example writes the number as a JSON number (32.123456789), which
// drops the "+" the format asks for, so the documented string form is the one accepted.
pub fn phone() -> Validator {
    const WHAT: &str =
        "a phone number written +COUNTRYCODE.NUMBER, digits only after the dot, such as \"+32.22341234\"";
    Validator::new(WHAT, |v| match v.as_str() {
        Some(s) => check_phone(s).map_err(|problem| format!("must be {WHAT}; {problem}, got {s:?}")),
        None => Err("must be a string".into()),
    })
}

fn check_phone(s: &str) -> Result<(), String> {
    let rest = s.strip_prefix('+').ok_or("it does not start with '+'")?;
    let (cc, number) = rest
        .split_once('.')
        .ok_or("it has no '.' between the country code and the number")?;
    let digits = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
    if !digits(cc) || cc.len() > 3 || cc.starts_with('0') {
        return Err(format!("the country code {cc:?} is not 1 to 3 digits"));
    }
    if !digits(number) {
        return Err(format!("the number {number:?} is not only digits"));
    }
    if number.len() < 4 || cc.len() + number.len() > 15 {
        return Err(format!(
            "it has {} digits; a number has 4 or more, at most 15 with the country code",
            number.len()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_text_is_required_and_a_file_name_is_told_to_use_file() {
        let cert = pem("CERTIFICATE");
        let block = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        assert_eq!(cert.check(&Value::string(block)), Ok(()));
        let bundle = format!("{block}{block}");
        assert_eq!(cert.check(&Value::string(&bundle)), Ok(()));
        let e = cert.check(&Value::string("cert.pem")).unwrap_err();
        assert!(
            e.contains(r#"not a file name; to use the file's content write file("cert.pem")"#),
            "{e}"
        );
        let e = cert.check(&Value::string("CERTIFICATE_HERE")).unwrap_err();
        assert!(e.ends_with(r#"it holds no "-----BEGIN CERTIFICATE-----" line"#), "{e}");
        assert!(!e.contains("file("), "{e}");
        let e = cert
            .check(&Value::string("-----BEGIN CERTIFICATE-----\nMIIB"))
            .unwrap_err();
        assert!(
            e.ends_with(r#"its CERTIFICATE block has no "-----END CERTIFICATE-----" line"#),
            "{e}"
        );
        let key = pem("PRIVATE KEY");
        for label in ["PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"] {
            let k = format!("-----BEGIN {label}-----\nabc\n-----END {label}-----");
            assert_eq!(key.check(&Value::string(&k)), Ok(()), "{label}");
        }
        // A certificate where the key goes is named, the secret never quoted.
        let e = key.check(&Value::string(block)).unwrap_err();
        assert!(
            e.ends_with("it holds a CERTIFICATE block where a PRIVATE KEY is expected"),
            "{e}"
        );
        assert_eq!(key.check(&Value::string("")), Ok(()), "empty is another rule's");
        let secret = "s3cret-key-material";
        assert!(!key.check(&Value::string(secret)).unwrap_err().contains(secret));
    }

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
        // A spelling of an id (padded, signed, zero-led) is refused, naming the id meant.
        for (bad, meant) in [("045", "45"), (" 8", "8"), ("+20", "20"), ("7 ", "7")] {
            let e = v.check(&Value::string(bad)).unwrap_err();
            assert!(e.ends_with(&format!("; write it as {meant:?}")), "{bad}: {e}");
        }
        for bad in ["0", "abc", "-1", "1.0"] {
            assert!(
                !v.check(&Value::string(bad)).unwrap_err().contains("write it as"),
                "{bad}"
            );
        }
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

    fn accepts(v: &Validator, ok: &[&str]) {
        for x in ok {
            assert_eq!(v.check(&Value::string(*x)), Ok(()), "{x}");
        }
    }

    /// Each bad value is rejected with a message that says what is allowed, names the value and
    /// the problem (`why`).
    fn rejects(v: &Validator, allowed: &str, bad: &[(&str, &str)]) {
        for (x, why) in bad {
            let e = v.check(&Value::string(*x)).unwrap_err();
            assert!(e.contains(allowed), "{x}: {e}");
            assert!(e.contains(why), "{x}: expected {why:?} in {e}");
        }
        assert!(v.check(&Value::Null).is_ok());
        assert!(v.check(&Value::Unknown).is_ok());
        assert_eq!(v.check(&Value::int(1)).unwrap_err(), "must be a string");
    }

    #[test]
    fn host_names() {
        let long_label = "a".repeat(64);
        let long_name = format!("{}.be", vec!["a".repeat(62); 4].join("."));
        let host = hostname(HostnameRules::HOST);
        accepts(
            &host,
            &[
                "web01",
                "www.example.com",
                "www.example.com.",
                "xn--bcher-kva.example",
                "A-1.B2.c",
                &"a".repeat(63),
            ],
        );
        rejects(
            &host,
            "labels of 1 to 63 letters, digits or hyphens separated by dots",
            &[
                ("", "got \"\""),
                (".", "got \".\""),
                ("www..example.com", "empty label"),
                (".example.com", "empty label"),
                ("-www.example.com", "\"-www\" starts or ends with a hyphen"),
                ("www-.example.com", "hyphen"),
                ("_dmarc.example.com", "the label \"_dmarc\" holds '_'"),
                ("www.exa mple.com", "holds ' '"),
                (
                    "bücher.example",
                    "holds 'ü' (write an international name in its xn-- form)",
                ),
                ("*.example.com", "wildcard, which is not allowed"),
                (&long_label, "is 64 characters long"),
                (&long_name, "got 254 characters"),
                ("192.0.2.1", "is an IP address"),
            ],
        );
        assert!(host.description.contains("\"web01\""));

        let fqdn = hostname(HostnameRules::FQDN);
        accepts(&fqdn, &["example.com", "example.com."]);
        rejects(
            &fqdn,
            "a fully qualified domain name",
            &[("localhost", "one label only")],
        );

        let records = hostname(HostnameRules::FQDN.underscores().wildcard());
        accepts(
            &records,
            &["_dmarc.example.com", "_sip._tcp.example.com", "*.example.com"],
        );
        rejects(
            &records,
            "(or underscores)",
            &[
                ("www.*.example.com", "not the first label"),
                ("a.*", "not the first label"),
            ],
        );
        assert!(records.description.contains("wildcard"));

        let relative = hostname(HostnameRules::HOST.underscores().relative());
        accepts(&relative, &["www", "_dmarc", "mail.eu"]);
        rejects(
            &relative,
            "a name inside the domain such as \"www\"",
            &[("www.", "\"www.\" ends with a dot"), ("café", "holds 'é'")],
        );
        assert!(relative.description.contains("no trailing dot"));
        assert!(!relative.description.contains("optional trailing dot"));
    }

    #[test]
    fn ip_addresses() {
        let v4 = ipv4();
        accepts(&v4, &["192.0.2.10", "0.0.0.0", "255.255.255.255"]);
        rejects(
            &v4,
            "an IPv4 address such as \"192.0.2.10\"",
            &[
                ("256.0.0.1", "got \"256.0.0.1\""),
                ("192.0.2", "four numbers"),
                ("192.0.2.010", "four numbers"),
                ("2001:db8::1", "got the IPv6 address"),
                ("www.example.com", "got \"www.example.com\""),
            ],
        );
        let v6 = ipv6();
        accepts(
            &v6,
            &["2001:db8::1", "2001:DB8:0:0:0:0:0:1", "::1", "::", "::ffff:192.0.2.1"],
        );
        rejects(
            &v6,
            "an IPv6 address such as \"2001:db8::1\"",
            &[
                ("2001:db8::1::2", "got \"2001:db8::1::2\""),
                ("2001:db8:g::1", "hexadecimal groups"),
                ("[2001:db8::1]", "hexadecimal groups"),
                ("192.0.2.1", "got the IPv4 address"),
            ],
        );
    }

    #[test]
    fn urls() {
        let v = url();
        accepts(
            &v,
            &[
                "https://www.example.com",
                "http://example.com/path?q=1#top",
                "HTTPS://Example.com:8443/",
                "http://192.0.2.1:8080/x",
                "http://[2001:db8::1]:8080/x",
                "http://[2001:db8::1]",
                "http://localhost",
            ],
        );
        rejects(
            &v,
            "an http:// or https:// URL such as \"https://www.example.com/path\"",
            &[
                ("www.example.com", "no scheme"),
                ("ftp://example.com", "the scheme \"ftp\" is not http or https"),
                ("https://", "no host"),
                ("https:///path", "no host"),
                ("https://exa mple.com", "spaces"),
                ("https://user:pw@example.com", "user name or password"),
                ("https://example.com:0/", "the port \"0\""),
                ("https://example.com:99999/", "the port \"99999\""),
                ("https://example.com:+80/", "the port \"+80\""),
                ("https://exa_mple.com/", "its host is not a host name"),
                ("http://[2001:db8::1/", "no closing ']'"),
                ("http://[192.0.2.1]/", "is not an IPv6 address"),
                ("http://[2001:db8::1]x/", "text follows"),
            ],
        );
    }

    #[test]
    fn email_addresses() {
        let v = email();
        accepts(
            &v,
            &[
                "admin@example.com",
                "first.last+tag@sub.example.be",
                "o'brien@example.ie",
            ],
        );
        rejects(
            &v,
            "an email address such as \"admin@example.com\"",
            &[
                ("admin.example.com", "no '@'"),
                ("@example.com", "1 to 64 characters"),
                ("admin@", "its domain is not a domain name"),
                ("admin@localhost", "one label only"),
                ("ad min@example.com", "holds ' '"),
                (".admin@example.com", "dot at its start or end"),
                ("ad..min@example.com", "two in a row"),
                ("admin@exa_mple.com", "holds '_'"),
            ],
        );
        let long = format!("{}@example.com", "a".repeat(65));
        assert!(v.check(&Value::string(long)).unwrap_err().contains("1 to 64"));
    }

    #[test]
    fn phone_numbers() {
        let v = phone();
        // Seed: the domain contact answers.
        accepts(&v, &["+32.22341234", "+48.1345612", "+32.123456789", "+1.2025550123"]);
        rejects(
            &v,
            "written +COUNTRYCODE.NUMBER, digits only after the dot, such as \"+32.22341234\"",
            &[
                ("32.22341234", "does not start with '+'"),
                ("+3222341234", "no '.' between"),
                ("+32 2 234 12 34", "no '.'"),
                ("+32.2 234 12 34", "is not only digits"),
                ("+32.", "is not only digits"),
                ("+.22341234", "the country code \"\""),
                ("+0032.22341234", "the country code \"0032\""),
                ("+032.22341234", "the country code \"032\""),
                ("+32.123", "it has 3 digits"),
                ("+32.1234567890123456", "at most 15"),
            ],
        );
    }

    #[test]
    fn each_element_of_a_collection() {
        let v = each(api_id());
        let ids = |xs: &[&str]| xs.iter().map(|x| Value::string(*x)).collect::<Vec<_>>();
        assert_eq!(v.check(&Value::Set(ids(&["1", "20"]))), Ok(()));
        let e = v.check(&Value::Set(ids(&["1", "abc"]))).unwrap_err();
        assert!(e.starts_with("element must be an id") && e.contains("\"abc\""), "{e}");
        let e = v.check(&Value::List(ids(&["1", "0"]))).unwrap_err();
        assert!(e.starts_with("element 1 must be an id"), "{e}");
        let e = v
            .check(&Value::Map([("x".to_string(), Value::string("-1"))].into()))
            .unwrap_err();
        assert!(e.starts_with("element \"x\" must be an id"), "{e}");
        assert!(v.check(&Value::string("1")).unwrap_err().contains("list, set or map"));
        assert_eq!(v.check(&Value::Set(vec![])), Ok(()));
        assert!(v.description.contains("each element an id"));
        // Every bad element is named at once, not one per plan.
        let e = v.check(&Value::Set(ids(&[" 8", "7", "abc"]))).unwrap_err();
        assert!(
            e.contains("got \" 8\"; write it as \"8\"; and element must be an id") && e.ends_with("got \"abc\""),
            "{e}"
        );
    }
}
