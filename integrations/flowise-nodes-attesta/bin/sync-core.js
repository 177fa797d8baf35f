#!/usr/bin/env node
// The approval client has one source, the n8n node's core.ts; the Flowise build compiles the same
// file (copied into src/ before tsc, and ignored by git) so the two nodes cannot drift apart.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const root = path.join(__dirname, '..');
const source = path.join(root, '../n8n-nodes-attesta/nodes/AttestaGate/core.ts');
const target = path.join(root, 'src/nodes/AttestaGatedTool/core.ts');
if (!fs.existsSync(source)) {
	console.error(`sync-core: ${source} is missing; build from a checkout of the Attesta repository`);
	process.exit(1);
}
const banner = '// Generated from integrations/n8n-nodes-attesta/nodes/AttestaGate/core.ts; edit it there.\n';
fs.writeFileSync(target, banner + fs.readFileSync(source, 'utf8'));
