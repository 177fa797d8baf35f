// JavaScript scorers and reviewers called from the Rust pipeline: success, and every way they can
// misbehave (throw, reject, return garbage, never settle, answer blindly, answer too early).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Attesta, CompositeRiskScorer, MaxRiskScorer, DefaultRiskScorer, FixedRiskScorer, Verdict,
} from '@kyberon/attesta';

const NO_WAIT = { policy: { minimum_review_seconds: { low: 0, medium: 0, high: 0, critical: 0 } } };
const quiet = (extra = {}) => ({ audit: false, trust: false, config: NO_WAIT, ...extra });
const ctx = (name = 'deploy_service', kwargs = { service: 'billing', version: '2.4.1' }) => ({
  functionName: name, kwargs,
});

test('a sync and an async JavaScript scorer decide the level', async () => {
  const seen = [];
  const sync = { name: 'sync', score: (c) => { seen.push(c); return 0.1; } };
  const r1 = await new Attesta(quiet({ riskScorer: sync })).evaluate(ctx());
  assert.equal(r1.verdict, 'approved');
  assert.equal(r1.riskScore, 0.1);
  assert.equal(r1.scorer, 'sync');
  // The scorer sees the camelCase context, with the source tag.
  assert.equal(seen[0].functionName, 'deploy_service');
  assert.deepEqual(seen[0].kwargs, { service: 'billing', version: '2.4.1' });
  assert.equal(seen[0].metadata.source, 'node');

  const async_ = { name: 'async', score: async () => { await new Promise((r) => setTimeout(r, 5)); return 0.95; } };
  const r2 = await new Attesta(quiet({ riskScorer: async_ })).evaluate(ctx());
  assert.equal(r2.riskLevel, 'critical');
  assert.equal(r2.verdict, 'denied');
});

test('a scorer may return factors with evidence', async () => {
  const scorer = { name: 'policy', score: () => ({ score: 0.2, factors: [{ name: 'owner', score: 0.2, evidence: 'team-owned service' }] }) };
  const r = await new Attesta(quiet({ riskScorer: scorer })).evaluate(ctx());
  assert.equal(r.riskFactors[0].evidence, 'team-owned service');
});

test('a scorer that throws, rejects, or returns a non-number denies (fail closed)', async () => {
  const bad = {
    throws: () => { throw new Error('database down'); },
    rejects: async () => { throw new TypeError('nope'); },
    string: () => 'low',
    nan: () => NaN,
    infinity: () => Infinity,
    above: () => 1.5,
    negative: () => -0.2,
    bool: () => false,
    nothing: () => undefined,
    object: () => ({ level: 'low' }),
    bigint: () => 1n,
  };
  for (const [name, score] of Object.entries(bad)) {
    const r = await new Attesta(quiet({ riskScorer: { name, score } })).evaluate(ctx('read_file'));
    assert.equal(r.verdict, 'denied', name);
    assert.match(r.reason, /risk scoring failed/, name);
    assert.match(r.reason, new RegExp(name), `${name}: the reason names the scorer: ${r.reason}`);
  }
  const r = await new Attesta(quiet({ riskScorer: { name: 'throws', score: () => { throw new Error('database down'); } } }))
    .evaluate(ctx('read_file'));
  assert.match(r.reason, /database down/);
});

test('a scorer that never settles is cut off by its deadline and denies', async () => {
  const hang = { name: 'hang', score: () => new Promise(() => {}) };
  const r = await new Attesta(quiet({ riskScorer: hang, scorerTimeoutMs: 200 })).evaluate(ctx('read_file'));
  assert.equal(r.verdict, 'denied');
  assert.match(r.reason, /did not answer within/);
});

