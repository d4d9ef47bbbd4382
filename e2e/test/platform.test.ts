// The platform started as five processes, one of each service (the checks: e2e/support/platform-checks.ts).
import { describeGracefulStop, describeRunningPlatform } from '../support/platform-checks';
import { startStack, type Stack } from '../support/stack';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack('platform');
}, 120_000);

afterAll(async () => {
  await stack?.stop();
}, 60_000);

describe('the platform, started as five processes', () => {
  const context = { stack: () => stack };
  const running = describeRunningPlatform(context);
  // Last: it stops the services.
  describeGracefulStop(context, running.adminKey);
});
