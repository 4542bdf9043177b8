// A folder of practices: each subfolder read as a plan of its own, names scoped per
// practice, what practices truly share (numbers, phones) checked across them, and one
// practice's mistake refused without touching the other's plan in force.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatError, loadPlan, watchPlan, type PlanEvent, type PlanWatcher } from '../../../src/plan';
import { startCall } from '../../../src/flow';
import { alwaysOpen, ofType, T0 } from '../flow/fixtures';
import { planEvents } from './helpers';

jest.setTimeout(20_000);

/** A practice's plan: a secretariat line, a group, a calendar and a box, all with the same names in every practice. */
function practice(p: string, number: string, over: { endpoint?: string; country?: string; extra?: string } = {}): string {
  return `timezone: Europe/Paris
${over.country ? `country: ${over.country}\n` : ''}lines:
  secretariat: { endpoint: ${over.endpoint ?? `PJSIP/${p}-secretariat`} }
  dr: { endpoint: PJSIP/${p}-dr }
calendars:
  cabinet:
    weekly: { mon-fri: ["08:30-12:30"] }
numbers:
  "${number}":
    name: Cabinet ${p}
    label: ${p}
    calendar: cabinet
    open: { group: accueil }
    closed: { voicemail: boite }
groups:
  accueil:
    lines: [secretariat]
    ring_time: 15s
    max_wait: 40s
    overflow: { line: dr, timeout: 10s, then: { voicemail: boite } }
voicemail:
  boite: {}
${over.extra ?? ''}`;
}

let root: string;
let sounds: string;
beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'accueil-practices-'));
  sounds = path.join(root, 'sounds');
  await fs.mkdir(sounds);
  await fs.mkdir(path.join(root, 'plans', 'cabinet-a'), { recursive: true });
  await fs.mkdir(path.join(root, 'plans', 'cabinet-b'), { recursive: true });
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

const plans = (): string => path.join(root, 'plans');
const write = (p: string, text: string, file = 'plan.yaml'): Promise<void> => fs.writeFile(path.join(plans(), p, file), text);
const load = () => loadPlan(plans(), { soundsDir: sounds });

