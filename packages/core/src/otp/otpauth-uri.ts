import { TwofoldError } from '../errors/index.js';
import { decodeBase32, encodeBase32 } from './base32.js';
import {
  ACCEPTED_SECRET_BYTES,
  checkSecretLength,
  type OtpAccount,
  type OtpType,
  type OtpValidationOptions,
  validateOtpAccount,
} from './otp-account.js';
import { OTP_ALGORITHMS, type OtpAlgorithm, parseOtpAlgorithm } from './otp-algorithm.js';
import { MAX_COUNTER, MAX_DIGITS, MIN_DIGITS, MIN_SECRET_BYTES } from './otp-parameters.js';
import { formatOtpauthLabel, splitOtpauthLabel } from './otpauth-label.js';
import { decodePercentEncoded, encodePercent } from './percent-encoding.js';
import { STEAM_DIGITS, STEAM_PERIOD } from './steam.js';
import { DEFAULT_PERIOD } from './totp.js';

export interface ParsedOtpauthUri {
  account: OtpAccount;
  /** Things that were tolerated or ignored, for the import screen ("issuer parameter differs ..."). */
  warnings: string[];
}

export interface FormatOtpauthUriOptions {
  /**
   * How a steam account is written: 'type' gives `otpauth://steam/...` (Aegis, Ente, 2FAS), 'encoder' gives
   * `otpauth://totp/...&encoder=steam` (KeePassXC). Default 'type'.
   */
  steamStyle?: 'type' | 'encoder';
}

/** Parameters with a meaning of their own; everything else goes to `extra`. */
const KNOWN_PARAMETERS = new Set(['secret', 'issuer', 'algorithm', 'digits', 'period', 'counter']);

interface Parameter {
  /** Name as written (after percent-decoding). */
  name: string;
  value: string;
  /** False for a bare `&issuer&` without '='. */
  hasValue: boolean;
}

function fail(message: string, details?: Record<string, unknown>): never {
  throw new TwofoldError('otpauth_uri_invalid', `otpauth URI: ${message}`, details);
}

function decodeOrFail(text: string, plusAsSpace: boolean, what: string): string {
  const decoded = decodePercentEncoded(text, plusAsSpace);
  if (decoded === undefined) fail(`${what} is not valid UTF-8 after percent-decoding`);
  return decoded;
}

/** Splits a query on '&' and '=' before decoding, so an encoded '&' or '=' inside a value stays in it. */
function readParameters(query: string): Parameter[] {
  const parameters: Parameter[] = [];
  for (const segment of query.split('&')) {
    if (segment === '') continue;
    const equals = segment.indexOf('=');
    const rawName = equals === -1 ? segment : segment.slice(0, equals);
    const name = decodeOrFail(rawName, true, 'a parameter name');
    const value = equals === -1 ? '' : decodeOrFail(segment.slice(equals + 1), true, `parameter '${name}'`);
    parameters.push({ name, value, hasValue: equals !== -1 });
  }
  return parameters;
}

/** A warning for a secret the options accept but enrolment would not (shorter than MIN_SECRET_BYTES). */
export function shortSecretWarning(secret: Uint8Array): string | undefined {
  return checkSecretLength(secret) === null || secret.length === 0
    ? undefined
    : `the secret is ${secret.length * 8} bits, shorter than the ${MIN_SECRET_BYTES * 8} bits Twofold asks of new accounts; kept as the service issued it`;
}

function parseSteamScheme(rest: string, options: OtpValidationOptions): ParsedOtpauthUri {
  // Bitwarden stores Steam secrets as `steam://<base32>`: no label, no parameters.
  const secret = decodeBase32(decodeOrFail(rest.replace(/\/+$/, ''), false, 'the secret'), {
    name: 'secret',
  });
  const problem = checkSecretLength(secret, options.minSecretBytes);
  if (problem !== null) fail(problem, { parameter: 'secret' });
  const short = shortSecretWarning(secret);
  return {
    account: {
      type: 'steam',
      accountName: '',
      secret,
      algorithm: 'SHA1',
      digits: STEAM_DIGITS,
      period: STEAM_PERIOD,
      extra: {},
    },
    warnings: ['steam:// URI (Bitwarden) carries no issuer or account name', ...(short ? [short] : [])],
  };
}

/**
 * Parses an `otpauth://` URI (Google Key Uri Format; percent-encoding per RFC 3986 §2.1) into an account,
 * tolerating what real apps emit: upper-case URIs, '#' left unencoded, '+'/spaces/dashes/padding in the secret,
 * bare parameters, `otpauth://steam/`, `encoder=steam`, `steam://<base32>`. Throws `otpauth_uri_invalid` (or
 * `base32_invalid` for the secret) naming the part that cannot be used; never echoes the secret.
 */
