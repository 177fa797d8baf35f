'use strict';
// @kyberon/attesta/remote: fetch-only client of `attesta serve` (no native code).
module.exports = require('./lib/remote.cjs');
