'use strict';
// `Attesta` (the pipeline object), `gate`, and the callbacks that let the native core call
// JavaScript scorers and reviewers.

const native = require('./native.cjs');
const common = require('./common.cjs');
const scorers = require('./scorers.cjs');

const { AttestaDenied, Verdict, fromWire, describeError } = common;

/** Replies to the native core: always a JSON string `{ok}` or `{error}`, never a throw. */
function reply(work) {
  return (async () => {
    try {
      const value = await work();
      const text = JSON.stringify({ ok: value === undefined ? null : value });
      return text === undefined ? JSON.stringify({ ok: null }) : text;
    } catch (error) {
      return JSON.stringify({ error: describeError(error) });
    }
  })();
}

function scoreCallback(registry) {
  return (request) =>
    reply(async () => {
      const { id, ctx } = JSON.parse(request);
      const value = await registry[id].score(fromWire(ctx));
      // JSON has no NaN or Infinity: send them as text so the core names what was returned.
      if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
      return value;
    });
}

/** What a JavaScript reviewer receives. */
function reviewOf(req) {
  const review = {
    action: fromWire(req.ctx),
    risk: req.risk,
    challengeType: req.challengeType,
    minReviewSeconds: req.minReviewSeconds,
    approversRequired: req.approversRequired,
    timeoutSeconds: req.timeoutSeconds,
  };
  if (req.challenge !== undefined) review.challenge = req.challenge;
  if (req.text !== undefined) review.text = req.text;
  if (req.approver !== undefined) review.approver = req.approver;
  return review;
}

function reviewCallback(reviewer) {
  const decide = typeof reviewer === 'object' && typeof reviewer.decide === 'function';
  const answer = typeof reviewer === 'function' ? reviewer : reviewer.answer?.bind(reviewer);
  const identify = reviewer.identify?.bind(reviewer);
  return {
    shape: decide ? 'decide' : 'answer',
    // Recorded in the audit log as `javascript:<name>`: a named function or class, else nothing.
    name: (typeof reviewer.name === 'string' && reviewer.name) ||
      (['Object', 'Function', 'AsyncFunction'].includes(reviewer.constructor?.name) ? undefined : reviewer.constructor?.name),
    callback: (request) =>
      reply(async () => {
        const req = JSON.parse(request);
        const review = reviewOf(req);
        if (req.op === 'decide') return reviewer.decide(review);
        if (req.op === 'identify') return identify ? identify(review.approver, review) : null;
        return answer(review);
      }),
  };
}

function checkReviewer(reviewer) {
  if (typeof reviewer === 'function') return;
  if (reviewer && typeof reviewer === 'object' &&
      (typeof reviewer.decide === 'function' || typeof reviewer.answer === 'function')) return;
  throw new TypeError(
    'a reviewer is an async function given the challenge that returns the answers, ' +
      'or an object with `decide(request)` returning a verdict',
  );
}

/**
 * The camelCase ApprovalResult of the native text (see src/result.rs): the head, an array read
 * by position, is parsed now; the risk factors and the challenge result when first read. Both
 * are enumerable own properties, so spreading and JSON.stringify see them like the others.
 */
function finish(text) {
  const a = text.indexOf('\n');
  const b = text.indexOf('\n', a + 1);
  const h = JSON.parse(text.slice(0, a));
  let factors;
  let challenge;
  return {
    verdict: h[0],
    allowed: h[0] === 'approved' || h[0] === 'modified',
    riskScore: h[1],
    riskLevel: h[2],
    get riskFactors() {
      if (factors === undefined) factors = JSON.parse(text.slice(a + 1, b));
      return factors;
    },
    scorer: h[3],
    challengeType: h[4],
    challengePassed: h[5],
    get challenge() {
      if (challenge === undefined) challenge = JSON.parse(text.slice(b + 1));
      return challenge;
    },
    reason: h[6],
    approvers: h[7],
    approverAuthenticated: h[8],
    auditEntryId: h[9],
    modification: h[10],
    reviewSeconds: h[11],
    mode: h[12],
    enforcedVerdict: h[13],
    trustBefore: h[14],
    interceptedAt: h[15],
    decidedAt: h[16],
    denialMessage: h[17],
  };
}

const OPTION_KEYS = new Set([
  'config', 'riskScorer', 'reviewer', 'auditPath', 'audit', 'trustStorePath', 'trust',
  'environment', 'challengeMap', 'scorerTimeoutMs',
]);

/** The native session a pipeline is built with (a symbol: not an option users pass). */
const SESSION = Symbol('attesta.session');

