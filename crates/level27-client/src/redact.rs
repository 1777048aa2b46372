//! Redaction of secret-looking JSON values before anything is logged.

use std::fmt;

use serde_json::{Map, Value};

const REDACTED: &str = "<redacted>";

/// Whether a JSON key names something secret (password, token, private key, api key hash, auth code…).
/// Case, `_` and `-` are ignored. It errs on the side of redacting: a log with one value too few hidden
/// costs nothing, one too many shown can leak a credential.
pub fn is_secret_key(key: &str) -> bool {
    let k: String = key
        .chars()
        .filter(|c| !matches!(c, '_' | '-' | '.' | ' '))
        .flat_map(char::to_lowercase)
        .collect();
    const EXACT: &[&str] = &["pass", "pwd", "auth", "authorization", "cookie", "otp", "pin"];
    const CONTAINS: &[&str] = &[
        "password",
        "passwd",
        "passphrase",
        "secret",
        "token",
        "apikey",
        "privatekey",
        "sslkey",
        "hash",
        "credential",
        "authcode",
        "eppcode",
        "sessionid",
    ];
    EXACT.contains(&k.as_str())
        || CONTAINS.iter().any(|c| k.contains(c))
        // key, sslKey, secretKey, privKey…; a public key is public.
        || (k.ends_with("key") && !k.contains("public"))
}

/// A copy of `v` with the value of every secret-looking key (see [`is_secret_key`]), at any depth,
/// replaced by `"<redacted>"`. `null` stays `null` so a log still shows that nothing was set, and a
/// boolean stays as it is: a flag holds no secret (`transferEppCodeRequired`, `passwordExpired`),
/// and hiding it only makes the log useless. An
/// object under such a key is walked into instead, because the API names envelopes that way
/// (`{"apiKey": {"id": …, "hash": …}}`): its own secret members are redacted by their names.
pub fn redact_json(v: &Value) -> Value {
    match v {
        Value::Object(o) => {
            let mut out = Map::with_capacity(o.len());
            for (k, val) in o {
                let val = if is_secret_key(k) && !val.is_null() && !val.is_object() && !val.is_boolean() {
                    Value::String(REDACTED.to_string())
                } else {
                    redact_json(val)
                };
                out.insert(k.clone(), val);
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(redact_json).collect()),
        other => other.clone(),
    }
}

/// Formats a body for `trace!` only when the event is actually recorded: parsing and redaction happen
/// in `Display`, which tracing calls only for enabled events.
pub(crate) struct RedactedBody<'a> {
    pub body: &'a [u8],
    pub secret: &'a str,
}

impl fmt::Display for RedactedBody<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match serde_json::from_slice::<Value>(self.body) {
            Ok(v) => redact_json(&v).to_string(),
            Err(_) if self.body.is_empty() => return f.write_str("<empty>"),
            Err(_) => String::from_utf8_lossy(self.body).into_owned(),
        };
        // A server may echo the api key in a field with an innocent name.
        f.write_str(&crate::error::scrub_str(text, self.secret))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn redacts_nested_secrets_and_keeps_the_rest() {
        let v = json!({
            "name": "web",
            "password": "hunter2",
            "user": {"apiKey": "k1", "hash": "h", "email": "a@b.c", "PrivateKey": "-----BEGIN"},
            "certs": [{"sslKey": "pem", "sslCrt": "public cert"}],
            "api_key": 5,
            "token": null,
            "authCode": "epp",
            "keys": [1, 2],
            "apiKey": {"id": 4, "hash": "h"},
            "tokens": ["a", "b"]
        });
        let r = redact_json(&v);
        assert_eq!(
            r,
            json!({
                "name": "web",
                "password": "<redacted>",
                "user": {"apiKey": "<redacted>", "hash": "<redacted>", "email": "a@b.c", "PrivateKey": "<redacted>"},
                "certs": [{"sslKey": "<redacted>", "sslCrt": "public cert"}],
                "api_key": "<redacted>",
                "token": null,
                "authCode": "<redacted>",
                "keys": [1, 2],
                "apiKey": {"id": 4, "hash": "<redacted>"},
                "tokens": "<redacted>"
            })
        );
    }

    #[test]
    fn flags_named_like_secrets_are_shown() {
        // `/domains/check` answers whether a transfer needs the EPP code; the code itself is hidden.
        let v = json!({"transferEppCodeRequired": true, "passwordExpired": false, "eppCode": "S3cr3t"});
        assert_eq!(
            redact_json(&v),
            json!({"transferEppCodeRequired": true, "passwordExpired": false, "eppCode": "<redacted>"})
        );
    }

    #[test]
    fn secret_key_names() {
        for k in [
            "password",
            "PASS",
            "passwd",
            "secret",
            "clientSecret",
            "key",
            "apikey",
            "api_key",
            "token",
            "2faToken",
            "hash",
            "hash2fa",
            "privatekey",
            "private_key",
            "sslKey",
            "sslkey",
        ] {
            assert!(is_secret_key(k), "{k} should be secret");
        }
        for k in ["name", "id", "publicKey", "keys", "status", "organisation", "compass"] {
            assert!(!is_secret_key(k), "{k} should not be secret");
        }
    }

    #[test]
    fn redacted_body_display_scrubs_the_secret_everywhere() {
        let body = br#"{"message":"bad header abcd1234","password":"p"}"#;
        let shown = RedactedBody {
            body,
            secret: "abcd1234",
        }
        .to_string();
        assert_eq!(shown, r#"{"message":"bad header <redacted>","password":"<redacted>"}"#);
        let shown = RedactedBody {
            body: b"plain abcd1234",
            secret: "abcd1234",
        }
        .to_string();
        assert_eq!(shown, "plain <redacted>");
    }
}
