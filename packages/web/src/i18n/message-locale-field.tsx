import { localeNames, locales } from '@twofold/core';

/**
 * The choice of the language a person's emails and text messages are written in: one of the four, each named
 * in its own words (and marked so screen readers say it right), or the organisation's (the empty value).
 */
export function MessageLocaleField(props: {
  id: string;
  label: string;
  /** The first option, for no choice of their own: their organisation's language. */
  defaultLabel: string;
  hint: string;
  value: string;
  onValue: (value: string) => void;
}) {
  const hintId = `${props.id}-hint`;
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <select
        id={props.id}
        value={props.value}
        aria-describedby={hintId}
        onChange={(event) => props.onValue(event.currentTarget.value)}
      >
        <option value="">{props.defaultLabel}</option>
        {locales.map((tag) => (
          <option key={tag} value={tag} lang={tag}>
            {localeNames[tag]}
          </option>
        ))}
      </select>
      <p class="hint" id={hintId}>
        {props.hint}
      </p>
    </div>
  );
}
