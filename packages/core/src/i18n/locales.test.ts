import { describe, expect, it } from 'vitest';
import { chooseLocale, localeOfAcceptLanguage, localeOfTag } from './locales.js';

describe('the language of a page', () => {
  it('reads the primary subtag of a language tag, in any case, and only the four languages', () => {
    expect(localeOfTag('de')).toBe('de');
    expect(localeOfTag('de-AT')).toBe('de');
    expect(localeOfTag('FR_ca')).toBe('fr');
    expect(localeOfTag(' es-419 ')).toBe('es');
    expect(localeOfTag('it')).toBeUndefined();
    expect(localeOfTag('')).toBeUndefined();
    expect(localeOfTag(undefined)).toBeUndefined();
    expect(localeOfTag('english')).toBeUndefined();
  });

  it('takes the best-weighted language Twofold speaks from Accept-Language', () => {
    expect(localeOfAcceptLanguage('de-CH,de;q=0.9,en;q=0.8')).toBe('de');
    expect(localeOfAcceptLanguage('it-IT,it;q=0.9,fr;q=0.7,en;q=0.5')).toBe('fr');
    expect(localeOfAcceptLanguage('en;q=0.4, es;q=0.6')).toBe('es');
    // A tie goes to the one named first; q=0 means "not this one"; `*` names no language.
    expect(localeOfAcceptLanguage('fr;q=0.5, de;q=0.5')).toBe('fr');
    expect(localeOfAcceptLanguage('de;q=0, *')).toBeUndefined();
    expect(localeOfAcceptLanguage('ja,zh')).toBeUndefined();
    expect(localeOfAcceptLanguage('de;q=nonsense')).toBe('de');
    expect(localeOfAcceptLanguage(undefined)).toBeUndefined();
  });

  it('reads no more than 20 ranges of a header', () => {
    expect(localeOfAcceptLanguage(`${'xx,'.repeat(20)}de`)).toBeUndefined();
    expect(localeOfAcceptLanguage(`${'xx,'.repeat(19)}de`)).toBe('de');
  });

  it('?lang= wins, then the cookie, then Accept-Language, then the tenant default, then English', () => {
    const all = { query: 'fr', cookie: 'de', acceptLanguage: 'es', fallback: 'en' } as const;
    expect(chooseLocale(all)).toBe('fr');
    expect(chooseLocale({ ...all, query: undefined })).toBe('de');
    expect(chooseLocale({ ...all, query: 'xx', cookie: undefined })).toBe('es');
    expect(chooseLocale({ acceptLanguage: 'ja', fallback: 'de' })).toBe('de');
    expect(chooseLocale({})).toBe('en');
  });
});
