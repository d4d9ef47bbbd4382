// Preloaded into each service by bench/saga/run.js when BENCH_CPU_PROF=<dir> is set
// (NODE_OPTIONS="--require …": node refuses --cpu-prof in NODE_OPTIONS): profiles the whole
// process with the inspector and writes <dir>/<service>-<pid>.cpuprofile when it exits.
'use strict';
const fs = require('node:fs');
const inspector = require('node:inspector');
const path = require('node:path');

const session = new inspector.Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.start');
process.on('exit', () => {
  // a same-thread session answers synchronously, so this runs to the end inside 'exit'
  session.post('Profiler.stop', (err, result) => {
    if (err) return;
    const name = path.basename(path.dirname(path.dirname(process.argv[1] ?? 'node')));
    fs.writeFileSync(path.join(process.env.BENCH_CPU_PROF, `${name}-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
  });
});
