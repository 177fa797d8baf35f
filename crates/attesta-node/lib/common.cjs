'use strict';
// Pure JavaScript shared by the native package and the fetch-only `/remote` client: enums,
// `AttestaDenied`, the camelCase ActionContext and its wire form, and the gate's argument rules.
// Nothing here loads native code.

/** Discrete risk levels ([0,0.3) low, [0.3,0.6) medium, [0.6,0.8) high, [0.8,1] critical). */
const RiskLevel = Object.freeze({
  LOW: 'low',
  MEDIUM: 'medium',
  HIGH: 'high',
  CRITICAL: 'critical',
  /**
   * Maps a score to a level. Throws a RangeError ("Risk score must be in [0, 1], got 1.5")
   * outside [0, 1], with the same rule and message as the Rust core.
   */
  fromScore(score) {
    if (typeof score !== 'number') {
      throw new TypeError(`Risk score must be a number, got ${typeof score}`);
    }
    if (!(score >= 0 && score <= 1)) {
      throw new RangeError(`Risk score must be in [0, 1], got ${formatNumber(score)}`);
    }
    if (score < 0.3) return 'low';
    if (score < 0.6) return 'medium';
    if (score < 0.8) return 'high';
    return 'critical';
  },
});

/** Outcomes of a review. Only APPROVED and MODIFIED let the action run. */
const Verdict = Object.freeze({
  APPROVED: 'approved',
  DENIED: 'denied',
  MODIFIED: 'modified',
  TIMED_OUT: 'timed_out',
  ESCALATED: 'escalated',
});

/** The verification challenges. */
const ChallengeType = Object.freeze({
  AUTO_APPROVE: 'auto_approve',
  CONFIRM: 'confirm',
  QUIZ: 'quiz',
  TEACH_BACK: 'teach_back',
  MULTI_PARTY: 'multi_party',
});

const LEVELS = new Set(['low', 'medium', 'high', 'critical']);

/** Rust's `Display` of an f64 (what the core's messages show): never an exponent. */
function formatNumber(n) {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  const s = String(n);
  if (!s.includes('e')) return s;
  const [mantissa, e] = s.split('e');
  const neg = mantissa.startsWith('-');
  const m = neg ? mantissa.slice(1) : mantissa;
  const digits = m.replace('.', '');
  const point = m.split('.')[0].length + Number(e);
  let out;
  if (point <= 0) out = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return (neg ? '-' : '') + out;
}

/** The gate refused to run a function; `.result` is the full ApprovalResult. */
class AttestaDenied extends Error {
  constructor(message, result) {
    super(message);
    this.name = 'AttestaDenied';
    this.result = result;
  }

  /** The verdict that stopped the call. */
  get verdict() {
    return this.result ? this.result.verdict : Verdict.DENIED;
  }
}

const CONTEXT_KEYS = new Set([
  'functionName', 'args', 'kwargs', 'functionDoc', 'hints', 'agentId', 'sessionId',
  'environment', 'metadata',
]);

function plainObject(value, field) {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(`ActionContext.${field} must be an object, got ${Array.isArray(value) ? 'an array' : typeof value}`);
  }
  return value;
}

function optionalString(value, field) {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw new TypeError(`ActionContext.${field} must be a string, got ${typeof value}`);
  }
  return value;
}

/**
 * The wire form (snake_case, as the Rust core, the CLI and the approval server read it) of a
 * camelCase ActionContext. Unknown keys are rejected so a typo (`kwarg`) never silently drops the
 * arguments. `source` tags `metadata.source` unless the caller named one.
 */
function toWire(ctx, source) {
  if (ctx === null || typeof ctx !== 'object') {
    throw new TypeError('ActionContext must be an object with at least { functionName }');
  }
  for (const key of Object.keys(ctx)) {
    if (!CONTEXT_KEYS.has(key)) {
      throw new TypeError(`ActionContext has an unknown field "${key}" (expected one of ${[...CONTEXT_KEYS].join(', ')})`);
    }
  }
  if (typeof ctx.functionName !== 'string' || ctx.functionName === '') {
    throw new TypeError('ActionContext.functionName must be a non-empty string');
  }
  let args = ctx.args;
  if (args === undefined || args === null) args = [];
  else if (!Array.isArray(args)) throw new TypeError('ActionContext.args must be an array');
  const metadata = plainObject(ctx.metadata, 'metadata');
  const wire = {
    function_name: ctx.functionName,
    args,
    kwargs: plainObject(ctx.kwargs, 'kwargs'),
    hints: plainObject(ctx.hints, 'hints'),
    metadata: source && metadata.source === undefined ? { ...metadata, source } : metadata,
  };
  const doc = optionalString(ctx.functionDoc, 'functionDoc');
  if (doc !== undefined) wire.function_doc = doc;
  const agent = optionalString(ctx.agentId, 'agentId');
  if (agent !== undefined) wire.agent_id = agent;
  const session = optionalString(ctx.sessionId, 'sessionId');
  if (session !== undefined) wire.session_id = session;
  const env = optionalString(ctx.environment, 'environment');
  if (env !== undefined) wire.environment = env;
  return wire;
}

