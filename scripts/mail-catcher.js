#!/usr/bin/env node
// The local SMTP catcher `npm start` runs (issue 17 item 5): an smtp-server on 127.0.0.1 that
// accepts every mail the notifications service sends and writes each as an .eml file under
// .runfleet/mail/ (newest last by name), so nothing leaves the machine and every mail can be read.
//
//   node scripts/mail-catcher.js [port]     on its own (default: the local stack's SMTP port)
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { SMTPServer } = require('smtp-server');

const MAIL_DIR = path.join(__dirname, '..', '.runfleet', 'mail');

/** Starts the catcher; resolves with `{ port, dir, close() }` once it listens. */
function startMailCatcher(port, dir = MAIL_DIR) {
  fs.mkdirSync(dir, { recursive: true });
  let count = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      count += 1;
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${String(count).padStart(5, '0')}.eml`;
      const file = fs.createWriteStream(path.join(dir, name));
      stream.pipe(file);
      stream.on('end', () => file.end(() => callback()));
    },
  });
  // A client that goes away mid-conversation is no reason to stop catching.
  server.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      resolve({ port, dir, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}

module.exports = { startMailCatcher, MAIL_DIR };

if (require.main === module) {
  const { SMTP_CATCHER_PORT } = require('../infra/local-stack');
  const port = Number(process.argv[2] || SMTP_CATCHER_PORT);
  startMailCatcher(port).then(
    ({ dir }) => console.log(`[mail-catcher] SMTP on 127.0.0.1:${port}; mails are written to ${dir}`),
    (error) => {
      console.error(`[mail-catcher] ${error.message}`);
      process.exit(1);
    },
  );
}
