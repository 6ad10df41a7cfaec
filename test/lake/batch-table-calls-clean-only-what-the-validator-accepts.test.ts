import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { validateEvent } from '../../src/events/validate-event.js';
import { DuckdbParquetWriter } from '../../src/lake/parquet/duckdb-parquet-writer.js';
import { BatchInput } from '../../src/streaming/batch-input.js';
import { sampleEvent } from '../helpers/events.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir();
const parquet = await DuckdbParquetWriter.create();
after(() => parquet.close());

/** Loads values as one batch; returns the offsets the batch table left to the validator (held or handed back). */
async function uncleanOffsets(values: string[]): Promise<Set<number>> {
  const batch = BatchInput.asText(dir, 'test');
  batch.add(values.map((value, offset) => ({ partition: 0, offset, timestamp: Date.now(), key: null, value })));
  batch.seal();
  await parquet.batchTable.load(batch.textPath!);
  const unclean = new Set([...batch.held, ...(await parquet.batchTable.takeUnclean())].map((r) => r.offset));
  batch.discard();
  return unclean;
}

const accepted = (value: string) => {
  try {
    return validateEvent(JSON.parse(value)).ok;
  } catch {
    return false;
  }
};

const buy = JSON.stringify(sampleEvent(0));
const edits: [string, (event: Record<string, unknown>) => string][] = [
  ['a trailing comma', (e) => `${JSON.stringify(e).slice(0, -1)},}`],
  ['NaN for a price', (e) => JSON.stringify(e).replace('"price":10', '"price":NaN')],
  ['Infinity for a price', (e) => JSON.stringify(e).replace('"price":10', '"price":Infinity')],
  ['a duplicate key', (e) => JSON.stringify(e).replace('"quantity":1', '"quantity":1,"quantity":"x"')],
  ['an unknown key', (e) => JSON.stringify({ ...e, password: 'pw' })],
  ['a missing required field', (e) => JSON.stringify({ ...e, item_type: undefined })],
  ['a null required field', (e) => JSON.stringify({ ...e, item_type: null })],
  ['a null optional field', (e) => JSON.stringify({ ...e, username: null })],
  ['an integer written 2.0', (e) => JSON.stringify(e).replace('"quantity":1', '"quantity":2.0')],
  ['a fractional quantity', (e) => JSON.stringify({ ...e, quantity: 1.5 })],
  ['a quantity past int32', (e) => JSON.stringify({ ...e, quantity: 2 ** 31 })],
  ['a count past the safe integers', (e) => JSON.stringify(e).replace('"item_count":0', '"item_count":9007199254740993')],
  ['a negative event time', (e) => JSON.stringify({ ...e, event_ts: -1 })],
  ['an event time past the dates', (e) => JSON.stringify({ ...e, event_ts: 9e15 })],
  ['a number as a string', (e) => JSON.stringify({ ...e, quantity: '1' })],
  ['a string as a number', (e) => JSON.stringify({ ...e, username: 7 })],
  ['an array field', (e) => JSON.stringify({ ...e, username: ['a'] })],
  ['an unknown event type', (e) => JSON.stringify({ ...e, event_type: 'buy_items' })],
  ['a tab inside', (e) => JSON.stringify(e, null, '\t')],
  ['a newline inside', (e) => JSON.stringify(e, null, 2)],
  ['a lone surrogate escape', (e) => JSON.stringify(e).replace('"username":"user0"', '"username":"\\ud800"')],
  ['not JSON', () => '{"event_type":"buy_item"'],
  ['an array', () => '[1,2]'],
  ['an empty value', () => ''],
  ['a price written as an integer', (e) => JSON.stringify({ ...e, price: 12 })],
  ['escaped key names', (e) => JSON.stringify(e).replace('"username"', '"user\\u006eame"')],
];

describe('the batch table', () => {
  it('calls clean every ordinary event of every table (so the validator is the exception)', async () => {
    const values = Array.from({ length: 50 }, (_, i) => JSON.stringify(sampleEvent(i)));
    assert.deepEqual([...(await uncleanOffsets(values))], []);
  });

  it('leaves to the validator each edited event, and calls clean only those the validator accepts', async () => {
    const values = edits.map(([, edit]) => edit(JSON.parse(buy) as Record<string, unknown>));
    const unclean = await uncleanOffsets(values);
    for (const [offset, [name]] of edits.entries()) {
      if (!unclean.has(offset)) assert.ok(accepted(values[offset]!), `${name}: called clean, but the validator refuses it`);
    }
    assert.ok(unclean.size >= edits.filter((_, i) => !accepted(values[i]!)).length);
  });

  it('calls clean no JSON text the validator refuses (random edits of real events)', async () => {
    const event = fc.constantFrom(...Array.from({ length: 5 }, (_, i) => JSON.stringify(sampleEvent(i))));
    const edited = fc.tuple(event, fc.nat(), fc.string({ maxLength: 4 }), fc.nat({ max: 6 })).map(([text, at, insert, cut]) => {
      const i = at % (text.length + 1);
      return text.slice(0, i) + insert + text.slice(Math.min(text.length, i + cut));
    });
    await fc.assert(
      fc.asyncProperty(fc.array(edited, { minLength: 1, maxLength: 200 }), async (values) => {
        const unclean = await uncleanOffsets(values);
        for (const [offset, value] of values.entries()) {
          if (!unclean.has(offset)) assert.ok(accepted(value), `called clean, but the validator refuses: ${value}`);
        }
      }),
      { numRuns: 40 },
    );
  });
});

