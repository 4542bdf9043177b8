// What a call-time `say:` text costs the caller (docs/sounds.md): naming it (the calendar
// phrase, on the call path), the wait before the play when it was rendered ahead, and the
// wait when it is missing (rendered on demand, bounded by ACCUEIL_SPEECH_WAIT_MS).
// Run: npx tsx bench/speech.ts [calls=200]
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Speaker } from '../src/announce';
import { loadPlan } from '../src/plan';

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const show = (label: string, xs: number[]): void =>
  console.log(`${label.padEnd(44)} median ${pct(xs, 50).toFixed(2)} ms   p99 ${pct(xs, 99).toFixed(2)} ms   (n=${xs.length})`);

async function main(): Promise<void> {
  const calls = Number(process.argv[2] ?? 200);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'accueil-speech-bench-'));
  const loaded = await loadPlan('config/', { soundsDir: 'sounds' });
  if (!loaded.ok) throw new Error('config/ does not load');
  const speaker = new Speaker(dir);
  const t0 = performance.now();
  const rendered = await speaker.renderPlan(loaded.plan);
  if (!rendered.ok) throw new Error('config/ texts refused');
  console.log(`engine ${JSON.stringify(speaker.engine('fr'))}; static texts of config/ rendered in ${(performance.now() - t0).toFixed(0)} ms`);
  const plan = rendered.plan;
  const text = plan.announcements['ferme-dr-martin']!.sounds[0]!.say!.text;

  const start = Date.parse('2026-12-01T00:00:00+01:00');
  const instants = Array.from({ length: calls }, (_, i) => start + Math.floor((i / calls) * 365 * 86_400_000) + (i * 7919 % 86_400_000));

  const naming: number[] = [];
  const hit: number[] = [];
  const miss: number[] = [];
  let t = performance.now();
  const pre = await speaker.prerender(plan, instants[0]!);
  console.log(`rendering ahead from one instant: ${pre} texts in ${(performance.now() - t).toFixed(0)} ms`);
  for (const at of instants) {
    await speaker.prerender(plan, at); // what the daemon does every 15 min: not on the call path
    t = performance.now();
    const media = speaker.mediaAt(text, plan, 'dr-martin', at);
    naming.push(performance.now() - t);
    t = performance.now();
    await speaker.prepare([media], 5000);
    hit.push(performance.now() - t);
  }
  for (const [i, at] of instants.slice(0, 50).entries()) {
    // A text nobody rendered ahead (a new plan, a cleared cache): rendered while the caller waits.
    const media = speaker.mediaAt(`${text} Appel numéro ${i}.`, plan, 'dr-martin', at);
    t = performance.now();
    await speaker.prepare([media], 5000);
    miss.push(performance.now() - t);
  }
  show('naming a call-time text (calendar phrase)', naming);
  show('wait before the play, rendered ahead', hit);
  show('wait before the play, missing (on demand)', miss);
  await fs.rm(dir, { recursive: true, force: true });
}

void main();
