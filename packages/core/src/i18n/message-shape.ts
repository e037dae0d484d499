/**
 * What a message needs from its caller: the names of its arguments and of its tags. Every language's
 * message for a key must have the same shape as the English one, or a page would format it with values it
 * lacks (the catalog tests check this for every key).
 */
import { type MessageFormatElement, parse, TYPE } from '@formatjs/icu-messageformat-parser';

export interface MessageShape {
  /** Argument names with their kind (`plural`, `number`, `date`, `select(a|other)`, ... or `text`), sorted. */
  readonly arguments: readonly string[];
  /** Tag names, sorted. */
  readonly tags: readonly string[];
}

const kinds: Partial<Record<TYPE, string>> = {
  [TYPE.argument]: 'text',
  [TYPE.number]: 'number',
  [TYPE.date]: 'date',
  [TYPE.time]: 'time',
  [TYPE.select]: 'select',
  [TYPE.plural]: 'plural',
};

/** Parses an ICU message (throws on a syntax error) and reads its shape. */
export function messageShape(message: string): MessageShape {
  const args = new Set<string>();
  const tags = new Set<string>();
  const walk = (elements: readonly MessageFormatElement[]) => {
    for (const element of elements) {
      const kind = kinds[element.type];
      // A select's cases are part of its shape (a language must not drop one); plural categories are not,
      // as languages have different ones.
      const cases = element.type === TYPE.select ? `(${Object.keys(element.options).sort().join('|')})` : '';
      if (kind && 'value' in element) args.add(`${element.value}:${kind}${cases}`);
      if (element.type === TYPE.tag) {
        tags.add(element.value);
        walk(element.children);
      }
      if (element.type === TYPE.select || element.type === TYPE.plural) {
        for (const option of Object.values(element.options)) walk(option.value);
      }
    }
  };
  walk(parse(message, { requiresOtherClause: true }));
  return { arguments: [...args].sort(), tags: [...tags].sort() };
}

/** Kinds that take the same value (a number): a language may pluralise what another only prints. */
const numeric = new Set(['number', 'plural']);

/**
 * How a translation's shape differs from the reference (English) one, in words; empty when it fits. Same
 * argument names and tags; select cases, dates and times exactly as in the reference; an argument the
 * reference formats as a number or plural may be a number, a plural or plain text in the translation (a
 * language that agrees its words with the count pluralises where English does not), but an argument the
 * reference takes as text stays text.
 */
export function shapeDifferences(reference: MessageShape, translation: MessageShape): string[] {
  const split = (shape: MessageShape) =>
    new Map(
      shape.arguments.map((entry) => {
        const at = entry.indexOf(':');
        return [entry.slice(0, at), entry.slice(at + 1)] as const;
      }),
    );
  const wanted = split(reference);
  const found = split(translation);
  const differences: string[] = [];
  for (const [name, kind] of wanted) {
    const other = found.get(name);
    if (other === undefined) differences.push(`lacks {${name}}`);
    else if (other !== kind && !(numeric.has(kind) && (numeric.has(other) || other === 'text')))
      differences.push(`{${name}} is ${other}, not ${kind}`);
  }
  for (const name of found.keys()) if (!wanted.has(name)) differences.push(`has an unknown {${name}}`);
  if (reference.tags.join() !== translation.tags.join())
    differences.push(`tags <${translation.tags.join('>, <')}> instead of <${reference.tags.join('>, <')}>`);
  return differences;
}
