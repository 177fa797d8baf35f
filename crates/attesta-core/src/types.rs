//! The three enumerations every part of Attesta speaks: [`RiskLevel`], [`Verdict`] and
//! [`ChallengeType`], plus the level → challenge map.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A score handed to [`RiskLevel::from_score`] outside `[0, 1]` (or NaN).
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
#[error("Risk score must be in [0, 1], got {0}")]
pub struct ScoreOutOfRange(pub f64);

/// A string that names no member of an Attesta enum.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{value}' is not a valid {type_name}")]
pub struct ParseEnumError {
    pub value: String,
    pub type_name: &'static str,
}

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            /// Every member, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The lowercase wire value (`"high"`, `"timed_out"`, …).
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = ParseEnumError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(ParseEnumError { value: s.to_owned(), type_name: stringify!($name) }),
                }
            }
        }
    };
}

string_enum! {
    /// Discrete risk classification derived from a continuous 0–1 score. Ordered: `Low < Critical`.
    RiskLevel {
        Low => "low",
        Medium => "medium",
        High => "high",
        Critical => "critical",
    }
}

string_enum! {
    /// The outcome of a review. Only [`Verdict::Approved`] and [`Verdict::Modified`] run the call.
    Verdict {
        Approved => "approved",
        Denied => "denied",
        Modified => "modified",
        TimedOut => "timed_out",
        Escalated => "escalated",
    }
}

string_enum! {
    /// The kind of verification a human must pass.
    ChallengeType {
        AutoApprove => "auto_approve",
        Confirm => "confirm",
        Quiz => "quiz",
        TeachBack => "teach_back",
        MultiParty => "multi_party",
    }
}

impl RiskLevel {
    /// Maps a score to a level: `[0,0.3)` low, `[0.3,0.6)` medium, `[0.6,0.8)` high, `[0.8,1]`
    /// critical. Anything else (including NaN) is an error naming the value.
    pub fn from_score(score: f64) -> Result<Self, ScoreOutOfRange> {
        if !(0.0..=1.0).contains(&score) {
            return Err(ScoreOutOfRange(score));
        }
        Ok(if score < 0.3 {
            RiskLevel::Low
        } else if score < 0.6 {
            RiskLevel::Medium
        } else if score < 0.8 {
            RiskLevel::High
        } else {
            RiskLevel::Critical
        })
    }

    /// The challenge the built-in map assigns to this level.
    pub const fn default_challenge(self) -> ChallengeType {
        match self {
            RiskLevel::Low => ChallengeType::AutoApprove,
            RiskLevel::Medium => ChallengeType::Confirm,
            RiskLevel::High => ChallengeType::Quiz,
            RiskLevel::Critical => ChallengeType::MultiParty,
        }
    }

    /// The lowest score of this level's band; used when an override names a level.
    pub const fn floor_score(self) -> f64 {
        match self {
            RiskLevel::Low => 0.0,
            RiskLevel::Medium => 0.3,
            RiskLevel::High => 0.6,
            RiskLevel::Critical => 0.8,
        }
    }

    /// A representative score for an override that names this level (the band's middle;
    /// 0.95 for critical so it stays far from the boundary).
    pub const fn representative_score(self) -> f64 {
        match self {
            RiskLevel::Low => 0.15,
            RiskLevel::Medium => 0.45,
            RiskLevel::High => 0.7,
            RiskLevel::Critical => 0.95,
        }
    }

    /// The display colour name from the enums table.
    pub const fn color(self) -> &'static str {
        match self {
            RiskLevel::Low => "green",
            RiskLevel::Medium => "yellow",
            RiskLevel::High => "red",
            RiskLevel::Critical => "bright red",
        }
    }
}

impl Verdict {
    /// Whether the gated function executes under this verdict.
    pub const fn runs(self) -> bool {
        matches!(self, Verdict::Approved | Verdict::Modified)
    }

    /// The Dify/web `denied` flag: true for denied, timed out and escalated.
    pub const fn is_denial(self) -> bool {
        !self.runs()
    }
}

impl ChallengeType {
    /// Relative rigour, used so a partial map never falls back to a weaker challenge.
    pub const fn rigour(self) -> u8 {
        match self {
            ChallengeType::AutoApprove => 0,
            ChallengeType::Confirm => 1,
            ChallengeType::Quiz => 2,
            ChallengeType::TeachBack => 3,
            ChallengeType::MultiParty => 4,
        }
    }
}

/// Which challenge each risk level gets. Missing levels in a partial map come from the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChallengeMap {
    #[serde(default = "ChallengeMap::d_low")]
    pub low: ChallengeType,
    #[serde(default = "ChallengeMap::d_medium")]
    pub medium: ChallengeType,
    #[serde(default = "ChallengeMap::d_high")]
    pub high: ChallengeType,
    #[serde(default = "ChallengeMap::d_critical")]
    pub critical: ChallengeType,
}

