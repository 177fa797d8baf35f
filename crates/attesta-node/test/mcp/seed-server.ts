// The seed FAQ's TypeScript MCP server, as written there, inside a real MCP server
// (@modelcontextprotocol/sdk over stdio). Compiled with tsc against the package's own types.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';
import { Attesta, ActionContext, Verdict } from '@kyberon/attesta';

const attesta = new Attesta();
const ran: string[] = [];

async function callTool(name: string, args: Record<string, unknown>) {
  const ctx: ActionContext = {
    functionName: name,
    kwargs: args,
    metadata: { source: 'mcp' },
  };

  const result = await attesta.evaluate(ctx);
  if (result.verdict !== Verdict.APPROVED) {
    return { error: `Denied by Attesta: ${name}` };
  }

  // Execute the tool...
  ran.push(name);
  return { ok: `${name} ran`, ran: [...ran] };
}

const server = new McpServer({ name: 'seed-example', version: '1.0.0' });
for (const name of ['list_files', 'read_file', 'delete_database', 'transfer_funds']) {
  server.registerTool(
    name,
    { description: `the ${name} tool`, inputSchema: { target: z.string(), amount: z.number().optional() } },
    async (args) => {
      const out = await callTool(name, args);
      return { content: [{ type: 'text' as const, text: JSON.stringify(out) }], isError: 'error' in out };
    },
  );
}
await server.connect(new StdioServerTransport());
