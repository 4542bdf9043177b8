// A plan sent from the reader's thread as what changed (src/plan/transfer.ts): the plan
// rebuilt on the other side equals the plan sent, whatever changed between two sends; an
// entry that did not change is the very object received before; the pieces are bounded.
import { diffPlans } from '../../../src/plan';
import { PIECE_ENTRIES, PlanReceiver, PlanSender, type PlanPiece, type PlanShell } from '../../../src/plan/transfer';
import type { Plan } from '../../../src/plan/types';
import { BASE, planOf } from './helpers';

/** What crosses the thread boundary: a structured clone of every message. */
function across(sender: PlanSender, receiver: PlanReceiver, plan: object, slot = 'plan'): { plan: Plan; pieces: PlanPiece[] } {
  const { pieces, shell } = sender.send(slot, plan as Record<string, unknown>);
  for (const p of pieces) receiver.take(structuredClone(p));
  return { plan: receiver.plan(structuredClone(shell) as PlanShell) as unknown as Plan, pieces };
}

/** A plan of n numbers, each with its own group. */
function big(n: number, edit = ''): string {
  const numbers = [...Array(n).keys()].map((i) => `  "+33 1 43 00 ${String(Math.floor(i / 100)).padStart(2, '0')} ${String(i % 100).padStart(2, '0')}":\n    name: N${i}${i === 7 ? edit : ''}\n    open: { group: g${i} }`);
  const groups = [...Array(n).keys()].map((i) => `  g${i}:\n    lines: [secretariat]\n    max_wait: 30s\n    overflow: { voicemail: vm }`);
  return `timezone: Europe/Paris\nlines:\n  secretariat: { endpoint: PJSIP/secretariat }\nnumbers:\n${numbers.join('\n')}\ngroups:\n${groups.join('\n')}\nvoicemail:\n  vm: {}\n`;
}

describe('a plan sent as what changed', () => {
  test('the first plan is sent whole, in pieces of at most PIECE_ENTRIES entries, and rebuilt equal', () => {
    const plan = planOf(big(1200));
    const { plan: got, pieces } = across(new PlanSender(), new PlanReceiver(), plan);
    expect(got).toEqual(plan);
    expect(Object.keys(got.numbers)).toEqual(Object.keys(plan.numbers));
    expect(Math.max(...pieces.map((p) => Object.keys(p.set).length))).toBeLessThanOrEqual(PIECE_ENTRIES);
    expect(pieces.filter((p) => p.section === 'numbers')).toHaveLength(3);
  });

  test('a one-line edit sends one entry; every other entry is the object received before', () => {
    const sender = new PlanSender();
    const receiver = new PlanReceiver();
    const first = across(sender, receiver, planOf(big(600))).plan;
    const edited = planOf(big(600, ' (edited)'));
    const { plan: second, pieces } = across(sender, receiver, edited);
    expect(second).toEqual(edited);
    expect(pieces.map((p) => [p.section, Object.keys(p.set)])).toEqual([['numbers', ['+33143000007']]]);
    expect(second.groups).toBe(first.groups); // a section without change: the same object
    const shared = Object.keys(second.numbers).filter((k) => second.numbers[k] === first.numbers[k]);
    expect(shared).toHaveLength(599);
    // The reload's diff finds the one change through the shared entries, as it would comparing copies.
    expect(diffPlans(first, second)).toEqual(diffPlans(structuredClone(first), structuredClone(second)));
    expect(diffPlans(first, second).numbers.changed).toEqual(['+33143000007']);
  });

  test('entries added, removed and moved keep the order of the plan sent', () => {
    const sender = new PlanSender();
    const receiver = new PlanReceiver();
    across(sender, receiver, planOf(big(5)));
    const text = big(5).replace(/ {2}"\+33 1 43 00 00 01":\n.*\n.*\n/, '') // number 1 removed
      .replace('groups:\n', '  "+33 1 43 00 00 99":\n    name: New\n    open: { group: g0 }\ngroups:\n') // one added, last
      .replace(/( {2}g3:\n(?:.*\n){3})( {2}g4:\n(?:.*\n){3})/, '$2$1'); // g3 and g4 swapped
    const changed = planOf(text);
    expect(Object.keys(changed.groups)).toEqual(['g0', 'g1', 'g2', 'g4', 'g3']);
    expect(Object.keys(changed.numbers)).toEqual(['+33143000000', '+33143000002', '+33143000003', '+33143000004', '+33143000099']);
    const { plan } = across(sender, receiver, changed);
    expect(plan).toEqual(changed);
    expect(Object.keys(plan.numbers)).toEqual(Object.keys(changed.numbers));
    expect(Object.keys(plan.groups)).toEqual(Object.keys(changed.groups));
    expect('+33143000001' in plan.numbers).toBe(false);
  });

  test('a section that appears or disappears, and the small fields, follow the plan sent', () => {
    const sender = new PlanSender();
    const receiver = new PlanReceiver();
    const a = planOf(BASE);
    const withTrunk = { ...a, trunks: { op: { name: 'op', endpoint: 'operator' } }, timezone: 'Europe/Brussels' } as unknown as Plan;
    expect(across(sender, receiver, withTrunk).plan).toEqual(withTrunk);
    const { plan } = across(sender, receiver, a);
    expect(plan).toEqual(a);
    expect('trunks' in plan).toBe(false);
  });

  test('each slot (the plan, each practice) is sent against its own last plan; a side out of step is refused', () => {
    const sender = new PlanSender();
    const receiver = new PlanReceiver();
    const a = planOf(big(3));
    const b = planOf(big(4));
    across(sender, receiver, a, 'practice:a');
    across(sender, receiver, b, 'practice:b');
    expect(across(sender, receiver, a, 'practice:a').pieces).toEqual([]); // nothing changed for a
    expect(across(sender, receiver, b, 'practice:b').plan).toEqual(b);
    const other = new PlanReceiver(); // a receiver that never got a's first plan
    const { shell } = sender.send('practice:a', a as unknown as Record<string, unknown>);
    expect(() => other.plan(shell)).toThrow(/out of step/);
  });
});
