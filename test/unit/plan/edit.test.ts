// Plan edits: only the edited value's bytes change, the checker refuses a bad edit
// (nothing written), a hand edit since the version was read is never overwritten.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { applyEdit, flowText } from '../../../src/plan/splice';
import { editPlan, fileFor, readPlanSources } from '../../../src/plan/edit';

const REPO = path.resolve(__dirname, '../../..');
const REFERENCE = fs.readFileSync(path.join(REPO, 'config/plan.yaml'), 'utf8');
const SOUNDS = path.join(REPO, 'sounds');

/** Lines removed and added between two texts (a plain LCS diff, enough for these small files). */
function lineDiff(a: string, b: string): { removed: string[]; added: string[] } {
  const x = a.split('\n');
  const y = b.split('\n');
  const dp: number[][] = Array.from({ length: x.length + 1 }, () => new Array<number>(y.length + 1).fill(0));
  for (let i = x.length - 1; i >= 0; i--) for (let j = y.length - 1; j >= 0; j--) dp[i]![j] = x[i] === y[j] ? dp[i + 1]![j + 1]! + 1 : Math.max(dp[i + 1]![j]!, dp[i]![j + 1]!);
  const removed: string[] = [];
  const added: string[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && x[i] === y[j]) { i++; j++; }
    else if (j < y.length && (i === x.length || dp[i]![j + 1]! >= dp[i + 1]![j]!)) added.push(y[j++]!);
    else removed.push(x[i++]!);
  }
  return { removed, added };
}

describe('applyEdit keeps everything it does not change', () => {
  test('an override added to a block calendar is one new line, aligned with its siblings', () => {
    const out = applyEdit(REFERENCE, { op: 'set', path: ['calendars', 'dr-martin', 'override'], value: { state: 'closed', until: '2026-12-03 14:00' } });
    expect(lineDiff(REFERENCE, out)).toEqual({ removed: [], added: ['    override: { state: closed, until: "2026-12-03 14:00" }'] });
  });

  test('an override after a trailing comment (dr-petit) goes after that comment, comments intact', () => {
    const out = applyEdit(REFERENCE, { op: 'set', path: ['calendars', 'dr-petit', 'override'], value: { state: 'open', until: '2026-12-05 12:00' } });
    expect(lineDiff(REFERENCE, out)).toEqual({ removed: [], added: ['    override: { state: open, until: "2026-12-05 12:00" }'] });
  });

  test('an exception appended to a list of flow maps is written in the same style', () => {
    const out = applyEdit(REFERENCE, { op: 'append', path: ['calendars', 'dr-martin', 'exceptions'], value: { from: '2027-08-02', to: '2027-08-20', closed: true, label: "Congés d'été" } });
    expect(lineDiff(REFERENCE, out)).toEqual({ removed: [], added: ["      - { from: 2027-08-02, to: 2027-08-20, closed: true, label: Congés d'été }"] });
  });

  test('an item replaced, an item removed: only its line', () => {
    const changed = applyEdit(REFERENCE, { op: 'set', path: ['calendars', 'dr-martin', 'exceptions', 0], value: { date: '2026-12-24', hours: ['08:30-11:00'] } });
    expect(lineDiff(REFERENCE, changed)).toEqual({ removed: ['      - { date: 2026-12-24, hours: [08:30-12:00], label: Veille de Noël }'], added: ['      - { date: 2026-12-24, hours: [08:30-11:00] }'] });
    const removed = applyEdit(REFERENCE, { op: 'delete', path: ['calendars', 'dr-martin', 'exceptions', 1] });
    expect(lineDiff(REFERENCE, removed)).toEqual({ removed: ['      - { date: 2026-12-31, hours: [08:30-12:00], label: Saint-Sylvestre }'], added: [] });
  });

  test('weekly hours replaced in block style, lists on one line', () => {
    const out = applyEdit(REFERENCE, { op: 'set', path: ['calendars', 'dr-martin', 'weekly'], value: { 'mon-thu': ['08:30-12:30', '14:00-19:00'], fri: ['08:30-12:30'] } });
    expect(lineDiff(REFERENCE, out)).toEqual({
      removed: ['      mon-fri: [08:30-12:30, 14:00-19:00]', '      sat: [09:00-12:00]'],
      added: ['      mon-thu: [08:30-12:30, 14:00-19:00]', '      fri: [08:30-12:30]'],
    });
  });

  test('a value inside an aligned flow map: the alignment stays', () => {
    const out = applyEdit(REFERENCE, { op: 'set', path: ['lines', 'dr-martin', 'endpoint'], value: 'PJSIP/martin-2' });
    expect(lineDiff(REFERENCE, out)).toEqual({ removed: ['  dr-martin:   { endpoint: PJSIP/dr-martin }'], added: ['  dr-martin:   { endpoint: PJSIP/martin-2 }'] });
  });

  test('added then deleted: the text is back to the byte', () => {
    const added = applyEdit(REFERENCE, { op: 'set', path: ['calendars', 'dr-martin', 'override'], value: { state: 'closed', until: '2026-12-03 14:00' } });
    expect(applyEdit(added, { op: 'delete', path: ['calendars', 'dr-martin', 'override'] })).toBe(REFERENCE);
  });

  test('a list created where there was none; a key added to a flow map', () => {
    const text = 'calendars:\n  a:\n    weekly: { mon: [09:00-12:00] }\nlines: { x: { endpoint: PJSIP/x } }\n';
    expect(applyEdit(text, { op: 'append', path: ['calendars', 'a', 'exceptions'], value: { date: '2027-01-02', closed: true } }))
      .toBe('calendars:\n  a:\n    weekly: { mon: [09:00-12:00] }\n    exceptions: [{ date: 2027-01-02, closed: true }]\nlines: { x: { endpoint: PJSIP/x } }\n');
    expect(applyEdit(text, { op: 'set', path: ['lines', 'x', 'extension'], value: '12' })).toBe('calendars:\n  a:\n    weekly: { mon: [09:00-12:00] }\nlines: { x: { endpoint: PJSIP/x, extension: "12" } }\n');
  });

  test('local date-times are quoted as in the documentation', () => {
    expect(flowText({ until: '2026-11-28 14:00' })).toBe('{ until: "2026-11-28 14:00" }');
  });
});

