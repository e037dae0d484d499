/**
 * The check of every page state in the browser tests: no raw message key on the page, and axe-core (through
 * @axe-core/playwright) with all its rules except the experimental ones, and no violation of impact
 * `serious` or `critical` allowed. A failure names the state, each rule, its help text and the
 * elements, so the fix can start from the message alone.
 *
 * With TWOFOLD_A11Y_REPORT=<file>, each check appends one JSON line (the state, every violation with its
 * impact, including the minor ones that do not fail, and the rules axe could not decide and left for a
 * person to review), for the numbers in the project's notes.
 */
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';

/** Impacts that fail a test; `moderate` and `minor` are reported (with TWOFOLD_A11Y_REPORT), not failed. */
const failingImpacts: ReadonlySet<string> = new Set(['serious', 'critical']);

export interface AccessibilityFinding {
  readonly rule: string;
  readonly impact: string;
  readonly help: string;
  readonly targets: readonly string[];
}

export interface AccessibilityAudit {
  /** Every violation found, failing or not. */
  readonly findings: readonly AccessibilityFinding[];
  /** Rules axe could not decide on some element (contrast over an image, say), with the elements: for a person to look at. */
  readonly toReview: readonly { readonly rule: string; readonly targets: readonly string[] }[];
}

/** Runs axe on the page as it is now. */
export async function auditAccessibility(page: Page): Promise<AccessibilityAudit> {
  const results = await new AxeBuilder({ page }).analyze();
  return {
    findings: results.violations.map((violation) => ({
      rule: violation.id,
      impact: violation.impact ?? 'unknown',
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.join(' ')),
    })),
    toReview: results.incomplete.map((result) => ({
      rule: result.id,
      targets: result.nodes.map((node) => `${node.target.join(' ')}: ${node.any[0]?.message ?? ''}`),
    })),
  };
}

/** Every message key of the pages (packages/web's English catalogs). */
function messageKeys(): ReadonlySet<string> {
  const dir = new URL('../../../web/src/i18n/catalogs/', import.meta.url);
  const keys = new Set<string>();
  for (const namespace of readdirSync(dir)) {
    const catalog = JSON.parse(readFileSync(new URL(`${namespace}/en.json`, dir), 'utf8')) as object;
    for (const key of Object.keys(catalog)) keys.add(key);
  }
  return keys;
}

let knownKeys: ReadonlySet<string> | undefined;

/**
 * The message keys the page shows instead of words: in its text, its title, and the attributes people hear
 * or see (labels, titles, placeholders, alternative texts). A key on screen is a message a page asked for
 * and its catalog lacks.
 */
export async function rawMessageKeys(page: Page): Promise<string[]> {
  knownKeys ??= messageKeys();
  const words = await page.evaluate(() => {
    const texts = [document.title, document.body.textContent ?? ''];
    for (const element of Array.from(
      document.querySelectorAll('[aria-label], [title], [placeholder], [alt]'),
    )) {
      for (const name of ['aria-label', 'title', 'placeholder', 'alt'])
        texts.push(element.getAttribute(name) ?? '');
    }
    return texts.join(' ').split(/\s+/);
  });
  const keys = knownKeys;
  return [...new Set(words.map((word) => word.replace(/^[^\w]+|[^\w]+$/g, '')).filter((w) => keys.has(w)))];
}

/**
 * Fails when the page, in the state the test has brought it to, shows a raw message key or has a serious or
 * critical accessibility violation. `state` names the page state in the message ("sign-in: enter code").
 */
export async function expectAccessible(page: Page, state: string): Promise<void> {
  const raw = await rawMessageKeys(page);
  if (raw.length > 0) throw new Error(`"${state}" (${page.url()}) shows message keys: ${raw.join(', ')}`);
  const { findings, toReview } = await auditAccessibility(page);
  const report = process.env['TWOFOLD_A11Y_REPORT'];
  if (report) appendFileSync(report, `${JSON.stringify({ state, url: page.url(), findings, toReview })}\n`);
  const failing = findings.filter((finding) => failingImpacts.has(finding.impact));
  if (failing.length === 0) return;
  const lines = failing.map(
    (f) => `- ${f.rule} (${f.impact}): ${f.help}\n    ${f.targets.slice(0, 5).join('\n    ')}`,
  );
  throw new Error(`accessibility of "${state}" (${page.url()}):\n${lines.join('\n')}`);
}
