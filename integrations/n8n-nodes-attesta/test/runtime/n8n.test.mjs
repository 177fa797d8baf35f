// The AttestaGate node inside a real n8n (installed from the npm registry): the built package is
// placed in $N8N_USER_FOLDER/.n8n/custom/, a workflow is imported with `n8n import:workflow` and
// run with `n8n execute --id`, against a real `attesta serve` whose test approver approves one
// item and denies another. A second workflow points at a server that is not there: every item
// must come out of the Denied output.
//
// Needs N8N_BIN (the n8n executable) and ATTESTA_BIN; scripts/test-nocode-js.sh provides both.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { ApprovalServer, closedPort } from './approval-server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = join(here, '..', '..');
const n8nBin = process.env.N8N_BIN;
if (!n8nBin) throw new Error('N8N_BIN must name the n8n executable (scripts/test-nocode-js.sh installs n8n)');

const work = mkdtempSync(join(tmpdir(), 'attesta-n8n-'));
const userFolder = join(work, 'n8n');
mkdirSync(join(work, 'server'));
const server = new ApprovalServer(join(work, 'server'));

async function n8n(args, { onStart } = {}) {
	// The task broker every n8n process starts gets a free port, so runs never collide.
	const brokerPort = await closedPort();
	return await new Promise((resolve, reject) => {
		const child = spawn(n8nBin, args, {
			cwd: work,
			env: {
				...process.env,
				N8N_USER_FOLDER: userFolder,
				N8N_ENCRYPTION_KEY: 'attesta-n8n-runtime-test-key',
				N8N_DIAGNOSTICS_ENABLED: 'false',
				N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
				N8N_PERSONALIZATION_ENABLED: 'false',
				DB_TYPE: 'sqlite',
				N8N_RUNNERS_BROKER_PORT: String(brokerPort),
			},
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (c) => (stdout += c));
		child.stderr.on('data', (c) => (stderr += c));
		const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
		child.on('error', reject);
		child.on('exit', (code) => {
			clearTimeout(timer);
			resolve({ code, stdout, stderr });
		});
		onStart?.(child);
	});
}

/** The JSON document `n8n execute --rawOutput` prints (log lines may come before it). */
function runData(stdout) {
	const start = stdout.search(/^\{/m);
	assert.ok(start >= 0, `no JSON in n8n's output:\n${stdout.slice(0, 2000)}`);
	return JSON.parse(stdout.slice(start)).data.resultData.runData;
}

function workflow(id, credentialId) {
	const rows = [
		// Keys and numbers where canonical JSON implementations differ (UTF-16 key order,
		// non-ASCII text, fractions): the node's digest must equal the server's.
		{ path: '/srv/reports/q3-approve-me.csv', tag: 'approve-me', '\uFB33': 1, '\u{1F600}': 'größe', ratio: 0.1, big: 1e21 },
		{ path: '/srv/reports/q3-deny-me.csv', tag: 'deny-me', 'ключ': 'значение', nested: { b: [1, 2.5], a: null } },
	];
	return {
		id,
		name: `Attesta gate ${id}`,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{ id: 'n1', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'n2',
				name: 'Rows',
				type: 'n8n-nodes-base.set',
				typeVersion: 3.4,
				position: [200, 0],
				parameters: { mode: 'raw', jsonOutput: JSON.stringify({ rows }) },
			},
			{
				id: 'n3',
				name: 'Split',
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: [400, 0],
				parameters: { fieldToSplitOut: 'rows', options: {} },
			},
			{
				id: 'n4',
				name: 'Attesta Gate',
				type: 'CUSTOM.attestaGate',
				typeVersion: 1,
				position: [600, 0],
				parameters: {
					operation: 'gate',
					functionName: 'delete_file',
					argumentsFrom: 'item',
					options: { functionDoc: 'Deletes a report file', timeoutSeconds: 120 },
				},
				credentials: { attestaApi: { id: credentialId, name: credentialId } },
			},
			{ id: 'n5', name: 'Approved sink', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [800, -100], parameters: {} },
			{ id: 'n6', name: 'Denied sink', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [800, 100], parameters: {} },
		],
		connections: {
			Start: { main: [[{ node: 'Rows', type: 'main', index: 0 }]] },
			Rows: { main: [[{ node: 'Split', type: 'main', index: 0 }]] },
			Split: { main: [[{ node: 'Attesta Gate', type: 'main', index: 0 }]] },
			'Attesta Gate': {
				main: [[{ node: 'Approved sink', type: 'main', index: 0 }], [{ node: 'Denied sink', type: 'main', index: 0 }]],
			},
		},
	};
}

before(async () => {
	mkdirSync(join(userFolder, '.n8n', 'custom'), { recursive: true });
	cpSync(join(packageDir, 'dist'), join(userFolder, '.n8n', 'custom', 'n8n-nodes-attesta'), { recursive: true });
	await server.start();
	const down = await closedPort();
	writeFileSync(
		join(work, 'credentials.json'),
		JSON.stringify([
			{ id: 'attestaLocal', name: 'attestaLocal', type: 'attestaApi', data: { serverUrl: server.url, agentToken: server.agentToken } },
			{ id: 'attestaDown', name: 'attestaDown', type: 'attestaApi', data: { serverUrl: `http://127.0.0.1:${down}`, agentToken: server.agentToken } },
		]),
	);
	let r = await n8n(['import:credentials', `--input=${join(work, 'credentials.json')}`]);
	assert.equal(r.code, 0, `import:credentials failed:\n${r.stdout}\n${r.stderr}`);
	for (const [id, cred] of [
		['gateLocal', 'attestaLocal'],
		['gateDown', 'attestaDown'],
	]) {
		writeFileSync(join(work, `${id}.json`), JSON.stringify(workflow(id, cred)));
		r = await n8n(['import:workflow', `--input=${join(work, `${id}.json`)}`]);
		assert.equal(r.code, 0, `import:workflow failed:\n${r.stdout}\n${r.stderr}`);
	}
});

after(() => {
	server.stop();
	if (!process.env.KEEP_N8N_TEST_DIR) rmSync(work, { recursive: true, force: true });
});

test('an approved item leaves by Approved, a denied one by Denied, each decision consumed once', async () => {
	const execution = n8n(['execute', '--id=gateLocal', '--rawOutput']);
	const answered = await server.answer(2, (view) =>
		view.challenge.action.arguments.kwargs.tag === 'approve-me' ? 'approve' : 'deny',
	);
	const { code, stdout, stderr } = await execution;
	assert.equal(code, 0, `n8n execute failed:\n${stdout.slice(-3000)}\n${stderr.slice(-3000)}`);
	const data = runData(stdout);
	const [approved, denied] = data['Attesta Gate'][0].data.main;
	assert.equal(approved.length, 1, JSON.stringify(approved));
	assert.equal(denied.length, 1, JSON.stringify(denied));

	const yes = approved[0].json;
	assert.equal(yes.item.tag, 'approve-me');
	assert.equal(yes.verdict, 'approved');
	assert.equal(yes.denied, false);
	assert.equal(yes.function_name, 'delete_file');
	assert.match(yes.message, /^Action 'delete_file' was approved \(risk: \w+, score: \d\.\d\d\)$/);
	assert.ok(yes.audit_entry_id.length > 0, 'an audit entry id');
	assert.ok(['low', 'medium', 'high', 'critical'].includes(yes.risk_level));
	assert.equal(typeof yes.risk_score, 'number');

	const no = denied[0].json;
	assert.equal(no.item.tag, 'deny-me');
	assert.equal(no.verdict, 'denied');
	assert.equal(no.denied, true);
	assert.match(no.message, /^Action 'delete_file' was denied .*not this one/);

	assert.equal(data['Approved sink'][0].data.main[0][0].json.item.tag, 'approve-me');
	assert.equal(data['Denied sink'][0].data.main[0][0].json.item.tag, 'deny-me');

	// The node consumed both decisions with the action digest: they cannot be taken again.
	for (const a of answered) {
		const again = await server.api('POST', `/v1/requests/${a.request_id}/consume`, { action_digest: a.view.action_digest }, server.agentToken);
		assert.equal(again.status, 409);
		assert.equal(again.body.error.code, 'already_consumed');
	}
});

test('an unreachable approval server sends every item to Denied', async () => {
	const { code, stdout, stderr } = await n8n(['execute', '--id=gateDown', '--rawOutput']);
	assert.equal(code, 0, `n8n execute failed:\n${stdout.slice(-3000)}\n${stderr.slice(-3000)}`);
	const data = runData(stdout);
	const [approved, denied] = data['Attesta Gate'][0].data.main;
	assert.equal(approved.length, 0, JSON.stringify(approved));
	assert.equal(denied.length, 2);
	for (const item of denied) {
		assert.equal(item.json.denied, true);
		assert.equal(item.json.verdict, 'denied');
		assert.match(item.json.message, /unreachable|ECONNREFUSED/i);
	}
	assert.equal(data['Approved sink'], undefined, 'nothing reached the approved branch');
});
