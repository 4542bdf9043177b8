// Who is presented to which line: the waiting callers of every group and the state of
// every line, from Asterisk's device states and from Accueil's own presentations.
//
// Deterministic and clock-free: every method that depends on time takes `now` (epoch
// ms). The executor (daemon or simulator) feeds it device states and the flow's queue
// actions (enqueue / released / dequeue), then calls `dispatch(now)` and hands each
// offer to its caller's flow as an `offer` event. Rules: docs/flow.md, "Waiting".

import type { ReleaseCause } from '../flow/contract';
import type { Group } from '../plan/types';
import { deviceStatus, type LineStatus } from './device-state';
import { rotate } from './rotate';

/** What the dispatcher needs of a group (the caller's plan version: a reload changes only new callers). */
export type QueueGroup = Pick<Group, 'name' | 'lines' | 'strategy' | 'retryPause' | 'wrapUp' | 'whenUnavailable'>;

/** Why a presentation or a conversation ended (the flow's `released` action). */
export type { ReleaseCause };

export interface Offer {
  callerId: string;
  group: string;
  /** Lines now reserved for this caller, in the order to ring them. */
  lines: string[];
}

export interface Overflow {
  callerId: string;
  group: string;
  /** unavailable: every line is unavailable (whenUnavailable: overflow); refused: every line refused this caller. */
  reason: 'unavailable' | 'refused';
}

/** Journal text for an overflow decided by the dispatcher (the flow's `overflow` event reason). */
export function describeOverflow(reason: Overflow['reason']): string {
  return reason === 'refused' ? 'every line refused the call' : 'every line of the group is unavailable';
}

export interface Dispatch {
  offers: Offer[];
  /** Callers taken out of the queue: send each to its group's overflow. */
  overflows: Overflow[];
  /** When a pause or wrap-up ends and `dispatch` should run again; undefined: only an event can change things. */
  nextWakeAt: number | undefined;
}

export interface WaitingCaller {
  callerId: string;
  group: string;
  since: number;
  deadline: number;
  /** Lines presented to this caller now. */
  ringing: string[];
}

/**
 * A presentation that failed at once (busy because the line is in use, unavailable,
 * failed) pauses the line for that caller at least this long, even with retryPause 0:
 * a stale device state must not make the executor dial the same dead line in a loop.
 */
export const MIN_FAILURE_PAUSE_MS = 1_000;

/**
 * A line is not presented to a caller whose maximum wait ends sooner than this
 * (or than half its maximum wait, for very short ones): the phone would ring for
 * an instant and be cancelled. The caller goes to its overflow at its deadline.
 */
export const MIN_PRESENTATION_MS = 2_000;

interface Caller {
  readonly id: string;
  readonly group: QueueGroup;
  readonly since: number;
  readonly deadline: number;
  readonly seq: number;
  readonly reserved: Set<string>;
  /** line → until when it is not presented to this caller again (retry pause). */
  readonly pausedUntil: Map<string, number>;
  /** Lines that answered this caller 486 while Asterisk saw them free: a human refused, not presented again. */
  readonly refused: Set<string>;
  /** Lines whose dial failed as unavailable for this caller (until their device state changes). */
  readonly unreachable: Set<string>;
  /** linear / rrmemory: the last line presented; the next presentation starts after it. */
  last: string | undefined;
}

interface LineRecord {
  device: LineStatus;
  /** The caller this line is presented to (ringing for Accueil). */
  reservedBy: string | undefined;
  /** The caller talking on it, answered through a group. */
  talking: string | undefined;
  /** End of the last conversation on the line: wrap-up runs from here. */
  freedAt: number | undefined;
}

export interface DispatcherOptions {
  /** rrmemory: group → the line that last answered a call of that group (carried across restarts or simulations). */
  rrMemory?: Readonly<Record<string, string>>;
}

export class Dispatcher {
  private readonly lines = new Map<string, LineRecord>();
  private readonly callers = new Map<string, Caller>();
  private readonly lastAnswered = new Map<string, string>();
  private seq = 0;