export function parseOtpauthUri(uri: string, options: OtpValidationOptions = {}): ParsedOtpauthUri {
  if (typeof uri !== 'string') fail(`expected a string, got ${typeof uri}`);
  const text = uri.trim();
  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(text);
  if (schemeMatch === null) fail("must start with 'otpauth://'");
  const scheme = schemeMatch[1]!.toLowerCase();
  const rest = text.slice(schemeMatch[0].length);
  if (scheme === 'steam') return parseSteamScheme(rest, options);
  if (scheme !== 'otpauth') fail(`scheme must be otpauth://, got '${scheme}://'`);

  const warnings: string[] = [];
  // '#' is never a fragment in an otpauth URI: issuers such as "Company #1" are often left unencoded, and
  // treating it as a fragment would silently drop the secret (Ente and 2FAS fixed this the same way).
  if (rest.includes('#')) warnings.push("unencoded '#' read as part of the URI, not as a fragment");
  const questionMark = rest.indexOf('?');
  const path = questionMark === -1 ? rest : rest.slice(0, questionMark);
  const query = questionMark === -1 ? '' : rest.slice(questionMark + 1);
  const slash = path.indexOf('/');
  const rawType = slash === -1 ? path : path.slice(0, slash);
  const rawLabel = slash === -1 ? '' : path.slice(slash + 1);

  let type: OtpType;
  const lowerType = rawType.toLowerCase();
  if (lowerType === 'totp' || lowerType === 'hotp' || lowerType === 'steam') type = lowerType;
  else fail(`type must be totp, hotp or steam, got '${rawType}'`, { part: 'type' });

  const known = new Map<string, string>();
  const extra: [string, string][] = [];
  for (const { name, value, hasValue } of readParameters(query)) {
    const lower = name.toLowerCase();
    if (name === '') {
      // `&=value` has no name to keep it under (and an account may not hold an unnamed parameter).
      warnings.push('parameter without a name; ignored');
      continue;
    }
    if (lower === 'encoder' && value.trim().toLowerCase() === 'steam') {
      if (type === 'hotp') fail('encoder=steam needs type totp, got hotp', { parameter: 'encoder' });
      type = 'steam';
    } else if (KNOWN_PARAMETERS.has(lower)) {
      if (lower === 'secret' && value.trim() === '')
        fail("parameter 'secret' is empty", { parameter: 'secret' });
      if (value.trim() === '') {
        warnings.push(`parameter '${name}' has no value${hasValue ? '' : " (no '=')"}; ignored`);
        continue;
      }
      // Ente Auth writes algorithm=null, digits=null, period=null for an account it holds with the defaults.
      if (lower !== 'secret' && lower !== 'issuer' && value.trim().toLowerCase() === 'null') continue;
      const previous = known.get(lower);
      if (previous !== undefined && previous !== value) {
        fail(`parameter '${lower}' appears twice with different values`, { parameter: lower });
      }
      known.set(lower, value);
    } else if (extra.some(([existing]) => existing === name)) {
      warnings.push(`parameter '${name}' appears twice; kept the first value`);
    } else {
      extra.push([name, value]);
    }
  }

  if (type === 'steam') {
    // A steam account's encoder is steam; another `encoder` value contradicts the type (Steam wins, as above).
    for (let index = extra.length - 1; index >= 0; index--) {
      const [name, value] = extra[index]!;
      if (name.toLowerCase() !== 'encoder') continue;
      warnings.push(`steam account: parameter '${name}=${value}' ignored`);
      extra.splice(index, 1);
    }
  }

  const secretText = known.get('secret');
  if (secretText === undefined) fail("missing required parameter 'secret'", { parameter: 'secret' });
  const secret = decodeBase32(secretText, { name: 'secret' });
  const secretProblem = checkSecretLength(secret, options.minSecretBytes);
  if (secretProblem !== null) fail(secretProblem, { parameter: 'secret' });
  const short = shortSecretWarning(secret);
  if (short !== undefined) warnings.push(short);

  let algorithm: OtpAlgorithm = 'SHA1';
  const algorithmText = known.get('algorithm');
  if (algorithmText !== undefined) {
    const parsed = parseOtpAlgorithm(algorithmText);
    if (parsed === undefined) {
      fail(`algorithm must be ${OTP_ALGORITHMS.join(', ')}, got '${algorithmText}'`, {
        parameter: 'algorithm',
      });
    }
    if (type === 'steam' && parsed !== 'SHA1')
      warnings.push(`steam codes use SHA1; algorithm=${algorithmText} ignored`);
    else algorithm = parsed;
  }

  let digits = type === 'steam' ? STEAM_DIGITS : 6;
  const digitsText = known.get('digits');
  if (digitsText !== undefined) {
    const parsed = /^[0-9]{1,3}$/.test(digitsText.trim()) ? Number(digitsText.trim()) : Number.NaN;
    if (type === 'steam') {
      if (parsed !== STEAM_DIGITS)
        warnings.push(`steam codes have ${STEAM_DIGITS} characters; digits=${digitsText} ignored`);
    } else if (parsed >= MIN_DIGITS && parsed <= MAX_DIGITS) {
      digits = parsed;
    } else {
      fail(`digits must be an integer from ${MIN_DIGITS} to ${MAX_DIGITS}, got '${digitsText}'`, {
        parameter: 'digits',
      });
    }
  }

  let period: number | undefined =
    type === 'hotp' ? undefined : type === 'steam' ? STEAM_PERIOD : DEFAULT_PERIOD;
  const periodText = known.get('period');
  if (periodText !== undefined) {
    const parsed = /^[0-9]+$/.test(periodText.trim()) ? Number(periodText.trim()) : Number.NaN;
    if (type === 'hotp') {
      warnings.push(`hotp has no period; period=${periodText} ignored`);
    } else if (type === 'steam') {
      if (parsed !== STEAM_PERIOD)
        warnings.push(`steam codes use a ${STEAM_PERIOD} s period; period=${periodText} ignored`);
    } else if (Number.isSafeInteger(parsed) && parsed >= 1) {
      period = parsed;
    } else {
      fail(`period must be a positive integer number of seconds, got '${periodText}'`, {
        parameter: 'period',
      });
    }
  }

  let counter: bigint | undefined;
  const counterText = known.get('counter');
  if (type === 'hotp') {
    if (counterText === undefined)
      fail("missing required parameter 'counter' for hotp", { parameter: 'counter' });
    const parsed = /^[0-9]+$/.test(counterText.trim()) ? BigInt(counterText.trim()) : -1n;
    if (parsed < 0n || parsed > MAX_COUNTER) {
      fail(`counter must be an integer from 0 to ${MAX_COUNTER}, got '${counterText}'`, {
        parameter: 'counter',
      });
    }
    counter = parsed;
  } else if (counterText !== undefined) {
    warnings.push(`${type} has no counter; counter=${counterText} ignored`);
  }

  const decodedLabel = decodeOrFail(rawLabel, false, 'the label');
  const label = splitOtpauthLabel(decodedLabel, known.get('issuer'));
  warnings.push(...label.warnings);
  if (label.accountName === '') warnings.push('label has no account name');

  const account: OtpAccount = {
    type,
    ...(label.issuer === undefined ? {} : { issuer: label.issuer }),
    accountName: label.accountName,
    secret,
    algorithm,
    digits,
    ...(period === undefined ? {} : { period }),
    ...(counter === undefined ? {} : { counter }),
    // fromEntries defines own properties, so a parameter named '__proto__' cannot reach the prototype.
    extra: Object.fromEntries(extra),
  };
  return { account, warnings };
}

