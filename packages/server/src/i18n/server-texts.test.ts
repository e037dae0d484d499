/**
 * The server's catalogs (emails, text messages, the OIDC provider's pages, page titles): every language has
 * every English message, of the same shape, and what goes out reads right in each language.
 */
import { locales, messageShape, shapeDifferences } from '@twofold/core';
import { describe, expect, it } from 'vitest';
import { en } from './catalogs/en.js';
import { recipientLocale, serverCatalogs, serverTexts } from './server-texts.js';

describe('server catalogs', () => {
  for (const locale of locales) {
    it(`${locale}: every English key, each message parsing to the English shape`, () => {
      const catalog = serverCatalogs[locale];
      expect(Object.keys(catalog).sort()).toEqual(Object.keys(en).sort());
      const problems: string[] = [];
      for (const [key, message] of Object.entries(en)) {
        const translated = catalog[key as keyof typeof en];
        try {
          for (const difference of shapeDifferences(messageShape(message), messageShape(translated)))
            problems.push(`${key}: ${difference}`);
        } catch (error) {
          problems.push(`${key}: ${(error as Error).message}`);
        }
      }
      expect(problems).toEqual([]);
    });
  }

  it('writes a code message and an admin notice in each language, dates in UTC', () => {
    const values = { code: '123456', tenant: 'Acme', minutes: 10, purpose: 'signIn' };
    // The code first (for the notification's preview), the tenant as a name (issue 15, defect 7).
    expect(serverTexts('en').text('sms.code', values)).toBe(
      '123456 is your code to sign in to Acme. It expires in 10 minutes. Never share it.',
    );
    expect(serverTexts('en').text('sms.code', { ...values, purpose: 'registration' })).toBe(
      '123456 is your code to add this phone to Acme. It expires in 10 minutes. Never share it.',
    );
    expect(serverTexts('de').text('sms.code', values)).toBe(
      '123456 ist Ihr Code, um sich bei Acme anzumelden. Er ist 10 Minuten gültig. Geben Sie ihn nie weiter.',
    );
    expect(serverTexts('fr').text('email.code.subject', values)).toBe('123456 est votre code pour Acme');
    expect(serverTexts('en').text('email.code.body', { ...values, purpose: 'passwordReset' })).toContain(
      'Enter it to reset your Acme password.',
    );
    expect(serverTexts('es').text('email.code.body', { ...values, purpose: 'registration' })).toContain(
      'Introdúzcalo para confirmar esta dirección de correo electrónico para iniciar sesión en Acme.',
    );
    const when = new Date(Date.UTC(2026, 10, 29, 22, 31, 4));
    const notice = {
      tenant: 'Acme',
      email: 'ann@acme.test',
      name: 'Grace',
      when,
      device: "Ann's phone",
      ip: 'unknown',
      application: 'Team wiki',
      adminUrl: 'https://mfa.acme.test/t/acme/admin',
    };
    expect(serverTexts('de').text('email.pushReport.body', notice)).toContain(
      'am 29. November 2026 um 22:31:04 UTC hat ann@acme.test',
    );
    expect(serverTexts('de').text('email.pushReport.body', notice)).toContain(
      'von einer unbekannten IP-Adresse',
    );
    expect(serverTexts('en').text('email.pushReport.body', { ...notice, ip: '203.0.113.7' })).toContain(
      'from IP address 203.0.113.7 (Team wiki)',
    );
  });

  it("sends in the user's language, else the tenant's", () => {
    expect(recipientLocale('fr', 'de')).toBe('fr');
    expect(recipientLocale(null, 'de')).toBe('de');
    expect(recipientLocale(undefined, 'es')).toBe('es');
  });
});