/** `,"key":value` as JSON.stringify writes that property of an object ('' when it leaves it out). */
function member(key, value) {
  if (value === undefined) return '';
  const text = JSON.stringify(value);
  return text === undefined ? '' : `,"${key}":${text}`;
}

/**
 * JSON text of the wire form, the text `JSON.stringify(toWire(ctx, source))` gives, written
 * member by member: each `JSON.stringify` call has a fixed cost, so the parts the caller left
 * out (no args, hints or metadata) are written as constants. Values JSON cannot carry (BigInt,
 * cycles) are a clear error.
 */
function wireJson(ctx, source) {
  const w = toWire(ctx, source);
  try {
    let text = '{"function_name":' + JSON.stringify(w.function_name);
    text += ctx.args == null ? ',"args":[]' : member('args', w.args);
    text += ctx.kwargs == null ? ',"kwargs":{}' : member('kwargs', w.kwargs);
    text += ctx.hints == null ? ',"hints":{}' : member('hints', w.hints);
    if (ctx.metadata == null) text += source ? `,"metadata":{"source":${JSON.stringify(source)}}` : ',"metadata":{}';
    else text += member('metadata', w.metadata);
    text += member('function_doc', w.function_doc);
    text += member('agent_id', w.agent_id);
    text += member('session_id', w.session_id);
    text += member('environment', w.environment);
    return text + '}';
  } catch (error) {
    throw new TypeError(`ActionContext cannot be serialised to JSON: ${error.message}`);
  }
}

/** The camelCase ActionContext of a wire-form context. */
function fromWire(w) {
  const ctx = {
    functionName: w.function_name,
    args: w.args ?? [],
    kwargs: w.kwargs ?? {},
    hints: w.hints ?? {},
    metadata: w.metadata ?? {},
  };
  if (w.function_doc != null) ctx.functionDoc = w.function_doc;
  if (w.agent_id != null) ctx.agentId = w.agent_id;
  if (w.session_id != null) ctx.sessionId = w.session_id;
  if (w.environment != null) ctx.environment = w.environment;
  return ctx;
}

/** Validates a `risk` option ("high" or RiskLevel.HIGH); undefined when absent. */
function riskOption(risk) {
  if (risk === undefined || risk === null) return undefined;
  if (typeof risk !== 'string' || !LEVELS.has(risk.toLowerCase())) {
    throw new TypeError(`risk must be one of low, medium, high, critical, got ${JSON.stringify(risk)}`);
  }
  return risk.toLowerCase();
}

function minReviewOption(value) {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TypeError(`minReviewSeconds must be a number >= 0, got ${String(value)}`);
  }
  return value;
}

const BAD_MODIFICATION =
  'Action denied: the reviewer\'s modification is not {"args": [...], "kwargs": {...}}';

/**
 * The arguments a gated function runs with: the originals, the reviewer's modification, or an
 * AttestaDenied. JavaScript functions take positional arguments only, so a modification that
 * changes keyword arguments the call did not have is refused rather than half-applied.
 */
function gateArguments(result, args, kwargs) {
  const allowed = result.verdict === Verdict.APPROVED || result.verdict === Verdict.MODIFIED;
  if (!allowed) {
    throw new AttestaDenied(result.denialMessage || `Action denied: ${result.reason}`, result);
  }
  if (result.verdict !== Verdict.MODIFIED) return args;
  const m = result.modification;
  if (m === null || typeof m !== 'object' || Array.isArray(m)) {
    throw new AttestaDenied(BAD_MODIFICATION, result);
  }
  const newArgs = m.args === undefined ? args : m.args;
  if (!Array.isArray(newArgs)) throw new AttestaDenied(BAD_MODIFICATION, result);
  if (m.kwargs !== undefined) {
    if (m.kwargs === null || typeof m.kwargs !== 'object' || Array.isArray(m.kwargs)) {
      throw new AttestaDenied(BAD_MODIFICATION, result);
    }
    if (JSON.stringify(m.kwargs) !== JSON.stringify(kwargs ?? {})) {
      throw new AttestaDenied(
        'Action denied: the reviewer\'s modification changes keyword arguments, which a JavaScript function does not take',
        result,
      );
    }
  }
  return newArgs;
}

