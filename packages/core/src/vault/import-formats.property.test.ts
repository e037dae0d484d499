/**
 * Property tests of every import format (issue 18): whatever the bytes, a reader answers with a result or a
 * TwofoldError, never another exception, and in bounded time. Inputs: arbitrary bytes, arbitrary JSON, JSON
 * shaped like each format with arbitrary values, and each fixture with bytes flipped or cut.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTwofoldError } from '../errors/index.js';
import { fixture, IMPORT_FIXTURES } from '../test-support/import-fixtures.js';
import { FORMAT_READERS } from './formats/registry.js';
import { importSource } from './formats/source.js';
import { importFromBytes } from './import.js';

const encoder = new TextEncoder();

async function survives(run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (!isTwofoldError(error)) throw error;
  }
}

/** JSON objects with the keys the formats look for, holding any JSON values. */
const shapedJson = fc
  .record(
    {
      schemaVersion: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.jsonValue()),
      services: fc.array(fc.dictionary(fc.constantFrom('secret', 'name', 'otp', 'groupId'), fc.jsonValue())),
      encrypted: fc.boolean(),
      items: fc.array(fc.jsonValue()),
      tokens: fc.array(
        fc.dictionary(fc.constantFrom('secret', 'type', 'algo', 'digits', 'issuerExt'), fc.jsonValue()),
      ),
      accounts: fc.array(
        fc.dictionary(fc.constantFrom('issuerName', 'secret', 'digits', 'timeStep'), fc.jsonValue()),
      ),
      entries: fc.array(
        fc.record({ content: fc.dictionary(fc.constantFrom('uri', 'name'), fc.jsonValue()) }),
      ),
      shared_secret: fc.jsonValue(),
      kdfParams: fc.jsonValue(),
      encryptedData: fc.jsonValue(),
    },
    { requiredKeys: [] },
  )
  .map((value) => encoder.encode(JSON.stringify(value)));

describe('import readers never crash on any input (property)', () => {
  const options = { numRuns: 150 };
  for (const reader of FORMAT_READERS) {
    it(`${reader.name}: arbitrary bytes and JSON of its shape give a result or a TwofoldError`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 400 }), shapedJson), async (bytes) => {
          const source = importSource(bytes);
          expect(typeof reader.detect(source)).toBe('boolean');
          await survives(() => reader.read(source, { password: 'p' }));
        }),
        options,
      );
    });
  }

  it('every fixture with bytes flipped or cut off is read or refused, never crashes', async () => {
    const fixtures = IMPORT_FIXTURES.map(({ file }) => {
      const { bytes, expected } = fixture(file);
      return { bytes, password: expected.password };
    });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...fixtures),
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
        fc.boolean(),
        async ({ bytes, password }, position, value, cut) => {
          const changed = cut ? bytes.slice(0, position % bytes.length) : bytes.slice();
          if (!cut) changed[position % changed.length] = value;
          const started = Date.now();
          await survives(() => importFromBytes(changed, password ? { password } : {}));
          expect(Date.now() - started).toBeLessThan(20_000);
        },
      ),
      { numRuns: 60 },
    );
  }, 300_000);
});
