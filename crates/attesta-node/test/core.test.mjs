// The native package through its public entry point: enums, evaluate, results, headless denial.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import {
  Attesta, RiskLevel, Verdict, ChallengeType, AttestaDenied, version,
} from '@kyberon/attesta';
import { tempDir } from './helpers.mjs';

const require = createRequire(import.meta.url);

test('ESM and CommonJS entry points are one module (one AttestaDenied class)', () => {
  const cjs = require('@kyberon/attesta');
  assert.equal(cjs.AttestaDenied, AttestaDenied);
  assert.equal(cjs.Attesta, Attesta);
  assert.match(version, /^\d+\.\d+\.\d+/);
});

test('enums carry the seed values', () => {
  assert.deepEqual(
    [RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH, RiskLevel.CRITICAL],
    ['low', 'medium', 'high', 'critical'],
  );
  assert.deepEqual(Object.values(Verdict), ['approved', 'denied', 'modified', 'timed_out', 'escalated']);
  assert.deepEqual(Object.values(ChallengeType), ['auto_approve', 'confirm', 'quiz', 'teach_back', 'multi_party']);
  assert.ok(Object.isFrozen(Verdict));
});

test('RiskLevel.fromScore: the seed boundaries and error text', () => {
  const cases = [[0.15, 'low'], [0.45, 'medium'], [0.72, 'high'], [0.91, 'critical'],
    [0.0, 'low'], [0.3, 'medium'], [0.6, 'high'], [0.8, 'critical'], [1.0, 'critical'],
    [0.29999999, 'low'], [0.5999999, 'medium'], [0.7999999, 'high']];
  for (const [score, level] of cases) assert.equal(RiskLevel.fromScore(score), level, String(score));
  assert.throws(() => RiskLevel.fromScore(1.5), { name: 'RangeError', message: 'Risk score must be in [0, 1], got 1.5' });
  assert.throws(() => RiskLevel.fromScore(-0.1), { message: 'Risk score must be in [0, 1], got -0.1' });
  assert.throws(() => RiskLevel.fromScore(NaN), RangeError);
  assert.throws(() => RiskLevel.fromScore('0.5'), TypeError);
});

test('the pure-JS fromScore (used by /remote) agrees with the Rust core everywhere', async () => {
  const common = require('../lib/common.cjs');
  for (let i = 0; i <= 10000; i++) {
    const s = i / 10000;
    assert.equal(common.RiskLevel.fromScore(s), RiskLevel.fromScore(s), String(s));
  }
  for (const bad of [1.5, -0.1, 2, -1e-9, 1 + 1e-12, 1e21, -3.5e-7, 123456.789]) {
    assert.throws(() => common.RiskLevel.fromScore(bad), (e) => {
      assert.throws(() => RiskLevel.fromScore(bad), { message: e.message });
      return true;
    });
  }
});

test('the wire text written member by member is the text JSON.stringify gives the wire object', () => {
  const common = require('../lib/common.cjs');
  const date = new Date(0);
  const custom = { toJSON: () => ({ replaced: true }) };
  const dropped = { toJSON: () => undefined };
  const values = [undefined, null, 0, -1.5, 1e21, '', 'é"\\\n\u2028😀', [], [1, undefined, 'x'], {}, { a: undefined, b: [null] },
    date, custom, dropped, { nested: { deep: [date, custom] } }];
  const pick = (i, k) => values[(i * 7 + k * 13) % values.length];
  const cases = [
    { functionName: 'read_file' },
    { functionName: 'read_file', kwargs: { path: 'notes.txt' } },
    { functionName: 'x', args: [], kwargs: {}, hints: {}, metadata: {} },
    { functionName: 'x', metadata: { source: 'mine' } },
    { functionName: 'x', metadata: { other: 1 } },
    { functionName: 'x', args: null, kwargs: null, hints: null, metadata: null, functionDoc: null, agentId: undefined },
    { functionName: '"quoted"\n', functionDoc: 'doc', agentId: 'a', sessionId: 's', environment: 'production' },
  ];
  for (let i = 0; i < 60; i++) {
    cases.push({
      functionName: `f${i}`,
      args: [pick(i, 0), pick(i, 1)],
      kwargs: { k: pick(i, 2), [`k${i}`]: pick(i, 3) },
      hints: i % 3 ? { h: pick(i, 4) } : undefined,
      metadata: i % 2 ? { m: pick(i, 5) } : undefined,
    });
  }
  for (const ctx of cases) {
    for (const source of [undefined, 'node', 'we"ird']) {
      assert.equal(common.wireJson(ctx, source), JSON.stringify(common.toWire(ctx, source)), JSON.stringify(ctx));
    }
  }
  const cyclic = { functionName: 'x', kwargs: {} };
  cyclic.kwargs.self = cyclic.kwargs;
  assert.throws(() => common.wireJson(cyclic, 'node'), /ActionContext cannot be serialised to JSON/);
  assert.throws(() => common.wireJson({ functionName: 'x', args: [1n] }), /ActionContext cannot be serialised to JSON/);
});

