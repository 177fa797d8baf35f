// @kyberon/attesta/ai with the real Vercel AI SDK, v5, v6 and v7 side by side (npm aliases),
// driven by each version's MockLanguageModel through generateText with tool calls.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { Attesta } from '@kyberon/attesta';
import { gateTools, attestaToolApproval } from '@kyberon/attesta/ai';

const VERSIONS = {
  v5: { ai: 'ai-v5', mock: 'MockLanguageModelV2', spec: 'v2' },
  v6: { ai: 'ai-v6', mock: 'MockLanguageModelV3', spec: 'v3' },
  v7: { ai: 'ai-v7', mock: 'MockLanguageModelV4', spec: 'v3' },
};

const NO_WAIT = { policy: { minimum_review_seconds: { low: 0, medium: 0, high: 0, critical: 0 } } };
const RISK = { get_weather: 'low', delete_user: 'high' };

function usage(spec) {
  return spec === 'v2'
    ? { inputTokens: 10, outputTokens: 5, totalTokens: 15 }
    : { inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 5, text: 5, reasoning: 0 } };
}
const finish = (spec, reason) => (spec === 'v2' ? reason : { unified: reason, raw: reason });

/** A model that calls the given tools once, then answers with text; it records every prompt. */
function scriptedModel(mod, v, calls) {
  const prompts = [];
  const model = new mod[v.mock]({
    doGenerate: async (options) => {
      prompts.push(options.prompt);
      if (prompts.length === 1) {
        return {
          content: calls.map(([toolName, input], i) => ({ type: 'tool-call', toolCallId: `call-${i}`, toolName, input: JSON.stringify(input) })),
          finishReason: finish(v.spec, 'tool-calls'), usage: usage(v.spec), warnings: [],
        };
      }
      return { content: [{ type: 'text', text: 'done' }], finishReason: finish(v.spec, 'stop'), usage: usage(v.spec), warnings: [] };
    },
  });
  return { model, prompts };
}

/** What the model was sent about one tool call in its second prompt (result or error text). */
function toolFeedback(prompts, toolCallId) {
  const parts = (prompts[1] ?? []).filter((m) => m.role === 'tool').flatMap((m) => m.content);
  return JSON.stringify(parts.filter((p) => p.toolCallId === toolCallId));
}

async function load(v) {
  const ai = await import(v.ai);
  const testing = await import(`${v.ai}/test`);
  return { ai, testing };
}

for (const [name, v] of Object.entries(VERSIONS)) {
  test(`ai ${name}: gateTools runs approved tools; a denied tool never runs and the model gets the denial`, async () => {
    const { ai, testing } = await load(v);
    const ran = [];
    const tools = {
      get_weather: ai.tool({ description: 'Weather for a city', inputSchema: z.object({ city: z.string() }),
        execute: async ({ city }) => { ran.push(['get_weather', city]); return { city, temperature: 7 }; } }),
      delete_user: ai.tool({ description: 'Deletes a user account', inputSchema: z.object({ id: z.string() }),
        execute: async ({ id }) => { ran.push(['delete_user', id]); return { deleted: id }; } }),
    };
    const attesta = new Attesta({ audit: false, trust: false });
    const { model, prompts } = scriptedModel(testing, v, [['get_weather', { city: 'Oslo' }], ['delete_user', { id: 'usr_1' }]]);
    const out = await ai.generateText({ model, prompt: 'clean up', tools: gateTools(tools, attesta, { risk: RISK }), stopWhen: ai.stepCountIs(3) });
    assert.deepEqual(ran, [['get_weather', 'Oslo']]);
    assert.equal(out.text, 'done');
    assert.match(toolFeedback(prompts, 'call-0'), /temperature/);
    assert.match(toolFeedback(prompts, 'call-1'), /Action denied/);
  });

  test(`ai ${name}: gateTools honours MODIFIED (the tool runs with the reviewer's input)`, async () => {
    const { ai, testing } = await load(v);
    const ran = [];
    const tools = {
      delete_user: ai.tool({ description: 'Deletes a user account', inputSchema: z.object({ id: z.string() }),
        execute: async ({ id }) => { ran.push(id); return { deleted: id }; } }),
    };
    const reviewer = { decide: async (review) => ({ verdict: 'modified', modification: { kwargs: { id: 'usr_test_copy' } } }) };
    const attesta = new Attesta({ audit: false, trust: false, config: NO_WAIT, reviewer });
    const { model, prompts } = scriptedModel(testing, v, [['delete_user', { id: 'usr_prod' }]]);
    await ai.generateText({ model, prompt: 'x', tools: gateTools(tools, attesta, { risk: RISK }), stopWhen: ai.stepCountIs(3) });
    assert.deepEqual(ran, ['usr_test_copy']);
    assert.match(toolFeedback(prompts, 'call-0'), /usr_test_copy/);
  });
}

test('ai v7: attestaToolApproval approves, denies with a reason, and never throws', async () => {
  const v = VERSIONS.v7;
  const { ai, testing } = await load(v);
  const ran = [];
  const tools = {
    get_weather: ai.tool({ description: 'Weather', inputSchema: z.object({ city: z.string() }),
      execute: async ({ city }) => { ran.push(city); return { city, temperature: 7 }; } }),
    delete_user: ai.tool({ description: 'Deletes a user', inputSchema: z.object({ id: z.string() }),
      execute: async ({ id }) => { ran.push(id); return { deleted: id }; } }),
  };
  const attesta = new Attesta({ audit: false, trust: false });
  const { model, prompts } = scriptedModel(testing, v, [['get_weather', { city: 'Oslo' }], ['delete_user', { id: 'usr_1' }]]);
  await ai.generateText({ model, prompt: 'x', tools, toolApproval: attestaToolApproval(attesta, { risk: RISK }), stopWhen: ai.stepCountIs(3) });
  assert.deepEqual(ran, ['Oslo']);
  assert.match(toolFeedback(prompts, 'call-1'), /Denied by Attesta/);

  // MODIFIED cannot be expressed in v7's approval: denied, the tool never runs.
  const modifying = new Attesta({ audit: false, trust: false, config: NO_WAIT,
    reviewer: { decide: async () => ({ verdict: 'modified', modification: { kwargs: { id: 'usr_x' } } }) } });
  const m2 = scriptedModel(testing, v, [['delete_user', { id: 'usr_2' }]]);
  await ai.generateText({ model: m2.model, prompt: 'x', tools, toolApproval: attestaToolApproval(modifying, { risk: RISK }), stopWhen: ai.stepCountIs(3) });
  assert.deepEqual(ran, ['Oslo']);
  assert.match(toolFeedback(m2.prompts, 'call-0'), /cannot replace/);

  // An evaluator that throws or hangs up is a denial, not an exception out of the callback.
  const broken = { evaluate: async () => { throw new Error('native crash'); } };
  const approve = attestaToolApproval(broken);
  const status = await approve({ toolCall: { toolName: 'delete_user', toolCallId: 'c', input: { id: 'u' } }, tools });
  assert.equal(status.type, 'denied');
  assert.match(status.reason, /native crash/);
  assert.equal((await approve(undefined)).type, 'denied');
});