describe('a folder of practices', () => {
  it('reads each subfolder as a practice and scopes its names, so two practices never share a line, group, calendar or box', async () => {
    await write('cabinet-a', practice('cabinet-a', '+33 1 42 00 01 01'));
    await write('cabinet-b', practice('cabinet-b', '+33 1 42 00 02 01'));
    const r = await load();
    if (!r.ok) throw new Error(r.errors.map(formatError).join('\n'));
    const plan = r.plan;
    expect(plan.practices).toEqual(['cabinet-a', 'cabinet-b']);
    expect(Object.keys(plan.lines).sort()).toEqual(['cabinet-a.dr', 'cabinet-a.secretariat', 'cabinet-b.dr', 'cabinet-b.secretariat']);
    expect(plan.lines['cabinet-b.secretariat']).toEqual({ name: 'cabinet-b.secretariat', endpoint: 'PJSIP/cabinet-b-secretariat' });
    expect(Object.keys(plan.groups).sort()).toEqual(['cabinet-a.accueil', 'cabinet-b.accueil']);
    expect(plan.groups['cabinet-a.accueil']!.lines).toEqual(['cabinet-a.secretariat']);
    expect(plan.groups['cabinet-a.accueil']!.overflow).toMatchObject({ kind: 'line', line: 'cabinet-a.dr', then: { kind: 'voicemail', box: 'cabinet-a.boite' } });
    expect(Object.keys(plan.calendars).sort()).toEqual(['cabinet-a.cabinet', 'cabinet-b.cabinet']);
    expect(Object.keys(plan.voicemail).sort()).toEqual(['cabinet-a.boite', 'cabinet-b.boite']);
    const b = plan.numbers['+33142000201']!;
    expect(b).toMatchObject({ practice: 'cabinet-b', calendar: 'cabinet-b.cabinet', open: { kind: 'group', group: 'cabinet-b.accueil' }, closed: { kind: 'voicemail', box: 'cabinet-b.boite' } });
    // Every name a route or a group refers to exists in the combined plan.
    for (const g of Object.values(plan.groups)) for (const l of g.lines) expect(plan.lines[l]).toBeDefined();
    for (const a of Object.values(plan.announcements)) expect(a.name.startsWith('cabinet-')).toBe(true);
  });

  it('a call to a practice\'s number takes that practice\'s route, and the journal names the practice', async () => {
    await write('cabinet-a', practice('cabinet-a', '+33 1 42 00 01 01'));
    await write('cabinet-b', practice('cabinet-b', '+33 1 42 00 02 01'));
    const r = await load();
    if (!r.ok) throw new Error('refused');
    const step = startCall({ callId: 'c1', plan: r.plan, called: '0142000201', caller: '0612345678', arrivedAt: T0 }, alwaysOpen);
    const number = ofType(step.actions, 'journal').find((j) => j.step === 'number')!;
    expect(number.reason).toBe('+33 1 42 00 02 01 → practice cabinet-b: Cabinet cabinet-b');
    expect(number.data).toMatchObject({ practice: 'cabinet-b', number: '+33142000201' });
    expect(ofType(step.actions, 'enqueue')[0]).toMatchObject({ group: 'cabinet-b.accueil' });
  });

  it('a practice cannot use what only another practice defines: its names are its own', async () => {
    await write('cabinet-a', practice('cabinet-a', '+33 1 42 00 01 01', { extra: 'menus: {}\n' }));
    await write('cabinet-b', practice('cabinet-b', '+33 1 42 00 02 01').replace('open: { group: accueil }', 'open: { group: accueil-a }'));
    await write('cabinet-a', practice('cabinet-a', '+33 1 42 00 01 01').replace('  accueil:\n', '  accueil-a:\n').replace('open: { group: accueil }', 'open: { group: accueil-a }'));
    const r = await load();
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const lines = r.errors.map(formatError);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/cabinet-b\/plan\.yaml:\d+:\d+: numbers\["\+33 1 42 00 02 01"\]\.open\.group: unknown group "accueil-a"/);
  });

  it('the same public number in two practices is an error at the second, naming the first', async () => {
    await write('cabinet-a', practice('cabinet-a', '+33 1 42 00 01 01'));
    await write('cabinet-b', practice('cabinet-b', '01 42 00 01 01'));
    const r = await load();
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map(formatError)).toEqual([
      `${plans()}/cabinet-b/plan.yaml:9:3: numbers["01 42 00 01 01"]: the number +33142000101 is already a number of practice cabinet-a (${plans()}/cabinet-a/plan.yaml:9:3); expected each number in one practice only`,
    ]);
  });

  it('the same phone in two practices is an error; the same line name in two practices is not', async () => {
    await write('cabinet-a', practice('cabinet-a', '+33 1 42 00 01 01'));
    await write('cabinet-b', practice('cabinet-b', '+33 1 42 00 02 01', { endpoint: 'PJSIP/cabinet-a-secretariat' }));
    const r = await load();
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map(formatError)).toEqual([
      `${plans()}/cabinet-b/plan.yaml:3:3: lines.secretariat: the phone PJSIP/cabinet-a-secretariat already rings for practice cabinet-a (${plans()}/cabinet-a/plan.yaml:3:3); expected each phone in one practice only (name endpoints <practice>-<line>)`,
    ]);
  });

  it('practices must read numbers in one country, and none may take the calls of unknown numbers', async () => {
    await write('cabinet-a', practice('cabinet-a', '+33 1 42 00 01 01'));
    await write('cabinet-b', practice('cabinet-b', '+32 2 123 45 67', { country: 'BE', extra: 'default: { voicemail: boite }\n' }));
    const r = await load();
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const lines = r.errors.map(formatError).join('\n');
    expect(lines).toMatch(/country: practice cabinet-b reads numbers as BE, practice cabinet-a as FR; expected one country/);
    expect(lines).toMatch(/default: practice cabinet-b has a default destination/);
  });

  it('a practice\'s own mistake is reported at its own file, and accueil check lists every practice\'s errors', async () => {
    await write('cabinet-a', practice('cabinet-a', '+33 1 42 00 01 01').replace('max_wait: 40s', 'max_wait: 40'));
    await write('cabinet-b', practice('cabinet-b', '+33 1 42 00 02 01').replace('ring_time: 15s', 'ring_tiem: 15s'));
    const r = await load();
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const lines = r.errors.map(formatError);
    expect(lines.some((l) => l.startsWith(`${plans()}/cabinet-a/plan.yaml:`) && l.includes('max_wait'))).toBe(true);
    expect(lines.some((l) => l.startsWith(`${plans()}/cabinet-b/plan.yaml:`) && l.includes('ring_tiem'))).toBe(true);
    expect(r.practices?.map((p) => [p.name, p.ok])).toEqual([['cabinet-a', false], ['cabinet-b', false]]);
  });

  it('a folder with plan files of its own stays one plan (its subfolders are not read), and a subfolder without plan files is no practice', async () => {
    await write('cabinet-a', practice('cabinet-a', '+33 1 42 00 01 01'));
    await fs.mkdir(path.join(plans(), 'sons'));
    await fs.writeFile(path.join(plans(), 'sons', 'note.txt'), 'not a plan');
    const asPractices = await load();
    expect(asPractices.ok && asPractices.plan.practices).toEqual(['cabinet-a']);
    await fs.writeFile(path.join(plans(), 'plan.yaml'), practice('x', '+33 1 42 00 09 09'));
    const asOne = await load();
    if (!asOne.ok) throw new Error(asOne.errors.map(formatError).join('\n'));
    expect(asOne.plan.practices).toBeUndefined();
    expect(Object.keys(asOne.plan.lines).sort()).toEqual(['dr', 'secretariat']);
  });

  it('a practice folder whose name cannot scope names is refused with the rule', async () => {
    await write('cabinet-a', practice('cabinet-a', '+33 1 42 00 01 01'));
    await fs.mkdir(path.join(plans(), 'Cabinet.B'));
    await fs.writeFile(path.join(plans(), 'Cabinet.B', 'plan.yaml'), practice('b', '+33 1 42 00 02 01'));
    const r = await load();
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map(formatError)).toEqual([`${plans()}/Cabinet.B: "Cabinet.B" cannot name a practice; expected a folder name of lower-case letters, digits, "-" or "_" (no "."), such as "cabinet-martin"`]);
  });
});

