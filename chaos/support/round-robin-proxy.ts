// A round-robin HTTP proxy in front of a service's replicas, standing in (for this suite only) for
// the replica-aware upstreams of the gateway (issue 18 item 3, built elsewhere): the gateway is
// given this proxy's URL as the service's. Hand-written on node:http because it must be plain and
// visible: a replica that refuses connections is skipped, and a request in flight on a replica
// that dies fails as it would in production (the socket is cut; the gateway answers 502/503).
import { createServer, request, type IncomingMessage, type Server } from 'node:http';

export interface RoundRobinProxy {
  url: string;
  /** the replicas' ports, in turn */
  targets: number[];
  /** requests each replica was given */
  served: Map<number, number>;
  /** requests each replica holds right now (a long-poll waiting for a job is one) */
  inFlight: Map<number, number>;
  close(): Promise<void>;
}

export async function startRoundRobinProxy(): Promise<RoundRobinProxy> {
  let next = 0;
  const proxy: Partial<RoundRobinProxy> & { targets: number[]; served: Map<number, number>; inFlight: Map<number, number> } = {
    targets: [],
    served: new Map(),
    inFlight: new Map(),
  };

  const forward = (req: IncomingMessage, body: Buffer, tries: number, res: import('node:http').ServerResponse) => {
    const targets = proxy.targets;
    if (targets.length === 0 || tries >= targets.length) {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('no replica reachable');
      return;
    }
    const port = targets[next++ % targets.length]!;
    proxy.inFlight.set(port, (proxy.inFlight.get(port) ?? 0) + 1);
    let done = false;
    const finished = () => {
      if (!done) proxy.inFlight.set(port, (proxy.inFlight.get(port) ?? 1) - 1);
      done = true;
    };
    res.once('close', finished);
    const upstream = request({ host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      proxy.served.set(port, (proxy.served.get(port) ?? 0) + 1);
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
      answer.on('error', () => res.destroy());
      answer.on('aborted', () => res.destroy());
    });
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      // nothing reached a replica that refused the connection: another may take it
      if (err.code === 'ECONNREFUSED' && !res.headersSent) {
        finished();
        res.removeListener('close', finished);
        forward(req, body, tries + 1, res);
      }
      else res.destroy();
    });
    upstream.end(body);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => forward(req, Buffer.concat(chunks), 0, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return Object.assign(proxy, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  }) as RoundRobinProxy;
}
