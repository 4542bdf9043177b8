// Times plan loads in a process of its own, on the compiled code, as the daemon runs it
// (bench/plan-reload.ts runs this with plain node: under tsx, its loader rewrites the
// compiled files too, and made loads a third slower). Prints one JSON line.
//
//   node bench/plan-times.js load FILE SOUNDS RUNS
//   node bench/plan-times.js reload FOLDER SOUNDS EDITS_JSON
//     EDITS_JSON: [{ "file": a practice file of FOLDER, "text": its edited text }, …]: one reload after each
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const dist = path.join(__dirname, '..', 'dist', 'plan');
const { loadPlan, formatError } = require(dist);
const { PlanReader } = require(path.join(dist, 'offThread'));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const refuse = (r) => {
  throw new Error(r.errors.slice(0, 5).map(formatError).join('\n'));
};

async function load(file, soundsDir, runs) {
  const times = [];
  for (let i = 0; i <= runs; i++) {
    const t0 = performance.now();
    const r = await loadPlan(file, { soundsDir });
    const dt = performance.now() - t0;
    if (!r.ok) refuse(r);
    if (i > 0) times.push(dt); // the first run warms up the JIT
  }
  return { ms: median(times) };
}

async function reload(folder, soundsDir, edits) {
  const reader = new PlanReader({ timeoutMs: 120_000 });
  try {
    const once = async () => {
      const t0 = performance.now();
      const r = await reader.load(folder, { soundsDir });
      if (!r.ok) refuse(r);
      return performance.now() - t0;
    };
    const first = await once();
    const times = [];
    for (const e of edits) {
      fs.writeFileSync(e.file, e.text);
      times.push(await once());
    }
    return { first, reload: median(times) };
  } finally {
    await reader.close();
  }
}

const [mode, target, soundsDir, arg] = process.argv.slice(2);
(mode === 'load' ? load(target, soundsDir, Number(arg)) : reload(target, soundsDir, JSON.parse(fs.readFileSync(arg, 'utf8')))).then(
  (r) => process.stdout.write(`${JSON.stringify(r)}\n`),
  (err) => {
    process.stderr.write(`${err.stack || err}\n`);
    process.exit(1);
  },
);