test('composite and max scorers mix native and JavaScript parts; a failing part fails the whole', async () => {
  const low = { name: 'low', score: () => 0.0 };
  const high = { name: 'high', score: async () => 0.9 };
  const max = await new Attesta(quiet({ riskScorer: new MaxRiskScorer([low, high, new DefaultRiskScorer()]) })).evaluate(ctx());
  assert.equal(max.riskScore, 0.9);
  const comp = await new Attesta(quiet({ riskScorer: new CompositeRiskScorer([[low, 1], [new FixedRiskScorer(0.5), 1]]) })).evaluate(ctx());
  assert.ok(Math.abs(comp.riskScore - 0.25) < 1e-9, String(comp.riskScore));
  const broken = { name: 'broken', score: () => { throw new Error('boom'); } };
  const failed = await new Attesta(quiet({ riskScorer: new MaxRiskScorer([low, broken]) })).evaluate(ctx());
  assert.equal(failed.verdict, 'denied');
  assert.throws(() => new CompositeRiskScorer([]), TypeError);
  assert.throws(() => new Attesta(quiet({ riskScorer: new CompositeRiskScorer([[low, -1]]) })), /weight/i);
  assert.throws(() => new FixedRiskScorer(2), RangeError);
  assert.throws(() => new Attesta(quiet({ riskScorer: { name: 'x' } })), /score\(ctx\)/);
});

test('DefaultRiskScorer scores as the Rust core does', () => {
  const s = new DefaultRiskScorer();
  const a = s.score({ functionName: 'delete_production_database', args: ['users'] });
  const b = s.score({ functionName: 'get_weather', kwargs: { city: 'Oslo' } });
  assert.ok(a > b, `${a} > ${b}`);
  assert.ok(a >= 0 && a <= 1 && b >= 0 && b <= 1);
});

test('a JavaScript reviewer answers a confirmation; the public challenge carries no answer key', async () => {
  const seen = [];
  const reviewer = async (review) => { seen.push(review); return 'y'; };
  const attesta = new Attesta(quiet({ reviewer }));
  const r = await attesta.evaluate(ctx(), { risk: 'medium' });
  assert.equal(r.verdict, 'approved', r.reason);
  assert.equal(r.challengeType, 'confirm');
  assert.equal(seen.length, 1);
  assert.equal(seen[0].action.functionName, 'deploy_service');
  assert.equal(seen[0].challenge.challenge_type, 'confirm');
  assert.match(seen[0].text, /deploy_service/);
  assert.ok(attesta.reviewerName.startsWith('javascript'));
  const no = await new Attesta(quiet({ reviewer: async () => 'n' })).evaluate(ctx(), { risk: 'medium' });
  assert.equal(no.verdict, 'denied');
});

test('attack: the quiz a JavaScript reviewer sees never contains its answers', async () => {
  let challenge;
  const reviewer = async (review) => { challenge = review.challenge; return ['1', '1']; };
  await new Attesta(quiet({ reviewer })).evaluate(
    { functionName: 'transfer_funds', kwargs: { amount: 25000, to_account: 'ACC-7731', currency: 'EUR' } },
    { risk: 'high', seed: 7 });
  const text = JSON.stringify(challenge);
  for (const leak of ['"correct', '"expected', 'answer_key', '"key"']) assert.ok(!text.includes(leak), `${leak} in ${text}`);
});

test('attack: a blind quiz guesser is denied far more often than not', async (t) => {
  // Guesses a random option for every question; 40 independent quizzes.
  let approved = 0;
  const N = 40;
  for (let i = 0; i < N; i++) {
    const guesser = async (review) => {
      const qs = review.challenge.body?.questions ?? [];
      return qs.map((q) => String(1 + Math.floor(Math.random() * Math.max(1, q.format?.options?.length ?? 4))));
    };
    const r = await new Attesta(quiet({ reviewer: guesser })).evaluate(
      { functionName: 'transfer_funds', kwargs: { amount: 25000 + i, to_account: `ACC-${7000 + i}`, currency: 'EUR' } },
      { risk: 'high', seed: 1000 + i });
    if (r.verdict === 'approved') approved++;
  }
  t.diagnostic(`blind guesser approved ${approved}/${N} HIGH-risk quizzes`);
  // Two questions with >= 3 options each: a guesser passes at most ~1/9 of the time.
  assert.ok(approved <= N * 0.35, `blind guesser approved ${approved}/${N}`);
});

