// End-to-end: the five services as real processes (built dist/), driven only over HTTP.
// (testTimeout is a global option jest ignores per project, so each hook and test sets its own.)
module.exports = require('../jest.preset.js')(__dirname);
