// Types of @kyberon/attesta (the native package). Hand-written: they describe the JavaScript
// API, not the addon's internal one.

export type RiskLevelValue = 'low' | 'medium' | 'high' | 'critical';
export type VerdictValue = 'approved' | 'denied' | 'modified' | 'timed_out' | 'escalated';
export type ChallengeTypeValue = 'auto_approve' | 'confirm' | 'quiz' | 'teach_back' | 'multi_party';

export declare const RiskLevel: {
  readonly LOW: 'low';
  readonly MEDIUM: 'medium';
  readonly HIGH: 'high';
  readonly CRITICAL: 'critical';
  /** [0,0.3) low, [0.3,0.6) medium, [0.6,0.8) high, [0.8,1] critical; RangeError outside [0, 1]. */
  fromScore(score: number): RiskLevelValue;
};
export type RiskLevel = RiskLevelValue;

export declare const Verdict: {
  readonly APPROVED: 'approved';
  readonly DENIED: 'denied';
  readonly MODIFIED: 'modified';
  readonly TIMED_OUT: 'timed_out';
  readonly ESCALATED: 'escalated';
};
export type Verdict = VerdictValue;

export declare const ChallengeType: {
  readonly AUTO_APPROVE: 'auto_approve';
  readonly CONFIRM: 'confirm';
  readonly QUIZ: 'quiz';
  readonly TEACH_BACK: 'teach_back';
  readonly MULTI_PARTY: 'multi_party';
};
export type ChallengeType = ChallengeTypeValue;

/** One tool call, as the agent made it. Only `functionName` is required. */
export interface ActionContext {
  functionName: string;
  args?: unknown[];
  kwargs?: Record<string, unknown>;
  functionDoc?: string;
  hints?: Record<string, unknown>;
  agentId?: string;
  sessionId?: string;
  environment?: string;
  metadata?: Record<string, unknown>;
}

export interface RiskFactor {
  name: string;
  score: number;
  weight: number;
  contribution: number;
  evidence: string;
}

export interface RiskAssessment {
  score: number;
  level: RiskLevelValue;
  factors: RiskFactor[];
  scorer: string;
  overridden: boolean;
  [key: string]: unknown;
}

export interface ApprovalResult {
  verdict: VerdictValue;
  /** True when the action may run (APPROVED or MODIFIED). */
  allowed: boolean;
  riskScore: number;
  riskLevel: RiskLevelValue;
  riskFactors: RiskFactor[];
  scorer: string;
  /** The challenge posed, or null when none was (audit-only mode, blocked, scoring failed). */
  challengeType: ChallengeTypeValue | null;
  challengePassed: boolean;
  /** The challenge result (questions asked/correct, responders, details), or null. */
  challenge: Record<string, unknown> | null;
  reason: string;
  approvers: string[];
  approverAuthenticated: boolean;
  /** Empty when auditing is disabled. */
  auditEntryId: string;
  /** For MODIFIED: the replacement `{ args, kwargs }`; null otherwise. */
  modification: { args?: unknown[]; kwargs?: Record<string, unknown> } | null;
  reviewSeconds: number;
  mode: 'enforce' | 'shadow' | 'audit_only';
  enforcedVerdict: VerdictValue;
  trustBefore: number | null;
  interceptedAt: string;
  decidedAt: string;
  /** The message AttestaDenied carries for this result (empty when allowed). */
  denialMessage: string;
}

export declare class AttestaDenied extends Error {
  constructor(message: string, result: ApprovalResult);
  readonly name: 'AttestaDenied';
  readonly result: ApprovalResult;
  readonly verdict: VerdictValue;
}

/** A risk scorer: a number in [0, 1] (or `{ score, factors }`), sync or async. */
export interface RiskScorer {
  readonly name: string;
  score(ctx: ActionContext): number | ScoreWithFactors | Promise<number | ScoreWithFactors>;
}
export interface ScoreWithFactors {
  score: number;
  factors?: Array<{ name?: string; score?: number; weight?: number; evidence?: string }>;
}

export declare class DefaultRiskScorer implements RiskScorer {
  readonly name: 'default';
  score(ctx: ActionContext): number;
}
export declare class FixedRiskScorer implements RiskScorer {
  constructor(score: number);
  readonly name: string;
  readonly fixedScore: number;
  score(): number;
}
/** Weighted average of its parts. */
export declare class CompositeRiskScorer {
  constructor(parts: Array<[RiskScorerLike, number] | { scorer: RiskScorerLike; weight: number }>);
  readonly name: string;
}
/** The most conservative (highest) of its parts. */
export declare class MaxRiskScorer {
  constructor(scorers: RiskScorerLike[]);
  readonly name: string;
}
export type RiskScorerLike = RiskScorer | CompositeRiskScorer | MaxRiskScorer;

/** What a JavaScript reviewer is given. `challenge` is the public challenge (no answer key). */
export interface Review {
  action: ActionContext;
  risk: RiskAssessment;
  challengeType: ChallengeTypeValue;
  minReviewSeconds: number;
  approversRequired: number;
  timeoutSeconds: number;
  challenge?: Record<string, unknown>;
  /** The challenge as the terminal shows it. */
  text?: string;
  /** The approver slot of a multi-party review, else null. */
  approver?: { index: number; required: number } | null;
}

