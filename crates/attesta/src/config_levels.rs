//! Anchored policy levels: managed → user → project, where a lower level may only tighten.
//!
//! - **managed**: `/etc/attesta/attesta.yaml` (or `$ATTESTA_MANAGED_DIR`), set by an
//!   administrator;
//! - **user**: `~/.config/attesta/attesta.yaml` (or `$XDG_CONFIG_HOME/attesta`);
//! - **project**: the project root's `attesta.yaml` — the directory recorded in the hook command
//!   at install, else the git root of the working directory, else the working directory itself
//!   (never a parent the agent reached with `cd`, never a nested directory), or the file named
//!   with `-c`.
//!
//! With no managed or user file the project file is the policy, as before. Otherwise the higher
//! levels set the frame and the project can only add friction: it may raise review times and
//! approver counts, demand stronger challenges, disable or weaken trust, add profiles' risk
//! patterns, critical actions and escalation rules, amplifiers and multipliers, and overrides
//! at `critical`. It can never change the mode, the reviewer, the audit log, the trust store,
//! the server or `fail_mode`/`unattended` towards allowing, and never add safe actions, lower
//! overrides or protection exceptions. What it tried is kept as [`Rejection`]s, which
//! `attesta policy show` prints.

use std::path::{Path, PathBuf};

use attesta_core::config::{Config, FailMode, Unattended};
use attesta_core::protect::Protection;
use attesta_core::{ChallengeType, Mode, RiskLevel};
use serde_json::Value;

use crate::config_file::{ConfigFileError, LoadedConfig};

/// Which level a file belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LevelKind {
    Managed,
    User,
    Project,
}

impl LevelKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LevelKind::Managed => "managed",
            LevelKind::User => "user",
            LevelKind::Project => "project",
        }
    }
}

/// One configuration file that took part.
#[derive(Debug, Clone)]
pub struct Level {
    pub kind: LevelKind,
    pub loaded: LoadedConfig,
}

/// A setting a lower level tried and was not allowed to make.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejection {
    pub level: LevelKind,
    pub file: PathBuf,
    pub key: String,
    pub why: String,
}

/// Where the levels live. [`LevelDirs::from_env`] reads `ATTESTA_MANAGED_DIR`,
/// `XDG_CONFIG_HOME` and `HOME`.
#[derive(Debug, Clone)]
pub struct LevelDirs {
    pub managed: PathBuf,
    pub user: Option<PathBuf>,
}

/// The managed level's default directory.
pub const MANAGED_DIR: &str = "/etc/attesta";

impl LevelDirs {
    pub fn from_env() -> LevelDirs {
        let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
        let managed = var("ATTESTA_MANAGED_DIR").unwrap_or_else(|| PathBuf::from(MANAGED_DIR));
        let user = var("XDG_CONFIG_HOME")
            .filter(|p| p.is_absolute())
            .or_else(|| var("HOME").map(|h| h.join(".config")))
            .map(|c| c.join("attesta"));
        LevelDirs { managed, user }
    }
}

/// The merged policy, what each level contributed, and what was refused.
#[derive(Debug, Clone)]
pub struct EffectivePolicy {
    /// The effective configuration; relative paths resolve against the project root.
    pub loaded: LoadedConfig,
    pub levels: Vec<Level>,
    pub rejected: Vec<Rejection>,
    pub project_root: PathBuf,
}

/// The project root for a working directory: the git root above it, else the directory itself.
pub fn project_root_of(cwd: &Path) -> PathBuf {
    cwd.ancestors().find(|dir| dir.join(".git").exists()).unwrap_or(cwd).to_path_buf()
}

impl EffectivePolicy {
    /// Loads every level. `explicit` (`-c FILE`) replaces the project file.
    pub fn load(dirs: &LevelDirs, project_root: &Path, explicit: Option<&Path>) -> Result<EffectivePolicy, ConfigFileError> {
        let mut levels = Vec::new();
        if let Some(loaded) = LoadedConfig::discover(&dirs.managed)? {
            levels.push(Level { kind: LevelKind::Managed, loaded });
        }
        if let Some(user) = &dirs.user
            && let Some(loaded) = LoadedConfig::discover(user)?
        {
            levels.push(Level { kind: LevelKind::User, loaded });
        }
        let project = match explicit {
            Some(path) => Some(LoadedConfig::load(path)?),
            None => LoadedConfig::discover(project_root)?,
        };
        if let Some(loaded) = project {
            levels.push(Level { kind: LevelKind::Project, loaded });
        }
        Ok(EffectivePolicy::merge(levels, project_root))
    }

