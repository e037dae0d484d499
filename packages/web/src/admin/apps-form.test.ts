import { describe, expect, it } from 'vitest';
import { appServerErrors, checkDraft, emptyDraft, maxUris, parseUriLines } from './apps-form.js';

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

  it('puts a URI error next to its field, naming the line it was typed on', () => {
    const found = appServerErrors(
      problem([
        { path: 'redirectUris/1', message: "'http://app.example/cb' must use https" },
        { path: 'redirectUris/2', message: 'must not have a fragment (#...)' },
        { path: 'postLogoutRedirectUris/0', message: 'is not an absolute URL' },
        { path: 'name', message: 'give 1 to 100 characters' },
      ]),
      { redirectUris: [1, 3, 4], postLogoutRedirectUris: [2] },
    );
    expect(found).toEqual({
      fields: {
        redirectUris: [
          "Line 3: 'http://app.example/cb' must use https.",
          'Line 4: Must not have a fragment (#...).',
        ],
        postLogoutRedirectUris: ['Line 2: Is not an absolute URL.'],
        name: ['Give 1 to 100 characters.'],
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
          'URI 1: Must NOT have more than 2000 characters.',
          'Must NOT have more than 10 items.',
        ],
      },
      general: ["Must have required property 'name'.", 'Colour: is unknown.', 'Something else.'],
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
