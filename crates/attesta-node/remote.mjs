import cjs from './lib/remote.cjs';

export const { RemoteAttesta, Attesta, actionDigest, AttestaDenied, Verdict, RiskLevel, ChallengeType } = cjs;
export default cjs;
