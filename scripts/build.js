#!/usr/bin/env node
// `npm run build`: compile src/ to dist/, write the plan's schema validator as plain
// JavaScript beside it (ajv compiling the schema at every start was a third of
// `accueil check`'s time), then stamp dist/ so that bin/accueil knows it is current.
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const dist = path.join(root, 'dist');
const stamp = path.join(dist, '.built-from-sources');

fs.rmSync(stamp, { force: true }); // a failed build must not leave a current-looking dist/
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
const { PRECOMPILED_VALIDATOR, validatorSource } = require(path.join(dist, 'plan', 'schemaCheck.js'));
fs.writeFileSync(path.join(dist, 'plan', PRECOMPILED_VALIDATOR), validatorSource());
// Checking a plan's holiday region needs only the list of regions, not date-holidays itself.
const { REGION_CATALOGUE_FILE, catalogueFromEngine } = require(path.join(dist, 'calendar', 'regions.js'));
fs.writeFileSync(path.join(dist, 'calendar', REGION_CATALOGUE_FILE), JSON.stringify(catalogueFromEngine()));
fs.writeFileSync(stamp, `${new Date().toISOString()}\n`);
