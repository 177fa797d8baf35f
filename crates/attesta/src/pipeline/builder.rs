//! Building an [`Attesta`]: configuration, scorer, reviewer, audit log, trust store and
//! subscribers.

use super::*;

type EnvLookup = Box<dyn Fn(&str) -> Option<String>>;
type Subscriber = Arc<dyn Fn(&Event) + Send + Sync>;

/// Builds an [`Attesta`]. Start from [`Attesta::builder`] or [`AttestaBuilder::from_loaded`].
pub struct AttestaBuilder {
    loaded: LoadedConfig,
    scorer: Option<Arc<dyn RiskScorer>>,
    reviewer: Option<Arc<dyn Reviewer>>,
    audit_path: Option<PathBuf>,
    audit_enabled: Option<bool>,
    trust_path: Option<PathBuf>,
    trust_enabled: Option<bool>,
    environment: Option<String>,
    env_lookup: Option<EnvLookup>,
    subscribers: Vec<Subscriber>,
    protection: Option<attesta_core::protect::Protection>,
}

impl AttestaBuilder {
    /// Starts from a loaded configuration (paths in it resolve against its directory).
    pub fn from_loaded(loaded: LoadedConfig) -> Self {
        AttestaBuilder {
            loaded,
            scorer: None,
            reviewer: None,
            audit_path: None,
            audit_enabled: None,
            trust_path: None,
            trust_enabled: None,
            environment: None,
            env_lookup: None,
            subscribers: Vec::new(),
            protection: None,
        }
    }

    /// The self-protection set (default: the name-based set plus this configuration's audit log,
    /// trust store and file). See [`attesta_core::protect`].
    pub fn protection(mut self, protection: attesta_core::protect::Protection) -> Self {
        self.protection = Some(protection);
        self
    }

    /// Replaces the whole configuration model (paths still resolve against the base directory).
    pub fn config(mut self, config: Config) -> Self {
        self.loaded.config = config;
        self
    }

    pub fn config_mut(&mut self) -> &mut Config {
        &mut self.loaded.config
    }

    /// Uses this scorer instead of the default one (overrides and profiles still apply).
    pub fn scorer(mut self, scorer: Arc<dyn RiskScorer>) -> Self {
        self.scorer = Some(scorer);
        self
    }

    /// Uses this reviewer instead of the configured/automatic choice.
    pub fn reviewer(mut self, reviewer: Arc<dyn Reviewer>) -> Self {
        self.reviewer = Some(reviewer);
        self
    }

    /// Writes the audit log here (instead of `audit.path`).
    pub fn audit_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.audit_path = Some(path.into());
        self.audit_enabled = Some(true);
        self
    }

    /// Turns auditing off (benchmarks, tests). Production configurations keep it on.
    pub fn without_audit(mut self) -> Self {
        self.audit_enabled = Some(false);
        self
    }

    pub fn trust_store_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.trust_path = Some(path.into());
        self.trust_enabled = Some(true);
        self
    }

    pub fn without_trust(mut self) -> Self {
        self.trust_enabled = Some(false);
        self
    }

    /// Forces the environment (`production`, `staging`, `ci`, `development`).
    pub fn environment(mut self, environment: impl Into<String>) -> Self {
        self.environment = Some(environment.into());
        self
    }

    /// Where environment variables are read from for environment detection (tests).
    pub fn env_lookup(mut self, lookup: impl Fn(&str) -> Option<String> + 'static) -> Self {
        self.env_lookup = Some(Box::new(lookup));
        self
    }

    pub fn subscribe(mut self, subscriber: impl Fn(&Event) + Send + Sync + 'static) -> Self {
        self.subscribers.push(Arc::new(subscriber));
        self
    }

    pub fn build(self) -> Result<Attesta, BuildError> {
        let AttestaBuilder { loaded, scorer, reviewer, audit_path, audit_enabled, trust_path, trust_enabled, environment, env_lookup, subscribers, protection } = self;
        let config = loaded.config.clone();

        let scorer: Arc<dyn RiskScorer> = scorer.unwrap_or_else(|| Arc::new(DefaultRiskScorer::new()));
        let protection = protection.unwrap_or_else(|| {
            let mut p = attesta_core::protect::Protection::new()
                .protect(audit_path.clone().unwrap_or_else(|| loaded.audit_path()))
                .protect(trust_path.clone().unwrap_or_else(|| loaded.trust_store_path()));
            if let Some(file) = &loaded.path {
                p = p.protect(std::path::absolute(file).unwrap_or_else(|_| file.clone()));
            }
            p
        });
        let engine = RiskEngine::new(scorer, &config.risk)?.with_protection(protection);

        let environment = match environment.or_else(|| config.risk.environment.clone()) {
            Some(name) => normalize_environment(&name),
            None => match &env_lookup {
                Some(lookup) => detect_environment(lookup.as_ref()),
                None => detect_environment(&|name| std::env::var(name).ok()),
            },
        };

        let reviewer = match reviewer {
            Some(reviewer) => reviewer,
            None => select_reviewer(&config)?,
        };

        let audit = if audit_enabled.unwrap_or(config.audit.enabled) {
            let path = audit_path.unwrap_or_else(|| loaded.audit_path());
            Some(AuditLog::open(path.clone(), &config.audit).map_err(|source| BuildError::Audit { path, source })?)
        } else {
            None
        };
        let redactor = Redactor::new(&config.audit.redaction).map_err(BuildError::Redaction)?;

        let trust_params = TrustParams::from(&config.trust);
        let trust = if trust_enabled.unwrap_or(config.trust.enabled) {
            let path = trust_path.unwrap_or_else(|| loaded.trust_store_path());
            Some(TrustStore::open(path.clone(), trust_params).map_err(|source| BuildError::Trust { path, source })?)
        } else {
            None
        };

        let events = EventBus::default();
        for subscriber in subscribers {
            events.subscribe(subscriber);
        }

        Ok(Attesta {
            inner: Arc::new(Inner { config, engine, reviewer, audit, redactor, trust, trust_params, environment, events }),
        })
    }
}

/// Config `reviewer:` first, then a configured approval server, then a terminal, else a non-interactive reviewer that denies (or
/// approves, audited as unattended, only with `policy.unattended: allow`).
fn select_reviewer(config: &Config) -> Result<Arc<dyn Reviewer>, BuildError> {
    let unattended = config.policy.unattended;
    Ok(match config.reviewer {
        Some(ReviewerKind::Terminal) => Arc::new(TerminalReviewer::new()),
        Some(ReviewerKind::Deny) => Arc::new(NonInteractiveReviewer::deny()),
        Some(ReviewerKind::Allow) => {
            if unattended != Unattended::Allow {
                return Err(BuildError::AllowWithoutUnattended);
            }
            Arc::new(NonInteractiveReviewer::allow())
        }
        Some(ReviewerKind::Server) => {
            match ServerReviewer::from_config(&config.server) {
                Some(server) => Arc::new(server),
                None => return Err(BuildError::ServerWithoutUrl),
            }
        }
        // SPEC §5: a configured approval server comes before the terminal.
        None if config.server.url.is_some() => match ServerReviewer::from_config(&config.server) {
            Some(server) => Arc::new(server),
            None => return Err(BuildError::ServerWithoutUrl),
        },
        None if TerminalReviewer::new().is_available() => Arc::new(TerminalReviewer::new()),
        None if unattended == Unattended::Allow => Arc::new(NonInteractiveReviewer::allow()),
        None => Arc::new(NonInteractiveReviewer::deny()),
    })
}