  constructor(options: DispatcherOptions = {}) {
    for (const [g, l] of Object.entries(options.rrMemory ?? {})) this.lastAnswered.set(g, l);
  }

  // ── lines ───────────────────────────────────────────────────────────────────

  /** Asterisk reported a device state ("NOT_INUSE", "INUSE", …) for a line. */
  deviceState(line: string, state: string, now: number): void {
    const rec = this.line(line);
    const next = deviceStatus(state);
    if (rec.device === 'inUse' && next === 'free') {
      // A conversation ended (ours or not): wrap-up starts. A missed `ended` release
      // must not keep the line busy forever, so the device's word clears it too.
      rec.freedAt = Math.max(rec.freedAt ?? now, now);
      rec.talking = undefined;
    }
    rec.device = next;
    // New information about the line: an earlier "unavailable" dial is no longer the last word.
    if (next !== 'unavailable') for (const c of this.callers.values()) c.unreachable.delete(line);
  }

  /** The line as a caller would see it: Accueil's own presentations and conversations first, then Asterisk's word. */
  lineStatus(line: string): LineStatus {
    const rec = this.lines.get(line);
    if (!rec) return 'free';
    if (rec.device === 'unavailable') return 'unavailable';
    if (rec.talking !== undefined) return 'inUse';
    if (rec.reservedBy !== undefined) return 'ringing';
    return rec.device;
  }

  /** Until when the line is in wrap-up for callers of `group`, or undefined if it is not. */
  wrapUpUntil(line: string, group: Pick<Group, 'wrapUp'>, now: number): number | undefined {
    const freedAt = this.lines.get(line)?.freedAt;
    if (freedAt === undefined) return undefined;
    const until = freedAt + group.wrapUp;
    return until > now ? until : undefined;
  }

  // ── callers ─────────────────────────────────────────────────────────────────

  /**
   * A caller entered a group: it waits from `since` until `deadline` (entry + maxWait).
   * A caller picked up again after a daemon restart keeps its original `since` (its
   * place) and the lines still ringing for it stay reserved to it.
   */
  enqueue(callerId: string, group: QueueGroup, since: number, deadline: number, ringing: readonly string[] = []): void {
    if (this.callers.has(callerId)) this.remove(callerId); // moved from one group to the next
    this.seq += 1;
    const caller: Caller = {
      id: callerId,
      group,
      since,
      deadline,
      seq: this.seq,
      reserved: new Set(),
      pausedUntil: new Map(),
      refused: new Set(),
      unreachable: new Set(),
      last: undefined,
    };
    this.callers.set(callerId, caller);
    for (const line of ringing) this.reserve(caller, line);
  }

  /**
   * The caller left the queue: answered (`answeredBy`: that line is now in a
   * conversation), overflowed, or hung up. Every line it held is free again. Idempotent.
   */
  dequeue(callerId: string, _now: number, answeredBy?: string): void {
    const caller = this.callers.get(callerId);
    if (answeredBy !== undefined) {
      const rec = this.line(answeredBy);
      rec.talking = callerId;
      if (rec.reservedBy === callerId) rec.reservedBy = undefined;
      if (caller) this.lastAnswered.set(caller.group.name, answeredBy);
    }
    if (caller) this.remove(callerId);
  }

  /** A presentation ended without a conversation, or a conversation ended (`ended`). */
  released(callerId: string, line: string, cause: ReleaseCause, now: number): void {
    const rec = this.line(line);
    if (cause === 'ended') {
      rec.talking = undefined;
      rec.freedAt = Math.max(rec.freedAt ?? now, now);
      return;
    }
    if (rec.reservedBy === callerId) rec.reservedBy = undefined;
    const caller = this.callers.get(callerId);
    if (!caller) return;
    caller.reserved.delete(line);
    const g = caller.group;
    const failurePause = Math.max(g.retryPause, MIN_FAILURE_PAUSE_MS);
    switch (cause) {
      case 'noanswer':
        caller.pausedUntil.set(line, now + g.retryPause);
        return;
      case 'busy':
        // Busy while in use is a race (someone picked up meanwhile): try again later.
        // Busy while Asterisk saw the line free is a human pressing "reject": not again.
        if (rec.device === 'inUse') caller.pausedUntil.set(line, now + failurePause);
        else caller.refused.add(line);
        return;
      case 'unavailable':
        caller.unreachable.add(line);
        caller.pausedUntil.set(line, now + failurePause);
        return;
      case 'failed':
        caller.pausedUntil.set(line, now + failurePause);
        return;
      case 'cancelled':
        return;
    }
  }

