// End-to-end: the five services as real processes (built dist/), driven only over HTTP.
module.exports = require('../jest.preset.js')(__dirname, { testTimeout: 120_000 });
