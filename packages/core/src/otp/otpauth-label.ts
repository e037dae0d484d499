import { encodePercent } from './percent-encoding.js';

export interface OtpauthLabel {
  /** Issuer taken from the label prefix, or the issuer parameter when that takes precedence. */
  issuer: string | undefined;
  accountName: string;
  warnings: string[];
}

function blankToUndefined(text: string | undefined): string | undefined {
  const trimmed = text?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

/**
 * Splits a percent-decoded label into issuer and account (Key Uri Format, LABEL: `accountname / issuer (":" /
 * "%3A") *"%20" accountname`). Since a label is decoded first, ':' and '%3A' are the same separator. Rules:
 * 1. If the issuer parameter is given and the label starts with it followed by ':', that is the prefix, so an
 *    issuer that itself contains ':' still splits right.
 * 2. A leading ':' is an empty prefix: the rest is the account (how we write an issuer-less account with ':').
 * 3. Otherwise one ':' splits prefix and account; with several, the whole label is the account (as Aegis).
 * Spaces around either part are dropped. The issuer parameter wins over a different prefix, with a warning.
 */
export function splitOtpauthLabel(label: string, issuerParameter: string | undefined): OtpauthLabel {
  const warnings: string[] = [];
  const parameter = blankToUndefined(issuerParameter);
  let prefix: string | undefined;
  let accountName: string;
  if (parameter !== undefined && label.trimStart().startsWith(`${parameter}:`)) {
    prefix = parameter;
    accountName = label.trimStart().slice(parameter.length + 1);
  } else if (label.trimStart().startsWith(':')) {
    accountName = label.trimStart().slice(1);
  } else {
    const parts = label.split(':');
    if (parts.length === 2) {
      prefix = blankToUndefined(parts[0]);
      accountName = parts[1] ?? '';
    } else {
      accountName = label;
      if (parts.length > 2) {
        warnings.push(
          `label '${label}' has ${parts.length - 1} colons; kept whole as the account name (a label has at most one)`,
        );
      }
    }
  }
  if (parameter !== undefined && prefix !== undefined && parameter !== prefix) {
    warnings.push(
      `issuer parameter '${parameter}' differs from label prefix '${prefix}'; using the parameter`,
    );
  }
  return { issuer: parameter ?? prefix, accountName: accountName.trim(), warnings };
}

/**
 * Formats a label as `Issuer:account`, each part percent-encoded (Key Uri Format, LABEL). Without an issuer, an
 * account containing ':' gets an empty prefix (":a:b") so that splitOtpauthLabel gives it back whole.
 */
export function formatOtpauthLabel(issuer: string | undefined, accountName: string): string {
  if (issuer !== undefined && issuer !== '') return `${encodePercent(issuer)}:${encodePercent(accountName)}`;
  return accountName.includes(':') ? `:${encodePercent(accountName)}` : encodePercent(accountName);
}