impl ChallengeMap {
    fn d_low() -> ChallengeType {
        RiskLevel::Low.default_challenge()
    }
    fn d_medium() -> ChallengeType {
        RiskLevel::Medium.default_challenge()
    }
    fn d_high() -> ChallengeType {
        RiskLevel::High.default_challenge()
    }
    fn d_critical() -> ChallengeType {
        RiskLevel::Critical.default_challenge()
    }

    pub const fn get(&self, level: RiskLevel) -> ChallengeType {
        match level {
            RiskLevel::Low => self.low,
            RiskLevel::Medium => self.medium,
            RiskLevel::High => self.high,
            RiskLevel::Critical => self.critical,
        }
    }

    pub fn set(&mut self, level: RiskLevel, challenge: ChallengeType) {
        match level {
            RiskLevel::Low => self.low = challenge,
            RiskLevel::Medium => self.medium = challenge,
            RiskLevel::High => self.high = challenge,
            RiskLevel::Critical => self.critical = challenge,
        }
    }
}

impl Default for ChallengeMap {
    fn default() -> Self {
        ChallengeMap {
            low: ChallengeType::AutoApprove,
            medium: ChallengeType::Confirm,
            high: ChallengeType::Quiz,
            critical: ChallengeType::MultiParty,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_score_matches_the_enums_table() {
        let cases = [
            (0.15, RiskLevel::Low),
            (0.45, RiskLevel::Medium),
            (0.72, RiskLevel::High),
            (0.91, RiskLevel::Critical),
            (0.0, RiskLevel::Low),
            (0.3, RiskLevel::Medium),
            (0.6, RiskLevel::High),
            (0.8, RiskLevel::Critical),
            (1.0, RiskLevel::Critical),
            (0.299_999_999, RiskLevel::Low),
            (0.599_999_999, RiskLevel::Medium),
            (0.799_999_999, RiskLevel::High),
        ];
        for (score, level) in cases {
            assert_eq!(RiskLevel::from_score(score), Ok(level), "score {score}");
        }
    }

    #[test]
    fn from_score_rejects_out_of_range_with_the_seed_message() {
        assert_eq!(
            RiskLevel::from_score(1.5).unwrap_err().to_string(),
            "Risk score must be in [0, 1], got 1.5"
        );
        assert_eq!(
            RiskLevel::from_score(-0.1).unwrap_err().to_string(),
            "Risk score must be in [0, 1], got -0.1"
        );
        assert!(RiskLevel::from_score(f64::NAN).is_err());
        assert!(RiskLevel::from_score(f64::INFINITY).is_err());
    }

    #[test]
    fn string_forms_round_trip_and_unknowns_fail() {
        assert_eq!("high".parse::<RiskLevel>(), Ok(RiskLevel::High));
        assert_eq!(RiskLevel::High.as_str(), "high");
        assert_eq!("approved".parse::<Verdict>(), Ok(Verdict::Approved));
        assert_eq!(Verdict::TimedOut.as_str(), "timed_out");
        assert_eq!("quiz".parse::<ChallengeType>(), Ok(ChallengeType::Quiz));
        assert_eq!(ChallengeType::TeachBack.to_string(), "teach_back");
        assert_eq!(
            "unknown".parse::<RiskLevel>().unwrap_err().to_string(),
            "'unknown' is not a valid RiskLevel"
        );
        assert!("HIGH".parse::<RiskLevel>().is_err(), "values are lowercase");
        for v in Verdict::ALL {
            assert_eq!(serde_json::to_string(v).unwrap(), format!("\"{v}\""));
        }
    }

    #[test]
    fn only_approved_and_modified_run() {
        let running: Vec<_> = Verdict::ALL.iter().filter(|v| v.runs()).collect();
        assert_eq!(running, [&Verdict::Approved, &Verdict::Modified]);
    }

    #[test]
    fn default_map_and_partial_maps_fill_from_default() {
        let map = ChallengeMap::default();
        for level in RiskLevel::ALL {
            assert_eq!(map.get(*level), level.default_challenge());
        }
        let partial: ChallengeMap = serde_json::from_str(r#"{"high":"teach_back"}"#).unwrap();
        assert_eq!(partial.high, ChallengeType::TeachBack);
        assert_eq!(partial.critical, ChallengeType::MultiParty);
        assert_eq!(partial.medium, ChallengeType::Confirm);
        assert!(serde_json::from_str::<ChallengeMap>(r#"{"hgh":"quiz"}"#).is_err());
    }
}