describe('the daemon\'s watcher on a folder of practices', () => {
  let watcher: PlanWatcher | undefined;
  let next: (timeoutMs?: number) => Promise<PlanEvent>;
  let onChange: (e: PlanEvent) => void;
  beforeEach(() => {
    ({ next, onChange } = planEvents());
  });
  afterEach(async () => {
    await watcher?.close();
    watcher = undefined;
  });
  const start = async (): Promise<PlanWatcher> =>
    (watcher = await watchPlan(plans(), { soundsDir: sounds, debounceMs: 50 }, onChange));
  const maxWait = (w: PlanWatcher, g: string): number | undefined => w.current()?.groups[g]?.maxWait;

  it('one practice\'s broken file is refused while the other practice\'s change goes into force; the broken one keeps its last good plan', async () => {
    await write('cabinet-a', practice('cabinet-a', '+33 1 42 00 01 01'));
    await write('cabinet-b', practice('cabinet-b', '+33 1 42 00 02 01'));
    const w = await start();
    expect((await next()).type).toBe('loaded');
    expect(w.current()?.practices).toEqual(['cabinet-a', 'cabinet-b']);

    await write('cabinet-b', practice('cabinet-b', '+33 1 42 00 02 01').replace('max_wait: 40s', 'max_wait: forty'));
    await write('cabinet-a', practice('cabinet-a', '+33 1 42 00 01 01').replace('max_wait: 40s', 'max_wait: 55s'));
    const changes: PlanEvent[] = [];
    while (!changes.some((e) => e.type === 'loaded' && maxWait(w, 'cabinet-a.accueil') === 55_000) || !changes.some((e) => e.type === 'rejected')) changes.push(await next());
    const rejected = changes.filter((e) => e.type === 'rejected').pop()!;
    if (rejected.type !== 'rejected') return;
    expect(rejected.practices).toEqual(['cabinet-b']);
    expect(rejected.lines.every((l) => l.startsWith(`${plans()}/cabinet-b/plan.yaml:`))).toBe(true);
    expect(rejected.current?.version).toBe(w.current()?.version);
    // A's change is in force; B still answers with its last good plan.
    expect(maxWait(w, 'cabinet-a.accueil')).toBe(55_000);
    expect(maxWait(w, 'cabinet-b.accueil')).toBe(40_000);
    expect(Object.keys(w.current()!.numbers).sort()).toEqual(['+33142000101', '+33142000201']);

    await write('cabinet-b', practice('cabinet-b', '+33 1 42 00 02 01').replace('max_wait: 40s', 'max_wait: 30s'));
    let fixed = await next();
    while (fixed.type !== 'loaded') fixed = await next();
    expect(maxWait(w, 'cabinet-b.accueil')).toBe(30_000);
    expect(maxWait(w, 'cabinet-a.accueil')).toBe(55_000);
  });

  it('a practice that takes another\'s number keeps its last good plan; a new practice folder is read without a restart', async () => {
    await write('cabinet-a', practice('cabinet-a', '+33 1 42 00 01 01'));
    await write('cabinet-b', practice('cabinet-b', '+33 1 42 00 02 01'));
    const w = await start();
    expect((await next()).type).toBe('loaded');

    await write('cabinet-b', practice('cabinet-b', '+33 1 42 00 01 01'));
    const rejected = await next();
    expect(rejected.type).toBe('rejected');
    if (rejected.type !== 'rejected') return;
    expect(rejected.practices).toEqual(['cabinet-b']);
    expect(rejected.lines[0]).toMatch(/cabinet-b\/plan\.yaml:9:3: numbers\["\+33 1 42 00 01 01"\]: the number \+33142000101 is already a number of practice cabinet-a/);
    expect(w.current()!.numbers['+33142000101']?.practice).toBe('cabinet-a');
    expect(w.current()!.numbers['+33142000201']?.practice).toBe('cabinet-b');

    await fs.mkdir(path.join(plans(), 'cabinet-c'));
    await write('cabinet-c', practice('cabinet-c', '+33 1 42 00 03 01'));
    let e = await next();
    while (!(e.type === 'loaded' && e.plan.practices?.includes('cabinet-c'))) e = await next();
    expect(w.current()!.numbers['+33142000301']?.practice).toBe('cabinet-c');
  });
});
