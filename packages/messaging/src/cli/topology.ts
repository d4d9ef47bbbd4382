#!/usr/bin/env node
// Operator CLI for the broker topology (docs/messaging.md "Topology", docs/operations.md):
// `declare` creates every queue and binding the contracts declare (after a broker was rebuilt, or
// before the first deploy), `list` prints them without touching the broker. Safe to run any time,
// before or after the services: the arguments are the same ones the services declare.
// AMQP_URL from the environment selects the broker and vhost.
import { parseArgs } from 'node:util';
import { connect } from 'amqplib';
import { assertTopologies, declaredTopologies, type ConsumerTopology } from '../topology';
import { redactAmqpUrl } from '../amqp-connection';

const USAGE = `usage:
  topology list [--json]      the queues and bindings packages/contracts declares
  topology declare            declares them on the broker (idempotent)

AMQP_URL (e.g. amqp://user:pass@host:5672/vhost) selects the broker for declare.`;

function describe(t: ConsumerTopology): string {
  const retries = t.retryQueues.map((r) => r.name.slice(t.queue.length + 1)).join(',') || 'no retries';
  return `${t.queue}  <- ${t.routingKeys.join(', ')}  (${retries}; ${t.deadQueue}; delivery limit ${t.deliveryLimit})`;
}

/** Declares every declared queue of the contracts on `amqpUrl`; returns what was declared. */
export async function declareContractTopology(amqpUrl: string): Promise<ConsumerTopology[]> {
  const topologies = declaredTopologies();
  const connection = await connect(amqpUrl, { clientProperties: { connection_name: 'runfleet topology CLI' } });
  try {
    const channel = await connection.createChannel();
    await assertTopologies(channel, topologies);
    await channel.close();
  } finally {
    await connection.close().catch(() => undefined);
  }
  return topologies;
}

export async function main(argv: string[], env: NodeJS.ProcessEnv, out: (s: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
  });
  const [command] = positionals;
  if (values.help || !command) {
    out(USAGE);
    return values.help ? 0 : 2;
  }
  if (command === 'list') {
    const topologies = declaredTopologies();
    if (values.json) out(JSON.stringify(topologies, null, 2));
    else for (const t of topologies) out(describe(t));
    return 0;
  }
  if (command === 'declare') {
    const amqpUrl = env.AMQP_URL;
    if (!amqpUrl) {
      out('AMQP_URL is not set');
      return 2;
    }
    const declared = await declareContractTopology(amqpUrl);
    for (const t of declared) out(`declared ${describe(t)}`);
    out(`${declared.length} queue(s) declared on ${redactAmqpUrl(amqpUrl)}`);
    return 0;
  }
  out(USAGE);
  return 2;
}

/** Runs the CLI on this process's arguments and sets its exit code (bin/topology.js calls it). */
export function runCli(): void {
  main(process.argv.slice(2), process.env, (s) => process.stdout.write(`${s}\n`)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      // amqplib's errors never carry the URL's password; the message is what an operator needs.
      process.stderr.write(`topology: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}

if (require.main === module) runCli();
