import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadPlan } from './src/plan';
(async () => {
  const big = ['announcements:'];
  for (let i = 0, size = 0; size < 300 * 1024; i++) { const l = `  a${i}: [x, y, z]`; big.push(l); size += l.length + 1; }
  require('fs').writeFileSync('/tmp/hb/big.yaml', big.join('\n'));
  await loadPlan('/tmp/hb/bomb.yaml', { soundsDir: '/tmp' });
  const h = monitorEventLoopDelay({ resolution: 10 }); h.enable();
  const t = Date.now();
  await loadPlan('/tmp/hb/big.yaml', { soundsDir: '/tmp' });
  console.log('took', Date.now() - t);
  await new Promise((r) => setTimeout(r, 50));
  h.disable();
  console.log(h.max / 1e6, h.count, h.min);
})();
