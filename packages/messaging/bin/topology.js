#!/usr/bin/env node
// The runfleet-topology command (docs/messaging.md "Topology"). A committed shim like
// bin/dead-letters.js, so `pnpm install` links it before anything is built.
'use strict';
require('../dist/cli/topology.js').runCli();
