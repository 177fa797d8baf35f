// What the AttestaGate node does, without n8n: build the ActionContext, compute its digest,
// talk to the approval server through an injected transport, and shape the output item.
// Every failure becomes a denial (fail closed).

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export interface ActionContext {
	function_name: string;
	args: unknown[];
	kwargs: Record<string, unknown>;
	function_doc?: string;
	hints?: Record<string, unknown>;
	agent_id?: string;
	session_id?: string;
	environment?: string;
	metadata: Record<string, unknown>;
}

export interface HttpResult {
	status: number;
	body: unknown;
}

/** One HTTP call to the approval server (authentication is the transport's job). */
export type Transport = (
	method: 'GET' | 'POST',
	path: string,
	body: unknown,
	timeoutMs: number,
) => Promise<HttpResult>;

export interface GateOutput {
	verdict: string;
	risk_score: number;
	risk_level: string;
	denied: boolean;
	audit_entry_id: string;
	function_name: string;
	message: string;
	reason: string;
	request_id: string;
}

export class GateError extends Error {}

const VERDICT_WORDS: Record<string, string> = {
	approved: 'approved',
	denied: 'denied',
	modified: 'modified',
	timed_out: 'timed out',
	escalated: 'escalated',
};

/** RFC 8785 canonical JSON: sorted keys (UTF-16 order), ECMAScript number and string forms. */
export function canonicalJson(value: unknown): string {
	if (value === null || typeof value === 'boolean') return JSON.stringify(value);
	if (typeof value === 'number') {
		if (!Number.isFinite(value)) throw new GateError('arguments contain a number that JSON cannot carry');
		return JSON.stringify(value);
	}
	if (typeof value === 'string') return JSON.stringify(value);
	if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
	if (typeof value === 'object') {
		const entries = Object.entries(value as Record<string, unknown>)
			.filter(([, v]) => v !== undefined)
			.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
		return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
	}
	throw new GateError(`arguments contain a ${typeof value}, which JSON cannot carry`);
}

/** Lowercase hex SHA-256 of the canonical `{function_name, args, kwargs}` (the server's digest). */
export function actionDigest(ctx: Pick<ActionContext, 'function_name' | 'args' | 'kwargs'>): string {
	const canonical = canonicalJson({ function_name: ctx.function_name, args: ctx.args, kwargs: ctx.kwargs });
	return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Arguments given as JSON text or an object; a JSON array becomes positional `args`. */
export function parseArguments(raw: unknown): { args: unknown[]; kwargs: Record<string, unknown> } {
	let value = raw;
	if (typeof raw === 'string') {
		const text = raw.trim();
		if (text === '') return { args: [], kwargs: {} };
		let problem = '';
		try {
			value = JSON.parse(text);
		} catch (error) {
			problem = (error as Error).message;
		}
		if (problem) throw new GateError(`Arguments are not valid JSON: ${problem}`);
	}
	if (value === undefined || value === null) return { args: [], kwargs: {} };
	if (Array.isArray(value)) return { args: value, kwargs: {} };
	if (isPlainObject(value)) return { args: [], kwargs: value };
	throw new GateError('Arguments must be a JSON object (keyword arguments) or array (positional arguments)');
}

export interface ContextFields {
	functionName: string;
	arguments: unknown;
	functionDoc?: string;
	hints?: unknown;
	agentId?: string;
	sessionId?: string;
	environment?: string;
	source: string;
}

export function buildContext(f: ContextFields): ActionContext {
	const name = typeof f.functionName === 'string' ? f.functionName.trim() : '';
	if (!name) throw new GateError('Action Name is empty: name the action being gated (e.g. delete_file)');
	const { args, kwargs } = parseArguments(f.arguments);
	const ctx: ActionContext = { function_name: name, args, kwargs, metadata: { source: f.source } };
	const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
	if (text(f.functionDoc)) ctx.function_doc = text(f.functionDoc);
	if (text(f.agentId)) ctx.agent_id = text(f.agentId);
	if (text(f.sessionId)) ctx.session_id = text(f.sessionId);
	if (text(f.environment)) ctx.environment = text(f.environment);
	if (f.hints !== undefined && f.hints !== null && f.hints !== '') {
		const hints = parseArguments(f.hints);
		if (hints.args.length) throw new GateError('Hints must be a JSON object');
		if (Object.keys(hints.kwargs).length) ctx.hints = hints.kwargs;
	}
	actionDigest(ctx); // refuses what JSON cannot carry, before anything is sent
	return ctx;
}

/** Checks the server URL from the credential: http(s), a host, no query or fragment. */
export function normaliseServerUrl(raw: unknown): string {
	const text = typeof raw === 'string' ? raw.trim().replace(/\/+$/, '') : '';
	const url = URL.canParse(text) ? new URL(text) : undefined;
	if (!url) {
		throw new GateError(`Server URL must be an http(s) URL such as http://127.0.0.1:7373, got ${JSON.stringify(raw)}`);
	}
	if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname || url.search || url.hash) {
		throw new GateError(`Server URL must be an http(s) URL without query or fragment, got ${JSON.stringify(raw)}`);
	}
	return text;
}

function errorText(body: unknown, status: number): string {
	if (isPlainObject(body) && isPlainObject(body.error)) {
		return `${String(body.error.code)}: ${String(body.error.message)} (HTTP ${status})`;
	}
	return `HTTP ${status}`;
}

