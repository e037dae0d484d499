/**
 * What the secret scans share (secrets at rest, secrets in logs): every readable form a secret
 * could be written down in (as given, case and dash variants, without its prefix, and the raw
 * bytes behind it in hex, base64 and base32), and a scan of some content for each form.
 */
import { encodeBase32 } from '@twofold/core';

export interface Secret {
  readonly name: string;
  readonly value: string;
  /** The raw bytes behind the value, when it is an encoding of some. */
  readonly raw?: Uint8Array;
}

/** One way a secret could be written down: bytes to look for, or a bounded pattern for short ones. */
export interface Form {
  readonly secret: string;
  readonly form: string;
  readonly bytes: Buffer;
  readonly pattern?: RegExp;
}

export interface Hit {
  readonly secret: string;
  readonly form: string;
  readonly where: string;
  readonly context: string;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Base64url that decodes to at least 16 bytes and encodes back the same: the bytes it stands for. */
function base64urlBytes(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9_-]{22,}$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : undefined;
}

export function formsOf(secret: Secret): Form[] {
  const texts = new Map<string, string>();
  const add = (form: string, text: string) => {
    if (text.length > 0 && ![...texts.values()].includes(text)) texts.set(form, text);
  };
  const { value } = secret;
  add('as given', value);
  add('uppercase', value.toUpperCase());
  add('lowercase', value.toLowerCase());
  const bare = value.replace(/[\s-]/g, '');
  add('without dashes/spaces', bare);
  add('without dashes/spaces, uppercase', bare.toUpperCase());
  add('without dashes/spaces, lowercase', bare.toLowerCase());
  // A token with a prefix (`tfk_…`): its random part alone, and the bytes it encodes.
  const body = /^[a-z]+_(.+)$/.exec(value)?.[1];
  if (body) add('without prefix', body);
  const raw = secret.raw ?? base64urlBytes(body ?? value);
  const forms: Form[] = [];
  if (raw) {
    const bytes = Buffer.from(raw);
    forms.push({ secret: secret.name, form: 'raw bytes', bytes });
    add('hex of raw bytes', bytes.toString('hex'));
    add('HEX of raw bytes', bytes.toString('hex').toUpperCase());
    add('base64 of raw bytes', bytes.toString('base64'));
    add('base64 of raw bytes, unpadded', bytes.toString('base64').replace(/=+$/, ''));
    add('base64url of raw bytes', bytes.toString('base64url'));
    add('base32 of raw bytes', encodeBase32(bytes));
    add('base32 of raw bytes, lowercase', encodeBase32(bytes).toLowerCase());
  }
  for (const [form, text] of texts) {
    // Short values (an SMS code, a recovery code without its dash) match by chance inside longer
    // runs of digits or letters, so they count only as a whole word.
    const pattern =
      text.length < 12 ? new RegExp(`(?<![A-Za-z0-9])${escapeRegExp(text)}(?![A-Za-z0-9])`, 'g') : undefined;
    forms.push({
      secret: secret.name,
      form,
      bytes: Buffer.from(text, 'utf8'),
      ...(pattern ? { pattern } : {}),
    });
  }
  return forms;
}

export function scan(where: string, content: Buffer, forms: readonly Form[]): Hit[] {
  const hits: Hit[] = [];
  const latin1 = forms.some((f) => f.pattern) ? content.toString('latin1') : '';
  const context = (at: number, length: number) =>
    JSON.stringify(content.subarray(Math.max(0, at - 40), at + length + 40).toString('latin1'));
  for (const form of forms) {
    if (form.pattern) {
      form.pattern.lastIndex = 0;
      const match = form.pattern.exec(latin1);
      if (match)
        hits.push({ ...describeForm(form), where, context: context(match.index, form.bytes.length) });
    } else {
      const at = content.indexOf(form.bytes);
      if (at >= 0) hits.push({ ...describeForm(form), where, context: context(at, form.bytes.length) });
    }
  }
  return hits;
}

const describeForm = (form: Form) => ({ secret: form.secret, form: form.form });
