// Types of @kyberon/attesta/remote: a fetch-only client of `attesta serve`.
import type {
  ActionContext, ApprovalResult, EvaluateOptions, Gated, RiskLevelValue,
} from './index.js';

export { AttestaDenied, Verdict, RiskLevel, ChallengeType } from './index.js';
export type { ActionContext, ApprovalResult } from './index.js';

export interface RemoteOptions {
  /** The approval server, e.g. `https://approvals.example.com`. */
  url: string;
  /** An agent token (`attesta serve add-agent NAME`). */
  token: string;
  /** Overall deadline of one evaluation (default 300 000 ms); past it the result is TIMED_OUT. */
  timeoutMs?: number;
  /** Deadline of one HTTP request besides long-poll waits (default 30 000 ms). */
  requestTimeoutMs?: number;
  /** A fetch implementation (default: globalThis.fetch). */
  fetch?: typeof fetch;
}

export interface RemoteGateOptions {
  risk?: RiskLevelValue;
  riskHints?: Record<string, unknown>;
  agentId?: string;
  sessionId?: string;
  environment?: string;
  minReviewSeconds?: number;
  functionName?: string;
  functionDoc?: string;
  metadata?: Record<string, unknown>;
}

export declare class RemoteAttesta {
  constructor(options: RemoteOptions);
  readonly url: string;
  /** Never rejects for a denial, an outage or a timeout: they are DENIED / TIMED_OUT results. */
  evaluate(ctx: ActionContext, options?: EvaluateOptions): Promise<ApprovalResult & { requestId: string | null }>;
  gate<F extends (...args: any[]) => any>(fn: F, options?: RemoteGateOptions): Gated<F>;
}
export { RemoteAttesta as Attesta };

/** Lowercase hex SHA-256 of the RFC 8785 canonical `{function_name, args, kwargs}`. */
export declare function actionDigest(wire: { function_name: string; args: unknown[]; kwargs: Record<string, unknown> }): Promise<string>;
