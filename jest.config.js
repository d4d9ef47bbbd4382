// Runs every workspace package's tests as one jest run (one project per package).
const fs = require('node:fs');
const path = require('node:path');

const roots = ['packages', 'services'];
const projects = roots.flatMap((root) =>
  fs
    .readdirSync(path.join(__dirname, root))
    .map((name) => path.join(__dirname, root, name))
    .filter((dir) => fs.existsSync(path.join(dir, 'jest.config.js'))),
);
// infra/ checks the compose stack and the local-stack settings (infra/test/).
projects.push(path.join(__dirname, 'infra'));
// e2e/ runs the five services as processes from their build (npm test builds first).
projects.push(path.join(__dirname, 'e2e'));
// chaos/ runs the platform on private servers it restarts (`npm run test:chaos` runs it alone).
projects.push(path.join(__dirname, 'chaos'));

// Two suites at a time: they mostly wait on PostgreSQL, RabbitMQ and their own child processes, so
// on the 2-core machines this runs on two in parallel take about two thirds of the serial time
// (jest's default there is one). More would crowd the shared broker's vhost operations.
module.exports = { projects, maxWorkers: 2 };
