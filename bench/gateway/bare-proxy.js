#!/usr/bin/env node
// The bare component the gateway is bounded by (bench/gateway/run.js): the smallest Node HTTP proxy
// that could stand in front of a service — node:http in, an undici pool out, a fixed signed
// principal, the answer read whole and sent back — with no authentication, rate limit, metrics,
// logging, correlation id or security headers. Whatever a Node gateway does costs at least this.
// Usage (the bench starts it): PORT=… UPSTREAM=http://… PRINCIPAL=<signed token> node bare-proxy.js
'use strict';
const http = require('node:http');
const path = require('node:path');

const { Pool } = require(require.resolve('undici', { paths: [path.resolve(__dirname, '../../services/api-gateway')] }));

const pool = new Pool(process.env.UPSTREAM, { connections: 128, keepAliveTimeout: 4_000 });
const principal = process.env.PRINCIPAL;

const server = http.createServer((req, res) => {
  pool
    .request({ method: req.method, path: req.url, headers: { 'x-runfleet-principal': principal } })
    .then(async (response) => {
      const body = Buffer.from(await response.body.arrayBuffer());
      res.writeHead(response.statusCode, { 'content-type': response.headers['content-type'], 'content-length': body.length });
      res.end(body);
    })
    .catch((err) => {
      res.writeHead(502).end(String(err.message));
    });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => pool.close().then(() => process.exit(0))));
