// The gated tool with LangChain's own tool classes and a scripted approval server: the wrapped
// tool runs only on an approval, string inputs are normalised, every failure is a denial.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { tool, DynamicTool, StructuredTool } = require('@langchain/core/tools');
const { z } = require('zod');
const { createGatedTool, normaliseStringInput, toKwargs } = require('../dist/nodes/AttestaGatedTool/gated-tool.js');
const { actionDigest } = require('../dist/nodes/AttestaGatedTool/core.js');

test('the approval client is compiled from the n8n node\'s source (no drift)', () => {
	const here = readFileSync(new URL('../src/nodes/AttestaGatedTool/core.ts', import.meta.url), 'utf8');
	const n8n = readFileSync(new URL('../../n8n-nodes-attesta/nodes/AttestaGate/core.ts', import.meta.url), 'utf8');
	assert.ok(here.endsWith(n8n), 'run npm run build: src/nodes/AttestaGatedTool/core.ts is stale');
});

/** A scripted approval server answering every request with `verdict` and recording calls. */
function server(verdict, { failWith } = {}) {
	const calls = [];
	const transport = async (method, path, body) => {
		calls.push({ method, path, body });
		if (failWith) throw failWith;
		if (method === 'POST' && path === '/v1/requests') {
			const digest = actionDigest(body);
			server.last = { digest, body };
			return { status: 201, body: { request_id: `r${calls.length}`, status: 'pending', action_digest: digest, risk_level: 'medium', risk_score: 0.5 } };
		}
		const id = path.split('/')[3];
		const decision = { request_id: id, status: verdict, verdict, reason: `${verdict} by alice`, action_digest: server.last.digest, risk: { score: 0.5, level: 'medium' }, audit_entry_id: 'a1' };
		return { status: 200, body: decision };
	};
	return { transport, calls };
}

const settings = { serverUrl: 'http://127.0.0.1:7373', agentToken: 'att_agent_test' };

function counting() {
	const seen = [];
	const structured = tool(async ({ path, force }) => { seen.push({ path, force }); return `deleted ${path}`; }, {
		name: 'delete_file',
		description: 'Deletes a file',
		schema: z.object({ path: z.string() , force: z.boolean().optional() }),
	});
	const text = new DynamicTool({ name: 'shout', description: 'Upper-cases text', func: async (input) => { seen.push(input); return input.toUpperCase(); } });
	return { seen, structured, text };
}

test('approve → the structured tool runs with the same arguments, which the server saw', async () => {
	const { seen, structured } = counting();
	const s = server('approved');
	const gated = createGatedTool(structured, settings, s.transport);
	assert.ok(gated instanceof StructuredTool);
	assert.equal(gated.name, 'delete_file');
	assert.equal(gated.description, 'Deletes a file');
	const out = await gated.invoke({ path: '/tmp/a', force: true });
	assert.equal(out, 'deleted /tmp/a');
	assert.deepEqual(seen, [{ path: '/tmp/a', force: true }]);
	assert.deepEqual(s.calls[0].body.kwargs, { path: '/tmp/a', force: true });
	assert.equal(s.calls[0].body.function_name, 'delete_file');
	assert.equal(s.calls[0].body.metadata.source, 'flowise');
});

test('deny, timeout, escalation, errors → the agent gets the denial text and the tool never runs', async () => {
	for (const [verdict, opts] of [['denied', {}], ['timed_out', {}], ['escalated', {}], ['approved', { failWith: new Error('connect ECONNREFUSED') }]]) {
		const { seen, structured, text } = counting();
		const s = server(verdict, opts);
		const out = await createGatedTool(structured, settings, s.transport).invoke({ path: '/tmp/b' });
		assert.match(out, /was (denied|timed out|escalated).*did not run/s, `${verdict}: ${out}`);
		const out2 = await createGatedTool(text, settings, server(verdict, opts).transport).invoke('hello');
		assert.match(out2, /did not run/);
		assert.deepEqual(seen, [], `${verdict}: the tool ran`);
	}
});

test('string inputs are normalised: plain text, JSON text, single-field schemas', async () => {
	assert.deepEqual(normaliseStringInput('{"path": "/x"}', z.object({ path: z.string() })), { path: '/x' });
	assert.deepEqual(normaliseStringInput('/x', z.object({ path: z.string() })), { path: '/x' });
	assert.deepEqual(normaliseStringInput('hi', z.object({ a: z.string(), b: z.string() })), { input: 'hi' });
	assert.deepEqual(normaliseStringInput('/x', z.object({ path: z.string(), force: z.boolean().optional() })), { path: '/x' }, 'the only required field');
	assert.deepEqual(normaliseStringInput('q', { type: 'object', properties: { query: {}, n: {} }, required: ['query'] }), { query: 'q' }, 'JSON schema');
	assert.deepEqual(normaliseStringInput('{not json', undefined), { input: '{not json' });
	assert.deepEqual(toKwargs('text'), { input: 'text' });
	assert.deepEqual(toKwargs(7), { input: 7 });

	const { seen, structured, text } = counting();
	const s = server('approved');
	assert.equal(await createGatedTool(structured, settings, s.transport).invoke('/tmp/c'), 'deleted /tmp/c');
	assert.deepEqual(s.calls[0].body.kwargs, { path: '/tmp/c' });
	const t = server('approved');
	assert.equal(await createGatedTool(text, settings, t.transport).invoke('hello'), 'HELLO');
	assert.deepEqual(t.calls[0].body.kwargs, { input: 'hello' }, 'a string tool is sent as {input}');
	assert.deepEqual(seen, [{ path: '/tmp/c', force: undefined }, 'hello']);
});

test('configuration errors are refused when the node is built', () => {
	const { structured } = counting();
	assert.throws(() => createGatedTool(undefined, settings), /connected tool/);
	assert.throws(() => createGatedTool(structured, { ...settings, serverUrl: 'ftp://x' }), /Server URL/);
	assert.throws(() => createGatedTool(structured, { ...settings, agentToken: '' }), /agent token/);
	assert.throws(() => createGatedTool(structured, { ...settings, timeoutSeconds: 0 }), /Timeout/);
});
