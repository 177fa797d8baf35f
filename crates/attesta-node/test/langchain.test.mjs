// @kyberon/attesta/langchain with the real langchain 1.x agent and its fake tool-calling model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { createAgent, FakeToolCallingModel, tool, ToolMessage } from 'langchain';
import { Attesta } from '@kyberon/attesta';
import { attestaMiddleware, gateTools } from '@kyberon/attesta/langchain';

const NO_WAIT = { policy: { minimum_review_seconds: { low: 0, medium: 0, high: 0, critical: 0 } } };
const RISK = { get_weather: 'low', delete_user: 'high' };

function makeTools(ran) {
  return [
    tool(async ({ city }) => { ran.push(['get_weather', city]); return `7°C in ${city}`; },
      { name: 'get_weather', description: 'Weather for a city', schema: z.object({ city: z.string() }) }),
    tool(async ({ id }) => { ran.push(['delete_user', id]); return `deleted ${id}`; },
      { name: 'delete_user', description: 'Deletes a user account', schema: z.object({ id: z.string() }) }),
  ];
}

const model = () => new FakeToolCallingModel({
  toolCalls: [[
    { name: 'get_weather', args: { city: 'Oslo' }, id: 'call-1' },
    { name: 'delete_user', args: { id: 'usr_prod' }, id: 'call-2' },
  ], []],
});

const toolMessages = (out) => Object.fromEntries(
  out.messages.filter((m) => ToolMessage.isInstance ? ToolMessage.isInstance(m) : m.getType?.() === 'tool')
    .map((m) => [m.tool_call_id, m]));

test('langchain middleware: approved tools run; a denial is an error ToolMessage and the tool never runs', async () => {
  const ran = [];
  const attesta = new Attesta({ audit: false, trust: false });
  const agent = createAgent({ model: model(), tools: makeTools(ran), middleware: [attestaMiddleware(attesta, { risk: RISK })] });
  const out = await agent.invoke({ messages: [{ role: 'user', content: 'clean up' }] });
  assert.deepEqual(ran, [['get_weather', 'Oslo']]);
  const msgs = toolMessages(out);
  assert.match(String(msgs['call-1'].content), /7°C in Oslo/);
  assert.equal(msgs['call-2'].status, 'error');
  assert.match(String(msgs['call-2'].content), /^Action denied: /);
});

test('langchain middleware: MODIFIED arguments pass through to the tool', async () => {
  const ran = [];
  const reviewer = { decide: async () => ({ verdict: 'modified', modification: { kwargs: { id: 'usr_test' } } }) };
  const attesta = new Attesta({ audit: false, trust: false, config: NO_WAIT, reviewer });
  const agent = createAgent({ model: model(), tools: makeTools(ran), middleware: [attestaMiddleware(attesta, { risk: { get_weather: 'low', delete_user: 'high' } })] });
  await agent.invoke({ messages: [{ role: 'user', content: 'x' }] });
  assert.deepEqual(ran, [['get_weather', 'Oslo'], ['delete_user', 'usr_test']]);
});

test('langchain middleware: an evaluator that fails denies', async () => {
  const ran = [];
  const broken = { evaluate: async () => { throw new Error('boom'); } };
  const agent = createAgent({ model: model(), tools: makeTools(ran), middleware: [attestaMiddleware(broken)] });
  const out = await agent.invoke({ messages: [{ role: 'user', content: 'x' }] });
  assert.deepEqual(ran, []);
  assert.match(String(toolMessages(out)['call-2'].content), /could not be evaluated/);
});

test('langchain gateTools: wrapped tool() objects run only when approved', async () => {
  const ran = [];
  const attesta = new Attesta({ audit: false, trust: false });
  const [weather, del] = gateTools(makeTools(ran), attesta, { risk: RISK });
  assert.equal(weather.name, 'get_weather');
  assert.equal(await weather.invoke({ city: 'Bergen' }), '7°C in Bergen');
  await assert.rejects(del.invoke({ id: 'usr_prod' }), /Action denied/);
  assert.deepEqual(ran, [['get_weather', 'Bergen']]);
  const agent = createAgent({ model: model(), tools: gateTools(makeTools(ran), attesta, { risk: RISK, onDenied: 'result' }) });
  const out = await agent.invoke({ messages: [{ role: 'user', content: 'x' }] });
  assert.match(String(toolMessages(out)['call-2'].content), /Action denied/);
  assert.deepEqual(ran, [['get_weather', 'Bergen'], ['get_weather', 'Oslo']]);
});
