import type { ImportSkip } from '@twofold/core';
import { InvalidArgumentError } from 'commander';
import { MAX_DEVICE_NAME_LENGTH } from '../push.js';

/** A whole number from `min` to `max`, for commander. */
export function integerOption(name: string, min: number, max: number) {
  return (value: string): number => {
    if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError(`${name} must be a whole number.`);
    const parsed = Number(value);
    if (parsed < min || parsed > max)
      throw new InvalidArgumentError(`${name} must be from ${min} to ${max}.`);
    return parsed;
  };
}

export function deviceNameOption(value: string): string {
  const name = value.trim();
  if (name === '' || name.length > MAX_DEVICE_NAME_LENGTH) {
    throw new InvalidArgumentError(`the device name must be 1 to ${MAX_DEVICE_NAME_LENGTH} characters.`);
  }
  return name;
}

export function unixSecondsOption(value: string): number {
  if (!/^\d+(\.\d+)?$/.test(value.trim())) {
    throw new InvalidArgumentError('--at must be Unix seconds, such as 1700000000.');
  }
  return Number(value);
}

/** The lines that list entries an import or export could not take. */
export function skipLines(skipped: readonly ImportSkip[]): string[] {
  return skipped.map((skip) => `  - ${skip.where}${skip.name ? ` (${skip.name})` : ''}: ${skip.reason}`);
}
