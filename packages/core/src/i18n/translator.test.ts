import { parse } from '@formatjs/icu-messageformat-parser';
import { describe, expect, it } from 'vitest';
import { messageShape, shapeDifferences } from './message-shape.js';
import { createTranslator } from './translator.js';

describe('translator', () => {
  const catalog = {
    codes: '{count, plural, one {# code left} other {# codes left}}',
    welcome: 'Welcome, <strong>{name}</strong>.',
    when: 'At {at, time, short}',
    big: '{n, number} users',
  };

  it('formats plurals and numbers in the language of its locale', () => {
    const en = createTranslator('en', catalog);
    expect(en.text('codes', { count: 1 })).toBe('1 code left');
    expect(en.text('codes', { count: 4 })).toBe('4 codes left');
    expect(en.text('big', { n: 12345 })).toBe('12,345 users');
    const de = createTranslator('de', { ...catalog, big: '{n, number} Personen' });
    expect(de.text('big', { n: 12345 })).toBe('12.345 Personen');
    const fr = createTranslator('fr', { ...catalog, big: '{n, number} personnes' });
    expect(fr.text('big', { n: 12345 })).toBe('12\u202f345 personnes');
  });

  it('accepts messages parsed ahead of time', () => {
    const t = createTranslator('en', { codes: parse(catalog.codes) });
    expect(t.text('codes', { count: 2 })).toBe('2 codes left');
  });

  it('turns tags into what the caller makes of them', () => {
    const t = createTranslator('en', catalog);
    const parts = t.parts('welcome', {
      name: 'Ada',
      strong: (chunks) => ({ bold: chunks.join('') }),
    });
    expect(parts).toEqual(['Welcome, ', { bold: 'Ada' }, '.']);
    expect(t.text('welcome', { name: 'Ada', strong: (c: unknown[]) => c.join('') } as never)).toBe(
      'Welcome, Ada.',
    );
  });

  it('gives the key, and says so, for a missing key or a missing value', () => {
    const errors: string[] = [];
    const t = createTranslator('en', catalog as Record<string, string>, {
      onError: (key) => errors.push(key),
    });
    expect(t.text('nope')).toBe('nope');
    expect(t.text('codes')).toBe('codes');
    expect(errors).toEqual(['nope', 'codes']);
  });
});

describe('message shape', () => {
  it('names arguments with their kind, select cases and tags', () => {
    expect(
      messageShape(
        '{who} has {n, plural, one {# code} other {# codes}} <b>{kind, select, sms {by text} other {}}</b> {at, date, long}',
      ),
    ).toEqual({
      arguments: ['at:date', 'kind:select(other|sms)', 'n:plural', 'who:text'],
      tags: ['b'],
    });
  });

  it('refuses a select or plural without `other`, and broken syntax', () => {
    expect(() => messageShape('{n, plural, one {#}}')).toThrow();
    expect(() => messageShape('{oops')).toThrow();
  });
});

describe('shape differences', () => {
  const diff = (en: string, other: string) => shapeDifferences(messageShape(en), messageShape(other));

  it('accepts a translation of the same shape, and one that pluralises a number', () => {
    expect(diff('{n, number} sent to {who}', '{who}: {n, plural, one {# envoyé} other {# envoyés}}')).toEqual(
      [],
    );
    expect(diff('{n, plural, one {# code} other {# codes}}', '{n} Codes')).toEqual([]);
  });

  it('names what is missing, unknown, of another kind, or tagged differently', () => {
    expect(diff('Hi {name}', 'Hallo')).toEqual(['lacks {name}']);
    expect(diff('Hi', 'Hallo {name}')).toEqual(['has an unknown {name}']);
    expect(diff('Hi {name}', 'Hallo {name, plural, other {#}}')).toEqual(['{name} is plural, not text']);
    expect(diff('{k, select, a {A} other {B}}', '{k, select, b {A} other {B}}')).toEqual([
      '{k} is select(b|other), not select(a|other)',
    ]);
    expect(diff('<b>x</b>', 'x')).toEqual(['tags <> instead of <b>']);
  });
});
