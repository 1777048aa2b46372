//! The provider: its configuration schema, the API client it configures, and the list of
//! resources and data sources it serves.

use crate::data_sources;
use crate::framework::shared_reads::SharedReads;
use crate::framework::validate::{int_between, parse_duration, positive_duration, Validator};
use crate::framework::{
    AttrPath, Attribute, Block, DataSource, Diagnostic, Diagnostics, MoveSource, Object, Resource, Schema, Type, Value,
};
use crate::resources;
use level27_client::{check_base_url, Client, Config};
use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

pub const DEFAULT_API_URL: &str = "https://api.level27.eu/v1";
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

pub struct Provider {
    pub schema: Schema,
    pub config_type: Type,
    pub resources: BTreeMap<&'static str, Resource>,
    pub data_sources: BTreeMap<&'static str, DataSource>,
    /// The accepted sources of `moved {}` blocks from other resource types.
    pub moves: Vec<MoveSource>,
    client: RwLock<Option<Client>>,
    /// Cancelled by StopProvider: in-flight waits and API calls return at once.
    pub stop: CancellationToken,
    /// Whether the running Terraform supports write-only attributes (1.11+), from ConfigureProvider.
    pub write_only: std::sync::atomic::AtomicBool,
    /// The provider block as configured, for attributes that default to a provider argument.
    config: RwLock<Arc<Object>>,
    /// Lists shared between the operations of this provider process.
    pub reads: Arc<SharedReads>,
    /// The values this process's planned creates hold that no two objects may share.
    pub claims: crate::framework::plan_claims::PlanClaims,
}

impl Default for Provider {
    fn default() -> Self {
        Provider::new()
    }
}

impl Provider {
    pub fn new() -> Provider {
        let resources = resources::all()
            .into_iter()
            .map(|s| (s.type_name, Resource::new(s)))
            .collect();
        let data_sources = data_sources::all().into_iter().map(|d| (d.type_name, d)).collect();
        let schema = provider_schema();
        let config_type = schema.block.value_type();
        Provider {
            schema,
            config_type,
            resources,
            data_sources,
            moves: resources::moves(),
            client: RwLock::new(None),
            stop: CancellationToken::new(),
            write_only: std::sync::atomic::AtomicBool::new(false),
            config: RwLock::new(Arc::new(Object::new())),
            reads: Arc::default(),
            claims: Default::default(),
        }
    }

    pub fn validate_config(&self, config: &Object) -> Diagnostics {
        crate::framework::config_check::validate_attributes(&self.schema.block, config)
    }

    /// Builds the API client. Makes no request: a bad key shows up, clearly worded, on the first
    /// call, and a plan with nothing to refresh stays offline.
    pub fn configure(&self, config: &Object, terraform_version: &str) -> Diagnostics {
        self.configure_with_env(config, terraform_version, &|name| std::env::var(name).ok())
    }

