// Wall clock ↔ instants in an IANA zone, daylight saving included.
// Rule of the house: the *local wall-clock* reading decides. A wall time that does
// not exist (spring-forward gap) is never reached, so the state changes at the
// transition itself; a wall time that exists twice (autumn repeated hour) is
// reached twice, and both instants behave the same.

import { IANAZone } from 'luxon';
import { DAY_MS, MINUTE_MS } from './civil';

const zones = new Map<string, IANAZone>();

export function zoneOf(name: string): IANAZone {
  let z = zones.get(name);
  if (!z) {
    z = IANAZone.create(name);
    if (!z.isValid) throw new Error(`unknown time zone "${name}"`);
    zones.set(name, z);
  }
  return z;
}

/** Offset from UTC in minutes at instant `ms`. */
export function offsetAt(zone: IANAZone, ms: number): number {
  return zone.offset(ms);
}

/** The wall-clock reading (naive ms) at instant `ms`. */
export function toNaive(zone: IANAZone, ms: number): number {
  return ms + zone.offset(ms) * MINUTE_MS;
}

/** Every instant whose wall-clock reading is `naive`: none in a gap, two in a repeated hour. */
export function naiveToInstants(zone: IANAZone, naive: number): number[] {
  // Offsets in force a day either side cover the one or two offsets that can apply.
  const offsets = new Set([zone.offset(naive - DAY_MS), zone.offset(naive + DAY_MS)]);
  const out: number[] = [];
  for (const o of offsets) {
    const ms = naive - o * MINUTE_MS;
    if (zone.offset(ms) === o && !out.includes(ms)) out.push(ms);
  }
  return out.sort((a, b) => a - b);
}

/** Instants in (fromMs, toMs] where the zone's offset changes. */
export function transitionsBetween(zone: IANAZone, fromMs: number, toMs: number): number[] {
  // Zones do not change offset twice within a week (the closest pairs in tzdb, Morocco's
  // Ramadan suspensions, are about a month apart), so a weekly probe finds every change.
  const step = 7 * DAY_MS;
  const out: number[] = [];
  let a = fromMs;
  let oa = zone.offset(a);
  while (a < toMs) {
    const b = Math.min(a + step, toMs);
    const ob = zone.offset(b);
    if (ob !== oa) out.push(findTransition(zone, a, b));
    a = b;
    oa = ob;
  }
  return out;
}

/** First instant in (lo, hi] whose offset differs from the offset at lo (binary search to the ms). */
function findTransition(zone: IANAZone, lo: number, hi: number): number {
  const before = zone.offset(lo);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (zone.offset(mid) === before) lo = mid;
    else hi = mid;
  }
  return hi;
}

/**
 * A zone's offsets over a window (a margin of a day either side), looked up once:
 * converting thousands of candidate instants then costs no Intl call.
 */
export class WindowOffsets {
  readonly transitions: number[];
  private readonly starts: number[];
  private readonly values: number[];

  constructor(zone: IANAZone, fromMs: number, toMs: number) {
    const lo = fromMs - 2 * DAY_MS;
    const hi = toMs + 2 * DAY_MS;
    const all = transitionsBetween(zone, lo, hi);
    this.transitions = all.filter((t) => t > fromMs && t <= toMs);
    this.starts = [-Infinity, ...all];
    this.values = [zone.offset(lo), ...all.map((t) => zone.offset(t))];
  }

  /** Offset (minutes) at instant `ms`; only meaningful within the window and its margin. */
  offset(ms: number): number {
    let i = this.starts.length - 1;
    while (i > 0 && this.starts[i]! > ms) i--;
    return this.values[i]!;
  }

  toNaive(ms: number): number {
    return ms + this.offset(ms) * MINUTE_MS;
  }

  /** As naiveToInstants, with the window's offsets. */
  toInstants(naive: number): number[] {
    const out: number[] = [];
    for (const o of new Set(this.values)) {
      const ms = naive - o * MINUTE_MS;
      if (this.offset(ms) === o && !out.includes(ms)) out.push(ms);
    }
    return out.sort((a, b) => a - b);
  }
}
