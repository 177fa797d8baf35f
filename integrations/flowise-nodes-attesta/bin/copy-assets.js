#!/usr/bin/env node
// Copies the icon next to the compiled node (tsc copies only .ts output).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const root = path.join(__dirname, '..');
fs.copyFileSync(path.join(root, 'src/nodes/AttestaGatedTool/attesta.svg'), path.join(root, 'dist/nodes/AttestaGatedTool/attesta.svg'));
