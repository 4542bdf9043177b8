// Time to load and validate a generated 1,000-number plan (what a hot reload costs).
// Run: npx tsx bench/plan-reload.ts [numbers=1000] [runs=15]
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadPlan, formatError, diffPlans } from '../src/plan';

function generate(n: number): string {
  const out: string[] = ['timezone: Europe/Paris', 'country: FR', 'lines:'];
  const lines = Math.max(2, Math.ceil(n / 20));
  for (let i = 0; i < lines; i++) out.push(`  l${i}: { endpoint: PJSIP/l${i} }`);
  out.push('calendars:');
  for (let c = 0; c < 10; c++) {
    out.push(`  c${c}:`, '    weekly: { mon-fri: [08:30-12:30, 14:00-19:00], sat: [09:00-12:00] }', '    holidays: FR',
      '    exceptions:', '      - { date: 2026-12-24, hours: [08:30-12:00] }', '      - { from: 2027-08-02, to: 2027-08-20, closed: true, announcement: ferme }');
  }
  out.push('numbers:');
  for (let i = 0; i < n; i++) {
    const num = `01 42 ${String(Math.floor(i / 10000)).padStart(2, '0')} ${String(Math.floor(i / 100) % 100).padStart(2, '0')} ${String(i % 100).padStart(2, '0')}`;
    out.push(`  "${num}":`, `    name: Number ${i}`, '    greeting: bienvenue', `    calendar: c${i % 10}`,
      `    open: { group: g${i} }`, `    closed: { announcement: ferme, then: { voicemail: v${i} } }`);
  }
  out.push('groups:');
  for (let i = 0; i < n; i++) {
    out.push(`  g${i}:`, `    lines: [l${i % lines}, l${(i + 1) % lines}]`, '    ring_time: 20s', '    max_wait: 45s',
      '    hold: { music: default, message: attente }', `    overflow: { line: l${i % lines}, timeout: 20s, then: { voicemail: v${i} } }`);
  }
  out.push('voicemail:');
  for (let i = 0; i < n; i++) out.push(`  v${i}: { greeting: messagerie, max_length: 2m, notify: { email: box${i}@example.org } }`);
  return out.join('\n') + '\n';
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 1000);
  const runs = Number(process.argv[3] ?? 15);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'accueil-bench-'));
  const soundsDir = path.join(dir, 'sounds');
  await fs.mkdir(soundsDir);
  for (const s of ['bienvenue', 'ferme', 'attente', 'messagerie']) await fs.writeFile(path.join(soundsDir, `${s}.wav`), '');
  const file = path.join(dir, 'plan.yaml');
  const text = generate(n);
  await fs.writeFile(file, text);
  try {
    const times: number[] = [];
    let last;
    for (let i = 0; i < runs + 2; i++) {
      const t0 = performance.now();
      const r = await loadPlan(file, { soundsDir });
      const dt = performance.now() - t0;
      if (!r.ok) throw new Error(r.errors.slice(0, 5).map(formatError).join('\n'));
      if (i >= 2) times.push(dt); // the first runs warm up the JIT and ajv's compiled validator
      last = r.plan;
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)]!;
    const t0 = performance.now();
    diffPlans(last, last!);
    const diffMs = performance.now() - t0;
    console.log(`plan-reload: ${n} numbers, ${(text.length / 1024).toFixed(0)} KB YAML, ${runs} runs`);
    console.log(`  load + validate: median ${median.toFixed(1)} ms (min ${times[0]!.toFixed(1)}, max ${times[times.length - 1]!.toFixed(1)})`);
    console.log(`  diff of two plans: ${diffMs.toFixed(1)} ms`);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

void main();