    /// Merges loaded levels (highest first).
    pub fn merge(levels: Vec<Level>, project_root: &Path) -> EffectivePolicy {
        let mut rejected = Vec::new();
        let mut effective: Option<Config> = None;
        let mut base_dir = project_root.to_path_buf();
        let mut path = None;
        for level in &levels {
            let mut config = level.loaded.config.clone();
            // Paths a managed or user file sets are relative to that file, not to the project.
            if level.kind != LevelKind::Project {
                absolutize_paths(&mut config, &level.loaded);
            }
            effective = Some(match effective {
                None => {
                    if level.kind == LevelKind::Project {
                        base_dir = level.loaded.base_dir.clone();
                    }
                    config
                }
                Some(higher) => {
                    let mut out = Vec::new();
                    let merged = tighten(higher, config, &mut out);
                    rejected.extend(out.into_iter().map(|(key, why)| Rejection {
                        level: level.kind,
                        file: level.loaded.path.clone().unwrap_or_default(),
                        key,
                        why,
                    }));
                    merged
                }
            });
            path = level.loaded.path.clone();
        }
        let loaded = LoadedConfig { config: effective.unwrap_or_default(), path, base_dir };
        EffectivePolicy { loaded, levels, rejected, project_root: project_root.to_path_buf() }
    }

    /// The self-protection set: the effective audit log and trust store, every level's file,
    /// and the exceptions the managed and user levels grant (`protection.allow`).
    pub fn protection(&self) -> Protection {
        let mut protection = Protection::new().protect(self.loaded.audit_path()).protect(self.loaded.trust_store_path());
        for level in &self.levels {
            if let Some(path) = &level.loaded.path {
                protection = protection.protect(path.clone());
            }
            if level.kind != LevelKind::Project {
                for allowed in &level.loaded.config.protection.allow {
                    protection = protection.allow(level.loaded.resolve(allowed));
                }
            }
        }
        protection
    }

    /// Every leaf of the effective configuration with the level it came from.
    pub fn sources(&self) -> Vec<(String, Value, String)> {
        let effective = serde_json::to_value(&self.loaded.config).unwrap_or(Value::Null);
        let default = serde_json::to_value(Config::default()).unwrap_or(Value::Null);
        let levels: Vec<(String, Value)> = self
            .levels
            .iter()
            .map(|l| {
                let name = match &l.loaded.path {
                    Some(p) => format!("{} {}", l.kind.as_str(), p.display()),
                    None => l.kind.as_str().to_owned(),
                };
                (name, serde_json::to_value(&l.loaded.config).unwrap_or(Value::Null))
            })
            .collect();
        let mut out = Vec::new();
        leaves("", &effective, &mut |key, value| {
            let source = if let Some((name, _)) = levels.iter().find(|(_, v)| {
                let at = pointer(v, key);
                at == Some(value) || array_contains(v, key, value)
            }) {
                if pointer(&default, key) == Some(value) { "default".to_owned() } else { name.clone() }
            } else if pointer(&default, key) == Some(value) {
                "default".to_owned()
            } else {
                "merged".to_owned()
            };
            out.push((key.to_owned(), value.clone(), source));
        });
        out
    }
}

/// Leaves of a JSON value as dotted keys; arrays of objects are listed per element.
fn leaves(prefix: &str, value: &Value, visit: &mut dyn FnMut(&str, &Value)) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                leaves(&key, v, visit);
            }
        }
        Value::Array(items) if items.iter().any(Value::is_object) => {
            for (i, v) in items.iter().enumerate() {
                visit(&format!("{prefix}[{i}]"), v);
            }
        }
        other => visit(prefix, other),
    }
}

