// Types of @kyberon/attesta/ai (Vercel AI SDK v5, v6, v7). Structural, so one file fits all three.
import type { ApprovalResult, EvaluateOptions, ActionContext, RiskLevelValue } from './index.js';

export interface EvaluatesActions {
  evaluate(ctx: ActionContext, options?: EvaluateOptions): Promise<ApprovalResult>;
}

export interface AiOptions {
  agentId?: string;
  sessionId?: string;
  environment?: string;
  metadata?: Record<string, unknown>;
  /** Hints per tool name. */
  riskHints?: Record<string, Record<string, unknown>>;
  /** A risk override for every tool, or per tool name. */
  risk?: RiskLevelValue | Record<string, RiskLevelValue>;
}

export type ToolApprovalStatus =
  | { type: 'approved'; reason?: string }
  | { type: 'denied'; reason?: string }
  | { type: 'user-approval'; reason?: string };

/** v7 `toolApproval`. Never throws; MODIFIED is denied (v7 cannot replace a tool's input). */
export declare function attestaToolApproval(
  attesta: EvaluatesActions,
  options?: AiOptions & { escalateToUser?: boolean },
): (options: { toolCall: { toolName: string; toolCallId?: string; input: unknown }; tools?: Record<string, unknown> }) => Promise<ToolApprovalStatus>;

/** Wraps each tool's `execute`; works on v5, v6 and v7 and honours MODIFIED. */
export declare function gateTools<TOOLS extends Record<string, any>>(
  tools: TOOLS,
  attesta: EvaluatesActions,
  options?: AiOptions & { onDenied?: 'throw' | 'result' },
): TOOLS;
