// The page's ports to the text announcements and the call history: a text change is a
// one-line plan edit at the right place (named announcement, or a text written in place),
// an unspeakable text is refused before anything is written, and "Appels" reads the
// history's rows of the session's numbers only, missed calls marked as such.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { openHistoryDb } from '../../../src/history/db';
import { HistoryStore } from '../../../src/history/store';
import type { CallRecord } from '../../../src/history/record';
import { editPlan, readPlanSources } from '../../../src/plan/edit';
import { loadPlan } from '../../../src/plan/load';
import type { Plan } from '../../../src/plan/types';
import { editPathOf, SpokenTexts } from '../../../src/web/announce-port';
import { HistoryCalls } from '../../../src/web/history-port';

const REPO = path.resolve(__dirname, '../../..');
const SOUNDS = path.join(REPO, 'sounds');
const REFERENCE = fs.readFileSync(path.join(REPO, 'config/plan.yaml'), 'utf8');

let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accueil-ports-'))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

async function planIn(folder: string): Promise<Plan> {
  const r = await loadPlan(folder, { soundsDir: SOUNDS });
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return r.plan;
}

describe('SpokenTexts: changing what an announcement says', () => {
  const texts = new SpokenTexts();

  test('a named say: announcement: its text is read, and the edit replaces only that line', async () => {
    fs.writeFileSync(path.join(dir, 'plan.yaml'), REFERENCE);
    const plan = await planIn(dir);
    expect(texts.textOf(plan, 'ferme-dr-martin')).toBe('Le cabinet du docteur Martin est fermé. Nous rouvrons {reopen}. Nous sommes ouverts {hours_week}.');
    const edits = texts.editsFor(plan, 'ferme-dr-martin', '  Le cabinet est fermé, nous rouvrons {reopen}. ');
    expect(edits).toEqual([{ op: 'set', path: ['announcements', 'ferme-dr-martin'], value: { say: 'Le cabinet est fermé, nous rouvrons {reopen}.' } }]);
    const version = (await readPlanSources(dir)) as { version: string };
    const r = await editPlan(dir, { soundsDir: SOUNDS, expectedVersion: version.version, edits });
    expect(r.ok).toBe(true);
    const after = fs.readFileSync(path.join(dir, 'plan.yaml'), 'utf8');
    const changed = after.split('\n').filter((l, i) => l !== REFERENCE.split('\n')[i]);
    expect(changed).toHaveLength(1);
    expect(changed[0]).toContain('Le cabinet est fermé, nous rouvrons {reopen}.');
    expect((await planIn(dir)).announcements['ferme-dr-martin']!.sounds[0]!.say!.text).toBe('Le cabinet est fermé, nous rouvrons {reopen}.');
  });

  test('a text written in place (greeting: { say: … }) is changed where it is written', async () => {
    const inPlace = REFERENCE.replace(/(\n    greeting: )bienvenue-dr-martin/, '$1{ say: "Bienvenue chez le docteur Martin." }');
    expect(inPlace).not.toBe(REFERENCE);
    fs.writeFileSync(path.join(dir, 'plan.yaml'), inPlace);
    const plan = await planIn(dir);
    const name = Object.keys(plan.announcements).find((n) => plan.announcements[n]!.sounds[0]?.say?.text === 'Bienvenue chez le docteur Martin.')!;
    expect(name).toMatch(/^say-/);
    const edits = texts.editsFor(plan, name, 'Cabinet du docteur Martin, bonjour.');
    expect(edits).toHaveLength(1);
    expect(edits[0]).toMatchObject({ op: 'set', value: 'Cabinet du docteur Martin, bonjour.' });
    const version = (await readPlanSources(dir)) as { version: string };
    const r = await editPlan(dir, { soundsDir: SOUNDS, expectedVersion: version.version, edits });
    expect(r.ok).toBe(true);
    const after = fs.readFileSync(path.join(dir, 'plan.yaml'), 'utf8');
    expect(after).toBe(inPlace.replace('Bienvenue chez le docteur Martin.', 'Cabinet du docteur Martin, bonjour.'));
  });

  test('an unspeakable text is refused with a reason; a text with placeholders is accepted', () => {
    expect(texts.problem('  ')).toMatch(/ne peut pas être lu/);
    expect(texts.problem('🙂🙂')).toMatch(/ne peut pas être lu/);
    expect(texts.problem('Nous rouvrons {reopen}.')).toBeUndefined();
  });

  test('a pointer becomes an edit path: escapes undone, positions and numeric menu keys as numbers', () => {
    expect(editPathOf('/numbers/+33 1 42 00 00 01/greeting/say')).toEqual(['numbers', '+33 1 42 00 00 01', 'greeting', 'say']);
    expect(editPathOf('/announcements/a~1b/0/say')).toEqual(['announcements', 'a/b', 0, 'say']);
    expect(editPathOf('/menus/main/options/1/say')).toEqual(['menus', 'main', 'options', 1, 'say']);
  });
});

describe('HistoryCalls: the "Appels" screen reads the call history', () => {
  const T0 = Date.parse('2026-12-02T09:00:00+01:00');
  const row = (callId: string, at: number, number: string, over: Partial<CallRecord> = {}): Omit<CallRecord, 'steps'> => ({
    callId, arrivedAt: at, endedAt: at + 40_000, called: number, number, numberName: 'Cabinet', caller: '0612345678', planVersion: 'v1', open: true,
    route: ['group:secretariat-martin'], lines: [], waitedMs: 40_000, talkedMs: 0, outcome: 'abandoned-waiting', overflowed: false, message: false, missed: true, resumed: 0, ...over,
  });

  test('only the numbers asked for, within the day, missed calls marked "missed", answered ones with who', async () => {
    const db = openHistoryDb(dir);
    const store = new HistoryStore(db);
    store.addCall(row('a', T0, '+33142000001'));
    store.addCall(row('b', T0 + 60_000, '+33142000001', { outcome: 'answered', missed: false, answeredBy: 'secretariat', talkedMs: 20_000 }));
    store.addCall(row('c', T0 + 120_000, '+33142000002'));
    store.addCall(row('d', T0 - 86_400_000, '+33142000001'));
    const calls = await new HistoryCalls(() => store).callsBetween(T0 - 3_600_000, T0 + 3_600_000, ['+33142000001']);
    expect(calls.map((c) => [c.outcome, c.answeredBy, c.durationMs])).toEqual([
      ['answered', 'secretariat', 40_000],
      ['missed', undefined, 40_000],
    ]);
    expect(calls[1]).toMatchObject({ at: new Date(T0).toISOString(), called: '+33142000001', calledName: 'Cabinet', caller: '0612345678' });
    db.close();
  });

  test('no history yet: no calls, no error', async () => {
    expect(await new HistoryCalls(() => undefined).callsBetween(0, Date.now(), ['+33142000001'])).toEqual([]);
  });
});
