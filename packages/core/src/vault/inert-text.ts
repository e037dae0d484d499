/**
 * Text from a file or a URI (an issuer, an account name, a group) shown to people: every character that could
 * act instead of being read is replaced by a visible escape. C0 and C1 controls and DEL (a terminal runs ESC
 * sequences: a title change, colours, erasing a line; CR returns to overwrite), bidirectional formatting
 * (U+202E turns "moc.elgoog" into what reads as another name) and line/paragraph separators (security review
 * 14.6). The escapes are JavaScript's: "\x1b", "\u202e".
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const ACTIVE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

/** ACTIVE less C0, which JSON.stringify escapes in strings and uses raw only for its own line breaks. */
const ACTIVE_BEYOND_C0 = /[\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

function escapeOf(character: string): string {
  const code = character.charCodeAt(0);
  return code < 0x100
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `text` with each control, bidi or separator character replaced by its visible escape. */
export function inertText(text: string): string {
  return text.replace(ACTIVE, escapeOf);
}

/**
 * JSON for a terminal: JSON.stringify already escapes C0 controls; this also writes C1 controls, DEL, bidi
 * formatting and separators as \u escapes, so the text is inert and parses back to the same values.
 */
export function inertJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(
    ACTIVE_BEYOND_C0,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