  /**
   * The decisions to take now, committed: offered lines are reserved until the flow
   * releases them or the caller leaves. Callers are served in arrival order across all
   * groups, so a line that frees goes to the caller who has waited longest among the
   * groups that include it.
   */
  dispatch(now: number): Dispatch {
    const offers: Offer[] = [];
    const overflows: Overflow[] = [];
    // Whether a group has a free line at all, looked at once per group: a presentation
    // only takes free lines, so a group with none now gets none in this round. Under
    // load (every line busy, many waiting) this keeps a round linear in callers + lines.
    const hasFree = new Map<QueueGroup, boolean>();
    const anyFree = (g: QueueGroup): boolean => {
      let known = hasFree.get(g);
      if (known === undefined) hasFree.set(g, (known = g.lines.some((l) => this.lineStatus(l) === 'free')));
      return known;
    };
    for (const caller of this.inOrder()) {
      if (caller.deadline <= now) continue; // its own max-wait timer takes it out
      const hopeless = this.hopeless(caller);
      if (hopeless) {
        overflows.push({ callerId: caller.id, group: caller.group.name, reason: hopeless });
        this.remove(caller.id);
        continue;
      }
      if (caller.deadline - now < Math.min(MIN_PRESENTATION_MS, (caller.deadline - caller.since) / 2)) continue; // too late to ring a phone
      if (!anyFree(caller.group)) continue;
      const picked = this.pick(caller, now);
      for (const line of picked) this.reserve(caller, line);
      if (picked.length) offers.push({ callerId: caller.id, group: caller.group.name, lines: picked });
    }
    return { offers, overflows, nextWakeAt: this.nextWakeAt(now) };
  }

  /**
   * The earliest future instant when a pause or a wrap-up ends for a waiting caller:
   * only lines in wrap-up (found once per group) or paused for a caller can end one.
   */
  nextWakeAt(now: number): number | undefined {
    let next: number | undefined;
    const wrapUps = new Map<QueueGroup, Map<string, number>>();
    const wrapUpsOf = (g: QueueGroup): Map<string, number> => {
      let ends = wrapUps.get(g);
      if (!ends) {
        ends = new Map();
        for (const line of g.lines) {
          const until = this.wrapUpUntil(line, g, now);
          if (until !== undefined) ends.set(line, until);
        }
        wrapUps.set(g, ends);
      }
      return ends;
    };
    for (const c of this.callers.values()) {
      if (c.deadline <= now) continue;
      const ends = wrapUpsOf(c.group);
      const candidates = new Set([...ends.keys(), ...[...c.pausedUntil].filter(([, until]) => until > now).map(([line]) => line)]);
      for (const line of candidates) {
        if (this.lineStatus(line) !== 'free' || c.refused.has(line)) continue;
        const at = Math.max(c.pausedUntil.get(line) ?? 0, ends.get(line) ?? 0);
        if (at > now && (next === undefined || at < next)) next = at;
      }
    }
    return next;
  }

  /** A reload removed this group: its waiting callers leave the queue; send them to the group's overflow (their plan has it). */
  groupRemoved(group: string): string[] {
    const gone = this.inOrder().filter((c) => c.group.name === group).map((c) => c.id);
    for (const id of gone) this.remove(id);
    return gone;
  }

