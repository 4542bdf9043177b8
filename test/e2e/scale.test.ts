// Issue 18, with real parts (scripts/scale-lab.sh): Kamailio in front of two
// Asterisk + Accueil nodes, each in a network namespace of its own, SIPp as the
// trunk and as the phones. Practice cabinet-a is served by node a, cabinet-b by
// node b, both from the same plan (a folder of practices). Node a's Asterisk is
// killed: Kamailio marks it down at its first missed probe and cabinet-a's calls
// go to node b, still to cabinet-a's phone; node a back, they return to it.
// Prints the kill → first call served by node b time, the calls lost meanwhile,
// and the return to node a. Needs root (CI runs it so); fails, never skips, without.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { DaemonProcess } from './harness/daemon';
import { generateTables, Lab, LAB, labUnavailable, nodeOfContact, type NodeName, type Practice } from './harness/lab';
import { REPO } from './harness/sandbox';
import { type CallResult, type Caller, type Phone, waitFor } from './harness/sipp';

const A: Practice = { name: 'cabinet-a', node: 'a', phone: { endpoint: 'cabinet-a-secretariat', port: 5081 } };
const B: Practice = { name: 'cabinet-b', node: 'b', phone: { endpoint: 'cabinet-b-secretariat', port: 5082 } };
/** The plan every node runs: a folder of practices (cabinet-a/, cabinet-b/). */
const PLAN = path.join(REPO, 'test/e2e/plans/scale');
/** Each practice's own node. */
const PINS: Record<string, NodeName> = { [A.name]: A.node, [B.name]: B.node };
/** Where the generated tables are, for Kamailio. */
const tables = (): string => path.join(lab!.dir, 'tables');
/** How long a served caller stays on the line (from the answer). */
const HOLD_MS = 2500;
/** How often calls are placed while node a is down. */
const CALL_EVERY_MS = 500;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const log = (line: string): void => console.log(`scale: ${line}`);

let lab: Lab | undefined;
const daemons: Partial<Record<NodeName, DaemonProcess>> = {};
const phones: Partial<Record<string, Phone>> = {};
let callers = 0;
/** A caller number of its own for every call: the daemons' journals and the phones tell calls apart by it. */
const nextCaller = (): string => `06${String(10_000_000 + ++callers).slice(-8)}`;

function daemon(node: NodeName): DaemonProcess {
  const d = daemons[node];
  if (!d) throw new Error(`no daemon on node ${node}`);
  return d;
}

function phone(p: Practice): Phone {
  const ph = phones[p.name];
  if (!ph) throw new Error(`no phone for ${p.name}`);
  return ph;
}

function answered(call: Caller): boolean {
  return call.messages().some((m) => m.direction === 'received' && m.firstLine.startsWith('SIP/2.0 200') && /INVITE/.test(m.headers.cseq ?? ''));
}

/** The daemon's incoming line for the call from `caller`, if it had one. */
function incoming(node: NodeName, caller: string): { callId?: string; called?: unknown } | undefined {
  return daemon(node).lines.find((l) => l.step === 'incoming' && l.caller === caller);
}

/** The practice's phone got the call from `caller`, sent by `node`, and answered it. */
async function phoneAnswered(p: Practice, caller: string, node: NodeName): Promise<void> {
  const invite = await waitFor(`${p.phone.endpoint} rung for ${caller}`, () => phone(p).invites().find((i) => i.callerIdNumber === caller), 10_000);
  expect(invite.fromHost).toBe(LAB.nodes[node].ip);
  await waitFor(`${p.phone.endpoint} answering ${caller}`, () =>
    phone(p).messages().some((m) => m.direction === 'sent' && m.firstLine.startsWith('SIP/2.0 200') && m.headers['call-id'] === invite.callId && /INVITE/.test(m.headers.cseq ?? '')),
  );
}

/** A call to `number` from a fresh caller number, to its end. */
async function callTo(number: string, holdMs = HOLD_MS): Promise<{ caller: string; result: CallResult }> {
  const caller = nextCaller();
  const result = await lab!.call(number, caller, holdMs).result();
  return { caller, result };
}

/** The call was answered by `node`, its daemon journaled it (called number, caller) and the other did not, and the practice's phone answered it. */
async function expectServed(p: Practice, call: { caller: string; result: CallResult }, node: NodeName, called: string): Promise<void> {
  expect({ answered: call.result.answeredAt !== undefined, by: nodeOfContact(call.result.answeredContact) }).toEqual({ answered: true, by: node });
  const line = incoming(node, call.caller);
  expect(line?.callId).toBeTruthy();
  expect(line?.called).toBe(called);
  const other: NodeName = node === 'a' ? 'b' : 'a';
  expect(incoming(other, call.caller)).toBeUndefined();
  await phoneAnswered(p, call.caller, node);
  await daemon(node).waitForLine((l) => l.callId === line!.callId && l.step === 'outcome' && l.result === 'answered', 15_000);
}