    /// [`Provider::configure`] with the environment variables `env` gives (tests pass their own).
    fn configure_with_env(
        &self,
        config: &Object,
        terraform_version: &str,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Diagnostics {
        let mut diags = self.validate_config(config);
        // The value and the name the user gave it under: the argument, or the environment variable.
        let setting = |name: &'static str, var: &'static str| -> Result<Option<(String, &'static str)>, Diagnostic> {
            match config.get(name) {
                Some(Value::Unknown) => Err(Diagnostic::error(
                    format!("Unknown provider argument {name}"),
                    format!("{name} depends on a value known only after apply; the provider must be configured with known values."),
                )
                .at(AttrPath::attr(name))),
                Some(Value::String(s)) if !s.is_empty() => Ok(Some((s.clone(), name))),
                _ => Ok(env(var).filter(|s| !s.is_empty()).map(|s| (s, var))),
            }
        };
        let api_url = match setting("api_url", "LEVEL27_API_URL") {
            Ok(None) => DEFAULT_API_URL.to_string(),
            Ok(Some((url, from))) => match check_base_url(&url) {
                Ok(url) => url,
                Err(problem) => {
                    let d = Diagnostic::error(format!("Invalid {from}"), format!("{from} {problem}."));
                    // On the argument only when the provider block set it: a value from the
                    // environment is not in the configuration.
                    diags.push(if from == "api_url" {
                        d.at(AttrPath::attr("api_url"))
                    } else {
                        d
                    });
                    String::new()
                }
            },
            Err(d) => {
                diags.push(d);
                String::new()
            }
        };
        let api_key = match setting("api_key", "LEVEL27_API_KEY") {
            Ok(Some((k, _))) => k,
            Ok(None) => {
                diags.push(
                    Diagnostic::error(
                        "Missing Level27 API key",
                        "Set the provider's api_key argument or the LEVEL27_API_KEY environment variable to an API key of your Level27 account.",
                    )
                    .at(AttrPath::attr("api_key")),
                );
                String::new()
            }
            Err(d) => {
                diags.push(d);
                String::new()
            }
        };
        if diags.has_errors() {
            return diags;
        }
        let request_timeout = config
            .get("request_timeout")
            .and_then(Value::as_str)
            .and_then(|s| parse_duration(s).ok())
            .unwrap_or(Duration::from_secs(60));
        let max_retries = config
            .get("max_retries")
            .and_then(Value::as_i64)
            .unwrap_or(5)
            .clamp(0, 100) as u32;
        let requests_per_second = match config.get("requests_per_second") {
            Some(Value::Number(n)) if n.as_f64() > 0.0 => Some(n.as_f64()),
            _ => None,
        };
        let tf = if terraform_version.is_empty() {
            "unknown"
        } else {
            terraform_version
        };
        let cfg = Config {
            base_url: api_url,
            api_key,
            request_timeout,
            max_retries,
            requests_per_second,
            user_agent: format!("terraform-provider-level27/{VERSION} Terraform/{tf}"),
        };
        if let Ok(mut slot) = self.config.write() {
            *slot = Arc::new(config.clone());
        }
        match Client::new(cfg) {
            Ok(c) => {
                if let Ok(mut slot) = self.client.write() {
                    *slot = Some(c);
                }
            }
            Err(e) => diags.push(Diagnostic::error("Cannot configure the Level27 client", e.to_string())),
        }
        diags
    }

    /// The provider block as configured (empty before ConfigureProvider).
    pub fn config(&self) -> Arc<Object> {
        self.config.read().map(|c| c.clone()).unwrap_or_default()
    }

    pub fn client(&self) -> Result<Client, Diagnostics> {
        self.client.read().ok().and_then(|c| c.clone()).ok_or_else(|| {
            Diagnostic::error(
                "Provider not configured",
                "The level27 provider was used before it was configured.",
            )
            .into()
        })
    }
}

/// The slowest rate the API client accepts (one request every 1000 s); keep in step with
/// `level27_client`'s rate limiter, which rejects anything between 0 and this.
pub const MIN_REQUESTS_PER_SECOND: f64 = 0.001;

fn provider_schema() -> Schema {
    let rps = Validator::new(
        format!("0 for no limit, or a number of requests per second of at least {MIN_REQUESTS_PER_SECOND}"),
        |v| match v {
            Value::Number(n) if n.as_f64() == 0.0 => Ok(()),
            Value::Number(n) if n.as_f64() >= MIN_REQUESTS_PER_SECOND && n.as_f64().is_finite() => Ok(()),
            _ => Err(format!(
                "must be 0 (no limit) or a number of requests per second of at least \
                 {MIN_REQUESTS_PER_SECOND} (one request every 1000 s), got {}",
                v.display()
            )),
        },
    );
    Schema {
        version: 0,
        block: Block {
            attributes: vec![
                Attribute::string("api_url")
                    .optional()
                    .describe("Base URL of the Level27 API. Defaults to `LEVEL27_API_URL`, then `https://api.level27.eu/v1`. Point it at `level27-sandbox` to test modules offline."),
                Attribute::string("api_key")
                    .optional()
                    .sensitive()
                    .describe("Level27 API key. Defaults to the `LEVEL27_API_KEY` environment variable. Never logged."),
                Attribute::id("organisation_id")
                    .optional()
                    .describe("Default organisation for resources and data sources that take an `organisation_id` and leave it out."),
                Attribute::string("request_timeout")
                    .optional()
                    .validate(positive_duration())
                    .describe("Timeout of one HTTP request, as a duration (`30s`, `2m`). Default `60s`."),
                Attribute::number("max_retries")
                    .optional()
                    .validate(int_between(0, 100))
                    .describe("How often a request is retried after 429, 502, 503, 504 or a connection failure. Default 5."),
                Attribute::number("requests_per_second")
                    .optional()
                    .validate(rps)
                    .describe("Client-side limit on API requests per second, shared by all concurrent operations. Default 0: no limit."),
            ],
            blocks: Vec::new(),
            description: "The Level27 provider manages the Level27 hosting platform: organisations and teams, app hosting (plans, apps, components, urls and SSL certificates), DNS (domain contacts, domains and records) and compute (virtual machines and baremetal servers).",
            deprecated: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::value::Number;

    /// The provider's description names only objects it manages: each family it names has its
    /// resource.
    #[test]
    fn the_description_names_only_managed_objects() {
        let text = provider_schema().block.description.to_lowercase();
        let words: Vec<&str> = text.split(|c: char| !c.is_alphanumeric()).collect();
        let names = |w: &str| words.iter().any(|t| *t == w || t.strip_suffix('s') == Some(w));
        let managed: Vec<&str> = resources::all().iter().map(|r| r.type_name).collect();
        for (word, resource) in [
            ("organisation", "level27_organisation"),
            ("team", "level27_team"),
            ("app", "level27_app"),
            ("domain", "level27_domain"),
            ("server", "level27_vm"),
            ("certificate", "level27_ssl_certificate"),
            ("dns", "level27_domain_record"),
            ("baremetal", "level27_baremetal"),
            ("plan", "level27_plan"),
            ("url", "level27_app_component_url"),
        ] {
            assert!(
                !names(word) || managed.contains(&resource),
                "the provider description names {word}s but there is no {resource}: {text:?}"
            );
        }
        assert!(names("organisation") && names("team"), "{text:?}");
    }

    fn config(pairs: &[(&str, Value)]) -> Object {
        pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
    }

    /// The errors on `attr`, from validation alone (what ValidateProviderConfig reports).
    fn errors_on(p: &Provider, c: &Object, attr: &str) -> Vec<Diagnostic> {
        p.validate_config(c)
            .0
            .into_iter()
            .filter(|d| d.path == Some(AttrPath::attr(attr)))
            .collect()
    }

    #[test]
    fn too_slow_request_rates_are_rejected_on_the_attribute() {
        let p = Provider::new();
        for bad in [Value::Number(Number::Float(0.0005)), Value::int(-1)] {
            let c = config(&[("requests_per_second", bad.clone())]);
            let e = errors_on(&p, &c, "requests_per_second");
            assert_eq!(e.len(), 1, "{bad:?}: {:?}", p.validate_config(&c));
            assert!(e[0].detail.contains("at least 0.001"), "{}", e[0].detail);
        }
        for ok in [Value::int(0), Value::int(5), Value::Number(Number::Float(0.001))] {
            let c = config(&[("requests_per_second", ok.clone())]);
            assert!(!p.validate_config(&c).has_errors(), "{ok:?}");
        }
    }

    #[test]
    fn zero_or_overlong_request_timeouts_are_rejected_on_the_attribute() {
        let p = Provider::new();
        for (bad, why) in [("0s", "longer than zero"), ("99999999999999999999h", "too long")] {
            let c = config(&[("request_timeout", Value::string(bad))]);
            let e = errors_on(&p, &c, "request_timeout");
            assert_eq!(e.len(), 1, "{bad}: {:?}", p.validate_config(&c));
            assert!(e[0].detail.contains(why), "{bad}: {}", e[0].detail);
        }
        assert!(!p
            .validate_config(&config(&[("request_timeout", Value::string("30s"))]))
            .has_errors());
    }

    #[test]
    fn configure_reports_bad_arguments_on_the_attribute_not_as_a_client_error() {
        let p = Provider::new();
        let c = config(&[
            ("api_url", Value::string("http://127.0.0.1:9")),
            ("api_key", Value::string("k")),
            ("request_timeout", Value::string("0s")),
            ("requests_per_second", Value::Number(Number::Float(0.0001))),
        ]);
        let d = p.configure(&c, "1.12.0");
        assert!(d.has_errors());
        let paths: Vec<_> = d.0.iter().map(|d| d.path.clone()).collect();
        assert!(paths.contains(&Some(AttrPath::attr("request_timeout"))), "{paths:?}");
        assert!(
            paths.contains(&Some(AttrPath::attr("requests_per_second"))),
            "{paths:?}"
        );
        assert!(
            d.0.iter().all(|d| d.summary != "Cannot configure the Level27 client"),
            "{:?}",
            d.0
        );
        assert!(p.client().is_err(), "no client from an invalid configuration");
    }

    /// A configuration with only `api_key` and, when given, `api_url`.
    fn with_url(url: Option<&str>) -> Object {
        let mut pairs = vec![("api_key", Value::string("k"))];
        if let Some(u) = url {
            pairs.push(("api_url", Value::string(u)));
        }
        config(&pairs)
    }

    /// A wrong API URL is refused before any request, naming the setting it came from: the
    /// argument (on it) or LEVEL27_API_URL (which is not in the configuration, so on no argument).
    #[test]
    fn a_wrong_api_url_names_the_setting_it_came_from() {
        let no_env = |_: &str| None;
        for (url, why) in [
            ("http://127.0.0.1:8027/v1?x=1", "query"),
            ("http://127.0.0.1:8027/v1#top", "fragment"),
            ("http://", "not a URL"),
            ("127.0.0.1:8027/v1", "must start with https://"),
        ] {
            let p = Provider::new();
            let d = p.configure_with_env(&with_url(Some(url)), "1.11.4", &no_env);
            assert_eq!(d.0.len(), 1, "{url}: {:?}", d.0);
            assert_eq!(d.0[0].summary, "Invalid api_url", "{url}");
            assert_eq!(d.0[0].path, Some(AttrPath::attr("api_url")), "{url}");
            assert!(
                d.0[0].detail.starts_with("api_url ") && d.0[0].detail.contains(why),
                "{url}: {}",
                d.0[0].detail
            );
            assert!(p.client().is_err(), "{url}: no client");
        }

        let p = Provider::new();
        let env = |name: &str| (name == "LEVEL27_API_URL").then(|| "http://127.0.0.1:8027/v1?x=1".to_string());
        let d = p.configure_with_env(&with_url(None), "1.11.4", &env);
        assert_eq!(d.0.len(), 1, "{:?}", d.0);
        assert_eq!(d.0[0].summary, "Invalid LEVEL27_API_URL");
        assert_eq!(d.0[0].path, None, "not on the api_url argument, which is not set");
        assert!(d.0[0].detail.starts_with("LEVEL27_API_URL "), "{}", d.0[0].detail);

        // The argument wins over the variable, and a password in a URL stays out of the message.
        let d = p.configure_with_env(&with_url(Some("https://me:hunter2@api.example/v1?a")), "1.11.4", &env);
        assert_eq!(d.0[0].summary, "Invalid api_url");
        assert!(!d.0[0].detail.contains("hunter2"), "{}", d.0[0].detail);
    }

    /// What a URL allows is accepted: blanks around it (a value read from a file), a scheme in
    /// capitals, a trailing slash.
    #[test]
    fn an_api_url_spelt_loosely_is_accepted() {
        for url in [
            " http://127.0.0.1:8027/v1\n",
            "HTTP://127.0.0.1:8027/v1",
            "http://127.0.0.1:8027/v1/",
        ] {
            let p = Provider::new();
            let d = p.configure_with_env(&with_url(Some(url)), "1.11.4", &|_| None);
            assert!(!d.has_errors(), "{url:?}: {:?}", d.0);
            assert_eq!(p.client().unwrap().base_url(), "http://127.0.0.1:8027/v1", "{url:?}");
        }
    }
}