fn pointer<'a>(root: &'a Value, key: &str) -> Option<&'a Value> {
    let mut at = root;
    for part in key.split('.') {
        let (name, index) = match part.split_once('[') {
            Some((n, rest)) => (n, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (part, None),
        };
        at = at.get(name)?;
        if let Some(i) = index {
            at = at.get(i)?;
        }
    }
    Some(at)
}

/// Whether the array holding `key`'s element in `root` contains `value` (elements move when
/// arrays of several levels are joined).
fn array_contains(root: &Value, key: &str, value: &Value) -> bool {
    let Some((array_key, _)) = key.rsplit_once('[') else {
        return false;
    };
    pointer(root, array_key).and_then(Value::as_array).is_some_and(|items| items.contains(value))
}

/// A path a managed or user file sets is relative to that file; one it leaves at the default
/// stays relative to the project.
fn absolutize_paths(config: &mut Config, loaded: &LoadedConfig) {
    let defaults = Config::default();
    if config.audit.path != defaults.audit.path {
        config.audit.path = loaded.resolve(&config.audit.path).display().to_string();
    }
    if config.trust.store != defaults.trust.store {
        config.trust.store = loaded.resolve(&config.trust.store).display().to_string();
    }
}

fn challenge_rank(c: ChallengeType) -> u8 {
    match c {
        ChallengeType::AutoApprove => 0,
        ChallengeType::Confirm => 1,
        ChallengeType::Quiz => 2,
        ChallengeType::TeachBack => 3,
        ChallengeType::MultiParty => 4,
    }
}

fn mode_rank(m: Mode) -> u8 {
    match m {
        Mode::Enforce => 2,
        Mode::Shadow => 1,
        Mode::AuditOnly => 0,
    }
}

