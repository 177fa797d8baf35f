// The audit page: chain verification status, summary figures and four SVG charts drawn here
// (no chart library): verdicts over time, risk distribution, review times, rubber-stamp rate
// per approver. Every chart also has its numbers as a table for screen readers.
'use strict';

(() => {
  const SVG = 'http://www.w3.org/2000/svg';
  const VERDICT_COLOURS = {
    approved: '#2f7d32', modified: '#5f8f2f', denied: '#b3261e', timed_out: '#8a6d00', escalated: '#6a3fb5',
  };
  const LEVEL_COLOURS = { low: '#2f7d32', medium: '#b08900', high: '#c25400', critical: '#a40000' };

  function svg(tag, attrs, ...children) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null) continue;
      if (k === 'text') e.textContent = String(v);
      else e.setAttribute(k, String(v));
    }
    for (const c of children.flat(Infinity)) if (c) e.append(c);
    return e;
  }

  // A "nice" axis maximum and tick step for counts.
  function ticks(max) {
    if (max <= 0) return { top: 1, step: 1 };
    const rough = max / 4;
    const mag = Math.pow(10, Math.floor(Math.log10(rough)));
    const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= rough) || rough;
    const s = Math.max(1, step);
    return { top: Math.ceil(max / s) * s, step: s };
  }

  // Frame with a y axis; returns the drawing area and a y scale.
  function frame(title, desc, width, height, max, format) {
    const pad = { l: 44, r: 12, t: 12, b: 44 };
    const root = svg('svg', {
      viewBox: '0 0 ' + width + ' ' + height, width: '100%', role: 'img',
      'aria-labelledby': title.id + ' ' + desc.id, class: 'chart-svg', preserveAspectRatio: 'xMidYMid meet',
    }, svg('title', { id: title.id, text: title.text }), svg('desc', { id: desc.id, text: desc.text }));
    const { top, step } = ticks(max);
    const h = height - pad.t - pad.b;
    const y = (v) => pad.t + h - (v / top) * h;
    for (let v = 0; v <= top + 1e-9; v += step) {
      root.append(svg('line', { x1: pad.l, x2: width - pad.r, y1: y(v), y2: y(v), class: v === 0 ? 'axis' : 'grid' }),
        svg('text', { x: pad.l - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'tick', text: format ? format(v) : v }));
    }
    return { root, pad, y, w: width - pad.l - pad.r, h, height, width };
  }

  function dataTable(caption, head, rows) {
    const { el } = window.AttestaUi;
    return el('details', { class: 'data' }, el('summary', { text: 'Show the numbers' }),
      el('table', {}, el('caption', { text: caption }),
        el('thead', {}, el('tr', {}, head.map((h) => el('th', { scope: 'col', text: h })))),
        el('tbody', {}, rows.map((r) => el('tr', {}, r.map((c, i) => el(i ? 'td' : 'th', i ? { text: c } : { scope: 'row', text: c })))))));
  }

  function legend(entries) {
    const { el } = window.AttestaUi;
    return el('ul', { class: 'legend' }, entries.map(([name, colour]) => {
      const swatch = svg('svg', { width: 12, height: 12, 'aria-hidden': 'true' }, svg('rect', { width: 12, height: 12, rx: 2, fill: colour }));
      return el('li', {}, swatch, ' ' + name.replace('_', ' '));
    }));
  }

  function empty(figure, text) {
    figure.append(window.AttestaUi.el('p', { class: 'muted empty-chart', text }));
  }

  function timeLabel(iso, bucketSeconds) {
    const d = new Date(iso);
    if (bucketSeconds >= 86400) return d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
    if (bucketSeconds >= 60) return d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
    return d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  }

  function verdictsChart(figure, c) {
    const verdicts = Object.keys(VERDICT_COLOURS);
    const buckets = c.verdicts_over_time;
    if (!buckets.length) return empty(figure, 'No decisions yet.');
    const max = Math.max(...buckets.map((b) => verdicts.reduce((s, v) => s + (b.counts[v] || 0), 0)));
    const f = frame({ id: 'verdicts-title', text: 'Verdicts over time' },
      { id: 'verdicts-desc', text: c.decisions + ' decisions in buckets of ' + c.bucket_seconds + ' seconds' }, 640, 260, max);
    const slot = f.w / buckets.length;
    const bar = Math.max(2, Math.min(40, slot * 0.7));
    const labelEvery = Math.ceil(buckets.length / 8);
    buckets.forEach((b, i) => {
      let acc = 0;
      const x = f.pad.l + i * slot + (slot - bar) / 2;
      for (const v of verdicts) {
        const n = b.counts[v] || 0;
        if (!n) continue;
        const y0 = f.y(acc), y1 = f.y(acc + n);
        f.root.append(svg('rect', { x, y: y1, width: bar, height: Math.max(0, y0 - y1), fill: VERDICT_COLOURS[v], class: 'bar', 'data-verdict': v },
          svg('title', { text: timeLabel(b.start, c.bucket_seconds) + ': ' + n + ' ' + v.replace('_', ' ') })));
        acc += n;
      }
      if (i % labelEvery === 0) {
        f.root.append(svg('text', { x: x + bar / 2, y: f.height - f.pad.b + 16, 'text-anchor': 'middle', class: 'tick', text: timeLabel(b.start, c.bucket_seconds) }));
      }
    });
    figure.append(f.root, legend(verdicts.filter((v) => c.verdicts[v]).map((v) => [v + ' (' + c.verdicts[v] + ')', VERDICT_COLOURS[v]])),
      dataTable('Verdicts per time bucket', ['Bucket start'].concat(verdicts.map((v) => v.replace('_', ' '))),
        buckets.map((b) => [new Date(b.start).toLocaleString()].concat(verdicts.map((v) => String(b.counts[v] || 0))))));
  }

  function levelOf(score) {
    return score >= 0.8 ? 'critical' : score >= 0.6 ? 'high' : score >= 0.3 ? 'medium' : 'low';
  }

  function riskChart(figure, c) {
    const bins = c.risk_histogram;
    if (!c.decisions) return empty(figure, 'No decisions yet.');
    const max = Math.max(...bins.map((b) => b.count));
    const f = frame({ id: 'risk-title', text: 'Risk distribution' },
      { id: 'risk-desc', text: 'Decisions per risk score band of 0.1' }, 640, 260, max);
    const slot = f.w / bins.length;
    const x = (score) => f.pad.l + score * f.w;
    bins.forEach((b, i) => {
      const level = levelOf(b.from + 0.05);
      f.root.append(svg('rect', { x: f.pad.l + i * slot + 1, y: f.y(b.count), width: slot - 2, height: f.y(0) - f.y(b.count), fill: LEVEL_COLOURS[level], class: 'bar', 'data-level': level },
        svg('title', { text: b.from.toFixed(1) + '–' + b.to.toFixed(1) + ': ' + b.count })));
    });
    for (const t of [0, 0.3, 0.6, 0.8, 1]) {
      f.root.append(svg('text', { x: x(t), y: f.height - f.pad.b + 16, 'text-anchor': 'middle', class: 'tick', text: t.toFixed(1) }));
      if (t > 0 && t < 1) f.root.append(svg('line', { x1: x(t), x2: x(t), y1: f.pad.t, y2: f.y(0), class: 'threshold' }));
    }
    f.root.append(svg('text', { x: f.pad.l + f.w / 2, y: f.height - 6, 'text-anchor': 'middle', class: 'axis-label', text: 'risk score' }));
    const levels = ['low', 'medium', 'high', 'critical'];
    figure.append(f.root, legend(levels.map((l) => [l + ' (' + (c.risk_levels[l] || 0) + ')', LEVEL_COLOURS[l]])),
      dataTable('Decisions per risk band', ['Risk score', 'Decisions'], bins.map((b) => [b.from.toFixed(1) + '–' + b.to.toFixed(1), String(b.count)])));
  }

  function reviewLabel(b) {
    const s = (v) => (v >= 60 ? (v / 60) + ' min' : v + ' s');
    if (b.to === null) return '≥ ' + s(b.from);
    if (b.from === 0) return '< ' + s(b.to);
    return s(b.from).replace(/ (s|min)$/, '') + '–' + s(b.to);
  }

  function reviewChart(figure, c) {
    const bins = c.review_times;
    const total = bins.reduce((s, b) => s + b.count, 0);
    if (!total) return empty(figure, 'No human review recorded yet.');
    const max = Math.max(...bins.map((b) => b.count));
    const f = frame({ id: 'review-title', text: 'Review times' },
      { id: 'review-desc', text: total + ' human decisions; median ' + Math.round(c.median_review_seconds) + ' seconds' }, 640, 260, max);
    const slot = f.w / bins.length;
    bins.forEach((b, i) => {
      const fast = b.to !== null && b.to <= c.rubber_stamp_rule.max_seconds;
      const x = f.pad.l + i * slot;
      f.root.append(svg('rect', { x: x + 2, y: f.y(b.count), width: slot - 4, height: f.y(0) - f.y(b.count), fill: fast ? '#c25400' : '#3b5b92', class: 'bar' },
        svg('title', { text: reviewLabel(b) + ': ' + b.count })),
      svg('text', { x: x + slot / 2, y: f.height - f.pad.b + 16, 'text-anchor': 'middle', class: 'tick', text: reviewLabel(b) }));
    });
    figure.append(f.root,
      legend([['faster than ' + c.rubber_stamp_rule.max_seconds + ' s (rubber-stamp zone)', '#c25400'], ['slower', '#3b5b92']]),
      window.AttestaUi.el('p', { class: 'muted', text: 'Median review time: ' + window.AttestaUi.duration(c.median_review_seconds) }),
      dataTable('Human decisions per review time', ['Review time', 'Decisions'], bins.map((b) => [reviewLabel(b), String(b.count)])));
  }

  function stampsChart(figure, c) {
    const rows = c.approvers;
    if (!rows.length) return empty(figure, 'No approver has decided anything yet.');
    const rowH = 30;
    const width = 640, pad = { l: 120, r: 70, t: 10, b: 28 };
    const height = pad.t + pad.b + rows.length * rowH;
    const w = width - pad.l - pad.r;
    const root = svg('svg', { viewBox: '0 0 ' + width + ' ' + height, width: '100%', role: 'img', 'aria-labelledby': 'stamps-title stamps-desc', class: 'chart-svg' },
      svg('title', { id: 'stamps-title', text: 'Rubber-stamp rate per approver' }),
      svg('desc', { id: 'stamps-desc', text: 'Share of each approver\u2019s approvals at ' + c.rubber_stamp_rule.min_risk + ' risk or above given in under ' + c.rubber_stamp_rule.max_seconds + ' seconds or before the minimum review time' }));
    for (const t of [0, 0.25, 0.5, 0.75, 1]) {
      const x = pad.l + t * w;
      root.append(svg('line', { x1: x, x2: x, y1: pad.t, y2: height - pad.b, class: t ? 'grid' : 'axis' }),
        svg('text', { x, y: height - pad.b + 16, 'text-anchor': 'middle', class: 'tick', text: Math.round(t * 100) + '%' }));
    }
    rows.forEach((a, i) => {
      const y = pad.t + i * rowH + 6;
      const rate = a.rubber_stamp_rate;
      root.append(svg('text', { x: pad.l - 8, y: y + 13, 'text-anchor': 'end', class: 'name', text: a.approver }),
        svg('rect', { x: pad.l, y, width: Math.max(rate * w, 1.5), height: rowH - 12, fill: rate >= 0.5 ? '#b3261e' : rate > 0 ? '#c25400' : '#2f7d32', class: 'bar', 'data-approver': a.approver },
          svg('title', { text: a.approver + ': ' + a.rubber_stamps + ' of ' + a.reviewed_approvals + ' approvals' })),
        svg('text', { x: pad.l + Math.max(rate * w, 1.5) + 6, y: y + 13, class: 'value', text: Math.round(rate * 100) + '% (' + a.rubber_stamps + '/' + a.reviewed_approvals + ')' }));
    });
    figure.append(root, dataTable('Approvers', ['Approver', 'Decisions', 'Approved', 'Denied', 'Rubber stamps', 'Rate', 'Mean review'],
      rows.map((a) => [a.approver, String(a.decisions), String(a.approved), String(a.denied), a.rubber_stamps + ' of ' + a.reviewed_approvals, Math.round(a.rubber_stamp_rate * 100) + '%', window.AttestaUi.duration(a.mean_review_seconds)])));
  }

  function chainStatus(section, report, error) {
    const { el } = window.AttestaUi;
    const head = el('h2', { text: 'Chain verification' });
    if (error) {
      section.className = 'chain broken';
      section.replaceChildren(head, el('p', { id: 'chain-status', dataset: { intact: 'unknown' }, text: 'Could not verify the log: ' + error }));
      return;
    }
    if (report.intact) {
      section.className = 'chain intact';
      section.replaceChildren(head, el('p', { id: 'chain-status', dataset: { intact: 'true' } },
        el('strong', { text: 'Intact. ' }), report.entries + ' entries verified; every hash links to the one before it.'),
      report.last_hash ? el('p', { class: 'muted' }, 'Last hash ', el('code', { text: report.last_hash.slice(0, 16) + '…' })) : null);
      return;
    }
    const first = Math.min(...report.breaks.map((b) => b.entry));
    section.className = 'chain broken';
    section.replaceChildren(head, el('p', { id: 'chain-status', dataset: { intact: 'false' } },
      el('strong', { text: 'Broken at: entry ' + first + '. ' }), report.breaks.length + ' problem(s) found in ' + report.entries + ' entries.'),
    el('ul', {}, report.breaks.slice(0, 20).map((b) => el('li', { text: 'entry ' + b.entry + ' (' + String(b.kind).replace(/_/g, ' ') + '): ' + b.detail }))));
  }

  function summary(section, c, stats) {
    const { el, duration } = window.AttestaUi;
    const approved = (c.verdicts.approved || 0) + (c.verdicts.modified || 0);
    const items = [
      ['Decisions', String(c.decisions)],
      ['Approved', c.decisions ? Math.round((approved / c.decisions) * 100) + '%' : '–'],
      ['Median review', duration(c.median_review_seconds)],
      ['Rubber-stamp rate', stats ? Math.round(stats.rubber_stamp_rate * 100) + '%' : '–'],
      ['Approvers', String(c.approvers.length)],
    ];
    section.replaceChildren(el('dl', { class: 'kpis' }, items.map(([k, v]) => el('div', {}, el('dt', { text: k }), el('dd', { text: v })))));
  }

  window.auditPage = async (ui) => {
    window.AttestaUi = ui;
    if (!await ui.session()) return;
    ui.chrome('audit');
    const [charts, stats, verify] = await Promise.all([
      ui.api('GET', '/v1/audit/charts'),
      ui.api('GET', '/v1/audit/stats').catch(() => null),
      ui.api('GET', '/v1/audit/verify').then((r) => ({ r }), (e) => ({ e: e.message })),
    ]);
    chainStatus(document.getElementById('chain'), verify.r, verify.e);
    summary(document.getElementById('summary'), charts, stats);
    verdictsChart(document.getElementById('chart-verdicts'), charts);
    riskChart(document.getElementById('chart-risk'), charts);
    reviewChart(document.getElementById('chart-review'), charts);
    stampsChart(document.getElementById('chart-stamps'), charts);
    document.body.dataset.ready = 'true';
  };
})();