const GATE_OPTIONS = new Set([
  'risk', 'riskScorer', 'riskHints', 'agentId', 'sessionId', 'environment', 'minReviewSeconds',
  'reviewer', 'challengeMap', 'functionName', 'functionDoc', 'metadata',
]);

function checkGateOptions(options, allowed = GATE_OPTIONS) {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object') throw new TypeError('gate() options must be an object');
  const unknown = Object.keys(options).filter((k) => !allowed.has(k)).sort();
  if (unknown.length) {
    throw new TypeError(`gate() got unexpected option(s): ${unknown.join(', ')}`);
  }
  riskOption(options.risk);
  minReviewOption(options.minReviewSeconds);
  return options;
}

/** The ActionContext a gated call is evaluated as. */
function gateContext(fn, options, args) {
  const ctx = {
    functionName: options.functionName || fn.name || 'anonymous',
    args,
    kwargs: {},
    hints: options.riskHints ?? {},
    metadata: options.metadata ?? {},
  };
  if (options.functionDoc != null) ctx.functionDoc = options.functionDoc;
  if (options.agentId != null) ctx.agentId = options.agentId;
  if (options.sessionId != null) ctx.sessionId = options.sessionId;
  if (options.environment != null) ctx.environment = options.environment;
  return ctx;
}

/** What was evaluated, to compare with what would run. */
function snapshot(value) {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

/**
 * Objects are passed by reference: code holding one could change it while the call waits for a
 * decision, and the function would run with arguments nobody reviewed. Such a call is denied.
 */
function unchanged(evaluated, value, result) {
  if (snapshot(value) !== evaluated) {
    throw new AttestaDenied('Action denied: the arguments changed while the call was under review', result);
  }
}

/**
 * The gated async function: evaluates the call with `owner()` (anything with `evaluate`), runs
 * `fn` only when allowed, with the reviewer's arguments when MODIFIED.
 */
function makeGate(owner, fn, options, allowed = GATE_OPTIONS) {
  if (typeof fn !== 'function') throw new TypeError('gate() needs the function to protect');
  const opts = { ...checkGateOptions(options, allowed) };
  const evalOptions = { risk: riskOption(opts.risk), minReviewSeconds: minReviewOption(opts.minReviewSeconds) };
  const gated = async function (...args) {
    const ctx = gateContext(fn, opts, args);
    const evaluated = snapshot(args);
    const result = await owner(opts).evaluate(ctx, evalOptions);
    const runArgs = gateArguments(result, args, {});
    if (runArgs === args) unchanged(evaluated, args, result);
    return await fn.apply(this, runArgs);
  };
  Object.defineProperty(gated, 'name', { value: fn.name });
  return gated;
}

function describeError(error) {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  try {
    return `a thrown ${typeof error}: ${JSON.stringify(error)}`;
  } catch {
    return `a thrown ${typeof error}`;
  }
}

/**
 * Feeds a tool's output to `owner` when it is a Session (duck-typed, so the integrations work
 * with RemoteAttesta without loading the addon). A LangChain message is read by its content.
 * A failure here never hides the output from the agent: the output is returned either way.
 */
function observeOutput(owner, output, tool) {
  if (!owner || typeof owner.observeResult !== 'function' || typeof owner.userRequest !== 'function') return output;
  let value = output;
  if (value && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array) &&
      'content' in value && typeof value.lc_serializable === 'boolean') {
    value = value.content;
  }
  owner.observeResult(value, { tool });
  return output;
}

module.exports = {
  observeOutput,
  RiskLevel,
  Verdict,
  ChallengeType,
  AttestaDenied,
  toWire,
  wireJson,
  fromWire,
  riskOption,
  minReviewOption,
  gateArguments,
  checkGateOptions,
  gateContext,
  describeError,
  makeGate,
  snapshot,
  unchanged,
  GATE_OPTIONS,
  formatNumber,
};
