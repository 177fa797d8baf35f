// Wraps any LangChain tool so it runs only after a human approves the call on the Attesta
// approval server. Approve → the wrapped tool runs with the same input; deny, timeout, digest
// mismatch or any error → the agent receives the denial text and the wrapped tool never runs.
//
// `@langchain/core` is the host's (Flowise's own copy); nothing here bundles one.

import { DynamicStructuredTool, StructuredTool, Tool } from '@langchain/core/tools';

import { buildContext, gate, normaliseServerUrl, type GateOutput, type Transport } from './core';

export interface GateSettings {
	serverUrl: string;
	agentToken: string;
	/** How long one call waits for a human (default 300 s). */
	timeoutSeconds?: number;
	environment?: string;
	sessionId?: string;
	/** Recorded as `metadata.source` (default `flowise`). */
	source?: string;
}

export const DEFAULT_TIMEOUT_SECONDS = 300;

/** `fetch` to the approval server with the agent token; statuses are returned, not thrown. */
export function fetchTransport(serverUrl: string, agentToken: string): Transport {
	const base = normaliseServerUrl(serverUrl);
	return async (method, path, body, timeoutMs) => {
		const response = await fetch(`${base}${path}`, {
			method,
			headers: { authorization: `Bearer ${agentToken}`, 'content-type': 'application/json', accept: 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
			signal: AbortSignal.timeout(timeoutMs),
		});
		const text = await response.text();
		let parsed: unknown = null;
		try {
			parsed = text ? JSON.parse(text) : null;
		} catch {
			parsed = text;
		}
		return { status: response.status, body: parsed };
	};
}

/** The tool's input as keyword arguments: objects as they are, anything else as `{input}`. */
export function toKwargs(input: unknown): Record<string, unknown> {
	if (input && typeof input === 'object' && !Array.isArray(input)) return input as Record<string, unknown>;
	return { input: input ?? '' };
}

/**
 * A string handed to a structured tool: JSON object text is parsed; otherwise it fills the
 * schema's only field, or `input`.
 */
export function normaliseStringInput(text: string, schema: unknown): Record<string, unknown> {
	const trimmed = text.trim();
	if (trimmed.startsWith('{')) {
		try {
			const parsed = JSON.parse(trimmed);
			if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed;
		} catch {
			// not JSON: treated as text below
		}
	}
	const { keys, required } = schemaFields(schema);
	const key = required.length === 1 ? required[0] : keys.length === 1 ? keys[0] : 'input';
	return { [key]: text };
}

/** Field names of a zod object schema or a JSON schema, and which of them are required. */
function schemaFields(schema: unknown): { keys: string[]; required: string[] } {
	const s = schema as { shape?: Record<string, { isOptional?: () => boolean }>; properties?: Record<string, unknown>; required?: unknown } | undefined;
	if (s?.shape && typeof s.shape === 'object') {
		const keys = Object.keys(s.shape);
		return { keys, required: keys.filter((k) => !(s.shape?.[k]?.isOptional?.() ?? false)) };
	}
	if (s?.properties && typeof s.properties === 'object') {
		const keys = Object.keys(s.properties);
		const required = Array.isArray(s.required) ? s.required.filter((k): k is string => typeof k === 'string') : [];
		return { keys, required };
	}
	return { keys: [], required: [] };
}

/** The text an agent receives when the call is not approved. */
export function denialText(output: GateOutput): string {
	return `${output.message}. The tool '${output.function_name}' did not run.`;
}

type Invocable = { name: string; description: string; schema?: unknown; returnDirect?: boolean; invoke: (input: unknown, config?: unknown) => Promise<unknown> };

/** Wraps `tool`; the wrapper has the same name, description and input schema. */
export function createGatedTool(
	tool: Invocable,
	settings: GateSettings,
	transport: Transport = fetchTransport(settings.serverUrl, settings.agentToken),
): StructuredTool {
	if (!tool || typeof tool.invoke !== 'function' || typeof tool.name !== 'string') {
		throw new Error('Attesta Gated Tool needs a connected tool');
	}
	const timeout = settings.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
	if (!Number.isFinite(timeout) || timeout <= 0) throw new Error('Timeout must be a positive number of seconds');
	normaliseServerUrl(settings.serverUrl);
	if (!settings.agentToken) throw new Error('The Attesta API credential needs an agent token (attesta serve add-agent NAME)');

	const review = async (input: unknown, config: unknown): Promise<string> => {
		let output: GateOutput;
		try {
			const ctx = buildContext({
				functionName: tool.name,
				arguments: toKwargs(input),
				functionDoc: tool.description,
				environment: settings.environment,
				sessionId: settings.sessionId,
				source: settings.source ?? 'flowise',
			});
			output = await gate(transport, ctx, timeout);
		} catch (error) {
			return `Action '${tool.name}' was denied: ${(error as Error).message}. The tool '${tool.name}' did not run.`;
		}
		if (output.denied) return denialText(output);
		const result = await tool.invoke(input, config);
		return typeof result === 'string' ? result : JSON.stringify(result);
	};

	const isStringTool = tool instanceof Tool || (tool as { lc_namespace?: unknown }).constructor?.name === 'DynamicTool';
	if (isStringTool) {
		class GatedStringTool extends Tool {
			name = tool.name;
			description = tool.description;
			returnDirect = tool.returnDirect ?? false;
			async _call(input: string, _runManager?: unknown, config?: unknown): Promise<string> {
				return await review(typeof input === 'string' ? input : String(input ?? ''), config);
			}
		}
		return new GatedStringTool();
	}

	class GatedStructuredTool extends DynamicStructuredTool {
		async call(arg: unknown, configArg?: unknown, tags?: string[]): Promise<unknown> {
			const normalised = typeof arg === 'string' ? normaliseStringInput(arg, this.schema) : arg;
			return await (super.call as (a: unknown, c?: unknown, t?: string[]) => Promise<unknown>).call(this, normalised, configArg, tags);
		}
	}
	return new GatedStructuredTool({
		name: tool.name,
		description: tool.description,
		schema: (tool.schema ?? { type: 'object', properties: {} }) as never,
		returnDirect: tool.returnDirect ?? false,
		func: async (input: unknown, _runManager?: unknown, config?: unknown) => await review(input, config),
	});
}
