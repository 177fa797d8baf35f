// ESM entry point: the same module instance as the CommonJS one (one AttestaDenied class).
import cjs from './index.cjs';

export const {
  Attesta,
  Session,
  gate,
  defaultAttesta,
  verifyAudit,
  AttestaDenied,
  RiskLevel,
  Verdict,
  ChallengeType,
  DefaultRiskScorer,
  FixedRiskScorer,
  CompositeRiskScorer,
  MaxRiskScorer,
  version,
} = cjs;
export default cjs;
