// Shared fixtures: a config and an audit log written from Node behave exactly as the Rust ones —
// the CLI reads the same file with the same messages, verifies the Node log, and detects tampering
// at the same entry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { Attesta, verifyAudit } from '@kyberon/attesta';
import { cli, tempDir } from './helpers.mjs';

const BAD_CONFIGS = {
  'unknown-key.yaml': 'policy:\n  fail_mod: deny\n',
  'bad-level.yaml': 'policy:\n  challenge_map:\n    severe: quiz\n',
  'bad-type.json': '{"policy": {"timeout_seconds": "soon"}}',
  'bad-toml.toml': '[policy]\ntimeout_seconds = \n',
  'allow-without-unattended.yaml': 'reviewer: allow\n',
};

test('invalid configs fail with the same message as the CLI', (t) => {
  const dir = tempDir(t);
  for (const [name, text] of Object.entries(BAD_CONFIGS)) {
    const path = `${dir}/${name}`;
    writeFileSync(path, text);
    let nodeMessage;
    assert.throws(() => Attesta.fromConfig(path, { audit: false, trust: false }), (e) => { nodeMessage = e.message; return true; });
    // The action comes from a file: the CLI stops at the config error without reading stdin.
    writeFileSync(`${dir}/action.json`, '{"function_name":"x"}');
    const out = cli(['evaluate', '-c', path, `${dir}/action.json`], { cwd: dir });
    assert.notEqual(out.status, 0, name);
    assert.ok(out.stderr.includes(nodeMessage), `${name}: CLI said\n${out.stderr}\nNode said\n${nodeMessage}`);
  }
  assert.throws(() => Attesta.fromConfig(`${dir}/missing.yaml`), /not found/);
});

test('a Node-written log verifies with the CLI, and tampering is found at the same entry by both', async (t) => {
  const dir = tempDir(t);
  const log = `${dir}/audit.jsonl`;
  const attesta = new Attesta({ auditPath: log, trust: false });
  for (let i = 0; i < 12; i++) {
    await attesta.evaluate({ functionName: i % 3 ? 'read_file' : 'delete_file', args: [`f${i}`],
      kwargs: { api_key: 'sk-live-1234567890abcdef' } });
  }
  const ok = cli(['audit', 'verify', '--log', log, '--json']);
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(JSON.parse(ok.stdout).intact, true);
  assert.equal(verifyAudit(log).intact, true);
  assert.ok(!readFileSync(log, 'utf8').includes('sk-live-1234567890abcdef'), 'secrets are redacted');

  const lines = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  lines[6] = lines[6].replace('"denied"', '"approved"').replace('"read_file"', '"rm_rf"');
  writeFileSync(log, lines.join('\n') + '\n');
  const broken = cli(['audit', 'verify', '--log', log, '--json']);
  assert.equal(broken.status, 1);
  const report = verifyAudit(log);
  assert.equal(report.intact, false);
  const cliBroken = [...new Set(JSON.parse(broken.stdout).breaks.map((b) => b.entry))].sort((a, b) => a - b);
  assert.deepEqual(report.brokenAt, cliBroken);
  assert.ok(report.brokenAt.includes(7) || report.brokenAt.includes(6), JSON.stringify(report.brokenAt));
});

test('Node and the CLI score the same actions identically', async (t) => {
  const dir = tempDir(t);
  const actions = [
    { function_name: 'get_weather', kwargs: { city: 'Oslo' } },
    { function_name: 'delete_user', args: ['usr_12345'] },
    { function_name: 'execute_sql', kwargs: { query: 'DROP TABLE users' } },
    { function_name: 'send_email', kwargs: { to: 'all@corp.example', body: 'hi' } },
    { function_name: 'deploy', kwargs: { env: 'production' }, environment: 'production' },
  ];
  writeFileSync(`${dir}/actions.jsonl`, actions.map((a) => JSON.stringify(a)).join('\n'));
  const out = cli(['score', '--json', `${dir}/actions.jsonl`], { cwd: dir });
  assert.equal(out.status, 0, out.stderr);
  const fromCli = out.stdout.trim().split('\n').map((l) => JSON.parse(l));
  const attesta = new Attesta({ audit: false, trust: false });
  actions.forEach((a, i) => {
    const node = attesta.assess({ functionName: a.function_name, args: a.args, kwargs: a.kwargs, environment: a.environment, metadata: {} });
    assert.equal(node.score, fromCli[i].risk_score, a.function_name);
    assert.equal(node.level, fromCli[i].risk_level, a.function_name);
  });
});

test('trust: a Node-written trust store is the CLI\'s; a revocation by the CLI binds Node', async (t) => {
  const dir = tempDir(t);
  const store = `${dir}/trust.json`;
  const config = { policy: { minimum_review_seconds: { low: 0, medium: 0, high: 0, critical: 0 } } };
  const reviewer = { decide: async () => ({ verdict: 'approved', approvers: ['alice'] }) };
  const attesta = new Attesta({ audit: false, trustStorePath: store, config, reviewer });
  for (let i = 0; i < 5; i++) {
    const r = await attesta.evaluate({ functionName: 'restart_service', args: [`svc-${i}`], agentId: 'node-agent' }, { risk: 'medium' });
    assert.equal(r.verdict, 'approved', r.reason);
  }
  const shown = cli(['trust', 'show', 'node-agent', '--store', store, '--json']);
  assert.equal(shown.status, 0, shown.stderr);
  assert.match(shown.stdout, /node-agent/);
  const before = await attesta.evaluate({ functionName: 'restart_service', args: ['x'], agentId: 'node-agent' }, { risk: 'medium' });
  assert.equal(typeof before.trustBefore, 'number');

  const revoked = cli(['trust', 'revoke', 'node-agent', '--yes', '--store', store]);
  assert.equal(revoked.status, 0, revoked.stderr);
  const after = await new Attesta({ audit: false, trustStorePath: store, config, reviewer })
    .evaluate({ functionName: 'restart_service', args: ['y'], agentId: 'node-agent' }, { risk: 'medium' });
  assert.equal(after.trustBefore, 0);
});
