// The container stack stays startable: docker-compose accepts the file, every long-running
// container is health-checked and started only after what it needs, and it runs the same
// services with the same settings as the local stack (infra/local-stack.js).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- plain CommonJS module shared with scripts/
const { SERVICES } = require('../local-stack') as { SERVICES: Array<{ name: string; port: number; database: string | null; env: string[] }> };

const INFRA = path.resolve(__dirname, '..');
const COMPOSE_FILE = path.join(INFRA, 'docker-compose.yml');

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string; args?: Record<string, string> };
  command?: string[];
  restart?: string;
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }> | string[];
  ports?: string[];
}

const compose = parse(fs.readFileSync(COMPOSE_FILE, 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
const services = compose.services;
const migrateServices = Object.keys(services).filter((name) => name.startsWith('migrate-'));
const longRunning = Object.keys(services).filter((name) => !name.startsWith('migrate-'));

describe('infra/docker-compose.yml', () => {
  it('is accepted by `docker-compose config -q`', () => {
    // npm test installs it (scripts/test.sh); elsewhere: apt-get install docker-compose
    expect(spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status).toBe(0);
    const result = spawnSync('docker-compose', ['-f', COMPOSE_FILE, 'config', '-q'], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('runs the five services, each built from infra/Dockerfile for itself', () => {
    for (const { name } of SERVICES) {
      const service = services[name];
      expect(service).toBeDefined();
      expect(service?.build?.dockerfile).toBe('infra/Dockerfile');
      expect(service?.build?.args?.SERVICE).toBe(name);
    }
  });

  it('health-checks every long-running container', () => {
    const unchecked = longRunning.filter((name) => !services[name]?.healthcheck?.test?.length);
    expect(unchecked).toEqual([]);
  });

  it('starts containers only once what they depend on is healthy or finished', () => {
    for (const [name, service] of Object.entries(services)) {
      const dependsOn = service.depends_on ?? {};
      // The list form would start a container as soon as its dependencies were merely created.
      expect({ name, list: Array.isArray(dependsOn) }).toEqual({ name, list: false });
      for (const [dependency, { condition }] of Object.entries(dependsOn)) {
        const expected = dependency.startsWith('migrate-') ? 'service_completed_successfully' : 'service_healthy';
        expect({ name, dependency, condition }).toEqual({ name, dependency, condition: expected });
      }
    }
  });

  it('migrates each database before its service starts, once, with the same image', () => {
    const withDatabase = SERVICES.filter((s) => s.database);
    expect(migrateServices.sort()).toEqual(withDatabase.map((s) => `migrate-${s.name}`).sort());
    for (const service of withDatabase) {
      const migrate = services[`migrate-${service.name}`];
      expect(migrate?.command).toEqual(['node', 'dist/migrate.js']);
      expect(migrate?.restart).toBe('no');
      expect(migrate?.image).toBe(services[service.name]?.image);
      expect(migrate?.environment?.DATABASE_URL).toBe(services[service.name]?.environment?.DATABASE_URL);
      expect(services[service.name]?.depends_on).toHaveProperty(`migrate-${service.name}`);
    }
  });

  it('gives each service the variables and port it gets from `npm start`, and its own database', () => {
    for (const service of SERVICES) {
      const environment = services[service.name]?.environment ?? {};
      expect({ service: service.name, variables: Object.keys(environment).sort() }).toEqual({
        service: service.name,
        variables: ['PORT', 'LOG_LEVEL', ...service.env].sort(),
      });
      expect(environment.PORT).toBe(String(service.port));
      if (service.database) expect(new URL(environment.DATABASE_URL ?? '').pathname).toBe(`/${service.database}`);
    }
  });

  it('creates every service database when PostgreSQL first starts', () => {
    const initDir = path.join(INFRA, 'postgres', 'init');
    const sql = fs
      .readdirSync(initDir)
      .map((file) => fs.readFileSync(path.join(initDir, file), 'utf8'))
      .join('\n');
    for (const { database } of SERVICES.filter((s) => s.database)) {
      expect(sql).toMatch(new RegExp(`CREATE DATABASE ${database};`));
    }
  });

  it("sends the notifications service's email to the mail catcher unless SMTP_URL names a relay", () => {
    expect(services.notifications?.environment?.SMTP_URL).toBe('${SMTP_URL:-smtp://mailpit:1025}');
    expect(services.notifications?.depends_on).toHaveProperty('mailpit');
  });

  it('points the notifications service at billing, whose invoice PDFs its invoice.issued email attaches', () => {
    expect(services.notifications?.environment?.BILLING_URL).toBe('http://billing:8082');
  });

  it('routes the gateway to the other four services and publishes only the gateway, the management UI and the caught mail', () => {
    const gateway = services['api-gateway'];
    for (const { name, port } of SERVICES.filter((s) => s.name !== 'api-gateway')) {
      const variable = `${name.toUpperCase().replace(/-/g, '_')}_URL`;
      expect(gateway?.environment?.[variable]).toBe(`http://${name}:${port}`);
      expect(gateway?.depends_on).toHaveProperty(name);
    }
    const published = Object.entries(services)
      .filter(([, service]) => service.ports?.length)
      .map(([name]) => name)
      .sort();
    expect(published).toEqual(['api-gateway', 'mailpit', 'rabbitmq']);
  });
});

describe('infra/Dockerfile', () => {
  const dockerfile = fs.readFileSync(path.join(INFRA, 'Dockerfile'), 'utf8');
  const instructions = dockerfile.split('\n').filter((line) => /^[A-Z]+\s/.test(line));
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const runtime = stages[stages.length - 1] ?? '';

  it('builds on a current Node LTS image (an even major release, 22 or later)', () => {
    const image = /^ARG NODE_IMAGE=node:(\d+)-/m.exec(dockerfile);
    expect(image).not.toBeNull();
    const major = Number(image?.[1]);
    expect(major % 2).toBe(0);
    expect(major).toBeGreaterThanOrEqual(22);
    // Every stage starts from that image or from an earlier stage built on it.
    const stageNames: string[] = [];
    for (const line of instructions.filter((l) => l.startsWith('FROM '))) {
      const [, base, name] = /^FROM (\S+)(?: AS (\S+))?/.exec(line) ?? [];
      expect({ line, base: base === '${NODE_IMAGE}' || stageNames.includes(base ?? '') }).toEqual({ line, base: true });
      if (name) stageNames.push(name);
    }
  });

  it('runs the service as the unprivileged node user, from compiled JavaScript', () => {
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).not.toMatch(/^USER root$/m);
    // node's own flags (infra/local-stack.js NODE_FLAGS) may come before the script
    expect(runtime).toMatch(/^CMD \["node", (?:"--[a-z-]+(?:=[\w.]+)?", )*"dist\/main\.js"\]$/m);
  });

  it('builds the web console and puts it where the gateway serves it from (CONSOLE_DIST default /app/console/dist)', () => {
    expect(dockerfile).toMatch(/pnpm --filter @runfleet\/console run build/);
    expect(runtime).toMatch(/^COPY --from=build .*\/out\/built\/console \.\/console$/m);
  });

  it('ships production dependencies only in the runtime image', () => {
    expect(dockerfile).toMatch(/pnpm install --frozen-lockfile --prod/);
    expect(runtime).not.toMatch(/pnpm install/);
  });
});
