/** The workflow input checker (pure) and the bounded ingest summary, without a server. */
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import type { IngestOutcome } from '../../ingest/outcome.js';
import { MAX_LISTED_SOURCES, summarize } from '../../workflows/ingestActivities.js';
import { truncatedList } from '../../shared/text.js';
import { checkInput, type ObjectSchema } from '../../workflows/input.js';

const schema: ObjectSchema = {
  name: { type: 'string', maxLength: 10 },
  count: { type: 'integer', optional: true, min: 1, max: 100 },
  share: { type: 'number', optional: true, min: 0, max: 1 },
  day: { type: 'date', optional: true, min: '1970-01-01', max: '2149-06-06' },
  ids: { type: 'array', optional: true, maxItems: 3, items: { type: 'string', maxLength: 5 } },
  nested: { type: 'object', optional: true, fields: { flag: { type: 'boolean' } } },
};

function failure(input: unknown): ApplicationFailure {
  try {
    checkInput('demo', schema, input, '{"name": "x"}');
  } catch (error) {
    return error as ApplicationFailure;
  }
  throw new Error('input was accepted');
}

describe('checkInput', () => {
  it('accepts a valid input as it is', () => {
    const input = { name: 'ok', count: 3, share: 0.5, day: '2024-02-29', ids: ['a', 'b'], nested: { flag: true } };
    expect(checkInput('demo', schema, input, '')).toBe(input);
  });

  it('refuses non-objects with a non-retryable InvalidInput failure', () => {
    for (const input of [null, 'name', ['name'], 7, undefined]) {
      const error = failure(input);
      expect(error).toBeInstanceOf(ApplicationFailure);
      expect(error.nonRetryable).toBe(true);
      expect(error.type).toBe('InvalidInput');
      expect(error.message).toMatch(/^Invalid demo input: the input must be an object, got /);
    }
  });

  it('reports every problem at once: types, ranges, dates, unknown keys, sizes', () => {
    const message = failure({
      name: 5,
      count: 1e12,
      share: '0.3',
      day: '2025-02-30',
      ids: ['a', 'b', 'c', 'd'],
      nested: { flag: 'yes' },
      Count: 2,
      dryRun: true,
    }).message;
    expect(message).toBe(
      'Invalid demo input: unknown key "Count" (did you mean "count"?); known: name, count, share, day, ids, nested; ' +
        'unknown key "dryRun"; known: name, count, share, day, ids, nested; name must be a string, got a number 5; ' +
        'count must be within 1–100, got 1000000000000; share must be a number, got a string "0.3"; ' +
        'day must be an existing date YYYY-MM-DD, got a string "2025-02-30"; ids must hold 0–3 items, got 4; ' +
        'nested.flag must be true or false, got a string "yes". Example: {"name": "x"}',
    );
  });

  it('keeps the message screen-sized however much is wrong', () => {
    const keys = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, 'x'.repeat(1000)]));
    const message = failure({ name: 'y'.repeat(100_000), ...keys }).message;
    expect(message.length).toBeLessThan(1_500);
    expect(message).toMatch(/and 99,993 more problems/);
  });

  it('does not take inherited property names for fields', () => {
    expect(failure({ name: 'x', constructor: 1 }).message).toMatch(/unknown key "constructor"/);
  });
});

describe('truncatedList', () => {
  it('lists the first few and counts the rest', () => {
    expect(truncatedList(['a', 'b'])).toBe('a, b');
    expect(truncatedList(Array.from({ length: 100_000 }, (_, i) => `id${i}`))).toBe(
      'id0, id1, id2, id3, id4 and 99,995 more',
    );
  });
});

describe('the ingest summary', () => {
  it('stays bounded for 20,000 files: totals per kind and reason, the first sources in detail', () => {
    const outcomes: IngestOutcome[] = Array.from({ length: 20_000 }, (_, i) => ({
      source: `/data/export/some/rather/long/folder/name/activities_${String(i).padStart(6, '0')}.ndjson`,
      kind: i % 2 === 0 ? 'activities' : 'streams',
      records: 10,
      inserted: 7,
      unchanged: 1,
      rejected: { invalid_value: 1, malformed_date: 1 },
    }));
    const summary = summarize(outcomes);
    expect(JSON.stringify(summary).length).toBeLessThan(20_000);
    expect(summary.sources).toHaveLength(MAX_LISTED_SOURCES);
    expect(summary.sourcesNotListed).toBe(20_000 - MAX_LISTED_SOURCES);
    expect(summary).toMatchObject({
      inserted: 140_000,
      unchanged: 20_000,
      rejected: 40_000,
      rejectedByReason: { invalid_value: 20_000, malformed_date: 20_000 },
    });
    expect(summary.byKind.streams).toEqual({
      sources: 10_000,
      records: 100_000,
      inserted: 70_000,
      unchanged: 10_000,
      rejected: 20_000,
    });
  });
});
