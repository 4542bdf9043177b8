// The entry point's tables: each practice's dispatcher set with its own node first,
// every dialled form of every number, and node choices that stay put when a node is added.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { dispatchTables, nodeOrder } from '../../../src/scale/dispatch';
import { dialledForms, normaliseNumber, type Plan } from '../../../src/plan';
import kamailioDispatch from '../../../src/cli/kamailio-dispatch';

function planOf(practices: Record<string, string[]>): Plan {
  const numbers: Plan['numbers'] = {};
  for (const [practice, list] of Object.entries(practices)) {
    for (const e164 of list) {
      numbers[e164] = { e164, written: e164, name: practice, label: practice, practice, open: { kind: 'hangup' }, closed: { kind: 'hangup' } };
    }
  }
  return { version: 'v', timezone: 'Europe/Paris', country: 'FR', lines: {}, calendars: {}, numbers, groups: {}, menus: {}, voicemail: {}, announcements: {}, practices: Object.keys(practices).sort() };
}

const NODES = [
  { name: 'a', address: '10.77.0.11' },
  { name: 'b', address: '10.77.0.12:5070' },
];

describe('dispatchTables', () => {
  it('gives each practice a set, its pinned node first with the highest priority, every node after it', () => {
    const r = dispatchTables(planOf({ 'cabinet-b': ['+33142000201'], 'cabinet-a': ['+33142000101'] }), NODES, { 'cabinet-a': 'a', 'cabinet-b': 'b' });
    if (!r.ok) throw new Error(r.error);
    expect(r.tables.routes.map((x) => [x.practice, x.set, x.nodes])).toEqual([
      ['cabinet-a', 1, ['a', 'b']],
      ['cabinet-b', 2, ['b', 'a']],
    ]);
    expect(r.tables.dispatcherList.split('\n').filter((l) => l && !l.startsWith('#'))).toEqual([
      '1 sip:10.77.0.11:5060 0 2 duid=a;practice=cabinet-a',
      '1 sip:10.77.0.12:5070 0 1 duid=b;practice=cabinet-a',
      '2 sip:10.77.0.12:5070 0 2 duid=b;practice=cabinet-b',
      '2 sip:10.77.0.11:5060 0 1 duid=a;practice=cabinet-b',
    ]);
  });

  it('lists every dialled form of every number, each read back by the daemon as that number, with its practice\'s set', () => {
    const r = dispatchTables(planOf({ 'cabinet-a': ['+33142000101', '+33612345678'], 'cabinet-b': ['+33142000201'] }), NODES, {});
    if (!r.ok) throw new Error(r.error);
    const [header, ...rows] = r.tables.numbersTable.trim().split('\n');
    expect(header).toBe('key_name(str) key_type(int) value_type(int) key_value(str) expires(int)');
    expect(rows).toContain('0142000101:0:1:1:0');
    expect(rows).toContain('+33142000201:0:1:2:0');
    expect(rows).toHaveLength(15);
    for (const row of rows) {
      const [form, , , set] = row.split(':');
      const e164 = normaliseNumber(form!, 'FR');
      expect(r.tables.routes.find((x) => x.set === Number(set))!.numbers).toContain(e164);
    }
    expect(dialledForms('+33142000101')).toEqual(['+33142000101', '0033142000101', '33142000101', '0142000101', '142000101']);
  });

  it('without pins, spreads practices over the nodes, and a node added takes practices only for itself', () => {
    const practices = Array.from({ length: 200 }, (_, i) => `cabinet-${i}`);
    const own = (nodes: string[]) => new Map(practices.map((p) => [p, nodeOrder(p, nodes)[0]!]));
    const four = own(['a', 'b', 'c', 'd']);
    const counts = ['a', 'b', 'c', 'd'].map((n) => [...four.values()].filter((x) => x === n).length);
    for (const c of counts) expect(c).toBeGreaterThan(25);
    const five = own(['a', 'b', 'c', 'd', 'e']);
    const moved = practices.filter((p) => four.get(p) !== five.get(p));
    expect(moved.length).toBeGreaterThan(10);
    for (const p of moved) expect(five.get(p)).toBe('e');
    expect(nodeOrder('cabinet-7', ['a', 'b', 'c'])).toEqual(nodeOrder('cabinet-7', ['c', 'a', 'b']));
  });

  it('refuses a pin to an unknown practice or node, and a node without an address, with the reason', () => {
    const plan = planOf({ 'cabinet-a': ['+33142000101'] });
    expect(dispatchTables(plan, NODES, { 'cabinet-z': 'a' })).toEqual({ ok: false, error: '--pin cabinet-z=a: no practice "cabinet-z" in the plan; expected one of cabinet-a' });
    expect(dispatchTables(plan, NODES, { 'cabinet-a': 'c' })).toEqual({ ok: false, error: '--pin cabinet-a=c: no node "c"; expected one of a, b' });
    expect(dispatchTables(plan, [{ name: 'a', address: 'sip:x y' }], {})).toMatchObject({ ok: false, error: expect.stringContaining('is not an address') });
    expect(dispatchTables(plan, [], {})).toMatchObject({ ok: false });
  });
});

describe('accueil kamailio-dispatch', () => {
  it('writes both tables from a folder of practices', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'accueil-dispatch-'));
    try {
      for (const [p, n] of [['cabinet-a', '+33 1 42 00 01 01'], ['cabinet-b', '+33 1 42 00 02 01']] as const) {
        await fs.mkdir(path.join(dir, 'plans', p), { recursive: true });
        await fs.writeFile(path.join(dir, 'plans', p, 'plan.yaml'), `lines:\n  l: { endpoint: PJSIP/${p}-l }\nnumbers:\n  "${n}": { name: ${p}, open: { line: l, timeout: 10s, then: { voicemail: boite } } }\nvoicemail:\n  boite: {}\n`);
      }
      await fs.mkdir(path.join(dir, 'sounds'));
      const out = path.join(dir, 'out');
      const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
      let code: number;
      try {
        code = await kamailioDispatch([path.join(dir, 'plans'), '--node', 'a=10.77.0.11', '--node', 'b=10.77.0.12', '--pin', 'cabinet-b=b', '--out', out, '--sounds', path.join(dir, 'sounds')]);
      } finally {
        write.mockRestore();
      }
      expect(code).toBe(0);
      const list = await fs.readFile(path.join(out, 'dispatcher.list'), 'utf8');
      expect(list).toContain('2 sip:10.77.0.12:5060 0 2 duid=b;practice=cabinet-b');
      expect(await fs.readFile(path.join(out, 'accueil_numbers'), 'utf8')).toContain('0142000201:0:1:2:0');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
