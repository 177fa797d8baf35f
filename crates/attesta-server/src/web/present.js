// Presentation of what agents send, for people: a plain-language summary line, formatted values
// beside the raw ones, invisible and direction-changing characters made visible (⟨U+202E⟩), and
// words that mix scripts (Latin with Cyrillic or Greek look-alikes) marked. Pure functions, no
// DOM: app.js puts their output in the page with textContent only.
'use strict';

const AttestaFormat = (() => {
  // Controls, zero-width characters, bidi embeddings/overrides/isolates, BOM, soft hyphen, tags.
  const HIDDEN = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u00AD\u061C\u115F\u1160\u180E\u200B-\u200F\u2028-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0\uFFF9-\uFFFB]|[\u{E0000}-\u{E007F}]/gu;

  function codepoint(ch) {
    return '⟨U+' + ch.codePointAt(0).toString(16).toUpperCase().padStart(4, '0') + '⟩';
  }

  // Every hidden character becomes a visible escape; what remains is what the eye reads.
  function visible(text) {
    return String(text === undefined || text === null ? '' : text).replace(HIDDEN, codepoint);
  }

  function scriptOf(ch) {
    if (/\p{Script=Latin}/u.test(ch)) return 'Latin';
    if (/\p{Script=Cyrillic}/u.test(ch)) return 'Cyrillic';
    if (/\p{Script=Greek}/u.test(ch)) return 'Greek';
    if (/\p{Script=Armenian}/u.test(ch)) return 'Armenian';
    return null;
  }

  // Words that mix letters of several scripts ("pаypal" with a Cyrillic а): [{word, scripts}].
  function mixedScripts(text) {
    const found = [];
    for (const word of String(text || '').split(/[^\p{L}\p{M}]+/u)) {
      const scripts = new Set();
      for (const ch of word) {
        const s = scriptOf(ch);
        if (s) scripts.add(s);
      }
      if (scripts.size > 1) found.push({ word, scripts: [...scripts] });
    }
    return found;
  }

  const CURRENCY_WORDS = { '€': 'EUR', '$': 'USD', '£': 'GBP', eur: 'EUR', usd: 'USD', gbp: 'GBP', chf: 'CHF' };

  function money(amount, currency) {
    const n = Number(amount);
    if (!isFinite(n)) return null;
    let code = String(currency || '').trim();
    code = CURRENCY_WORDS[code.toLowerCase()] || CURRENCY_WORDS[code] || code.toUpperCase();
    try {
      if (/^[A-Z]{3}$/.test(code)) {
        return new Intl.NumberFormat('en-GB', { style: 'currency', currency: code }).format(n);
      }
    } catch (e) { /* unknown currency code: plain number below */ }
    return new Intl.NumberFormat('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(n) + (code ? ' ' + code : '');
  }

  function looksLikeIban(v) {
    return typeof v === 'string' && /^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(v.replace(/\s+/g, ''));
  }

  function groupIban(v) {
    return v.replace(/\s+/g, '').replace(/(.{4})(?=.)/g, '$1 ');
  }

  // A readable form of one argument value, or null when the raw value is already readable.
  function formatted(key, value) {
    const k = String(key).toLowerCase();
    if (typeof value === 'number' && /amount|sum|total|price|value|balance|limit/.test(k)) {
      return new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2, minimumFractionDigits: Number.isInteger(value) ? 0 : 2 }).format(value);
    }
    if (typeof value === 'number' && Math.abs(value) >= 10000) return new Intl.NumberFormat('en-GB').format(value);
    if (looksLikeIban(value)) return groupIban(value);
    if (typeof value === 'string' && visible(value) !== value) return visible(value);
    return null;
  }

  function pick(kwargs, names) {
    for (const n of names) {
      if (kwargs[n] !== undefined && kwargs[n] !== null && kwargs[n] !== '') return kwargs[n];
    }
    return undefined;
  }

  function titleCase(word) {
    return word ? word.charAt(0).toUpperCase() + word.slice(1) : '';
  }

  function short(v, max) {
    const s = typeof v === 'string' ? v : JSON.stringify(v);
    return s.length > max ? s.slice(0, max - 1) + '…' : s;
  }

  // "Transfer €48,500.00 to Nordwind Logistics GmbH — DE89 3704 0044 0532 0130 00".
  function summary(action, args, environment) {
    const kwargs = (args && args.kwargs) || {};
    const positional = (args && args.args) || [];
    const words = String(action || '').split(/[_\-.\s]+/).filter(Boolean);
    const verb = titleCase(words[0] || 'Run');
    const noun = words.slice(1).join(' ');
    const amount = pick(kwargs, ['amount', 'sum', 'total', 'value']);
    const currency = pick(kwargs, ['currency', 'ccy']);
    const to = pick(kwargs, ['recipient', 'recipient_name', 'payee', 'beneficiary', 'to', 'creditor', 'name']);
    const account = pick(kwargs, ['iban', 'account', 'account_number', 'to_account']);
    const target = pick(kwargs, ['path', 'file', 'filename', 'table', 'database', 'url', 'host', 'command', 'cmd', 'query', 'branch', 'email', 'id', 'record_id']);
    let line;
    if (amount !== undefined && isFinite(Number(amount))) {
      line = verb + ' ' + money(amount, currency);
      if (to !== undefined) line += ' to ' + short(to, 80);
      if (account !== undefined) line += ' — ' + (looksLikeIban(account) ? groupIban(account) : short(account, 40));
    } else if (kwargs.table !== undefined && pick(kwargs, ['id', 'record_id']) !== undefined) {
      line = verb + ' ' + (noun || 'record') + ' ' + short(pick(kwargs, ['id', 'record_id']), 40) + ' in table ' + short(kwargs.table, 60);
    } else if (target !== undefined) {
      const which = Object.keys(kwargs).find((k) => kwargs[k] === target);
      line = verb + ' ' + (noun && !['path', 'file', 'url', 'command', 'cmd', 'query'].includes(which) ? noun + ' ' : '') + short(target, 120);
      if (to !== undefined && to !== target) line += ' for ' + short(to, 60);
    } else if (positional.length) {
      line = verb + (noun ? ' ' + noun : '') + ' ' + short(positional[0], 120);
    } else {
      const first = Object.entries(kwargs).slice(0, 2).map(([k, v]) => k + ' ' + short(v, 40)).join(', ');
      line = verb + (noun ? ' ' + noun : '') + (first ? ' (' + first + ')' : '');
    }
    if (environment) line += ' in ' + environment;
    return visible(line);
  }

  return { visible, mixedScripts, summary, formatted, money, groupIban, looksLikeIban };
})();

if (typeof module !== 'undefined') module.exports = AttestaFormat;
