// The watcher on a real temp folder: valid edits applied, broken ones refused with the
// old plan still answering, fixes picked up, editors' rename-saves and split writes seen.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { watchPlan, type PlanEvent, type PlanWatcher } from '../../../src/plan';
import * as load from '../../../src/plan/load';
import { BASE, planEvents } from './helpers';

jest.setTimeout(20_000);

let dir: string;
let file: string;
let soundsDir: string;
let watcher: PlanWatcher | undefined;
let nextEvent: (timeoutMs?: number) => Promise<PlanEvent>;
let onChange: (e: PlanEvent) => void;
const numbersOf = (w: PlanWatcher): string[] => Object.keys(w.current()?.numbers ?? {}).sort();
const maxWait = (w: PlanWatcher): number | undefined => w.current()?.groups.g?.maxWait;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'accueil-watch-'));
  soundsDir = path.join(dir, 'sounds');
  await fs.mkdir(soundsDir);
  for (const s of ['bienvenue', 'ferme', 'attente', 'messagerie']) await fs.writeFile(path.join(soundsDir, `${s}.wav`), 'x');
  await fs.mkdir(path.join(dir, 'plan'));
  file = path.join(dir, 'plan', 'plan.yaml');
  await fs.writeFile(file, BASE);
  ({ next: nextEvent, onChange } = planEvents());
});
afterEach(async () => {
  await watcher?.close();
  watcher = undefined;
  await fs.rm(dir, { recursive: true, force: true });
});

describe('watchPlan', () => {
  it('applies valid edits, refuses broken ones keeping the last good plan, picks up the fix', async () => {
    watcher = await watchPlan(file, { soundsDir, debounceMs: 100 }, onChange);
    const first = await nextEvent();
    expect(first.type).toBe('loaded');
    expect(first.type === 'loaded' && first.diff.numbers.added).toEqual(['+33142000001']);
    const v1 = watcher.current()!.version;

    // A valid edit.
    await fs.writeFile(file, BASE.replace('max_wait: 30s', 'max_wait: 45s'));
    const edited = await nextEvent();
    expect(edited.type).toBe('loaded');
    if (edited.type !== 'loaded') return;
    expect(edited.previous?.version).toBe(v1);
    expect(edited.diff.numbers.changed).toEqual(['+33142000001']);
    expect(maxWait(watcher)).toBe(45_000);
    const v2 = watcher.current()!.version;

    // A broken edit: refused, the previous plan keeps answering.
    await fs.writeFile(file, BASE.replace('max_wait: 30s', 'max_wiat: 45s'));
    const broken = await nextEvent();
    expect(broken.type).toBe('rejected');
    if (broken.type !== 'rejected') return;
    expect(broken.lines).toEqual([`${file}:19:5: groups.g: unknown key "max_wiat" (did you mean "max_wait"?); expected one of lines, strategy, ring_time, max_wait, hold, overflow, when_unavailable, retry_pause, wrap_up`]);
    expect(broken.current?.version).toBe(v2);
    expect(watcher.current()!.version).toBe(v2);
    expect(maxWait(watcher)).toBe(45_000);

    // The fix.
    await fs.writeFile(file, BASE.replace('max_wait: 30s', 'max_wait: 1m'));
    const fixed = await nextEvent();
    expect(fixed.type).toBe('loaded');
    expect(maxWait(watcher)).toBe(60_000);
  });

  it('sees an editor that saves by writing a temporary file and renaming it', async () => {
    watcher = await watchPlan(file, { soundsDir, debounceMs: 100 }, onChange);
    await nextEvent();
    const tmp = path.join(dir, 'plan', '.plan.yaml.tmp');
    await fs.writeFile(tmp, BASE.replace('calendars:', '  "01 42 00 00 09":\n    name: Nouveau\n    greeting: bienvenue\n    open: { voicemail: vm }\ncalendars:'));
    await fs.rename(tmp, file);
    const e = await nextEvent();
    expect(e.type === 'loaded' && e.diff.numbers.added).toEqual(['+33142000009']);
    expect(numbersOf(watcher)).toEqual(['+33142000001', '+33142000009']);

    // Once more: the watcher must still see the file after its inode was replaced.
    await fs.writeFile(tmp, BASE);
    await fs.rename(tmp, file);
    const again = await nextEvent();
    expect(again.type === 'loaded' && again.diff.numbers.removed).toEqual(['+33142000009']);
  });

  it('files written beside the plan in a busy folder reload nothing; the plan\'s own change still does', async () => {
    const reads = jest.spyOn(load, 'loadPlan');
    try {
      watcher = await watchPlan(file, { soundsDir, debounceMs: 100 }, onChange);
      await nextEvent();
      const before = reads.mock.calls.length;
      for (let i = 0; i < 200; i++) await fs.writeFile(path.join(dir, 'plan', `trace-${i % 20}.log`), `line ${i}\n`, { flag: 'a' });
      await new Promise((r) => setTimeout(r, 400));
      expect(reads.mock.calls.length).toBe(before);
      await fs.writeFile(file, BASE.replace('max_wait: 30s', 'max_wait: 45s'));
      const e = await nextEvent();
      expect(e.type).toBe('loaded');
      expect(maxWait(watcher)).toBe(45_000);
      expect(reads.mock.calls.length).toBe(before + 1);
    } finally {
      reads.mockRestore();
    }
  });

  it('waits for a write made in several steps', async () => {
    watcher = await watchPlan(file, { soundsDir, debounceMs: 300 }, onChange);
    await nextEvent();
    const next = BASE.replace('max_wait: 30s', 'max_wait: 50s');
    const h = await fs.open(file, 'w'); // truncates: an empty file for a moment
    await h.write(next.slice(0, 100));
    await new Promise((r) => setTimeout(r, 50));
    await h.write(next.slice(100));
    await h.close();
    const e = await nextEvent();
    expect(e.type).toBe('loaded');
    expect(maxWait(watcher)).toBe(50_000);
    await expect(nextEvent(800)).rejects.toThrow('no plan event');
  });

  it('watches a folder plan, and a sound added makes a refused plan valid', async () => {
    await fs.writeFile(file, BASE.replace('greeting: bienvenue', 'greeting: nouveau'));
    watcher = await watchPlan(path.join(dir, 'plan'), { soundsDir, debounceMs: 100 }, onChange);
    const first = await nextEvent();
    expect(first.type).toBe('rejected');
    expect(watcher.current()).toBeUndefined();
    await fs.writeFile(path.join(soundsDir, 'nouveau.wav'), 'x');
    const e = await nextEvent();
    expect(e.type).toBe('loaded');
    expect(watcher.current()?.numbers['+33142000001']?.greeting).toBe('nouveau');
  });

  it('reload() (SIGHUP) reloads at once and reports nothing when nothing changed', async () => {
    watcher = await watchPlan(file, { soundsDir, debounceMs: 10_000 }, onChange);
    await nextEvent();
    expect(await watcher.reload()).toBeUndefined();
    await fs.writeFile(file, BASE.replace('max_wait: 30s', 'max_wait: 35s'));
    const e = await watcher.reload();
    expect(e?.type).toBe('loaded');
    expect(maxWait(watcher)).toBe(35_000);
  });
});
