'use strict';
// @kyberon/attesta/langchain: LangChain.js 1.x. Works with an Attesta (native) or RemoteAttesta.
//
// - attestaMiddleware(attesta): createAgent middleware (wrapToolCall). A denial becomes an error
//   ToolMessage the model sees and the tool never runs; MODIFIED runs it with the reviewer's
//   arguments.
// - gateTool(tool, attesta) / gateTools(tools, attesta): wrap a StructuredTool or tool() so it
//   runs only when approved (for agents without middleware).
//
// `langchain` and `@langchain/core` are peer dependencies: the application's own copies are used.

const common = require('./common.cjs');

const { AttestaDenied, describeError } = common;

function isPlainObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function contextFor(name, input, tool, options, callId) {
  const ctx = {
    functionName: name,
    args: isPlainObject(input) ? [] : [input ?? null],
    kwargs: isPlainObject(input) ? input : {},
    metadata: { source: 'langchain', ...(options.metadata ?? {}), ...(callId ? { toolCallId: callId } : {}) },
  };
  if (typeof tool?.description === 'string') ctx.functionDoc = tool.description;
  if (options.agentId) ctx.agentId = options.agentId;
  if (options.sessionId) ctx.sessionId = options.sessionId;
  if (options.environment) ctx.environment = options.environment;
  if (options.riskHints?.[name]) ctx.hints = options.riskHints[name];
  return ctx;
}

function evalOptions(options, name) {
  const risk = isPlainObject(options.risk) ? options.risk[name] : options.risk;
  return risk === undefined ? {} : { risk };
}

/** The input to run with: the original (APPROVED) or the reviewer's (MODIFIED); else throws. */
function decidedInput(result, input) {
  if (result.verdict === 'approved') return input;
  if (result.verdict !== 'modified') {
    throw new AttestaDenied(result.denialMessage || `Action denied: ${result.reason}`, result);
  }
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

function checkAttesta(attesta, who) {
  if (!attesta || typeof attesta.evaluate !== 'function') {
    throw new TypeError(`${who} needs an Attesta (or RemoteAttesta) instance`);
  }
}

/**
 * createAgent middleware. Options: `agentId`, `sessionId`, `environment`, `metadata`,
 * `riskHints` ({ toolName: hints }), `risk` (a level, or { toolName: level }).
 */
function attestaMiddleware(attesta, options = {}) {
  checkAttesta(attesta, 'attestaMiddleware');
  const { createMiddleware } = require('langchain');
  const { ToolMessage } = require('@langchain/core/messages');
  const denial = (call, message) => new ToolMessage({
    content: message, tool_call_id: call.id, name: call.name, status: 'error',
  });
  return createMiddleware({
    name: 'AttestaMiddleware',
    wrapToolCall: async (request, handler) => {
      const call = request.toolCall;
      let result;
      const evaluated = common.snapshot(call.args);
      try {
        result = await attesta.evaluate(contextFor(call.name, call.args, request.tool, options, call.id), evalOptions(options, call.name));
      } catch (error) {
        return denial(call, `Denied by Attesta: the call could not be evaluated (${describeError(error)})`);
      }
      let args;
      try {
        args = decidedInput(result, call.args);
        if (args === call.args) common.unchanged(evaluated, call.args, result);
      } catch (error) {
        return denial(call, error.message);
      }
      const output = await (args === call.args ? handler(request) : handler({ ...request, toolCall: { ...call, args } }));
      return common.observeOutput(attesta, output, call.name);
    },
  });
}

/**
 * A tool that runs `tool` only when Attesta approves; a denial throws AttestaDenied (the agent's
 * tool node reports it to the model), or with `onDenied: 'result'` returns the message as text.
 */
function gateTool(tool, attesta, options = {}) {
  checkAttesta(attesta, 'gateTool');
  if (!tool || typeof tool.invoke !== 'function' || typeof tool.name !== 'string') {
    throw new TypeError('gateTool needs a LangChain tool (StructuredTool or tool())');
  }
  const { tool: makeTool } = require('@langchain/core/tools');
  return makeTool(async (input, config) => {
    const evaluated = common.snapshot(input);
    const result = await attesta.evaluate(contextFor(tool.name, input, tool, options, config?.toolCall?.id), evalOptions(options, tool.name));
    let runInput;
    try {
      runInput = decidedInput(result, input);
      if (runInput === input) common.unchanged(evaluated, input, result);
    } catch (denied) {
      if (options.onDenied === 'result') return denied.message;
      throw denied;
    }
    return common.observeOutput(attesta, await tool.invoke(runInput, config), tool.name);
  }, { name: tool.name, description: tool.description, schema: tool.schema });
}

/** gateTool over an array (or object) of tools. */
function gateTools(tools, attesta, options = {}) {
  if (Array.isArray(tools)) return tools.map((t) => gateTool(t, attesta, options));
  if (isPlainObject(tools)) {
    return Object.fromEntries(Object.entries(tools).map(([k, t]) => [k, gateTool(t, attesta, options)]));
  }
  throw new TypeError('gateTools needs an array or object of LangChain tools');
}

module.exports = { attestaMiddleware, gateTool, gateTools };