  /** After a reload: every waiting caller whose group is not in the new plan leaves the queue (see groupRemoved). */
  reload(groups: Readonly<Record<string, unknown>>): { callerId: string; group: string }[] {
    const removed = new Set([...this.callers.values()].map((c) => c.group.name).filter((g) => !(g in groups)));
    return [...removed].flatMap((g) => this.groupRemoved(g).map((callerId) => ({ callerId, group: g })));
  }

  /** 1 + the callers ahead: those who arrived earlier in a group sharing a line with this caller's. */
  position(callerId: string): number | undefined {
    const me = this.callers.get(callerId);
    if (!me) return undefined;
    const mine = new Set(me.group.lines);
    return 1 + this.inOrder().filter((c) => before(c, me) && c.group.lines.some((l) => mine.has(l))).length;
  }

  waiting(): WaitingCaller[] {
    return this.inOrder().map((c) => ({ callerId: c.id, group: c.group.name, since: c.since, deadline: c.deadline, ringing: [...c.reserved] }));
  }

  isWaiting(callerId: string): boolean {
    return this.callers.has(callerId);
  }

  /** rrmemory: group → the line that last answered a call of that group. */
  rrMemory(): Record<string, string> {
    return Object.fromEntries(this.lastAnswered);
  }

  // ── internals ───────────────────────────────────────────────────────────────

  private line(name: string): LineRecord {
    let rec = this.lines.get(name);
    if (!rec) {
      // Never reported yet: free until Asterisk says otherwise (the dial will tell).
      rec = { device: 'free', reservedBy: undefined, talking: undefined, freedAt: undefined };
      this.lines.set(name, rec);
    }
    return rec;
  }

  /** The line is presented to this caller (ringing for it) until released or the caller leaves. */
  private reserve(caller: Caller, line: string): void {
    this.line(line).reservedBy = caller.id;
    caller.reserved.add(line);
    caller.last = line;
  }

  private remove(callerId: string): void {
    const caller = this.callers.get(callerId);
    if (!caller) return;
    for (const l of caller.reserved) {
      const rec = this.line(l);
      if (rec.reservedBy === callerId) rec.reservedBy = undefined;
    }
    this.callers.delete(callerId);
  }

  private inOrder(): Caller[] {
    return [...this.callers.values()].sort((a, b) => (before(a, b) ? -1 : 1));
  }

  /** Why nothing can ever be presented to this caller in its group, if so. */
  private hopeless(c: Caller): Overflow['reason'] | undefined {
    const lines = c.group.lines;
    if (lines.length === 0) return 'unavailable';
    if (lines.every((l) => c.refused.has(l))) return 'refused';
    if (c.group.whenUnavailable !== 'overflow') return undefined;
    const out = (l: string): boolean => c.refused.has(l) || c.unreachable.has(l) || this.lineStatus(l) === 'unavailable';
    return lines.every(out) ? 'unavailable' : undefined;
  }

  private eligible(c: Caller, line: string, now: number): boolean {
    return (
      this.lineStatus(line) === 'free' &&
      !c.refused.has(line) &&
      (c.pausedUntil.get(line) ?? 0) <= now &&
      this.wrapUpUntil(line, c.group, now) === undefined
    );
  }

  /** Lines to present now: ringall every eligible line; linear / rrmemory the next one, if the caller rings none. */
  private pick(c: Caller, now: number): string[] {
    const g = c.group;
    if (g.strategy === 'ringall') return g.lines.filter((l) => !c.reserved.has(l) && this.eligible(c, l, now));
    // A presented line that went unavailable is skipped: the next one may ring meanwhile.
    const live = [...c.reserved].some((l) => this.lineStatus(l) !== 'unavailable');
    if (live) return [];
    const next = rotate(g.lines, c.last ?? (g.strategy === 'rrmemory' ? this.lastAnswered.get(g.name) : undefined)).find(
      (l) => !c.reserved.has(l) && this.eligible(c, l, now),
    );
    return next === undefined ? [] : [next];
  }
}

function before(a: Caller, b: Caller): boolean {
  return a.since < b.since || (a.since === b.since && a.seq < b.seq);
}

export { rotate };