/// `lower` merged into `higher`, keeping only what tightens. Refusals go to `rejected` as
/// (key, reason).
fn tighten(higher: Config, lower: Config, rejected: &mut Vec<(String, String)>) -> Config {
    let mut out = higher.clone();
    let defaults = Config::default();
    let mut refuse = |key: &str, why: &str| rejected.push((key.to_owned(), why.to_owned()));

    // Policy.
    let (hp, lp) = (&higher.policy, &lower.policy);
    if lp.mode != hp.mode && lp.mode != defaults.policy.mode {
        refuse("policy.mode", &format!("the mode is {} at a higher level; a lower level cannot change it", mode_name(hp.mode)));
    }
    let _ = mode_rank;
    for &level in RiskLevel::ALL {
        let (h, l) = (hp.challenge_map.get(level), lp.challenge_map.get(level));
        if challenge_rank(l) > challenge_rank(h) {
            set_challenge(&mut out.policy.challenge_map, level, l);
        } else if challenge_rank(l) < challenge_rank(h) && l != defaults.policy.challenge_map.get(level) {
            refuse(&format!("policy.challenge_map.{level}"), &format!("{l} is weaker than {h} set above"));
        }
    }
    let rs = &mut out.policy.minimum_review_seconds;
    rs.low = rs.low.max(lp.minimum_review_seconds.low);
    rs.medium = rs.medium.max(lp.minimum_review_seconds.medium);
    rs.high = rs.high.max(lp.minimum_review_seconds.high);
    rs.critical = rs.critical.max(lp.minimum_review_seconds.critical);
    let mp = &mut out.policy.require_multi_party;
    mp.low = mp.low.max(lp.require_multi_party.low);
    mp.medium = mp.medium.max(lp.require_multi_party.medium);
    mp.high = mp.high.max(lp.require_multi_party.high);
    mp.critical = mp.critical.max(lp.require_multi_party.critical);
    out.policy.fail_mode = match (hp.fail_mode, lp.fail_mode) {
        (h, l) if h == l => h,
        (FailMode::Allow, l) => l,
        (h, FailMode::Allow) => {
            refuse("policy.fail_mode", "allow would let timed-out calls run");
            h
        }
        (_, l) => l, // deny ↔ escalate: both stop the call; the lower level's choice stands.
    };
    out.policy.unattended = match (hp.unattended, lp.unattended) {
        (Unattended::Allow, Unattended::Deny) => Unattended::Deny,
        (Unattended::Deny, Unattended::Allow) => {
            refuse("policy.unattended", "allow would approve calls nobody reviewed");
            Unattended::Deny
        }
        (h, _) => h,
    };
    out.policy.timeout_seconds = hp.timeout_seconds.min(lp.timeout_seconds);
    out.policy.quiz.questions = hp.quiz.questions.max(lp.quiz.questions);
    out.policy.quiz.min_correct = match (hp.quiz.min_correct, lp.quiz.min_correct) {
        (None, _) | (_, None) => None,
        (Some(a), Some(b)) => Some(a.max(b)),
    };
    out.policy.teach_back.min_words = hp.teach_back.min_words.max(lp.teach_back.min_words);
    out.policy.teach_back.min_key_terms = hp.teach_back.min_key_terms.max(lp.teach_back.min_key_terms);

    // Reviewer, audit, server: the higher level's.
    if lower.reviewer.is_some() && lower.reviewer != higher.reviewer {
        refuse("reviewer", "the reviewer is chosen at a higher level");
    }
    if lower.audit.path != higher.audit.path && lower.audit.path != Config::default().audit.path {
        refuse("audit.path", "the audit log is chosen at a higher level");
    }
    out.audit.enabled = higher.audit.enabled || lower.audit.enabled;
    out.audit.redaction.enabled = higher.audit.redaction.enabled || lower.audit.redaction.enabled;
    for key in &lower.audit.redaction.keys {
        if !out.audit.redaction.keys.contains(key) {
            out.audit.redaction.keys.push(key.clone());
        }
    }
    for pattern in &lower.audit.redaction.patterns {
        if !out.audit.redaction.patterns.contains(pattern) {
            out.audit.redaction.patterns.push(pattern.clone());
        }
    }
    if lower.server != higher.server && lower.server != Config::default().server {
        refuse("server", "the approval server is chosen at a higher level");
    }

    // Trust can only be weakened.
    let (ht, lt) = (&higher.trust, &lower.trust);
    out.trust.enabled = ht.enabled && lt.enabled;
    out.trust.influence = ht.influence.min(lt.influence);
    out.trust.ceiling = ht.ceiling.min(lt.ceiling);
    out.trust.initial_score = ht.initial_score.min(lt.initial_score);
    out.trust.decay_rate = ht.decay_rate.max(lt.decay_rate);
    if lt.store != ht.store && lt.store != Config::default().trust.store {
        refuse("trust.store", "the trust store is chosen at a higher level");
    }
    if lt.domains != ht.domains && !lt.domains.is_empty() {
        refuse("trust.domains", "trust domains are set at a higher level (changing them would restore trust)");
    }

    // Risk: only what raises.
    for (name, level) in &lower.risk.overrides {
        match (higher.risk.overrides.get(name), level) {
            (Some(h), l) if l > h => {
                out.risk.overrides.insert(name.clone(), *l);
            }
            (Some(_), _) => {}
            (None, RiskLevel::Critical) => {
                out.risk.overrides.insert(name.clone(), RiskLevel::Critical);
            }
            (None, l) => refuse(
                &format!("risk.overrides.{name}"),
                &format!("an override at {l} can lower the scorer's level; only `critical` is accepted here"),
            ),
        }
    }
    for amp in &lower.risk.amplifiers {
        if !out.risk.amplifiers.contains(amp) {
            out.risk.amplifiers.push(amp.clone());
        }
    }
    for (env, m) in &lower.risk.environment_multipliers {
        let entry = out.risk.environment_multipliers.entry(env.clone()).or_insert(*m);
        *entry = entry.max(*m);
    }
    match (&higher.risk.environment, &lower.risk.environment) {
        (_, None) => {}
        (h, Some(l)) if h.as_deref() == Some(l.as_str()) => {}
        (None, Some(l)) if l.eq_ignore_ascii_case("production") || l.eq_ignore_ascii_case("prod") => {
            out.risk.environment = Some(l.clone());
        }
        (_, Some(_)) => refuse("risk.environment", "only `production` may be forced below a higher level"),
    }
    for profile in &lower.risk.profiles {
        let mut profile = profile.clone();
        if !profile.safe_actions.is_empty() {
            refuse(
                &format!("risk.profiles.{}.safe_actions", profile.name),
                "safe actions lower risk; they are accepted at the managed and user levels only",
            );
            profile.safe_actions.clear();
        }
        if let Some(pattern) = profile.risk_patterns.iter().find(|p| p.risk < 0.0) {
            refuse(&format!("risk.profiles.{}.risk_patterns", profile.name), &format!("`{}` lowers risk", pattern.pattern));
        }
        profile.risk_patterns.retain(|p| p.risk >= 0.0);
        if !out.risk.profiles.contains(&profile) {
            out.risk.profiles.push(profile);
        }
    }
    if !lower.protection.allow.is_empty() {
        refuse("protection.allow", "protection exceptions are accepted at the managed and user levels only");
    }
    out
}