test('a JavaScript reviewer that throws, returns garbage or answers too early is denied', async () => {
  for (const reviewer of [
    async () => { throw new Error('slack is down'); },
    async () => 42n,
    async () => ({ answers: { y: true } }),
    () => null,
  ]) {
    const r = await new Attesta(quiet({ reviewer })).evaluate(ctx(), { risk: 'medium' });
    assert.equal(r.verdict, 'denied', r.reason);
  }
  // The minimum review time is enforced on the answer's arrival.
  const early = new Attesta({ audit: false, trust: false, reviewer: async () => 'y',
    config: { policy: { minimum_review_seconds: { low: 0, medium: 600, high: 600, critical: 600 } } } });
  const r = await early.evaluate(ctx(), { risk: 'medium' });
  assert.equal(r.verdict, 'denied');
});

test('multi-party: each approver is named by identify() and answers their own step; the same person twice is refused', async () => {
  const names = ['alice', 'bob'];
  const slots = [];
  const steps = [];
  const reviewer = Object.assign(async (review) => { steps.push(review); return 'y'; },
    { identify: async (slot) => { slots.push(slot); return names[slot.index]; } });
  const cfg = { ...NO_WAIT, policy: { ...NO_WAIT.policy, challenge_map: { critical: 'multi_party' } } };
  const r = await new Attesta({ audit: false, trust: false, config: cfg, reviewer }).evaluate(ctx(), { risk: 'critical' });
  // The first approver's step is a teach-back, which "y" does not pass: denied, at step one.
  assert.deepEqual(slots, [{ index: 0, required: 2 }]);
  assert.equal(steps.length, 1);
  assert.deepEqual(steps[0].approver, { index: 0, required: 2 });
  assert.equal(steps[0].challenge.challenge_type, 'teach_back');
  assert.equal(r.verdict, 'denied');
  assert.equal(r.challengeType, 'multi_party');

  // One person posing as both approvers: the first step passes (a short teach-back is allowed
  // here), then the same name for the second approver is refused.
  const lenient = { ...cfg, policy: { ...cfg.policy, teach_back: { min_words: 1, min_key_terms: 0 } } };
  const explain = async () => 'This deploys the billing service version 2.4.1 to production now';
  const same = Object.assign(explain, { identify: async () => 'mallory' });
  const r2 = await new Attesta({ audit: false, trust: false, config: lenient, reviewer: same }).evaluate(ctx(), { risk: 'critical' });
  assert.equal(r2.verdict, 'denied');
  assert.match(r2.reason, /approver 2 of 2 was not provided by a distinct person/);
  const none = await new Attesta({ audit: false, trust: false, config: cfg, reviewer: async () => 'y' }).evaluate(ctx(), { risk: 'critical' });
  assert.equal(none.verdict, 'denied');
  assert.match(none.reason, /approver 1 of 2/);
});

test('a deciding reviewer may modify; approvals sooner than the minimum review time are denied', async () => {
  const decide = { decide: async (req) => ({ verdict: Verdict.MODIFIED, modification: { args: ['staging'] }, approvers: ['ops'] }) };
  const r = await new Attesta(quiet({ reviewer: decide })).evaluate(ctx(), { risk: 'high' });
  assert.equal(r.verdict, 'modified');
  assert.deepEqual(r.modification, { args: ['staging'] });
  assert.deepEqual(r.approvers, ['ops']);
  const hasty = new Attesta({ audit: false, trust: false, reviewer: { decide: async () => 'approved' },
    config: { policy: { minimum_review_seconds: { low: 0, medium: 600, high: 600, critical: 600 } } } });
  const early = await hasty.evaluate(ctx(), { risk: 'high' });
  assert.equal(early.verdict, 'denied');
  assert.match(early.reason, /before the minimum review time/);
  const unknown = await new Attesta(quiet({ reviewer: { decide: async () => 'sure' } })).evaluate(ctx(), { risk: 'high' });
  assert.equal(unknown.verdict, 'denied');
});
