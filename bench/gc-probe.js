// Preloaded into the daemon by bench/load.ts (node --expose-gc --require): SIGUSR2
// forces a full garbage collection and writes the heap still in use as one JSON
// line on stderr, so a soak measures what stays rather than a sawtooth's height.
// Bench only: the daemon itself knows nothing of it.
process.on('SIGUSR2', () => {
  global.gc();
  const m = process.memoryUsage();
  process.stderr.write(`${JSON.stringify({ event: 'bench.heap', heapUsed: m.heapUsed, external: m.external, rss: m.rss })}\n`);
});
