// Single flight through the real gateway and the real reseller service: a burst of requests with a
// key the gateway has never seen costs the issuer one verification, not one per request. A counting
// proxy between the gateway and the reseller sees every call.
import { createServer, request as httpRequest, type Server } from 'node:http';
import { createTestVhost, type TestVhost } from '@runfleet/test-infra';
import { createAccounts, createKey, type Accounts } from '../support/accounts';
import { call, closeAgents, startGateway, type GatewayUnderTest } from '../support/gateway-under-test';
import { startReseller, type ResellerUnderTest } from '../support/reseller-under-test';

jest.setTimeout(60_000);

let vhost: TestVhost;
let reseller: ResellerUnderTest;
let counter: Server;
let gw: GatewayUnderTest;
let accounts: Accounts;
let verifyCalls = 0;

beforeAll(async () => {
  vhost = await createTestVhost('gateway_single_flight');
  reseller = await startReseller(vhost.url);
  const upstream = new URL(reseller.url);
  counter = createServer((req, res) => {
    if (req.url === '/internal/api-keys/verify') verifyCalls += 1;
    const forwarded = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(forwarded);
  });
  await new Promise<void>((resolve) => counter.listen(0, '127.0.0.1', resolve));
  const address = counter.address();
  gw = await startGateway({ upstreams: { reseller: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` } });
  accounts = await createAccounts(gw.url, reseller.adminKey, 'single_flight');
});

afterAll(async () => {
  await gw?.close();
  counter?.closeAllConnections();
  await new Promise((resolve) => counter?.close(resolve));
  await reseller?.close();
  await vhost?.drop();
  await closeAgents();
});

describe('a burst with a key the gateway has not verified', () => {
  it('50 concurrent requests with a new key: 1 verify call upstream, and all 50 answered', async () => {
    const { key } = await createKey(gw.url, reseller.adminKey, { ownerType: 'customer', ownerId: accounts.customerId });
    verifyCalls = 0;
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => call(gw.url, '/v1/me', { key, from: `127.0.9.${(i % 5) + 1}` })));
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(200));
    expect(verifyCalls).toBe(1);
  });

});
