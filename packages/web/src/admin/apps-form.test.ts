import { describe, expect, it } from 'vitest';
import { withMessages } from '../i18n/test-messages.js';
import { appServerErrors, checkDraft, emptyDraft, maxUris, parseUriLines } from './apps-form.js';

withMessages();

describe('URIs typed one a line', () => {
  it('keeps each URI with the line it was typed on, without blank lines and spaces', () => {
    expect(
      parseUriLines('  https://a.example/cb \n\n\r\nhttps://b.example/cb\r\n   \nhttp://localhost:3000/cb'),
    ).toEqual({
      uris: ['https://a.example/cb', 'https://b.example/cb', 'http://localhost:3000/cb'],
      lines: [1, 4, 6],
    });
    expect(parseUriLines('')).toEqual({ uris: [], lines: [] });
    expect(parseUriLines(' \n\t\n')).toEqual({ uris: [], lines: [] });
  });
});

describe('checking the form before sending', () => {
  it('turns a filled form into the request, consent ticked meaning third-party', () => {
    const checked = checkDraft({
      name: '  Payroll ',
      redirectUris: 'https://pay.example/cb\n\nhttps://pay.example/cb2',
      postLogoutRedirectUris: '\nhttps://pay.example/bye',
      confidential: false,
      asksConsent: true,
    });
    expect(checked).toEqual({
      ok: true,
      app: {
        name: 'Payroll',
        redirectUris: ['https://pay.example/cb', 'https://pay.example/cb2'],
        postLogoutRedirectUris: ['https://pay.example/bye'],
        confidential: false,
        firstParty: false,
      },
      lines: { redirectUris: [1, 3], postLogoutRedirectUris: [2] },
    });
    const plain = checkDraft({ ...emptyDraft, name: 'Wiki', redirectUris: 'https://wiki.example/cb' });
    expect(plain.ok && plain.app).toEqual({
      name: 'Wiki',
      redirectUris: ['https://wiki.example/cb'],
      postLogoutRedirectUris: [],
      confidential: true,
      firstParty: true,
    });
  });

  it('a service sends no URIs and is always confidential; a back-channel logout URI goes as typed, trimmed', () => {
    const service = checkDraft({
      ...emptyDraft,
      name: 'Billing API',
      redirectUris: 'https://left.over/cb',
      confidential: false,
      service: true,
      backchannelLogoutUri: 'https://left.over/logout',
    });
    expect(service).toMatchObject({
      ok: true,
      app: {
        name: 'Billing API',
        redirectUris: [],
        postLogoutRedirectUris: [],
        confidential: true,
        service: true,
      },
    });
    expect(service.ok && 'backchannelLogoutUri' in service.app).toBe(false);
    const wiki = checkDraft({
      ...emptyDraft,
      name: 'Wiki',
      redirectUris: 'https://wiki.example/cb',
      backchannelLogoutUri: '  https://wiki.example/logout ',
    });
    expect(wiki.ok && wiki.app.backchannelLogoutUri).toBe('https://wiki.example/logout');
    expect(wiki.ok && 'service' in wiki.app).toBe(false);
    const refused = appServerErrors({
      type: 'about:blank',
      title: 'Invalid',
      status: 400,
      code: 'validation_failed',
      errors: [{ path: 'backchannelLogoutUri', message: 'must use https' }],
    } as never);
    expect(refused.fields.backchannelLogoutUri).toEqual([
      'This address is not accepted: use https (plain http only for localhost, 127.0.0.1 and [::1]), without #.',
    ]);
  });

  it('asks for a name and a redirect URI, and refuses too many URIs', () => {
    const empty = checkDraft(emptyDraft);
    expect(empty.ok).toBe(false);
    if (empty.ok) return;
    expect(Object.keys(empty.errors).sort()).toEqual(['name', 'redirectUris']);
    expect(empty.errors.postLogoutRedirectUris).toBeUndefined();

    const many = Array.from({ length: maxUris + 1 }, (_, i) => `https://a.example/${i}`).join('\n');
    const tooMany = checkDraft({
      ...emptyDraft,
      name: 'x'.repeat(101),
      redirectUris: many,
      postLogoutRedirectUris: many,
    });
    expect(tooMany.ok).toBe(false);
    if (tooMany.ok) return;
    expect(tooMany.errors.name).toEqual(['Enter at most 100 characters.']);
    expect(tooMany.errors.redirectUris).toEqual([`Enter at most ${maxUris} URIs, one a line.`]);
    expect(tooMany.errors.postLogoutRedirectUris).toEqual([`Enter at most ${maxUris} URIs, one a line.`]);
  });
});

describe("the server's field errors", () => {
  const problem = (errors: unknown) => ({ status: 400, code: 'validation_failed', detail: 'x', errors });

  it('puts a URI error next to its field, naming the line it was typed on and the rule, in the page words', () => {
    const found = appServerErrors(
      problem([
        { path: 'redirectUris/1', message: "'http://app.example/cb' must use https", rule: 'http' },
        { path: 'redirectUris/2', message: 'must not have a fragment (#...)', rule: 'fragment' },
        { path: 'postLogoutRedirectUris/0', message: 'is not an absolute URL' },
        { path: 'name', message: 'give 1 to 100 characters' },
      ]),
      { redirectUris: [1, 3, 4], postLogoutRedirectUris: [2] },
    );
    const refused = (where: string) =>
      `${where}: this address is not accepted. Use https (http only for localhost), exactly, without # or wildcards.`;
    expect(found).toEqual({
      fields: {
        redirectUris: [
          'Line 3: the address must use https (plain http only for localhost, 127.0.0.1 and [::1]).',
          'Line 4: the address must not have a fragment (#…).',
        ],
        postLogoutRedirectUris: [refused('Line 2')],
        name: ['The server did not accept this name: use 1 to 100 characters.'],
      },
      general: [],
    });
  });

  it("reads the request schema's paths too, and says which URI when the lines are unknown", () => {
    expect(
      appServerErrors(
        problem([
          { path: 'body/redirectUris/0', message: 'must NOT have more than 2000 characters' },
          { path: 'body/redirectUris', message: 'must NOT have more than 10 items' },
          { path: 'body', message: "must have required property 'name'" },
          { path: 'body/colour', message: 'is unknown' },
          { message: 'something else' },
        ]),
      ),
    ).toEqual({
      fields: {
        redirectUris: [
          'URI 1: this address is not accepted. Use https (http only for localhost), exactly, without # or wildcards.',
          'These addresses are not accepted: enter 1 to 10, one a line.',
        ],
      },
      general: ['Some of what you entered is not in the right form. Check it and try again.'],
    });
  });

  it('finds nothing in a problem without errors (the caller shows the problem itself)', () => {
    expect(appServerErrors({ status: 403, code: 'forbidden', detail: 'needs global admin' })).toEqual({
      fields: {},
      general: [],
    });
    expect(appServerErrors(problem('not a list'))).toEqual({ fields: {}, general: [] });
    expect(appServerErrors(problem([null, 7]))).toEqual({ fields: {}, general: [] });
  });
});