export type Answers = string | string[] | { answers: string | string[]; approver?: string } | null;

/**
 * Answers Attesta's own challenge (checked in Rust exactly as on the terminal). `identify`
 * names each approver of a multi-party review; without it multi-party reviews are denied.
 */
export interface AnsweringReviewer {
  (review: Review): Answers | Promise<Answers>;
  identify?(slot: { index: number; required: number }, review: Review): string | null | Promise<string | null>;
}

export interface Decision {
  verdict: VerdictValue | boolean;
  modification?: { args?: unknown[]; kwargs?: Record<string, unknown> };
  approvers?: string[];
  approver?: string;
  reason?: string;
}

/** Your own channel decides; approvals sooner than the minimum review time are denied. */
export interface DecidingReviewer {
  name?: string;
  decide(review: Review): VerdictValue | boolean | Decision | Promise<VerdictValue | boolean | Decision>;
}

export type Reviewer = AnsweringReviewer | DecidingReviewer;

export interface AttestaOptions {
  /** Path of attesta.yaml / .yml / .json / .toml, or an object in the file's shape. */
  config?: string | Record<string, unknown>;
  riskScorer?: RiskScorerLike;
  /** Without one: the approval server from config, else the terminal (/dev/tty), else deny. */
  reviewer?: Reviewer;
  auditPath?: string;
  audit?: boolean;
  trustStorePath?: string;
  trust?: boolean;
  environment?: string;
  challengeMap?: Partial<Record<RiskLevelValue, ChallengeTypeValue>>;
  /** Deadline of one JavaScript scorer call (default 30 000 ms); a late scorer denies. */
  scorerTimeoutMs?: number;
}

export interface EvaluateOptions {
  /** Code-level risk override: bypasses the scorer. */
  risk?: RiskLevelValue;
  minReviewSeconds?: number;
  /** Fixed challenge seed (tests). */
  seed?: number;
}

export interface GateOptions {
  risk?: RiskLevelValue;
  riskScorer?: RiskScorerLike;
  riskHints?: Record<string, unknown>;
  agentId?: string;
  sessionId?: string;
  environment?: string;
  minReviewSeconds?: number;
  reviewer?: Reviewer;
  challengeMap?: Partial<Record<RiskLevelValue, ChallengeTypeValue>>;
  functionName?: string;
  functionDoc?: string;
  metadata?: Record<string, unknown>;
}

export type Gated<F extends (...args: any[]) => any> = (...args: Parameters<F>) => Promise<Awaited<ReturnType<F>>>;

export declare class Attesta {
  /** Synchronous: the pipeline is ready when the constructor returns. */
  constructor(options?: AttestaOptions);
  static fromConfig(path: string, options?: Omit<AttestaOptions, 'config'>): Attesta;
  readonly environment: string;
  readonly reviewerName: string;
  readonly auditPath: string | null;
  readonly configPath: string | null;
  /** Never rejects for a denial: check `result.verdict`. */
  evaluate(ctx: ActionContext, options?: EvaluateOptions): Promise<ApprovalResult>;
  /** Scores without asking anyone or writing anything (not with JavaScript scorers). */
  assess(ctx: ActionContext, options?: { risk?: RiskLevelValue }): RiskAssessment;
  derive(options: Pick<AttestaOptions, 'riskScorer' | 'reviewer' | 'challengeMap'>): Attesta;
  gate<F extends (...args: any[]) => any>(fn: F, options?: GateOptions): Gated<F>;
  /** A Session of this pipeline (same configuration and files), judging calls in context. */
  session(sessionId?: string | null, options?: { userRequest?: string }): Session;
}

/**
 * One agent session: an Attesta that judges each call in the context of the user's request and
 * the tool results so far. Use it wherever an Attesta goes; the AI SDK and LangChain
 * integrations feed tool results to it.
 */
export declare class Session extends Attesta {
  constructor(attesta?: Attesta | null, sessionId?: string | null, options?: { userRequest?: string });
  readonly sessionId: string | null;
  /** What the user asked for; several requests accumulate. */
  userRequest(text: string): void;
  /** A tool's result: a string, bytes, or anything JSON-serialisable. */
  observeResult(result: unknown, options?: { tool?: string }): void;
  readonly hasRequest: boolean;
  /** Set once a tool result carried instructions aimed at the agent. */
  readonly taint: { source: string; evidence: string } | null;
  readonly calls: Array<{ number: number; functionName: string; level: RiskLevelValue }>;
  /** Throws: a session cannot start another one. */
  session(): never;
}

/** gate() with the default instance ($ATTESTA_CONFIG, else ./attesta.yaml, else defaults). */
export declare function gate<F extends (...args: any[]) => any>(fn: F, options?: GateOptions): Gated<F>;
export declare function defaultAttesta(): Attesta;

export interface AuditReport {
  intact: boolean;
  entries: number;
  brokenAt: number[];
  breaks: Array<{ entry: number; file: string; line: number; kind: string; detail: string }>;
  files: string[];
  lastSeq: number | null;
  lastHash: string | null;
  checkpointsVerified: number;
}
/** Verifies an audit log's hash chain as `attesta audit verify` does. */
export declare function verifyAudit(path: string): AuditReport;

export declare const version: string;
