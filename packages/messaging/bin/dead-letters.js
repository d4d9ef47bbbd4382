#!/usr/bin/env node
// The runfleet-dead-letters command (docs/messaging.md). A committed shim, so `pnpm install` can
// link the bin before anything is built (a bin pointing into dist/ made a fresh install warn once
// per workspace package that depends on this one); the compiled CLI is loaded only when run.
'use strict';
require('../dist/cli/dead-letters.js').runCli();
