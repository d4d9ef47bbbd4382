// The console's browser tests (issue 19): playwright-core driving Debian's chromium (installed by
// scripts/ensure-chromium.sh; no browser download), an axe-core accessibility check on every page,
// and a screenshot of each page kept under e2e/artifacts/console/ (gitignored) for a reader.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { CaughtMail } from '@runfleet/test-infra';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS_DIR = path.resolve(__dirname, '../artifacts/console');

export async function launchBrowser(): Promise<Browser> {
  try {
    return await chromium.launch({
      executablePath: CHROMIUM_PATH,
      // root in a container has no user namespace for chromium's sandbox
      args: ['--no-sandbox', '--disable-dev-shm-usage'],
    });
  } catch (err) {
    // playwright's error refers to itself: jest could not write its --json results with it in them
    throw new Error(`could not launch chromium at ${CHROMIUM_PATH} (scripts/ensure-chromium.sh installs it): ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * Checks the page as it is now with axe (WCAG 2 A/AA rules: labels, names, contrast, landmarks…)
 * and keeps a full-page screenshot named `name`. Throws listing every violation.
 */
export async function checkPage(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS_DIR, `${name}.png`), fullPage: true });
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const violations = result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  if (violations.length > 0) throw new Error(`axe found ${violations.length} accessibility violation(s) on ${name} (${page.url()}):\n${violations.join('\n')}`);
}

/** A mail's text with quoted-printable soft breaks and escapes undone (links survive line wrapping). */
export function mailText(mail: CaughtMail): string {
  return mail.raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** The console link of kind `verify` | `reset` | `invite` in a mail, or undefined. */
export function consoleLink(mail: CaughtMail, kind: 'verify' | 'reset' | 'invite'): URL | undefined {
  const match = new RegExp(`https?://[^\\s"'<>]+/${kind}\\?token=[^\\s"'<>&]+`).exec(mailText(mail));
  return match ? new URL(match[0].replace(/&amp;/g, '&')) : undefined;
}

/** The same link on the gateway under test (the mail names CONSOLE_URL's origin). */
export function onGateway(link: URL, gatewayUrl: string): string {
  return `${gatewayUrl}${link.pathname}${link.search}`;
}
