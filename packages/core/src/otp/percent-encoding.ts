/**
 * Percent-decodes text (RFC 3986 §2.1) as UTF-8, tolerating a '%' that does not start a valid escape (kept
 * as is, as browsers do). With `plusAsSpace`, '+' is a space, as in HTML form queries (RFC 1866 §8.2.1) and
 * Android's Uri.getQueryParameter. Returns undefined when the decoded bytes are not valid UTF-8.
 */
export function decodePercentEncoded(text: string, plusAsSpace: boolean): string | undefined {
  if (!text.includes('%') && !(plusAsSpace && text.includes('+'))) return text;
  const encoder = new TextEncoder();
  const bytes: number[] = [];
  let index = 0;
  while (index < text.length) {
    const character = text[index];
    const hex = text.slice(index + 1, index + 3);
    if (character === '%' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      index += 3;
    } else if (character === '+' && plusAsSpace) {
      bytes.push(0x20);
      index += 1;
    } else {
      const whole = String.fromCodePoint(text.codePointAt(index) ?? 0xfffd);
      bytes.push(...encoder.encode(whole));
      index += whole.length;
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(new Uint8Array(bytes));
  } catch {
    return undefined;
  }
}

/** Percent-encodes a URI component (RFC 3986 §2.1); throws `URIError` on a lone surrogate. */
export function encodePercent(text: string): string {
  return encodeURIComponent(text);
}
