#!/usr/bin/env node
// Operator CLI for dead letters (docs/messaging.md): `list <queue>` shows why each message failed;
// `replay <queue> --id <messageId> | --all` sends messages back to the queue they failed in.
// AMQP_URL from the environment selects the broker and vhost.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { listDeadLetters, replayDeadLetters, deadQueueOf, type DeadLetter } from '../dead-letters';

const USAGE = `usage:
  dead-letters list <queue> [--json] [--limit N]
  dead-letters replay <queue> (--id <messageId> [--body-file <path>] | --all)

<queue> is the consumer queue (billing.job-completed) or its dead-letter queue (billing.job-completed.dead).
AMQP_URL (e.g. amqp://user:pass@host:5672/vhost) selects the broker.`;

function line(d: DeadLetter): string {
  return [
    d.messageId ?? '(no id)',
    d.type ?? '(no type)',
    d.reason,
    `attempts=${d.attempts}`,
    `first-failure=${d.firstFailureAt ?? '-'}`,
    `dead-lettered=${d.deadLetteredAt ?? '-'}`,
    `queue=${d.originalQueue}`,
    d.error ? `error=${JSON.stringify(d.error)}` : '',
  ]
    .filter(Boolean)
    .join('  ');
}

export async function main(argv: string[], env: NodeJS.ProcessEnv, out: (s: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      id: { type: 'string' },
      all: { type: 'boolean', default: false },
      'body-file': { type: 'string' },
      json: { type: 'boolean', default: false },
      limit: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, queue] = positionals;
  if (values.help || !command || !queue) {
    out(USAGE);
    return values.help ? 0 : 2;
  }
  const amqpUrl = env.AMQP_URL;
  if (!amqpUrl) {
    out('AMQP_URL is not set');
    return 2;
  }
  const limit = values.limit ? Number(values.limit) : undefined;
  if (command === 'list') {
    const letters = await listDeadLetters(amqpUrl, queue, { limit });
    if (values.json) out(JSON.stringify(letters, null, 2));
    else {
      out(`${letters.length} dead letter(s) in ${deadQueueOf(queue)}`);
      for (const d of letters) out(line(d));
    }
    return 0;
  }
  if (command === 'replay') {
    if (!values.all && !values.id) {
      out('replay needs --id <messageId> or --all');
      return 2;
    }
    if (values.all && values.id) {
      out('use either --id or --all');
      return 2;
    }
    const body = values['body-file'] ? readFileSync(values['body-file']) : undefined;
    const result = await replayDeadLetters(amqpUrl, queue, { id: values.id, body, limit });
    for (const r of result.replayed) out(`replayed ${r.messageId ?? '(no id)'} -> ${r.queue}`);
    for (const f of result.failed) out(`NOT replayed ${f.messageId ?? '(no id)'} -> ${f.queue}: ${f.error}; kept in the dead-letter queue`);
    out(`${result.replayed.length} replayed, ${result.failed.length} failed, ${result.kept} left in ${deadQueueOf(queue)}`);
    // An operator's script must notice a replay that left messages behind.
    return result.failed.length > 0 ? 1 : 0;
  }
  out(USAGE);
  return 2;
}

/** Runs the CLI on this process's arguments and sets its exit code (bin/dead-letters.js calls it). */
export function runCli(): void {
  main(process.argv.slice(2), process.env, (s) => process.stdout.write(`${s}\n`)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`dead-letters: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}

if (require.main === module) runCli();
