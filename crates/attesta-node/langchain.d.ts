// Types of @kyberon/attesta/langchain (LangChain.js 1.x). Structural on purpose: the
// application's own langchain and @langchain/core are used at runtime.
import type { ApprovalResult, EvaluateOptions, ActionContext, RiskLevelValue } from './index.js';

export interface EvaluatesActions {
  evaluate(ctx: ActionContext, options?: EvaluateOptions): Promise<ApprovalResult>;
}

export interface LangChainOptions {
  agentId?: string;
  sessionId?: string;
  environment?: string;
  metadata?: Record<string, unknown>;
  riskHints?: Record<string, Record<string, unknown>>;
  risk?: RiskLevelValue | Record<string, RiskLevelValue>;
}

/** createAgent middleware (built with createMiddleware({ wrapToolCall })). */
export declare function attestaMiddleware(attesta: EvaluatesActions, options?: LangChainOptions): any;

/** Wraps a StructuredTool or tool(): runs only when approved, with MODIFIED arguments applied. */
export declare function gateTool<T extends { name: string; invoke: (...args: any[]) => any }>(
  tool: T,
  attesta: EvaluatesActions,
  options?: LangChainOptions & { onDenied?: 'throw' | 'result' },
): T;

export declare function gateTools<T extends { name: string; invoke: (...args: any[]) => any }>(
  tools: T[] | Record<string, T>,
  attesta: EvaluatesActions,
  options?: LangChainOptions & { onDenied?: 'throw' | 'result' },
): T[];
