// The chaos suite (issue 18 item 2): the platform as processes on private PostgreSQL, RabbitMQ and
// Redis servers, under real faults. Runs in the whole `npm test` and alone with `npm run test:chaos`.
// (testTimeout is a global option jest ignores per project, so each hook and test sets its own.)
module.exports = require('../jest.preset.js')(__dirname, { displayName: 'chaos' });
