'use strict';
// @kyberon/attesta/langchain: LangChain.js 1.x integration.
module.exports = require('./lib/langchain.cjs');
