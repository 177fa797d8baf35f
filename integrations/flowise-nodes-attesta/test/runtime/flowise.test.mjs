// The Attesta Gated Tool inside a real Flowise 3.1 (installed from the npm registry): the install
// command copies it into flowise-components, Flowise's own NodesPool loads it next to its built-in
// nodes, and the gated built-in Calculator runs only when the test approver approves it on a real
// `attesta serve`; on a denial the agent receives the denial text and the calculator never runs.
//
// Needs FLOWISE_DIR (the folder holding node_modules/flowise) and ATTESTA_BIN;
// scripts/test-nocode-js.sh provides both.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { ApprovalServer } from '../../../n8n-nodes-attesta/test/runtime/approval-server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = join(here, '..', '..');
const flowiseDir = process.env.FLOWISE_DIR;
if (!flowiseDir) throw new Error('FLOWISE_DIR must name the Flowise installation (scripts/test-nocode-js.sh installs it)');
const installer = join(packageDir, 'bin', 'flowise-nodes-attesta.js');
const work = mkdtempSync(join(tmpdir(), 'attesta-flowise-'));
mkdirSync(join(work, 'server'));
const server = new ApprovalServer(join(work, 'server'));
const requireFromFlowise = createRequire(join(flowiseDir, 'node_modules', 'flowise', 'package.json'));
const components = join(dirname(requireFromFlowise.resolve('flowise-components')), '..', '..');
let pool;

function cli(...args) {
	return execFileSync(process.execPath, [installer, ...args, '--flowise', flowiseDir], { encoding: 'utf8' });
}

before(async () => {
	// Flowise writes its logs and keys under these; keep them in the test's folder.
	process.env.SHOW_COMMUNITY_NODES = 'true';
	process.env.LOG_PATH = join(work, 'logs');
	process.env.DATABASE_PATH = join(work, 'db');
	process.env.SECRETKEY_PATH = join(work, 'keys');
	process.env.BLOB_STORAGE_PATH = join(work, 'storage');
	cli('install');
	cli('install'); // idempotent: a second run changes nothing
	await server.start();
	const { NodesPool } = requireFromFlowise('./dist/NodesPool');
	pool = new NodesPool();
	await pool.initialize();
});

after(() => {
	server.stop();
	rmSync(work, { recursive: true, force: true });
});

async function calculatorGatedBy(pool) {
	const calculator = await pool.componentNodes.calculator.init({ inputs: {} }, '', {});
	const ran = [];
	const original = calculator._call.bind(calculator);
	calculator._call = async (input, ...rest) => {
		ran.push(input);
		return await original(input, ...rest);
	};
	const gated = await pool.componentNodes.attestaGatedTool.init(
		{ credential: '', inputs: { tool: calculator, serverUrl: server.url, agentToken: server.agentToken, timeoutSeconds: 120 } },
		'',
		{ chatId: 'chat-1' },
	);
	return { calculator, gated, ran };
}

test('NodesPool loads the node and its credential next to the built-ins, with Flowise\'s own @langchain/core', async () => {
	const node = pool.componentNodes.attestaGatedTool;
	assert.ok(node, 'attestaGatedTool loaded');
	assert.equal(node.label, 'Attesta Gated Tool');
	assert.equal(node.category, 'Tools');
	assert.ok(node.icon.endsWith('/AttestaGatedTool/attesta.svg'), node.icon);
	assert.ok(pool.componentNodes.calculator, 'the built-in Calculator is loaded too');
	assert.ok(Object.keys(pool.componentNodes).length > 100, 'all built-in nodes loaded');
	assert.ok(pool.componentCredentials.attestaApi, 'the Attesta API credential is loaded');
	const { gated } = await calculatorGatedBy(pool);
	const flowiseCore = createRequire(join(components, 'package.json'))('@langchain/core/tools');
	assert.ok(gated instanceof flowiseCore.StructuredTool, 'built on the @langchain/core Flowise uses');
	assert.equal(gated.name, 'calculator');
});

test('approve → the calculator runs; deny → the agent gets the denial and the calculator never runs', async () => {
	const { gated, ran } = await calculatorGatedBy(pool);
	const approvedCall = gated.invoke('12 * 7');
	const [a] = await server.answer(1, () => 'approve');
	assert.equal(await approvedCall, '84');
	assert.deepEqual(ran, ['12 * 7']);
	assert.equal(a.view.challenge.action.action, 'calculator');
	assert.deepEqual(a.view.challenge.action.arguments.kwargs, { input: '12 * 7' }, 'string input sent as {input}');

	const deniedCall = gated.invoke({ input: '6 * 7' });
	await server.answer(1, () => 'deny');
	const text = await deniedCall;
	assert.match(text, /^Action 'calculator' was denied .*not this one.*did not run\.$/s);
	assert.deepEqual(ran, ['12 * 7'], 'the calculator did not run on a denial');
});

test('an unreachable server denies without running the tool', async () => {
	const calculator = await pool.componentNodes.calculator.init({ inputs: {} }, '', {});
	let ran = 0;
	calculator._call = async () => {
		ran++;
		return 'ran';
	};
	const gated = await pool.componentNodes.attestaGatedTool.init(
		{ credential: '', inputs: { tool: calculator, serverUrl: 'http://127.0.0.1:9', agentToken: 'att_agent_x', timeoutSeconds: 5 } },
		'',
		{},
	);
	assert.match(await gated.invoke('1 + 1'), /denied.*did not run/s);
	assert.equal(ran, 0);
});

test('uninstall removes exactly what install copied; install again restores it', () => {
	const nodeDir = join(components, 'dist', 'nodes', 'tools', 'AttestaGatedTool');
	const credential = join(components, 'dist', 'credentials', 'AttestaApi.credential.js');
	assert.match(cli('status'), /is installed/);
	const installed = readdirSync(nodeDir).sort();
	assert.deepEqual(installed, ['.attesta-install.json', 'AttestaGatedTool.js', 'attesta.svg', 'core.js', 'gated-tool.js']);
	cli('uninstall');
	assert.equal(existsSync(nodeDir), false);
	assert.equal(existsSync(credential), false);
	assert.ok(existsSync(join(components, 'dist', 'nodes', 'tools', 'Calculator', 'Calculator.js')), 'built-ins untouched');
	assert.throws(() => cli('status'));
	cli('install');
	assert.deepEqual(readdirSync(nodeDir).sort(), installed);
});