/**
 * Formats an account as an `otpauth://` URI (Google Key Uri Format): label `Issuer:account` plus the `issuer`
 * parameter (both, as the format recommends), base32 secret without padding, and algorithm, digits and
 * period/counter always written for clarity. Throws `otp_parameters_invalid` for an invalid account.
 */
export function formatOtpauthUri(account: OtpAccount, options: FormatOtpauthUriOptions = {}): string {
  // A vault may hold a short secret imported from another app: writing it out is not enrolling it.
  validateOtpAccount(account, { minSecretBytes: ACCEPTED_SECRET_BYTES });
  const steamAsEncoder = account.type === 'steam' && options.steamStyle === 'encoder';
  const issuer = account.issuer === '' ? undefined : account.issuer;
  try {
    const parameters = [`secret=${encodeBase32(account.secret)}`];
    if (issuer !== undefined) parameters.push(`issuer=${encodePercent(issuer)}`);
    parameters.push(`algorithm=${account.algorithm}`, `digits=${account.digits}`);
    if (account.type === 'hotp') parameters.push(`counter=${account.counter}`);
    else parameters.push(`period=${account.period}`);
    if (steamAsEncoder) parameters.push('encoder=steam');
    for (const [name, value] of Object.entries(account.extra)) {
      parameters.push(`${encodePercent(name)}=${encodePercent(value)}`);
    }
    const type = steamAsEncoder ? 'totp' : account.type;
    return `otpauth://${type}/${formatOtpauthLabel(issuer, account.accountName)}?${parameters.join('&')}`;
  } catch (error) {
    if (!(error instanceof URIError)) throw error;
    throw new TwofoldError(
      'otp_parameters_invalid',
      'issuer, account name or an extra parameter is not valid text',
      {
        parameter: 'account',
      },
    );
  }
}