/** The output item fields (the Dify plugin's shape). */
export function toOutput(functionName: string, decision: Record<string, unknown> | null, failure?: string): GateOutput {
	const risk = isPlainObject(decision?.risk) ? (decision?.risk as Record<string, unknown>) : {};
	const score = typeof risk.score === 'number' ? risk.score : typeof decision?.risk_score === 'number' ? (decision.risk_score as number) : 0;
	const level = typeof risk.level === 'string' ? risk.level : typeof decision?.risk_level === 'string' ? (decision.risk_level as string) : 'unknown';
	const rawVerdict = typeof decision?.verdict === 'string' ? decision.verdict : 'denied';
	const verdict = failure ? 'denied' : rawVerdict;
	const denied = failure !== undefined || verdict !== 'approved';
	const reason = failure ?? (typeof decision?.reason === 'string' ? decision.reason : '');
	let message = `Action '${functionName}' was ${VERDICT_WORDS[verdict] ?? verdict} (risk: ${level}, score: ${score.toFixed(2)})`;
	if (denied && reason) message += `: ${reason}`;
	return {
		verdict,
		risk_score: Math.round(score * 10000) / 10000,
		risk_level: level,
		denied,
		audit_entry_id: typeof decision?.audit_entry_id === 'string' ? decision.audit_entry_id : '',
		function_name: functionName,
		message,
		reason,
		request_id: typeof decision?.request_id === 'string' ? decision.request_id : '',
	};
}

export interface CreateOptions {
	callbackUrl?: string;
	callbackSecret?: string;
}

/** Creates the request; checks the server computed the same digest as we did. */
export async function createRequest(
	http: Transport,
	ctx: ActionContext,
	options: CreateOptions = {},
): Promise<{ created: Record<string, unknown>; digest: string }> {
	const digest = actionDigest(ctx);
	const body: Record<string, unknown> = { ...ctx };
	if (options.callbackUrl) body.callback_url = options.callbackUrl;
	if (options.callbackSecret) body.callback_secret = options.callbackSecret;
	const res = await http('POST', '/v1/requests', body, 30_000);
	if (res.status !== 201 || !isPlainObject(res.body)) {
		throw new GateError(`the approval server refused the request: ${errorText(res.body, res.status)}`);
	}
	if (res.body.action_digest !== digest) {
		throw new GateError('the approval server reported a different action digest; the action is not the one sent');
	}
	if (typeof res.body.request_id !== 'string') throw new GateError('the approval server sent no request id');
	return { created: res.body, digest };
}

/** Consumes the decision once, presenting the digest; checks it is for this action. */
export async function consume(http: Transport, requestId: string, digest: string): Promise<Record<string, unknown>> {
	const res = await http('POST', `/v1/requests/${encodeURIComponent(requestId)}/consume`, { action_digest: digest }, 30_000);
	if (res.status !== 200 || !isPlainObject(res.body)) {
		throw new GateError(`the decision could not be taken: ${errorText(res.body, res.status)}`);
	}
	if (res.body.action_digest !== digest || res.body.request_id !== requestId) {
		throw new GateError('the decision is for a different action (digest mismatch)');
	}
	return res.body;
}

/**
 * The whole Gate operation for one item: create, long-poll within `timeoutSeconds`, consume.
 * Never throws: any failure is a denial with the reason.
 */
export async function gate(
	http: Transport,
	ctx: ActionContext,
	timeoutSeconds: number,
	now: () => number = Date.now,
): Promise<GateOutput> {
	const deadline = now() + Math.max(0, timeoutSeconds) * 1000;
	let riskOnly: Record<string, unknown> | null = null;
	try {
		const { created, digest } = await createRequest(http, ctx);
		riskOnly = created;
		const id = created.request_id as string;
		let decided = created.status !== 'pending';
		while (!decided) {
			const remaining = (deadline - now()) / 1000;
			if (remaining <= 0) {
				const output = toOutput(ctx.function_name, created, `no decision within ${timeoutSeconds} s; denied (fail closed)`);
				output.verdict = 'timed_out';
				output.message = `Action '${ctx.function_name}' was timed out (risk: ${output.risk_level}, score: ${output.risk_score.toFixed(2)}): ${output.reason}`;
				output.request_id = id;
				return output;
			}
			const wait = Math.max(0.1, Math.min(remaining, 55));
			const res = await http('GET', `/v1/requests/${encodeURIComponent(id)}/wait?timeout=${wait.toFixed(1)}`, undefined, (wait + 15) * 1000);
			if (res.status === 200) decided = true;
			else if (res.status !== 202) throw new GateError(`waiting for the decision failed: ${errorText(res.body, res.status)}`);
		}
		const decision = await consume(http, id, digest);
		return toOutput(ctx.function_name, decision);
	} catch (error) {
		const reason = error instanceof GateError ? error.message : `the approval server is unreachable or failed: ${(error as Error).message}`;
		const output = toOutput(ctx.function_name, riskOnly, reason);
		if (riskOnly && typeof riskOnly.request_id === 'string') output.request_id = riskOnly.request_id;
		return output;
	}
}

/** The per-execution secret the server signs the callback with (never stored anywhere). */
export function callbackSecret(agentToken: string, executionId: string, nodeId: string): string {
	return createHmac('sha256', agentToken).update(`attesta-n8n-callback:${executionId}:${nodeId}`).digest('hex');
}

/** Verifies `X-Attesta-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>` and freshness. */
export function verifyCallback(
	secret: string,
	timestamp: unknown,
	signature: unknown,
	rawBody: string,
	nowSeconds: number,
	maxAgeSeconds = 300,
): boolean {
	if (typeof timestamp !== 'string' || typeof signature !== 'string' || !/^\d{1,12}$/.test(timestamp)) return false;
	if (Math.abs(nowSeconds - Number(timestamp)) > maxAgeSeconds) return false;
	const expected = `v1=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
	const a = Buffer.from(expected);
	const b = Buffer.from(signature);
	return a.length === b.length && timingSafeEqual(a, b);
}