function buildPipeline(options) {
  const unknown = Object.keys(options).filter((k) => !OPTION_KEYS.has(k)).sort();
  if (unknown.length) throw new TypeError(`Attesta() got unexpected option(s): ${unknown.join(', ')}`);
  const native_options = {
    auditPath: options.auditPath,
    audit: options.audit,
    trustStorePath: options.trustStorePath,
    trust: options.trust,
    environment: options.environment,
    scorerTimeoutMs: options.scorerTimeoutMs,
  };
  if (typeof options.config === 'string') native_options.configPath = options.config;
  else if (options.config && typeof options.config === 'object') {
    native_options.configJson = JSON.stringify(options.config);
  } else if (options.config != null) {
    throw new TypeError('config must be a file path or an object in the configuration file\'s shape');
  }
  if (options.challengeMap) native_options.challengeMap = { ...options.challengeMap };
  let scoreFn;
  if (options.riskScorer) {
    const registry = [];
    native_options.scorer = JSON.stringify(scorers.describe(options.riskScorer, registry));
    if (registry.length) scoreFn = scoreCallback(registry);
  }
  let reviewFn;
  if (options.reviewer) {
    checkReviewer(options.reviewer);
    const r = reviewCallback(options.reviewer);
    native_options.reviewerShape = r.shape;
    native_options.reviewerName = r.name;
    reviewFn = r.callback;
  }
  return new native.Pipeline(native_options, scoreFn, reviewFn, options[SESSION]);
}

class Attesta {
  /**
   * Builds the pipeline synchronously. Options: `config` (path of attesta.yaml/.json/.toml, or
   * an object in the same shape), `riskScorer`, `reviewer`, `auditPath`/`audit`,
   * `trustStorePath`/`trust`, `environment`, `challengeMap`, `scorerTimeoutMs`.
   */
  constructor(options = {}) {
    if (options === null || typeof options !== 'object') {
      throw new TypeError('Attesta() options must be an object');
    }
    this._options = { ...options };
    this._pipeline = buildPipeline(this._options);
  }

  /** Loads attesta.yaml (YAML, JSON or TOML by extension), validated as the CLI does. */
  static fromConfig(path, options = {}) {
    return new Attesta({ ...options, config: String(path) });
  }

  get environment() {
    return this._pipeline.environment;
  }
  get reviewerName() {
    return this._pipeline.reviewerName;
  }
  get auditPath() {
    return this._pipeline.auditPath ?? null;
  }
  get configPath() {
    return this._pipeline.configPath ?? null;
  }

  /**
   * Runs one action through the pipeline. Never rejects for a denial: check `result.verdict`.
   * Options: `risk` (override), `minReviewSeconds`, `seed` (tests).
   */
  async evaluate(ctx, options = {}) {
    const risk = common.riskOption(options.risk);
    const min = common.minReviewOption(options.minReviewSeconds);
    const out = this._pipeline.evaluate(common.wireJson(ctx, 'node'), risk, min, options.seed);
    return finish(typeof out === 'string' ? out : await out);
  }

  /** Scores an action without asking anyone or writing anything. */
  assess(ctx, options = {}) {
    const risk = common.riskOption(options.risk);
    return JSON.parse(this._pipeline.assess(common.wireJson(ctx, 'node'), risk));
  }

  /** A sibling with the same configuration and files but another scorer, reviewer or map. */
  derive(options = {}) {
    const next = { ...this._options };
    for (const key of ['riskScorer', 'reviewer', 'challengeMap']) {
      if (options[key] !== undefined) next[key] = options[key];
    }
    return new Attesta(next);
  }

  /**
   * Wraps `fn`: the returned async function runs it only when approved (with the reviewer's
   * arguments when MODIFIED) and otherwise rejects with AttestaDenied. Options: `risk`,
   * `riskScorer`, `riskHints`, `agentId`, `sessionId`, `environment`, `minReviewSeconds`,
   * `reviewer`, `challengeMap`, `functionName`, `functionDoc`, `metadata`.
   */
  gate(fn, options) {
    return makeGate(() => this, fn, options);
  }

  /**
   * A Session of this pipeline: the same configuration and files, with every call judged in the
   * context of one agent session. Options: `userRequest`.
   */
  session(sessionId, options = {}) {
    return new Session(this, sessionId, options);
  }
}

