// Preloaded into the daemon by bench/load.ts (node --expose-gc --require). Bench only:
// the daemon itself knows nothing of it.
// - SIGUSR2 forces a full garbage collection and writes the heap still in use as one
//   JSON line on stderr, so a soak measures what stays rather than a sawtooth's height.
// - SIGWINCH writes the longest stall of the event loop since the last SIGWINCH (what
//   any call in progress waited for at worst), from Node's own delay histogram.
const { monitorEventLoopDelay } = require('node:perf_hooks');

process.on('SIGUSR2', () => {
  global.gc();
  const m = process.memoryUsage();
  process.stderr.write(`${JSON.stringify({ event: 'bench.heap', heapUsed: m.heapUsed, external: m.external, rss: m.rss })}\n`);
});

const delay = monitorEventLoopDelay({ resolution: 5 });
delay.enable();
process.on('SIGWINCH', () => {
  process.stderr.write(`${JSON.stringify({ event: 'bench.lag', maxMs: delay.max / 1e6, p99Ms: delay.percentile(99) / 1e6 })}\n`);
  delay.reset();
});
