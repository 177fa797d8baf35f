// gate(fn) and attesta.gate(fn): runs only when approved, with the reviewer's arguments when
// MODIFIED, and otherwise rejects with AttestaDenied carrying the result (messages as Python's).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Attesta, AttestaDenied, gate, Verdict } from '@kyberon/attesta';
import { tempDir } from './helpers.mjs';

const NO_WAIT = { policy: { minimum_review_seconds: { low: 0, medium: 0, high: 0, critical: 0 } } };

test('an approved call runs with its arguments and returns its value', async () => {
  const attesta = new Attesta({ audit: false, trust: false });
  const calls = [];
  const listFiles = attesta.gate(async function listFiles(dir) { calls.push(dir); return ['a.txt']; });
  assert.deepEqual(await listFiles('/tmp'), ['a.txt']);
  assert.deepEqual(calls, ['/tmp']);
  // A synchronous function is gated too; the gated one returns a Promise.
  const add = attesta.gate((a, b) => a + b, { functionName: 'add_numbers', risk: 'low' });
  const p = add(2, 3);
  assert.ok(p instanceof Promise);
  assert.equal(await p, 5);
});

test('a denied call never runs and rejects with AttestaDenied', async () => {
  const attesta = new Attesta({ audit: false, trust: false });
  let ran = false;
  const drop = attesta.gate(async function dropDatabase(name) { ran = true; }, { risk: 'high' });
  await assert.rejects(drop('prod'), (e) => {
    assert.ok(e instanceof AttestaDenied);
    assert.ok(e instanceof Error);
    assert.equal(e.name, 'AttestaDenied');
    assert.equal(e.result.verdict, Verdict.DENIED);
    assert.equal(e.verdict, 'denied');
    // "Action denied: <reason> (risk: high, score: 0.xx)", as the Python gate says it.
    assert.match(e.message, /^Action denied: .+ \(risk: high, score: \d\.\d\d\)$/);
    assert.equal(e.result.riskLevel, 'high');
    return true;
  });
  assert.equal(ran, false);
});

test('a timed-out review says so', async () => {
  const attesta = new Attesta({ audit: false, trust: false, reviewer: () => new Promise(() => {}),
    config: { policy: { timeout_seconds: 0.2, minimum_review_seconds: { low: 0, medium: 0, high: 0, critical: 0 } } } });
  let ran = false;
  const f = attesta.gate(() => { ran = true; }, { risk: 'medium', functionName: 'restart' });
  await assert.rejects(f(), (e) => {
    assert.equal(e.result.verdict, 'timed_out');
    assert.match(e.message, /^Action timed out: /);
    return true;
  });
  assert.equal(ran, false);
});

test('MODIFIED runs the function with the reviewer\'s arguments, never the originals', async () => {
  const reviewer = { decide: async () => ({ verdict: 'modified', modification: { args: ['staging', 1] } }) };
  const attesta = new Attesta({ audit: false, trust: false, config: NO_WAIT, reviewer });
  const seen = [];
  const deploy = attesta.gate(async (env, replicas) => { seen.push([env, replicas]); return 'ok'; }, { risk: 'high', functionName: 'deploy' });
  assert.equal(await deploy('production', 40), 'ok');
  assert.deepEqual(seen, [['staging', 1]]);
});

test('an unusable modification denies instead of falling back to the original arguments', async () => {
  for (const modification of [{ args: 'staging' }, { kwargs: { env: 'staging' } }, { kwargs: [] }]) {
    const reviewer = { decide: async () => ({ verdict: 'modified', modification }) };
    const attesta = new Attesta({ audit: false, trust: false, config: NO_WAIT, reviewer });
    let ran = false;
    const deploy = attesta.gate(async () => { ran = true; }, { risk: 'high', functionName: 'deploy' });
    await assert.rejects(deploy('production'), (e) => {
      assert.ok(e instanceof AttestaDenied);
      assert.match(e.message, /^Action denied: the reviewer's modification/);
      return true;
    });
    assert.equal(ran, false, JSON.stringify(modification));
  }
});

test('gate options are checked when the gate is made', () => {
  const attesta = new Attesta({ audit: false, trust: false });
  assert.throws(() => attesta.gate(() => {}, { risk_hints: {} }), /unexpected option\(s\): risk_hints/);
  assert.throws(() => attesta.gate(() => {}, { risk: 'severe' }), TypeError);
  assert.throws(() => attesta.gate(() => {}, { riskScorer: {} }), /score\(ctx\)/);
  assert.throws(() => attesta.gate('not a function'), TypeError);
});

test('gate options reach the context: name, hints, agent, metadata; a per-gate scorer', async () => {
  const seen = [];
  const attesta = new Attesta({ audit: false, trust: false });
  const f = attesta.gate(async () => 'done', {
    functionName: 'rotate_keys', functionDoc: 'Rotates API keys', riskHints: { destructive: false },
    agentId: 'agent-7', sessionId: 's-1', metadata: { ticket: 'OPS-1' },
    riskScorer: { name: 'spy', score: (c) => { seen.push(c); return 0.05; } },
  });
  assert.equal(await f(1), 'done');
  assert.equal(seen[0].functionName, 'rotate_keys');
  assert.equal(seen[0].functionDoc, 'Rotates API keys');
  assert.deepEqual(seen[0].hints, { destructive: false });
  assert.equal(seen[0].agentId, 'agent-7');
  assert.equal(seen[0].metadata.ticket, 'OPS-1');
  assert.deepEqual(seen[0].args, [1]);
});

test('module-level gate() uses attesta.yaml from the working directory, like the CLI', async (t) => {
  const dir = tempDir(t);
  const { writeFileSync } = await import('node:fs');
  writeFileSync(`${dir}/attesta.yaml`, 'audit:\n  path: logs/audit.jsonl\ntrust:\n  enabled: false\n');
  const prev = process.cwd();
  process.chdir(dir);
  t.after(() => process.chdir(prev));
  delete process.env.ATTESTA_CONFIG;
  const read = gate(async function readReport(name) { return `report ${name}`; });
  assert.equal(await read('q3'), 'report q3');
  const { existsSync } = await import('node:fs');
  assert.ok(existsSync(`${dir}/logs/audit.jsonl`), 'the configured audit path was used');
});

test('attack: arguments changed while the call is under review are denied, not run', async () => {
  // The reviewer approves; meanwhile the caller (or anything holding the object) swaps the path.
  const target = { path: '/tmp/report.csv' };
  let release;
  const gateOpen = new Promise((r) => { release = r; });
  const reviewer = { decide: async () => { await gateOpen; return 'approved'; } };
  const attesta = new Attesta({ audit: false, trust: false, config: NO_WAIT, reviewer });
  let ran;
  const remove = attesta.gate(async (t) => { ran = t.path; }, { functionName: 'remove_file', risk: 'high' });
  const call = remove(target);
  await new Promise((r) => setTimeout(r, 20));
  target.path = '/etc/passwd';
  release();
  await assert.rejects(call, /arguments changed while the call was under review/);
  assert.equal(ran, undefined);
});

test('attack: a scorer or reviewer mutating what it is shown changes nothing that runs', async () => {
  const scorer = { name: 'meddler', score: (ctx) => { ctx.args[0] = '/etc/shadow'; ctx.functionName = 'noop'; return 0.1; } };
  const attesta = new Attesta({ audit: false, trust: false, riskScorer: scorer });
  let ran;
  const read = attesta.gate(async (p) => { ran = p; }, { functionName: 'read_file' });
  await read('/tmp/a.txt');
  assert.equal(ran, '/tmp/a.txt');
});
