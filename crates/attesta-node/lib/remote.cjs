'use strict';
// @kyberon/attesta/remote: a client of `attesta serve` over fetch only (no native code, no
// node: modules), for edge runtimes and serverless functions. The server scores the action with
// its own policy and a human answers in its inbox; this client only asks, waits and verifies.
//
// Fail closed: every network error, HTTP error, malformed reply, digest mismatch or deadline
// becomes a DENIED (or TIMED_OUT) result — evaluate() never resolves to an approval it could
// not verify, and never rejects for a denial.

const common = require('./common.cjs');

const { Verdict, wireJson } = common;

/** RFC 8785 (JCS) canonical JSON: sorted keys (UTF-16 order), ECMAScript number and string forms. */
function canonical(value) {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new TypeError('non-finite numbers have no canonical JSON form');
    }
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const keys = Object.keys(value).filter((k) => value[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
}

/** Lowercase hex SHA-256 of the canonical `{function_name, args, kwargs}` (docs/api.md). */
async function actionDigest(wire) {
  const text = canonical({ function_name: wire.function_name, args: wire.args, kwargs: wire.kwargs });
  const bytes = new TextEncoder().encode(text);
  const hash = await globalThis.crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(hash)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The challenge a code-level risk override asks the server for (the defaults' map). */
const REQUIRES = {
  medium: { challenge: 'confirm' },
  high: { challenge: 'quiz' },
  critical: { challenge: 'multi_party', approvers: 2 },
};

class RemoteError extends Error {}

function denied(reason, verdict = Verdict.DENIED, extra = {}) {
  const level = extra.riskLevel ?? 'critical';
  const score = extra.riskScore ?? 1;
  const prefix = verdict === Verdict.TIMED_OUT ? 'Action timed out' : 'Action denied';
  return {
    verdict,
    allowed: false,
    riskScore: score,
    riskLevel: level,
    riskFactors: extra.riskFactors ?? [],
    scorer: extra.scorer ?? 'remote',
    challengeType: extra.challengeType ?? null,
    challengePassed: false,
    challenge: extra.challenge ?? null,
    reason,
    approvers: extra.approvers ?? [],
    approverAuthenticated: false,
    auditEntryId: extra.auditEntryId ?? '',
    modification: null,
    reviewSeconds: extra.reviewSeconds ?? 0,
    mode: 'enforce',
    enforcedVerdict: verdict,
    trustBefore: null,
    interceptedAt: extra.interceptedAt ?? new Date().toISOString(),
    decidedAt: new Date().toISOString(),
    denialMessage: `${prefix}: ${reason} (risk: ${level}, score: ${score.toFixed(2)})`,
    requestId: extra.requestId ?? null,
  };
}

const KNOWN_VERDICTS = new Set(['approved', 'denied', 'timed_out', 'escalated']);

/** The ApprovalResult of a consumed decision, after checking it is about this very action. */
function fromDecision(d, digest, interceptedAt) {
  if (!d || typeof d !== 'object' || !KNOWN_VERDICTS.has(d.verdict)) {
    throw new RemoteError(`the server's decision is malformed: ${JSON.stringify(d)?.slice(0, 200)}`);
  }
  if (d.action_digest !== digest) {
    throw new RemoteError('the decision is for another action (action digest mismatch)');
  }
  const risk = d.risk ?? {};
  const challenge = d.challenge ?? null;
  const base = {
    riskScore: typeof risk.score === 'number' ? risk.score : 1,
    riskLevel: risk.level ?? 'critical',
    riskFactors: Array.isArray(risk.factors) ? risk.factors : [],
    scorer: risk.scorer ?? 'remote',
    challengeType: challenge?.challenge_type ?? null,
    challenge,
    approvers: Array.isArray(d.approvers) ? d.approvers : [],
    auditEntryId: d.audit_entry_id ?? '',
    reviewSeconds: challenge?.review_seconds ?? 0,
    interceptedAt,
    requestId: d.request_id ?? null,
  };
  if (d.verdict !== 'approved') {
    const verdict = d.verdict === 'timed_out' ? Verdict.TIMED_OUT : d.verdict === 'escalated' ? Verdict.ESCALATED : Verdict.DENIED;
    const result = denied(d.reason || `${d.verdict} by the approval server`, verdict, base);
    if (verdict === Verdict.ESCALATED) {
      result.denialMessage = `Action escalated (not yet resolved): ${result.reason} (risk: ${result.riskLevel}, score: ${result.riskScore.toFixed(2)})`;
    }
    return result;
  }
  // An approval must come from a passed challenge (or the server's auto-approval), never from a
  // timeout that the server's fail_mode turned into an approval.
  const details = challenge?.details ?? {};
  if (!challenge || challenge.passed !== true || details.approved_on_timeout) {
    return denied('the approval server approved without a passed challenge', Verdict.DENIED, base);
  }
  return {
    ...denied('', Verdict.APPROVED, base),
    verdict: Verdict.APPROVED,
    allowed: true,
    enforcedVerdict: Verdict.APPROVED,
    challengePassed: true,
    approverAuthenticated: d.approver_authenticated === true,
    reason: d.reason ?? 'approved by the approval server',
    denialMessage: '',
  };
}

class RemoteAttesta {
  /**
   * `url`: the approval server (`http://127.0.0.1:7373`); `token`: an agent token
   * (`attesta serve add-agent NAME`); `timeoutMs`: overall deadline of one evaluation (default
   * 300 000); `requestTimeoutMs`: deadline of one HTTP request (default 30 000 + wait);
   * `fetch`: a fetch implementation (default: the global one).
   */
  constructor(options = {}) {
    const { url, token, timeoutMs = 300_000, requestTimeoutMs = 30_000, fetch: fetchImpl } = options;
    if (typeof url !== 'string' || !/^https?:\/\//.test(url)) {
      throw new TypeError('RemoteAttesta needs the approval server\'s url (http:// or https://)');
    }
    if (typeof token !== 'string' || token.length === 0) {
      throw new TypeError('RemoteAttesta needs an agent token (attesta serve add-agent NAME)');
    }
    for (const [name, v] of [['timeoutMs', timeoutMs], ['requestTimeoutMs', requestTimeoutMs]]) {
      if (typeof v !== 'number' || !(v > 0)) throw new TypeError(`${name} must be a number > 0`);
    }
    this.url = url.replace(/\/+$/, '');
    this._token = token;
    this.timeoutMs = timeoutMs;
    this.requestTimeoutMs = requestTimeoutMs;
    this._fetch = fetchImpl ?? globalThis.fetch;
    if (typeof this._fetch !== 'function') throw new TypeError('no fetch() available; pass options.fetch');
  }

  async _call(method, path, body, deadline, extraMs = 0) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new RemoteError('deadline');
    // When the overall deadline is nearer than this request's own cap, its expiry is the deadline.
    const capped = remaining <= this.requestTimeoutMs + extraMs;
    const signal = AbortSignal.timeout(Math.max(1, Math.min(remaining, this.requestTimeoutMs + extraMs)));
    let response;
    try {
      response = await this._fetch(`${this.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${this._token}`, 'content-type': 'application/json', accept: 'application/json' },
        body: body === undefined ? undefined : body,
        signal,
        redirect: 'error',
      });
    } catch (error) {
      if (Date.now() >= deadline || (capped && error?.name === 'TimeoutError')) throw new RemoteError('deadline');
      throw new RemoteError(`the approval server is unreachable: ${error?.name === 'TimeoutError' ? 'request timed out' : error?.message ?? error}`);
    }
    let payload = null;
    const text = await response.text().catch(() => '');
    if (text) {
      try {
        payload = JSON.parse(text);
      } catch {
        throw new RemoteError(`the approval server answered ${response.status} with something that is not JSON`);
      }
    }
    return { status: response.status, body: payload };
  }

  /** Runs one action through the approval server. Never rejects for a denial or an outage. */
  async evaluate(ctx, options = {}) {
    const risk = common.riskOption(options.risk);
    common.minReviewOption(options.minReviewSeconds);
    const wire = JSON.parse(wireJson(ctx, 'remote'));
    if (risk && REQUIRES[risk] && wire.metadata.attesta_requires === undefined) {
      wire.metadata.attesta_requires = { ...REQUIRES[risk] };
      if (options.minReviewSeconds !== undefined) wire.metadata.attesta_requires.min_review_seconds = options.minReviewSeconds;
    }
    const interceptedAt = new Date().toISOString();
    const deadline = Date.now() + this.timeoutMs;
    let digest;
    try {
      digest = await actionDigest(wire);
      const created = await this._call('POST', '/v1/requests', JSON.stringify(wire), deadline);
      if (created.status !== 201 || !created.body || typeof created.body.request_id !== 'string') {
        throw new RemoteError(`the approval server refused the request (${created.status}: ${created.body?.error?.message ?? 'no details'})`);
      }
      if (created.body.action_digest !== digest) {
        throw new RemoteError('the approval server registered another action (action digest mismatch)');
      }
      const id = encodeURIComponent(created.body.request_id);
      let status = created.body.status;
      while (status === 'pending') {
        const wait = Math.max(1, Math.min(30, Math.floor((deadline - Date.now()) / 1000)));
        const polled = await this._call('GET', `/v1/requests/${id}/wait?timeout=${wait}`, undefined, deadline, wait * 1000);
        if (polled.status === 200) status = polled.body?.status ?? 'decided';
        else if (polled.status !== 202) {
          throw new RemoteError(`waiting for the decision failed (${polled.status}: ${polled.body?.error?.message ?? 'no details'})`);
        }
      }
      const consumed = await this._call('POST', `/v1/requests/${id}/consume`, JSON.stringify({ action_digest: digest }), deadline);
      if (consumed.status !== 200) {
        throw new RemoteError(`taking the decision failed (${consumed.status}: ${consumed.body?.error?.code ?? 'no details'})`);
      }
      return fromDecision(consumed.body, digest, interceptedAt);
    } catch (error) {
      if (error instanceof RemoteError) {
        if (error.message === 'deadline') {
          return denied(`no decision from the approval server within ${this.timeoutMs / 1000} s`, Verdict.TIMED_OUT, { interceptedAt });
        }
        return denied(error.message, Verdict.DENIED, { interceptedAt });
      }
      return denied(`the remote evaluation failed: ${common.describeError(error)}`, Verdict.DENIED, { interceptedAt });
    }
  }

  /** Same as the native `attesta.gate(fn, options)`; the server's policy scores the action. */
  gate(fn, options) {
    return common.makeGate(() => this, fn, options, REMOTE_GATE_OPTIONS);
  }
}

const REMOTE_GATE_OPTIONS = new Set([
  'risk', 'riskHints', 'agentId', 'sessionId', 'environment', 'minReviewSeconds', 'functionName',
  'functionDoc', 'metadata',
]);

module.exports = { RemoteAttesta, Attesta: RemoteAttesta, actionDigest, canonical, AttestaDenied: common.AttestaDenied, Verdict, RiskLevel: common.RiskLevel, ChallengeType: common.ChallengeType };