fn set_challenge(map: &mut attesta_core::ChallengeMap, level: RiskLevel, challenge: ChallengeType) {
    match level {
        RiskLevel::Low => map.low = challenge,
        RiskLevel::Medium => map.medium = challenge,
        RiskLevel::High => map.high = challenge,
        RiskLevel::Critical => map.critical = challenge,
    }
}

fn mode_name(mode: Mode) -> &'static str {
    match mode {
        Mode::Enforce => "enforce",
        Mode::Shadow => "shadow",
        Mode::AuditOnly => "audit_only",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use attesta_core::config_parse::{ConfigFormat, parse_config};

    fn level(kind: LevelKind, yaml: &str) -> Level {
        let config = parse_config(yaml, ConfigFormat::Yaml, "t.yaml", &|_| None).expect("valid");
        Level { kind, loaded: LoadedConfig { config, path: Some(PathBuf::from(format!("/{}/attesta.yaml", kind.as_str()))), base_dir: PathBuf::from("/p") } }
    }

    #[test]
    fn a_lower_level_only_tightens() {
        let user = level(LevelKind::User, "policy:\n  mode: enforce\n  challenge_map: {medium: confirm}\n");
        let project = level(
            LevelKind::Project,
            "policy:\n  mode: audit_only\n  challenge_map: {medium: quiz, critical: confirm}\n  unattended: allow\nreviewer: allow\nrisk:\n  overrides: {Bash: low, deploy: critical}\n  profiles:\n    - name: p\n      safe_actions: ['.*']\n      critical_actions: ['^drop']\nprotection:\n  allow: [attesta.yaml]\ntrust:\n  influence: 0.9\n",
        );
        let merged = EffectivePolicy::merge(vec![user, project], Path::new("/p"));
        let c = &merged.loaded.config;
        assert_eq!(c.policy.mode, Mode::Enforce);
        assert_eq!(c.policy.challenge_map.medium, ChallengeType::Quiz);
        assert_eq!(c.policy.challenge_map.critical, ChallengeType::MultiParty);
        assert_eq!(c.policy.unattended, Unattended::Deny);
        assert_eq!(c.reviewer, None);
        assert_eq!(c.risk.overrides.get("Bash"), None);
        assert_eq!(c.risk.overrides.get("deploy"), Some(&RiskLevel::Critical));
        assert!(c.risk.profiles[0].safe_actions.is_empty());
        assert_eq!(c.risk.profiles[0].critical_actions, vec!["^drop".to_owned()]);
        assert!((c.trust.influence - 0.3).abs() < 1e-9);
        let keys: Vec<&str> = merged.rejected.iter().map(|r| r.key.as_str()).collect();
        for key in ["policy.mode", "policy.challenge_map.critical", "policy.unattended", "reviewer", "risk.overrides.Bash", "risk.profiles.p.safe_actions", "protection.allow"] {
            assert!(keys.contains(&key), "{key} not rejected: {keys:?}");
        }
        // A project alone is the policy.
        let alone = EffectivePolicy::merge(vec![level(LevelKind::Project, "policy:\n  mode: shadow\n")], Path::new("/p"));
        assert_eq!(alone.loaded.config.policy.mode, Mode::Shadow);
    }
}
