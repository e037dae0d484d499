import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inertJson, inertText } from './inert-text.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const ACTIVE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;

describe('inertText and inertJson (security review 14.6)', () => {
  it('escapes C0, DEL, C1, bidi formatting and separators; leaves other text alone', () => {
    expect(inertText('a\x1b]0;t\x07b\r\n\t\x7f\u0085\u009b')).toBe(
      'a\\x1b]0;t\\x07b\\x0d\\x0a\\x09\\x7f\\x85\\x9b',
    );
    expect(inertText('\u202egoogle\u202c \u2066x\u2069 \u200f\u061c\u2028')).toBe(
      '\\u202egoogle\\u202c \\u2066x\\u2069 \\u200f\\u061c\\u2028',
    );
    expect(inertText('Café 東京 👩‍💻 alice@example.com')).toBe('Café 東京 👩‍💻 alice@example.com');
  });

  it('never leaves an active character, and is idempotent (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const shown = inertText(text);
        expect(shown).not.toMatch(ACTIVE);
        expect(inertText(shown)).toBe(shown);
      }),
    );
  });

  it('JSON stays the same values with nothing active in its text (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string({ unit: 'binary' }), (value, text) => {
        const json = inertJson({ value, text }, 2);
        expect(json.replace(/\n/g, '')).not.toMatch(ACTIVE);
        expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify({ value, text })));
      }),
    );
  });
});
