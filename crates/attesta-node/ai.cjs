'use strict';
// @kyberon/attesta/ai: Vercel AI SDK integration (v5, v6, v7).
module.exports = require('./lib/ai.cjs');
