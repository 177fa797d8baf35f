'use strict';
// @kyberon/attesta/ai: the Vercel AI SDK. Works with an Attesta (native) or a RemoteAttesta; it
// never imports `ai` itself, so one build serves v5, v6 and v7.
//
// - attestaToolApproval(attesta): v7's `toolApproval` callback. Never throws (the SDK would
//   fail the step): anything that goes wrong is a denial with a reason. MODIFIED is denied,
//   because v7 cannot replace a tool's input from an approval.
// - gateTools(tools, attesta): wraps each tool's `execute` (v5, v6, v7), and feeds each result to
//   the session when `attesta` is a Session; a denied call never
//   runs and the model receives the denial; MODIFIED runs with the reviewer's input.

const common = require('./common.cjs');

const { AttestaDenied, describeError } = common;

function isPlainObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The ActionContext of one AI SDK tool call: an object input becomes kwargs, anything else args[0]. */
function toolContext(name, input, tool, options = {}, extra = {}) {
  const ctx = {
    functionName: name,
    args: isPlainObject(input) ? [] : [input ?? null],
    kwargs: isPlainObject(input) ? input : {},
    metadata: { source: 'vercel-ai', ...(options.metadata ?? {}), ...extra },
  };
  if (typeof tool?.description === 'string') ctx.functionDoc = tool.description;
  if (options.agentId) ctx.agentId = options.agentId;
  if (options.sessionId) ctx.sessionId = options.sessionId;
  if (options.environment) ctx.environment = options.environment;
  if (options.riskHints?.[name]) ctx.hints = options.riskHints[name];
  return ctx;
}

function evalOptions(options, name) {
  const risk = typeof options.risk === 'object' && options.risk !== null ? options.risk[name] : options.risk;
  return risk === undefined ? {} : { risk };
}

/**
 * v7 `toolApproval`: `generateText({ …, toolApproval: attestaToolApproval(attesta) })`.
 * Options: `agentId`, `sessionId`, `environment`, `metadata`, `riskHints` ({ toolName: hints }),
 * `risk` (a level, or { toolName: level }), `escalateToUser` (ESCALATED → 'user-approval' so the
 * app's own approval UI decides; default: denied).
 */
function attestaToolApproval(attesta, options = {}) {
  if (!attesta || typeof attesta.evaluate !== 'function') {
    throw new TypeError('attestaToolApproval needs an Attesta (or RemoteAttesta) instance');
  }
  return async ({ toolCall, tools } = {}) => {
    try {
      const name = toolCall?.toolName;
      if (typeof name !== 'string') return { type: 'denied', reason: 'Attesta: the tool call has no tool name' };
      const ctx = toolContext(name, toolCall.input, tools?.[name], options, { toolCallId: toolCall.toolCallId });
      const result = await attesta.evaluate(ctx, evalOptions(options, name));
      switch (result.verdict) {
        case 'approved':
          return { type: 'approved', reason: `Approved by Attesta: ${result.reason}` };
        case 'modified':
          return {
            type: 'denied',
            reason: 'Denied by Attesta: the reviewer changed the arguments, and toolApproval cannot replace a tool\'s input; use gateTools() to run modified calls',
          };
        case 'escalated':
          if (options.escalateToUser) return { type: 'user-approval', reason: `Attesta escalated: ${result.reason}` };
        // falls through
        default:
          return { type: 'denied', reason: `Denied by Attesta: ${result.reason}` };
      }
    } catch (error) {
      return { type: 'denied', reason: `Denied by Attesta: the call could not be evaluated (${describeError(error)})` };
    }
  };
}

/** The input the tool runs with after a MODIFIED verdict (never the original). */
function modifiedInput(result, input) {
  const m = result.modification;
  const bad = () => new AttestaDenied('Action denied: the reviewer\'s modification does not fit this tool\'s input', result);
  if (!isPlainObject(m)) throw bad();
  if (isPlainObject(input)) {
    if (m.args !== undefined && (!Array.isArray(m.args) || m.args.length > 0)) throw bad();
    if (m.kwargs === undefined) return input;
    if (!isPlainObject(m.kwargs)) throw bad();
    return m.kwargs;
  }
  if (!Array.isArray(m.args) || m.args.length !== 1) throw bad();
  return m.args[0];
}

/**
 * Wraps every tool's `execute` so it runs only when Attesta approves (v5, v6 and v7). A denied
 * call throws AttestaDenied inside `execute`, which the SDK reports to the model as the tool's
 * error; with `onDenied: 'result'` the tool instead returns `{ denied: true, reason }`.
 * Tools without `execute` (client-side tools) are left as they are.
 */
function gateTools(tools, attesta, options = {}) {
  if (!attesta || typeof attesta.evaluate !== 'function') {
    throw new TypeError('gateTools needs an Attesta (or RemoteAttesta) instance');
  }
  if (!isPlainObject(tools)) throw new TypeError('gateTools needs the tools object ({ name: tool(...) })');
  const out = {};
  for (const [name, tool] of Object.entries(tools)) {
    if (!tool || typeof tool.execute !== 'function') {
      out[name] = tool;
      continue;
    }
    const execute = tool.execute;
    out[name] = {
      ...tool,
      execute: async (input, execOptions) => {
        const ctx = toolContext(name, input, tool, options, { toolCallId: execOptions?.toolCallId });
        const evaluated = common.snapshot(input);
        const result = await attesta.evaluate(ctx, evalOptions(options, name));
        let runInput = input;
        try {
          if (!result.allowed && result.verdict !== 'approved' && result.verdict !== 'modified') {
            throw new AttestaDenied(result.denialMessage || `Action denied: ${result.reason}`, result);
          }
          if (result.verdict === 'modified') runInput = modifiedInput(result, input);
          else common.unchanged(evaluated, input, result);
        } catch (denial) {
          if (options.onDenied === 'result') return { denied: true, reason: denial.message };
          throw denial;
        }
        return common.observeOutput(attesta, await execute.call(tool, runInput, execOptions), name);
      },
    };
  }
  return out;
}

module.exports = { attestaToolApproval, gateTools, toolContext };
