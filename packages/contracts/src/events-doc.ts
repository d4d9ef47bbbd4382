// Renders docs/events.md from the event catalogue, so the document cannot drift from the schemas that
// validate (a unit test compares the committed file with this output).
import { z } from 'zod';
import { EVENT_EXAMPLES } from './event-examples';
import { queuesConsuming } from './consumer-queues';
import { eventSchemas, EVENT_NAMES, type EventName } from './events';
import { MONEY_PATTERN, NON_NEGATIVE_MONEY_PATTERN, POSITIVE_MONEY_PATTERN } from './money';
import { EVENTS_EXCHANGE } from './names';

/** The subset of JSON Schema that z.toJSONSchema emits for our payloads. */
interface JsonSchema {
  type?: string | string[];
  format?: string;
  pattern?: string;
  enum?: unknown[];
  const?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
}

interface FieldRow {
  path: string;
  type: string;
  required: boolean;
  description: string;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

function describeType(node: JsonSchema): string {
  if (node.anyOf) return node.anyOf.map(describeType).join(' or ');
  if (node.enum) return `one of ${node.enum.map((v) => `\`${String(v)}\``).join(', ')}`;
  if (node.const !== undefined) return `\`${String(node.const)}\``;
  switch (node.type) {
    case 'string':
      if (node.pattern === MONEY_PATTERN.source) return 'decimal string';
      if (node.pattern === NON_NEGATIVE_MONEY_PATTERN.source) return 'decimal string ≥ 0';
      if (node.pattern === POSITIVE_MONEY_PATTERN.source) return 'decimal string > 0';
      if (node.format) return `string (${node.format})`;
      if (node.pattern === '^[A-Z]{3}$') return 'string (ISO 4217 currency)';
      return 'string';
    case 'integer':
    case 'number': {
      const min = node.minimum;
      const max = node.maximum !== undefined && node.maximum < MAX_SAFE ? node.maximum : undefined;
      if (min !== undefined && max !== undefined) return `${node.type} ${min}–${max}`;
      if (min !== undefined && min > -MAX_SAFE) return `${node.type} ≥ ${min}`;
      return node.type;
    }
    case 'array':
      return `array of ${node.items ? describeType(node.items) : 'any'}`;
    case 'object':
      if (node.properties) return 'object';
      if (typeof node.additionalProperties === 'object') {
        const value = node.additionalProperties;
        return `map of string to ${Object.keys(value).length === 0 ? 'any JSON' : describeType(value)}`;
      }
      return 'object';
    case undefined:
      return 'any JSON';
    default:
      return Array.isArray(node.type) ? node.type.join(' or ') : node.type;
  }
}

function fieldRows(node: JsonSchema, prefix = ''): FieldRow[] {
  const required = new Set(node.required ?? []);
  return Object.entries(node.properties ?? {}).flatMap(([name, child]) => {
    const path = `${prefix}${name}`;
    const row: FieldRow = {
      path,
      type: describeType(child),
      required: required.has(name),
      description: child.description ?? '',
    };
    // Nested objects (usage, reference) are listed field by field under a dotted path.
    const nested = child.type === 'object' && child.properties ? fieldRows(child, `${path}.`) : [];
    const nullableObject = child.anyOf?.find((alt) => alt.type === 'object' && alt.properties);
    const nestedOfNullable = nullableObject ? fieldRows(nullableObject, `${path}.`) : [];
    return [row, ...nested, ...nestedOfNullable];
  });
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** `billing.orders, notifications.deliveries (planned)`, or `none` */
function consumersOf(name: EventName): string {
  const queues = queuesConsuming(name, { includePlanned: true });
  if (queues.length === 0) return 'none';
  return queues.map((q) => `\`${q.queue}\`${q.planned ? ' (planned)' : ''}`).join(', ');
}

function anchor(name: EventName): string {
  return name.replace(/[^a-z0-9_]/g, '');
}

/** The markdown of docs/events.md. Pure: same contracts, same text. */
export function renderEventsDoc(): string {
  const lines: string[] = [
    '# Runfleet events',
    '',
    '<!-- Generated from packages/contracts/src/events.ts by `node scripts/generate-events-doc.js`. Do not edit by hand. -->',
    '',
    `Every event is published on the durable topic exchange \`${EVENTS_EXCHANGE}\` with the event name as routing key,`,
    'inside the envelope `{ id, type, version, occurredAt, producer, correlationId, causationId, data }` (DESIGN.md §3).',
    '`data` is validated against the schema below on publish and on consume; payloads are strict, so unknown fields',
    'are rejected. Ids are UUIDs, timestamps ISO 8601 with offset, money a decimal string with at most 6 decimals',
    '(`"12.500000"`) next to a `currency` (ISO 4217).',
    '',
    'Consumer queues come from packages/contracts/src/consumer-queues.ts. A *planned* queue is not declared yet:',
    'until it is, an event whose only consumers are planned is dropped when published (and counted); an event with',
    'a declared queue waits in the producer\'s outbox until that queue exists (docs/messaging.md).',
    '',
    '## Catalogue',
    '',
    '| Event | Version | Producer | Consumer queues | Description |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const name of EVENT_NAMES) {
    const def = eventSchemas[name];
    lines.push(
      `| [\`${name}\`](#${anchor(name)}) | ${def.version} | ${def.producer} | ${consumersOf(name)} | ${cell(def.description)} |`,
    );
  }
  lines.push('', '## Payloads');
  for (const name of EVENT_NAMES) {
    const def = eventSchemas[name];
    const jsonSchema = z.toJSONSchema(def.schema) as JsonSchema;
    lines.push(
      '',
      `### ${name}`,
      '',
      `${def.description}`,
      '',
      `Version ${def.version} · produced by **${def.producer}** · consumed by ${consumersOf(name)}`,
      '',
      '| Field | Type | Required | Description |',
      '| --- | --- | --- | --- |',
    );
    for (const row of fieldRows(jsonSchema)) {
      lines.push(`| \`${row.path}\` | ${cell(row.type)} | ${row.required ? 'yes' : 'no'} | ${cell(row.description)} |`);
    }
    lines.push('', 'Example `data`:', '', '```json', JSON.stringify(EVENT_EXAMPLES[name], null, 2), '```');
  }
  lines.push('');
  return lines.join('\n');
}
