// The live feed (issue 17 item 6, optional part): GET /v1/feed/stream sends the caller's new items
// as Server-Sent Events, nobody else's, keeps the connection alive, and resumes after Last-Event-ID.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PRINCIPAL_HEADER } from '@runfleet/contracts';
import { listen } from '@runfleet/service-kit';
import { waitFor } from '../support/wait-for';
import { createWorld, jobCompleted, signFor, type ActorName, type World } from '../support/world';

jest.setTimeout(30_000);

let world: World;
let server: Server;
let base: string;

beforeAll(async () => {
  world = await createWorld('notifications_stream');
  server = await listen(world.app, 0);
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await world?.close();
});

interface Stream {
  text: () => string;
  status: number;
  contentType: string | null;
  close(): void;
}

async function open(who: ActorName, headers: Record<string, string> = {}): Promise<Stream> {
  const abort = new AbortController();
  const response = await fetch(`${base}/v1/feed/stream`, { headers: { [PRINCIPAL_HEADER]: signFor(world.principals[who]), ...headers }, signal: abort.signal });
  let text = '';
  if (response.body) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    void (async () => {
      for (;;) {
        const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
        if (done) return;
        text += decoder.decode(value, { stream: true });
      }
    })();
  }
  return { text: () => text, status: response.status, contentType: response.headers.get('content-type'), close: () => abort.abort() };
}

const eventIds = (text: string) => [...text.matchAll(/^data: (.*)$/gm)].map((m) => (JSON.parse(m[1]!) as { eventId: string }).eventId);

describe('the live feed', () => {
  it("streams the caller's new items, and nobody else's", async () => {
    const mine = await open('customerA');
    const theirs = await open('customerB');
    try {
      expect(mine.status).toBe(200);
      expect(mine.contentType).toContain('text/event-stream');
      const forA = await world.deliver('job.completed', jobCompleted(world.ids.customerA, world.ids.resellerA));
      const forB = await world.deliver('job.completed', jobCompleted(world.ids.customerB, world.ids.resellerB));
      await waitFor(() => eventIds(mine.text()).includes(forA) && eventIds(theirs.text()).includes(forB), 'both streams got their item');
      expect(mine.text()).toMatch(/^event: feed-item$/m);
      expect(eventIds(mine.text())).toEqual([forA]);
      expect(eventIds(theirs.text())).toEqual([forB]);
      // the connection is kept alive while nothing happens
      await waitFor(() => mine.text().includes(': keep-alive'), 'a keep-alive comment');
    } finally {
      mine.close();
      theirs.close();
    }
  });

  it('starts from now: an item delivered before the stream opened is not sent', async () => {
    const before = await world.deliver('job.completed', jobCompleted(world.ids.customerB, world.ids.resellerB));
    const stream = await open('customerB');
    try {
      const after = await world.deliver('job.completed', jobCompleted(world.ids.customerB, world.ids.resellerB));
      await waitFor(() => eventIds(stream.text()).includes(after), 'the new item');
      expect(eventIds(stream.text())).not.toContain(before);
    } finally {
      stream.close();
    }
  });

  it('resumes after Last-Event-ID with what was missed', async () => {
    const first = await world.deliver('job.completed', jobCompleted(world.ids.direct, null));
    const firstItem = (await world.as('direct').get('/v1/feed')).body.items[0];
    expect(firstItem.eventId).toBe(first);
    const missed = await world.deliver('job.completed', jobCompleted(world.ids.direct, null));
    const resumed = await open('direct', { 'last-event-id': firstItem.id });
    try {
      await waitFor(() => eventIds(resumed.text()).includes(missed), 'the missed item');
      expect(eventIds(resumed.text())).toEqual([missed]);
    } finally {
      resumed.close();
    }
  });

  it('refuses admins, and a Last-Event-ID that is not an item id', async () => {
    const admin = await open('admin');
    expect(admin.status).toBe(403);
    admin.close();
    const bad = await open('direct', { 'last-event-id': 'nope' });
    expect(bad.status).toBe(400);
    bad.close();
  });
});
