// scratch: the daemon on the sandbox, a 10,000-number plan edited 5 times, no calls; main thread's stalls and profile
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureSandbox, startDaemon, sleep, stop, work, runMain, REPO } from './lib';
runMain('reloadprof', async () => {
  const env = ensureSandbox();
  const dir = path.join(work, 'plan'); fs.mkdirSync(dir);
  const src = fs.readFileSync(path.join(REPO, 'bench/load.ts'), 'utf8');
  fs.writeFileSync(path.join(dir, '00.yaml'), 'timezone: Europe/Paris\ncountry: FR\nlines:\n  dr-martin: { endpoint: PJSIP/dr-martin }\nnumbers:\n  "01 42 00 09 01": { name: x, open: { line: dr-martin, then: { announcement: ferme-dr-martin, then: hangup } } }\n');
  const big = fs.readFileSync(process.argv[2]!, 'utf8');
  const lags: string[] = []; let loaded = 0;
  const prof = process.argv.includes('--prof') ? ['--cpu-prof', '--cpu-prof-dir=/tmp/dprof'] : [];
  const d = await startDaemon(env, dir, { nodeArgs: ['--expose-gc', '--require', path.join(REPO, 'bench/gc-probe.js'), ...prof], onLine: (l) => { if (l.includes('TIMING')) console.log(l); if (l.includes('bench.lag')) lags.push(JSON.parse(l).maxMs.toFixed(0)); if (l.includes('"plan.loaded"')) loaded++; } });
  const threads = (): Map<string, number> => { const m = new Map<string, number>(); for (const t of fs.readdirSync(`/proc/${d.child.pid}/task`)) { try { const st = fs.readFileSync(`/proc/${d.child.pid}/task/${t}/stat`, 'utf8'); const name = fs.readFileSync(`/proc/${d.child.pid}/task/${t}/comm`, 'utf8').trim(); const f = st.slice(st.lastIndexOf(')') + 2).split(' '); m.set(`${t} ${name}`, Number(f[11]) + Number(f[12])); } catch {} } return m; };
  await sleep(2000);
  const before = threads();
  for (let i = 0; i < 6; i++) {
    d.child.kill('SIGWINCH'); await sleep(300);
    const t = Date.now(); const before = loaded;
    fs.writeFileSync(path.join(dir, '10.tmp'), big.replace('name: Numéro 7', `name: Numéro 7 e${i}`)); fs.renameSync(path.join(dir, '10.tmp'), path.join(dir, '10.yaml'));
    while (loaded === before && Date.now() - t < 60000) await sleep(50);
    const took = Date.now() - t; await sleep(500); d.child.kill('SIGWINCH'); await sleep(300);
    console.log('reload', i, 'in force after', took, 'ms; stall max', lags[lags.length - 1], 'ms');
  }
  const after = threads();
  for (const [k, v] of after) { const dt = v - (before.get(k) ?? 0); if (dt > 0) console.log('thread', k, (dt / 100).toFixed(2), 's'); }
  await stop(d.child, d.exited);
});
