// A customer's webhook endpoint in e2e suites: an HTTP server on 127.0.0.1 that answers 204 and keeps
// every request's headers and raw body, for the test to verify the signature of. It can also keep
// its answers waiting (a slow receiver), for a test that watches a delivery while it is in flight.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** From now on requests are received (and listed) but not answered until the returned function is called. */
  holdAnswers(): () => void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  let answering: Promise<void> = Promise.resolve();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      void answering.then(() => res.writeHead(204).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/runfleet`,
    received,
    holdAnswers() {
      let answer: () => void = () => undefined;
      answering = new Promise<void>((resolve) => (answer = resolve));
      return () => {
        answering = Promise.resolve();
        answer();
      };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
