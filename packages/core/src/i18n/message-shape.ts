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