/** Text of a tool result for the session: strings and bytes as text, anything else as JSON. */
function observe(nativeSession, value, tool) {
  if (typeof value === 'string') return nativeSession.observeText(value, tool);
  if (value instanceof Uint8Array) return nativeSession.observeText(Buffer.from(value).toString('utf8'), tool);
  if (value === undefined || value === null) return undefined;
  // BigInts become their digits and repeated (or cyclic) objects a marker, so every string of
  // the result is still read: nothing is skipped because it would not serialise.
  const seen = new WeakSet();
  let json;
  try {
    json = JSON.stringify(value, (_key, v) => {
      if (typeof v === 'bigint') return v.toString();
      if (v && typeof v === 'object') {
        if (seen.has(v)) return '[circular]';
        seen.add(v);
      }
      return v;
    });
  } catch {
    json = undefined; // a toJSON or getter that throws: read the result as text instead
  }
  if (json !== undefined) return nativeSession.observeJson(json, tool);
  let text;
  try {
    text = String(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return nativeSession.observeText(text, tool);
}

/**
 * One agent session: an Attesta that judges each call in the context of what the session has
 * seen (docs/typescript.md, "Sessions"). Feed it the user's request (`userRequest`) and tool
 * results (`observeResult`); every evaluate, gate and integration given the session gets the
 * session-aware score. Memory is bounded whatever is fed in.
 */
class Session extends Attesta {
  constructor(attesta, sessionId, options = {}) {
    const base = attesta ?? defaultAttesta();
    if (!(base instanceof Attesta)) throw new TypeError('Session needs an Attesta instance');
    if (base instanceof Session) throw new TypeError('a Session cannot start another session; call session() on the Attesta instance');
    if (sessionId != null && typeof sessionId !== 'string') throw new TypeError('sessionId must be a string');
    if (options === null || typeof options !== 'object') throw new TypeError('session() options must be an object');
    const nativeSession = new native.NativeSession();
    super({ ...base._options, [SESSION]: nativeSession });
    this._session = nativeSession;
    this.sessionId = sessionId ?? null;
    if (options.userRequest != null) this.userRequest(options.userRequest);
  }

  /** What the user asked for (a prompt). Several requests accumulate. */
  userRequest(text) {
    if (typeof text !== 'string') throw new TypeError('userRequest needs the request text (a string)');
    this._session.userRequest(text);
  }

  /**
   * A tool's result: a string, bytes, or anything JSON-serialisable. `tool` names the tool
   * that produced it, for the evidence of a taint (default: the most recent call).
   */
  observeResult(result, options = {}) {
    const tool = options?.tool;
    if (tool != null && typeof tool !== 'string') throw new TypeError('tool must be a string');
    observe(this._session, result, tool ?? undefined);
  }

  get hasRequest() {
    return this._session.hasRequest;
  }
  /** `{ source, evidence }` once a tool result carried instructions aimed at the agent. */
  get taint() {
    const t = this._session.taint;
    return t ? { source: t[0], evidence: t[1] } : null;
  }
  /** The calls seen, most recent last: `{ number, functionName, level }`. */
  get calls() {
    return JSON.parse(this._session.callsJson).map(([number, functionName, level]) => ({ number, functionName, level }));
  }

  _withId(ctx) {
    if (this.sessionId != null && ctx && typeof ctx === 'object' && ctx.sessionId == null) {
      return { ...ctx, sessionId: this.sessionId };
    }
    return ctx;
  }
  evaluate(ctx, options) {
    return super.evaluate(this._withId(ctx), options);
  }
  assess(ctx, options) {
    return super.assess(this._withId(ctx), options);
  }
  gate(fn, options) {
    const opts = options ?? {};
    return super.gate(fn, this.sessionId != null && opts.sessionId == null ? { ...opts, sessionId: this.sessionId } : opts);
  }
  session() {
    throw new TypeError('a Session cannot start another session; call session() on the Attesta instance');
  }
}


function makeGate(owner, fn, options) {
  const opts = common.checkGateOptions(options);
  if (opts.riskScorer !== undefined && typeof opts.riskScorer?.score !== 'function' &&
      !opts.riskScorer?.scorers) {
    throw new TypeError('riskScorer needs a score(ctx) method and a name');
  }
  if (opts.reviewer !== undefined) checkReviewer(opts.reviewer);
  // The pipeline is resolved on the first call (the default instance reads attesta.yaml then);
  // a gate with its own scorer, reviewer or map gets a sibling sharing the instance's files.
  let attesta;
  const pipeline = () => {
    if (!attesta) {
      const base = owner();
      const custom = {};
      for (const key of ['riskScorer', 'reviewer', 'challengeMap']) {
        if (opts[key] !== undefined) custom[key] = opts[key];
      }
      attesta = Object.keys(custom).length ? base.derive(custom) : base;
    }
    return attesta;
  };
  return common.makeGate(pipeline, fn, opts);
}

let defaultInstance;

/**
 * The process-wide instance behind the module-level `gate`: `$ATTESTA_CONFIG` when set, else
 * attesta.yaml (.yml, .json, .toml) in the current directory as the CLI finds it, else defaults.
 */
function defaultAttesta() {
  if (!defaultInstance) {
    const path = process.env.ATTESTA_CONFIG || native.discoverConfig(process.cwd());
    defaultInstance = new Attesta(path ? { config: path } : {});
  }
  return defaultInstance;
}

/** `gate(fn, options?)` with the default instance. */
function gate(fn, options) {
  return makeGate(defaultAttesta, fn, options);
}

/** Verifies an audit log's hash chain as `attesta audit verify` does. */
function verifyAudit(path) {
  const report = JSON.parse(native.verifyAudit(String(path)));
  return {
    intact: report.intact,
    entries: report.entries,
    brokenAt: report.broken_at,
    breaks: report.breaks,
    files: report.files,
    lastSeq: report.last_seq ?? null,
    lastHash: report.last_hash ?? null,
    checkpointsVerified: report.checkpoints_verified,
  };
}

/** The default scorer's score for a context (what `new DefaultRiskScorer().score(ctx)` gives). */
scorers.DefaultRiskScorer.prototype.score = function score(ctx) {
  return native.defaultScore(common.wireJson(ctx));
};

module.exports = {
  Attesta,
  Session,
  gate,
  defaultAttesta,
  verifyAudit,
  AttestaDenied,
  Verdict,
  native,
};
