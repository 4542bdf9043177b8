// A plan crosses from the reader's thread to the daemon's (offThread.ts) as what changed
// since the last plan sent, in pieces of at most PIECE_ENTRIES entries, each a message of
// its own. The daemon's thread rebuilds the plan from the last one it received: an entry
// that did not change is the very same object as before, which the reload's diff sees at
// once. A one-line edit of a 10,000-number plan then costs the daemon's thread what
// changed, and a plan arriving whole costs it no single long task (each message is read
// in a task of its own). Measured in docs/performance.md.

import type { LoadResult } from './load';

/** The sections sent entry by entry; everything else of a plan is small and sent whole. */
export const PLAN_SECTIONS = ['numbers', 'groups', 'voicemail', 'lines', 'calendars', 'menus', 'announcements', 'trunks'] as const;
type Section = (typeof PLAN_SECTIONS)[number];

/** At most this many entries in one message (a few milliseconds to read). */
export const PIECE_ENTRIES = 500;

type PlanLike = Record<string, unknown>;

/** Entries of one section of one plan, new or changed. */
export interface PlanPiece {
  slot: string;
  section: Section;
  set: Record<string, unknown>;
}

/** What stands for a plan in the result message: its small fields, and which sections it has. */
export interface PlanShell {
  planShell: true;
  slot: string;
  /** The serial of the plan this one was sent against (0: none, sent whole). */
  base: number;
  serial: number;
  top: PlanLike;
  sections: Section[];
  /** A section's names in order, when they are not the last plan's in the same order (added, removed, moved): the rest are gone. */
  orders: Partial<Record<Section, string[]>>;
}

export const isPlanShell = (v: unknown): v is PlanShell => typeof v === 'object' && v !== null && (v as PlanShell).planShell === true;

/** A load's plans by slot: the folder's plan, and each practice's. */
const PLAN_SLOT = 'plan';
const practiceSlot = (name: string): string => `practice:${name}`;

/** The slots of a load's result, the ones both sides keep (a practice whose folder is gone is forgotten). */
export function slotsOf(result: LoadResult): string[] {
  return [PLAN_SLOT, ...(result.practices ?? []).map((p) => practiceSlot(p.name))];
}

/** The result with each of its plans replaced by what `replace` makes of it, given its slot (in the order of slotsOf). */
export function replacePlans(result: LoadResult, replace: (slot: string, plan: object) => unknown): LoadResult {
  const out = (result.ok ? { ...result, plan: replace(PLAN_SLOT, result.plan) } : { ...result }) as LoadResult;
  if (result.practices) out.practices = result.practices.map((p) => (p.ok ? { ...p, plan: replace(practiceSlot(p.name), p.plan) } : p) as typeof p);
  return out;
}

function forgetOtherSlots(bySlot: Map<string, unknown>, slots: Iterable<string>): void {
  const keep = new Set(slots);
  for (const slot of [...bySlot.keys()]) if (!keep.has(slot)) bySlot.delete(slot);
}

/** The reader's side: remembers, per slot, each entry's JSON as last sent. */
export class PlanSender {
  private readonly last = new Map<string, { serial: number; json: Map<Section, Map<string, string>> }>();
  private serial = 0;

  private static sameOrder(was: Map<string, string> | undefined, names: string[]): boolean {
    if (!was || was.size !== names.length) return false;
    let i = 0;
    for (const name of was.keys()) if (name !== names[i++]) return false;
    return true;
  }

  /** The pieces to post (in order, before the shell) and the shell standing for `plan`. */
  send(slot: string, plan: PlanLike): { pieces: PlanPiece[]; shell: PlanShell } {
    const before = this.last.get(slot);
    const json = new Map<Section, Map<string, string>>();
    const pieces: PlanPiece[] = [];
    const top: PlanLike = {};
    const sections: Section[] = [];
    const orders: PlanShell['orders'] = {};
    for (const [key, value] of Object.entries(plan)) if (!(PLAN_SECTIONS as readonly string[]).includes(key)) top[key] = value;
    for (const section of PLAN_SECTIONS) {
      const entries = plan[section] as Record<string, unknown> | undefined;
      if (entries === undefined) continue;
      sections.push(section);
      const was = before?.json.get(section);
      const names = Object.keys(entries);
      if (!PlanSender.sameOrder(was, names)) orders[section] = names;
      const now = new Map<string, string>();
      json.set(section, now);
      let piece: PlanPiece = { slot, section, set: {} };
      let count = 0;
      for (const name of names) {
        const entry = entries[name];
        const text = JSON.stringify(entry);
        now.set(name, text);
        if (was?.get(name) === text) continue;
        if (count === PIECE_ENTRIES) {
          pieces.push(piece);
          piece = { slot, section, set: {} };
          count = 0;
        }
        piece.set[name] = entry;
        count++;
      }
      if (count > 0) pieces.push(piece);
    }
    const serial = ++this.serial;
    this.last.set(slot, { serial, json });
    return { pieces, shell: { planShell: true, slot, base: before?.serial ?? 0, serial, top, sections, orders } };
  }

  /** Forgets the slots not in `slots` (a practice whose folder is gone). */
  keepOnly(slots: Iterable<string>): void {
    forgetOtherSlots(this.last, slots);
  }
}

/** The daemon's side: the last plan received per slot, and the pieces of the next. */
export class PlanReceiver {
  private readonly last = new Map<string, { serial: number; plan: PlanLike }>();
  private readonly pieces = new Map<string, PlanPiece[]>();

  take(piece: PlanPiece): void {
    const list = this.pieces.get(piece.slot);
    if (list) list.push(piece);
    else this.pieces.set(piece.slot, [piece]);
  }

  /** The plan a shell stands for, from its pieces and the last plan of its slot; throws if the two sides disagree. */
  plan(shell: PlanShell): PlanLike {
    const pieces = this.pieces.get(shell.slot) ?? [];
    this.pieces.delete(shell.slot);
    const before = this.last.get(shell.slot);
    if ((before?.serial ?? 0) !== shell.base) throw new Error(`plan transfer out of step (${shell.slot}: ${before?.serial ?? 0} here, ${shell.base} sent against)`);
    const plan: PlanLike = { ...shell.top };
    for (const section of shell.sections) {
      const mine = pieces.filter((p) => p.section === section);
      const previous = before?.plan[section] as Record<string, unknown> | undefined;
      const order = shell.orders[section];
      // Unchanged: the same section object; changed: a copy sharing every unchanged entry.
      if (previous && mine.length === 0 && !order) {
        plan[section] = previous;
        continue;
      }
      const set: Record<string, unknown> = {};
      for (const p of mine) Object.assign(set, p.set);
      if (order) {
        const entries: Record<string, unknown> = {};
        for (const name of order) entries[name] = name in set ? set[name] : previous?.[name];
        plan[section] = entries;
      } else {
        plan[section] = Object.assign({ ...previous }, set); // the same names in the same order
      }
    }
    this.last.set(shell.slot, { serial: shell.serial, plan });
    return plan;
  }

  keepOnly(slots: Iterable<string>): void {
    forgetOtherSlots(this.last, slots);
    this.pieces.clear();
  }
}