describe('editPlan', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accueil-edit-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const setup = (files: Record<string, string>): void => {
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  };

  test('a valid edit is written (atomically: no temporary file left) and gives the new version', async () => {
    setup({ 'plan.yaml': REFERENCE });
    const before = await readPlanSources(dir);
    if ('errors' in before) throw new Error('unreadable');
    const r = await editPlan(dir, { soundsDir: SOUNDS, expectedVersion: before.version, edits: [{ op: 'append', path: ['calendars', 'dr-martin', 'exceptions'], value: { from: '2027-08-02', to: '2027-08-20', closed: true } }] });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.plan.calendars['dr-martin']!.exceptions.at(-1)).toMatchObject({ from: '2027-08-02', to: '2027-08-20', hours: 'closed' });
    expect(r.changes).toEqual([expect.objectContaining({ file: path.join(dir, 'plan.yaml'), path: ['calendars', 'dr-martin', 'exceptions'] })]);
    const after = await readPlanSources(dir);
    expect('version' in after && after.version).toBe(r.version);
    expect(fs.readdirSync(dir)).toEqual(['plan.yaml']);
  });

  test('an edit the checker refuses: its message (FILE:LINE:COL), nothing written', async () => {
    setup({ 'plan.yaml': REFERENCE });
    const v = (await readPlanSources(dir)) as { version: string };
    const r = await editPlan(dir, { soundsDir: SOUNDS, expectedVersion: v.version, edits: [{ op: 'append', path: ['calendars', 'dr-martin', 'exceptions'], value: { date: '2027-02-30', closed: true } }] });
    expect(r).toMatchObject({ ok: false, reason: 'invalid' });
    if (r.ok || r.reason !== 'invalid') return;
    expect(r.errors[0]!.message).toMatch(/exceptions\[3\]\.date: found "2027-02-30": day 30 does not exist/);
    expect(fs.readFileSync(path.join(dir, 'plan.yaml'), 'utf8')).toBe(REFERENCE);
  });

  test('a hand edit since the version was read: refused, the hand edit stays', async () => {
    setup({ 'plan.yaml': REFERENCE });
    const v = (await readPlanSources(dir)) as { version: string };
    const hand = REFERENCE.replace('sat: [09:00-12:00]', 'sat: [09:00-12:30]');
    fs.writeFileSync(path.join(dir, 'plan.yaml'), hand);
    const r = await editPlan(dir, { soundsDir: SOUNDS, expectedVersion: v.version, edits: [{ op: 'delete', path: ['calendars', 'dr-martin', 'exceptions', 0] }] });
    expect(r).toMatchObject({ ok: false, reason: 'conflict' });
    expect(fs.readFileSync(path.join(dir, 'plan.yaml'), 'utf8')).toBe(hand);
  });

  test('a plan in several files: the file that holds the calendar is the one edited', async () => {
    const [head, rest] = [REFERENCE.slice(0, REFERENCE.indexOf('calendars:')), REFERENCE.slice(REFERENCE.indexOf('calendars:'))];
    setup({ 'a.yaml': head, 'b.yaml': rest });
    const read = (await readPlanSources(dir)) as { version: string; sources: { file: string; text: string }[] };
    expect(fileFor(read.sources, ['calendars', 'dr-durand', 'override'])).toBe(1);
    expect(fileFor(read.sources, ['lines', 'secretariat', 'endpoint'])).toBe(0);
    const r = await editPlan(dir, { soundsDir: SOUNDS, expectedVersion: read.version, edits: [{ op: 'set', path: ['calendars', 'dr-durand', 'override'], value: { state: 'closed', until: '2027-01-01 09:00' } }] });
    expect(r.ok).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'a.yaml'), 'utf8')).toBe(head);
    expect(lineDiff(rest, fs.readFileSync(path.join(dir, 'b.yaml'), 'utf8'))).toEqual({ removed: [], added: ['    override: { state: closed, until: "2027-01-01 09:00" }'] });
  });
});
