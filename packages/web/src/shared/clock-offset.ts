/**
 * How far a clock is off, in words of the page's language: "4 minutes, 1 second", "45 seconds"; from ten
 * minutes on, whole minutes. Used by the troubleshooter (the user's own clock) and the console's help
 * requests (the user's clock as the admin sees it).
 */
import { formattingLocale } from '../i18n/i18n.js';

export function formatOffset(offsetSeconds: number): string {
  const total = Math.max(1, Math.round(Math.abs(offsetSeconds)));
  const unit = (value: number, name: 'second' | 'minute') =>
    new Intl.NumberFormat(formattingLocale(), { style: 'unit', unit: name, unitDisplay: 'long' }).format(
      value,
    );
  if (total < 60) return unit(total, 'second');
  if (total >= 600) return unit(Math.round(total / 60), 'minute');
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  if (seconds === 0) return unit(minutes, 'minute');
  return new Intl.ListFormat(formattingLocale(), { type: 'unit', style: 'long' }).format([
    unit(minutes, 'minute'),
    unit(seconds, 'second'),
  ]);
}

/** `ahead` for a clock that runs fast (a positive offset), `behind` for one that runs slow. */
export function offsetDirection(offsetSeconds: number): 'ahead' | 'behind' {
  return offsetSeconds > 0 ? 'ahead' : 'behind';
}