test('the seed example: new Attesta() then await evaluate() of a low-risk call is approved', async (t) => {
  const dir = tempDir(t);
  const attesta = new Attesta({ auditPath: `${dir}/audit.jsonl`, trust: false });
  const result = await attesta.evaluate({ functionName: 'list_files', kwargs: { path: '.' }, metadata: { source: 'mcp' } });
  assert.equal(result.verdict, Verdict.APPROVED);
  assert.equal(result.riskLevel, 'low');
  assert.equal(result.challengeType, ChallengeType.AUTO_APPROVE);
  assert.ok(result.auditEntryId.length > 0);
  for (const key of ['verdict', 'riskScore', 'riskLevel', 'riskFactors', 'challengeType', 'reason',
    'approvers', 'auditEntryId', 'modification', 'reviewSeconds']) {
    assert.ok(key in result, key);
  }
  assert.equal(result.modification, null);
  assert.ok(Array.isArray(result.riskFactors) && result.riskFactors.length > 0);
  assert.equal(typeof result.riskFactors[0].evidence, 'string');
  // A plain object: JSON and spreading carry every field, the lazily parsed ones included.
  const copy = JSON.parse(JSON.stringify(result));
  assert.deepEqual(copy.riskFactors, result.riskFactors);
  assert.equal(copy.challenge.challenge_type, 'auto_approve');
  assert.deepEqual({ ...result }.riskFactors, result.riskFactors);
  assert.match(result.interceptedAt, /^\d{4}-\d\d-\d\dT/);
  assert.equal(result.mode, 'enforce');
});

test('headless (no terminal, no server): anything that needs a human is denied', async () => {
  const attesta = new Attesta({ audit: false, trust: false });
  assert.notEqual(attesta.reviewerName, 'terminal', 'the suite must run without a controlling terminal');
  const result = await attesta.evaluate({ functionName: 'drop_database', args: ['prod'] }, { risk: 'high' });
  assert.equal(result.verdict, Verdict.DENIED);
  assert.equal(result.allowed, false);
  assert.match(result.denialMessage, /^Action denied: /);
});

test('risk override and bad options are checked before anything runs', async () => {
  const attesta = new Attesta({ audit: false, trust: false });
  const r = await attesta.evaluate({ functionName: 'read' }, { risk: RiskLevel.CRITICAL });
  assert.equal(r.riskLevel, 'critical');
  assert.equal(r.verdict, 'denied');
  await assert.rejects(attesta.evaluate({ functionName: 'read' }, { risk: 'extreme' }), TypeError);
  await assert.rejects(attesta.evaluate({ functionName: 'read' }, { minReviewSeconds: -1 }), TypeError);
});

test('bad contexts get a clear error and never an approval', async () => {
  const attesta = new Attesta({ audit: false, trust: false });
  await assert.rejects(attesta.evaluate({ functionName: 'x', kwarg: {} }), /unknown field "kwarg"/);
  await assert.rejects(attesta.evaluate({ kwargs: {} }), /functionName/);
  await assert.rejects(attesta.evaluate(null), TypeError);
  await assert.rejects(attesta.evaluate({ functionName: 'x', args: 'a' }), /args must be an array/);
  await assert.rejects(attesta.evaluate({ functionName: 'x', kwargs: { n: 10n } }), /cannot be serialised/);
  const cyclic = {};
  cyclic.self = cyclic;
  await assert.rejects(attesta.evaluate({ functionName: 'x', kwargs: cyclic }), /cannot be serialised/);
});

test('unknown constructor options are refused', () => {
  assert.throws(() => new Attesta({ audit_path: 'x' }), /unexpected option\(s\): audit_path/);
});

test('many concurrent evaluations on one instance each get their own audited decision', async (t) => {
  const dir = tempDir(t);
  const attesta = new Attesta({ auditPath: `${dir}/audit.jsonl`, trust: false });
  const results = await Promise.all(Array.from({ length: 50 }, (_, i) =>
    attesta.evaluate({ functionName: i % 2 ? 'read_file' : 'delete_user', args: [i] })));
  assert.equal(new Set(results.map((r) => r.auditEntryId)).size, 50);
  const { verifyAudit } = await import('@kyberon/attesta');
  const report = verifyAudit(`${dir}/audit.jsonl`);
  assert.equal(report.intact, true);
  assert.equal(report.entries, 50);
});
