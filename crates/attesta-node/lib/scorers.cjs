'use strict';
// Scorer objects. The built-in ones are described to the native core and run there (a
// composite of built-ins never calls back into JavaScript); any other object with a
// `score(ctx)` method and a `name` runs in JavaScript, sync or async.

const KIND = Symbol.for('attesta.scorerKind');

class DefaultRiskScorer {
  constructor() {
    this[KIND] = 'default';
  }
  get name() {
    return 'default';
  }
}

class FixedRiskScorer {
  /** Always returns `score` (tests, or a policy that rates one tool by hand). */
  constructor(score) {
    if (typeof score !== 'number' || !(score >= 0 && score <= 1)) {
      throw new RangeError(`a fixed risk score must be a number in [0, 1], got ${String(score)}`);
    }
    this[KIND] = 'fixed';
    this.fixedScore = score;
  }
  get name() {
    return `fixed(${this.fixedScore})`;
  }
  score() {
    return this.fixedScore;
  }
}

/** Weighted average of its parts: `new CompositeRiskScorer([[scorer, weight], …])`. */
class CompositeRiskScorer {
  constructor(parts) {
    if (!Array.isArray(parts) || parts.length === 0) {
      throw new TypeError('CompositeRiskScorer needs a non-empty array of [scorer, weight] pairs');
    }
    this.scorers = parts.map((p) => {
      const [scorer, weight] = Array.isArray(p) ? p : [p.scorer, p.weight];
      if (!scorer) throw new TypeError('CompositeRiskScorer: each part needs a scorer');
      return [scorer, weight];
    });
    this[KIND] = 'composite';
  }
  get name() {
    return `composite(${this.scorers.map(([s]) => s.name).join(', ')})`;
  }
}

/** The most conservative of its parts: `new MaxRiskScorer([a, b, …])`. */
class MaxRiskScorer {
  constructor(scorers) {
    if (!Array.isArray(scorers) || scorers.length === 0) {
      throw new TypeError('MaxRiskScorer needs a non-empty array of scorers');
    }
    this.scorers = [...scorers];
    this[KIND] = 'max';
  }
  get name() {
    return `max(${this.scorers.map((s) => s.name).join(', ')})`;
  }
}

/** The description the native core builds its scorer tree from; `registry` collects JS scorers. */
function describe(scorer, registry) {
  switch (scorer && scorer[KIND]) {
    case 'default':
      return { kind: 'default' };
    case 'fixed':
      return { kind: 'fixed', score: scorer.fixedScore };
    case 'composite':
      return {
        kind: 'composite',
        parts: scorer.scorers.map(([s, weight]) => ({ scorer: describe(s, registry), weight })),
      };
    case 'max':
      return { kind: 'max', parts: scorer.scorers.map((s) => describe(s, registry)) };
    default:
      if (!scorer || typeof scorer.score !== 'function') {
        throw new TypeError('a risk scorer needs a `score(ctx)` method (returning a number in [0, 1]) and a `name`');
      }
      registry.push(scorer);
      return {
        kind: 'js',
        id: registry.length - 1,
        name: String(scorer.name ?? scorer.constructor?.name ?? 'javascript'),
      };
  }
}

module.exports = { DefaultRiskScorer, FixedRiskScorer, CompositeRiskScorer, MaxRiskScorer, describe };
