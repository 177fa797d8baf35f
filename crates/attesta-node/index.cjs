'use strict';
// @kyberon/attesta: human-in-the-loop approval for AI agent tool calls, on the Rust core.
const common = require('./lib/common.cjs');
const scorers = require('./lib/scorers.cjs');
const core = require('./lib/attesta.cjs');

/** RiskLevel with `fromScore` answered by the Rust core (same rule and message). */
const RiskLevel = Object.freeze({
  ...Object.fromEntries(Object.entries(common.RiskLevel).filter(([k]) => k !== 'fromScore')),
  fromScore(score) {
    if (typeof score !== 'number') {
      throw new TypeError(`Risk score must be a number, got ${typeof score}`);
    }
    try {
      return core.native.levelFromScore(score);
    } catch (error) {
      throw new RangeError(error.message);
    }
  },
});

module.exports = {
  Attesta: core.Attesta,
  Session: core.Session,
  gate: core.gate,
  defaultAttesta: core.defaultAttesta,
  verifyAudit: core.verifyAudit,
  AttestaDenied: common.AttestaDenied,
  RiskLevel,
  Verdict: common.Verdict,
  ChallengeType: common.ChallengeType,
  DefaultRiskScorer: scorers.DefaultRiskScorer,
  FixedRiskScorer: scorers.FixedRiskScorer,
  CompositeRiskScorer: scorers.CompositeRiskScorer,
  MaxRiskScorer: scorers.MaxRiskScorer,
  version: core.native.nativeVersion(),
};