async function bothUp(): Promise<void> {
  await waitFor(
    'both nodes active and probed in both sets',
    async () => {
      // AX until the first probe's answer, AP from then on.
      const d = await lab!.destinations();
      return d.length === 4 && d.every((x) => x.flags === 'AP');
    },
    15_000,
  );
}

beforeAll(async () => {
  const why = labUnavailable();
  if (why) throw new Error(why);
  lab = new Lab();
  await lab.up();
  await generateTables(tables(), PLAN, PINS);
  await lab.startKamailio(tables());
  daemons.a = lab.daemon('a', PLAN).start();
  daemons.b = lab.daemon('b', PLAN).start();
  await Promise.all([daemons.a.ready(30_000), daemons.b.ready(30_000)]);
  phones[A.name] = lab.phone(A, { answerAfterMs: 300 });
  phones[B.name] = lab.phone(B, { answerAfterMs: 300 });
  await bothUp();
}, 150_000);

afterAll(async () => {
  await Promise.all([...Object.values(phones), ...Object.values(daemons)].map((p) => p?.stop().catch(() => undefined)));
  // Whatever happened: every process in the lab's namespaces stopped, unmounted, namespaces deleted.
  await lab?.down();
}, 60_000);

describe('Kamailio in front of two nodes (issue 18)', () => {
  test('dispatcher: each practice set lists its own node first (higher priority), both probed', async () => {
    // Within a set, in Kamailio's order (the order algorithm 8 tries them); sets by id.
    const d = (await lab!.destinations()).map((x, i) => ({ ...x, i })).sort((x, y) => x.set - y.set || x.i - y.i);
    // Set ids: the practices in name order.
    expect(d.map((x) => [x.set, x.uri])).toEqual([
      [1, `sip:${LAB.nodes.a.ip}:5060`],
      [1, `sip:${LAB.nodes.b.ip}:5060`],
      [2, `sip:${LAB.nodes.b.ip}:5060`],
      [2, `sip:${LAB.nodes.a.ip}:5060`],
    ]);
    expect(d[0]!.priority).toBeGreaterThan(d[1]!.priority);
    expect(d[2]!.priority).toBeGreaterThan(d[3]!.priority);
    expect(d.map((x) => x.flags)).toEqual(['AP', 'AP', 'AP', 'AP']);
  });

  test("each practice's calls reach its own node, its daemon, its phone; an unknown number is refused", async () => {
    // cabinet-a dialled in E.164, cabinet-b in the national form: both forms are in the table.
    const [a, b, unknown] = await Promise.all([callTo('+33142000101'), callTo('0142000201'), callTo('0142009999', 1000)]);
    await expectServed(A, a, 'a', '+33142000101');
    await expectServed(B, b, 'b', '0142000201');
    expect(unknown.result.finalStatus).toBe(404);
    expect(incoming('a', unknown.caller) ?? incoming('b', unknown.caller)).toBeUndefined();
  });

  test("node a's Asterisk killed: marked down within the probing interval, cabinet-a's calls served by node b on cabinet-a's phone", async () => {
    const killedAt = lab!.killAsterisk('a');
    const markedDown = waitFor(
      'node a marked down',
      async () => ((await lab!.nodeFlags('a')).every((f) => f.startsWith('I')) ? Date.now() : undefined),
      15_000,
    );
    // Calls for cabinet-a every CALL_EVERY_MS until one is answered.
    const placed: { caller: string; at: number; call: Caller }[] = [];
    while (!placed.some((p) => answered(p.call)) && placed.length < 40) {
      const caller = nextCaller();
      placed.push({ caller, at: Date.now(), call: lab!.call('+33142000101', caller, HOLD_MS) });
      await sleep(CALL_EVERY_MS);
    }
    const downAt = await markedDown;
    const results = await Promise.all(placed.map(async (p) => ({ ...p, result: await p.call.result() })));
    const served = results.filter((r) => r.result.answeredAt !== undefined).sort((x, y) => x.result.answeredAt! - y.result.answeredAt!);
    const lost = results.filter((r) => r.result.answeredAt === undefined);
    const first = served[0];
    expect(first).toBeDefined();

    log(`node a killed → marked down by Kamailio after ${downAt - killedAt} ms (probe every 1 s, 1 s without an answer is dead)`);
    log(`node a killed → first call for cabinet-a served by node b after ${first!.result.answeredAt! - killedAt} ms (call placed at +${first!.at - killedAt} ms)`);
    const slowest = Math.max(...served.map((r) => r.result.answeredAt! - r.at));
    log(`calls for cabinet-a placed every ${CALL_EVERY_MS} ms while node a was down: ${results.length} placed, ${lost.length} lost` +
      (lost.length ? ` (final status ${lost.map((l) => l.result.finalStatus ?? 'none').join(', ')})` : '') +
      `; the served ones answered within ${slowest} ms of being placed`);

    // Served by node b, its daemon, cabinet-a's phone; node a (dead) had none of them.
    for (const r of served) {
      expect(nodeOfContact(r.result.answeredContact)).toBe('b');
      expect(incoming('a', r.caller)).toBeUndefined();
      expect(incoming('b', r.caller)?.called).toBe('+33142000101');
    }
    await phoneAnswered(A, first!.caller, 'b');
    // Kamailio noticed within the probing interval plus the probe's timeout (1 s + 1 s), with margin.
    expect(downAt - killedAt).toBeLessThan(4000);
    // A call placed before the mark-down waits for the dead node's timeout, then goes on: none lost.
    expect(lost.map((l) => l.caller)).toEqual([]);
    // cabinet-b is not disturbed.
    await expectServed(B, await callTo('+33142000201'), 'b', '+33142000201');
  });

  test('node a back: marked up again, cabinet-a returns to it', async () => {
    const d = daemon('a');
    const connectedBefore = d.lines.filter((l) => l.event === 'ari.connected').length;
    const startedAt = Date.now();
    await lab!.startAsterisk('a');
    const ariAt = Date.now();
    // The daemon stayed up and reconnects by itself (src/asterisk/connection.ts).
    expect(d.running()).toBe(true);
    await waitFor('node a\'s daemon attached again', () => d.lines.filter((l) => l.event === 'ari.connected').length > connectedBefore, 15_000);
    const attachedAt = Date.now();
    const upAt = await waitFor('node a marked up', async () => ((await lab!.nodeFlags('a')).every((f) => f.startsWith('A')) ? Date.now() : undefined), 15_000);
    const call = await callTo('+33142000101');
    log(`node a restarted → ARI answering after ${ariAt - startedAt} ms, its daemon attached after ${attachedAt - startedAt} ms, marked up by Kamailio after ${upAt - startedAt} ms`);
    log(`node a restarted → first call for cabinet-a served by node a again after ${call.result.answeredAt! - startedAt} ms`);
    await expectServed(A, call, 'a', '+33142000101');
    await expectServed(B, await callTo('+33142000201'), 'b', '+33142000201');
  });

  test('regenerated tables are picked up without a restart (kamcmd htable.reload, dispatcher.reload)', async () => {
    // The plan with a number more for cabinet-b (the daemons keep the plan they run), cabinet-b pinned to node a.
    const edited = fs.mkdtempSync(path.join(os.tmpdir(), 'accueil-scale-plan-'));
    fs.cpSync(PLAN, edited, { recursive: true });
    const planB = path.join(edited, B.name, 'plan.yaml');
    fs.writeFileSync(planB, fs.readFileSync(planB, 'utf8').replace(/^numbers:\n/m, 'numbers:\n  "+33 1 42 00 02 02": { name: Cabinet B bis, label: Cabinet B, open: { group: secretariat } }\n'));
    await generateTables(tables(), edited, { ...PINS, [B.name]: 'a' });
    try {
      await lab!.kamcmd('htable.reload', 'accueil_numbers');
      await lab!.kamcmd('dispatcher.reload');
      await waitFor('set 2 reloaded, node a first', async () => {
        const d = (await lab!.destinations()).filter((x) => x.set === 2);
        return d[0]?.uri === `sip:${LAB.nodes.a.ip}:5060` && d.every((x) => x.flags.startsWith('A'));
      });
      // The new number reaches the practice (its plan does not know it: the daemon's default answers it).
      const fresh = await callTo('+33142000202', 1000);
      expect(nodeOfContact(fresh.result.answeredContact)).toBe('a');
      expect(incoming('a', fresh.caller)?.called).toBe('+33142000202');
      await expectServed(B, await callTo('+33142000201'), 'a', '+33142000201');
    } finally {
      fs.rmSync(edited, { recursive: true, force: true });
      await generateTables(tables(), PLAN, PINS);
      await lab!.kamcmd('htable.reload', 'accueil_numbers');
      // dispatcher.reload is rate-limited (reload_delta, 1 s).
      await sleep(1100);
      await lab!.kamcmd('dispatcher.reload');
    }
    await waitFor('set 2 back to node b first', async () => (await lab!.destinations()).find((x) => x.set === 2)?.uri === `sip:${LAB.nodes.b.ip}:5060`);
    expect((await callTo('+33142000202', 1000)).result.finalStatus).toBe(404);
  });
});
