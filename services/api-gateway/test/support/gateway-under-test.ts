// The gateway under test: its real app on port 0 against this machine's Redis (own key prefix)
// and RabbitMQ (own vhost), with its revocation and access-change consumers running, and a small HTTP client that
// can speak from any 127.0.0.x address so tests have distinct client IPs.
import type { Server } from 'node:http';
import { Redis } from 'ioredis';
import { Agent, request, type Dispatcher } from 'undici';
import { connectAmqp, type AmqpConnectionManager } from '@runfleet/messaging';
import { createLogger, listen, parseConfig, type LoggerOptions } from '@runfleet/service-kit';
import { REDIS_URL, uniqueRedisPrefix } from '@runfleet/test-infra';
import { configSchema } from '../../src/config';
import { buildGateway, type Gateway } from '../../src/http/app';
import type { UpstreamName } from '../../src/http/routing-table';
import { AccessChangesConsumer } from '../../src/messaging/access-changes.consumer';
import { ApiKeyRevokedConsumer } from '../../src/messaging/apikey-revoked.consumer';
import { createRedis } from '../../src/redis';

export const PRINCIPAL_SECRET = 'test-principal-secret-of-at-least-32-chars';
/** Nothing listens there: an upstream that is down. */
export const DOWN_URL = 'http://127.0.0.1:9';

export interface GatewayUnderTest {
  url: string;
  /** the internal metrics listener */
  metricsUrl: string;
  gateway: Gateway;
  redis: Redis;
  prefix: string;
  revocations?: ApiKeyRevokedConsumer;
  accessChanges?: AccessChangesConsumer;
  close(): Promise<void>;
}

export interface StartGatewayOptions {
  upstreams?: Partial<Record<UpstreamName, string>>;
  env?: Record<string, string>;
  /** the vhost to consume revocations from; no consumer when absent */
  amqpUrl?: string;
  redisUrl?: string;
  healthTimeoutMs?: number;
  /** where the gateway's log lines go (at info and above); silent when absent */
  logDestination?: LoggerOptions['destination'];
}

export async function startGateway(options: StartGatewayOptions = {}): Promise<GatewayUnderTest> {
  const prefix = uniqueRedisPrefix('gateway');
  const redisUrl = options.redisUrl ?? REDIS_URL;
  const config = parseConfig(configSchema, {
    PORT: '0',
    LOG_LEVEL: 'silent',
    PRINCIPAL_SECRET,
    AMQP_URL: options.amqpUrl ?? 'amqp://guest:guest@127.0.0.1:5672',
    REDIS_URL: redisUrl,
    RESELLER_URL: options.upstreams?.reseller ?? DOWN_URL,
    BILLING_URL: options.upstreams?.billing ?? DOWN_URL,
    RUNNER_REGISTRY_URL: options.upstreams?.['runner-registry'] ?? DOWN_URL,
    NOTIFICATIONS_URL: options.upstreams?.notifications ?? DOWN_URL,
    REDIS_KEY_PREFIX: prefix,
    ...options.env,
  });
  const logger = options.logDestination
    ? createLogger({ service: 'api-gateway', level: 'info', destination: options.logDestination })
    : createLogger({ service: 'api-gateway', level: 'silent' });
  const redis = createRedis(redisUrl, logger);
  if (!options.redisUrl) await new Promise<void>((resolve) => (redis.status === 'ready' ? resolve() : redis.once('ready', () => resolve())));
  let amqp: AmqpConnectionManager | undefined;
  if (options.amqpUrl) amqp = connectAmqp({ url: options.amqpUrl, logger, name: 'api-gateway-test' });
  const gateway = buildGateway({ config, logger, redis, amqpConnected: () => amqp?.isConnected() ?? false, healthTimeoutMs: options.healthTimeoutMs });
  let revocations: ApiKeyRevokedConsumer | undefined;
  let accessChanges: AccessChangesConsumer | undefined;
  if (amqp) {
    revocations = new ApiKeyRevokedConsumer({ connection: amqp, dropCredential: (keyId) => gateway.dropCredential(keyId), logger });
    accessChanges = new AccessChangesConsumer({
      connection: amqp,
      dropCredential: (keyId) => gateway.dropCredential(keyId),
      dropCredentialsOf: (owner) => gateway.dropCredentialsOf(owner),
      logger,
    });
    await Promise.all([revocations.start(), accessChanges.start()]);
  }
  const server: Server = await listen(gateway.handler, 0);
  const metricsServer: Server = await listen(gateway.metricsHandler, 0);
  const portOf = (listening: Server) => {
    const address = listening.address();
    return typeof address === 'object' && address ? address.port : 0;
  };
  return {
    url: `http://127.0.0.1:${portOf(server)}`,
    metricsUrl: `http://127.0.0.1:${portOf(metricsServer)}`,
    gateway,
    redis,
    prefix,
    revocations,
    accessChanges,
    async close() {
      for (const listening of [server, metricsServer]) {
        listening.closeAllConnections();
        await new Promise<void>((resolve) => listening.close(() => resolve()));
      }
      await revocations?.close();
      await accessChanges?.close();
      await amqp?.close();
      await gateway.close();
      if (redis.status === 'ready') {
        const keys = await redis.keys(`${prefix}*`);
        if (keys.length > 0) await redis.del(...keys);
      }
      redis.disconnect();
    },
  };
}

const agents = new Map<string, Agent>();
/** An undici agent whose sockets leave from `ip` (any 127.0.0.x works on Linux loopback). */
function agentFrom(ip: string): Agent {
  let agent = agents.get(ip);
  if (!agent) {
    agent = new Agent({ localAddress: ip, connections: 64 });
    agents.set(ip, agent);
  }
  return agent;
}

export async function closeAgents(): Promise<void> {
  await Promise.all([...agents.values()].map((a) => a.close()));
  agents.clear();
}

export interface CallOptions {
  method?: Dispatcher.HttpMethod;
  headers?: Record<string, string>;
  body?: string | Buffer | object;
  /** the client's source address (default 127.0.0.1) */
  from?: string;
  key?: string;
}

export interface CallResult {
  status: number;
  headers: Record<string, string>;
  text: string;
  json: () => any;
  ms: number;
  /** each Set-Cookie header on its own (the flattened `headers` joins them with commas) */
  setCookies: string[];
}

/** One request to `base + path`; the body is JSON unless it is a string or Buffer. */
export async function call(base: string, path: string, options: CallOptions = {}): Promise<CallResult> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  let body: string | Buffer | undefined;
  if (options.body !== undefined) {
    if (typeof options.body === 'string' || Buffer.isBuffer(options.body)) body = options.body;
    else {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
  }
  const started = performance.now();
  const response = await request(`${base}${path}`, {
    method: options.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    body,
    dispatcher: agentFrom(options.from ?? '127.0.0.1'),
  });
  const text = await response.body.text();
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  const setCookie = response.headers['set-cookie'];
  const setCookies = setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie];
  return { status: response.statusCode, headers: flat, text, json: () => JSON.parse(text), ms: performance.now() - started, setCookies };
}
