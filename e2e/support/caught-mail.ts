// The mail the local SMTP catcher (scripts/mail-catcher.js, what `npm start` runs) writes as .eml
// files, read as its recipient would: wait for the mail to one address and take the console link in
// it — how a browser test follows a verification, reset or invitation mail (issue 19).
//
//   const mail = await startMailCatcherFor('console');          // a catcher of the suite's own
//   const stack = await startStack('console', { env: { notifications: { SMTP_URL: mail.smtpUrl, CONSOLE_URL: … } } });
//   const { link, token } = await mail.waitForLink('ada@example.com', { page: 'verify' });
//
// or, against a running `npm start`: waitForMailLink('ada@example.com', { page: 'reset' }) reads
// .runfleet/mail/.
import { mkdtempSync, rmSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { linksIn, readMail, type ReadMail } from '@runfleet/test-infra';
import { freePort, ROOT } from './stack';

interface MailCatcherModule {
  MAIL_DIR: string;
  startMailCatcher(port: number, dir?: string): Promise<{ port: number; dir: string; close(): Promise<void> }>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports -- plain CommonJS module `npm start` runs
const catcher = require(path.join(ROOT, 'scripts', 'mail-catcher.js')) as MailCatcherModule;

/** Where `npm start`'s catcher writes (.runfleet/mail). */
export const MAIL_DIR = catcher.MAIL_DIR;

export interface MailLinkOptions {
  /** the catcher's directory (default: `npm start`'s, .runfleet/mail) */
  dir?: string;
  /** the console page the link opens: the last segment of its path (`verify`, `reset`, `invite`) */
  page?: string;
  /** only mail caught at or after this time (e.g. the second reset mail, not the first) */
  since?: Date;
  timeoutMs?: number;
}

export interface MailLink {
  /** the whole link, as the mail shows it */
  link: string;
  /** its `token` query parameter ('' when none) */
  token: string;
  mail: ReadMail;
  /** the .eml file it came from */
  file: string;
}

/** The caught .eml files of `dir`, oldest first (the catcher names them by time and count). */
export async function caughtMailFiles(dir: string = MAIL_DIR): Promise<string[]> {
  const names = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [] as string[];
    throw err;
  });
  return names
    .filter((name) => name.endsWith('.eml'))
    .sort()
    .map((name) => path.join(dir, name));
}

/** The newest link in a mail to `to` that matches, or undefined. */
async function newestLink(to: string, options: MailLinkOptions): Promise<MailLink | undefined> {
  const files = (await caughtMailFiles(options.dir)).reverse();
  for (const file of files) {
    if (options.since && (await stat(file)).mtimeMs < options.since.getTime()) continue;
    const mail = await readMail(await readFile(file));
    if (!mail.to.includes(to.toLowerCase())) continue;
    for (const link of linksIn(mail.text)) {
      const url = new URL(link);
      if (options.page !== undefined && url.pathname.split('/').pop() !== options.page) continue;
      return { link, token: url.searchParams.get('token') ?? '', mail, file };
    }
  }
  return undefined;
}

/**
 * Waits until a mail to `to` holding a link (to `page`, when given) has been caught, and returns the
 * newest such link. Fails after `timeoutMs` (default 20 s) naming what it waited for.
 */
export async function waitForMailLink(to: string, options: MailLinkOptions = {}): Promise<MailLink> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await newestLink(to, options);
    if (found) return found;
    if (Date.now() > deadline) {
      const what = options.page ? `a /${options.page} link` : 'a link';
      throw new Error(`no mail to ${to} with ${what} in ${options.dir ?? MAIL_DIR} after ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface SuiteMailCatcher {
  /** SMTP_URL for the notifications service */
  smtpUrl: string;
  dir: string;
  waitForLink(to: string, options?: Omit<MailLinkOptions, 'dir'>): Promise<MailLink>;
  /** stops the catcher and removes its directory */
  close(): Promise<void>;
}

/** `npm start`'s catcher on a free port, writing to a fresh directory of this suite's own. */
export async function startMailCatcherFor(label: string): Promise<SuiteMailCatcher> {
  const dir = mkdtempSync(path.join(tmpdir(), `runfleet-mail-${label}-`));
  const running = await catcher.startMailCatcher(await freePort(), dir);
  return {
    smtpUrl: `smtp://127.0.0.1:${running.port}`,
    dir,
    waitForLink: (to, options = {}) => waitForMailLink(to, { ...options, dir }),
    async close() {
      await running.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
