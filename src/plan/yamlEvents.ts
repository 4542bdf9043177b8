// The fast reading of a plain plan: js-yaml's event stream (parseEvents: one flat list of
// events with source offsets, about ten times faster than the `yaml` package's document
// model here) turned into the same data and positions as yamlTree.ts' reading.
//
// It reads only what it can read exactly as the reference does: one document, no
// directive, no tag, scalar keys each written once, aliases to finished anchors, within
// the bounds of limits.ts. Anything else (and every YAML error) returns undefined, and the
// caller reads the file again with the `yaml` package, whose messages and positions the
// plan's errors have always used. A unit test checks both readings agree wherever this
// one answers (test/unit/plan/yamlEvents.test.ts).

import { parseEvents, getScalarValue, EVENT_ID, SCALAR_STYLE, type Event, type ScalarEvent } from 'js-yaml';
import { MAX_ALIAS_USES, MAX_DEPTH, MAX_NODES } from './limits';
import type { ParsedFile, Pos, PositionLookup } from './positions';

/** Where each line starts, for offset → line and column (1-based, as the `yaml` package counts). */
class LineIndex {
  private readonly starts: number[] = [0];
  /** The line of the last offset asked: the reading mostly moves forward, a line or two at a time. */
  private last = 0;

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  /** The 0-based line holding `offset`. */
  lineAt(offset: number): number {
    const s = this.starts;
    let lo = this.last;
    if (s[lo]! <= offset && (lo + 1 >= s.length || s[lo + 1]! > offset)) return lo;
    if (lo + 2 < s.length && s[lo + 1]! <= offset && s[lo + 2]! > offset) return (this.last = lo + 1);
    lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return (this.last = lo);
  }

  at(offset: number): { line: number; col: number } {
    const l = this.lineAt(offset);
    return { line: l + 1, col: offset - this.starts[l]! + 1 };
  }

  /** The text of the line holding `offset`. */
  lineOf(text: string, offset: number): { start: number; text: string } {
    const start = this.starts[this.lineAt(offset)]!;
    const end = text.indexOf('\n', start);
    return { start, text: text.slice(start, end < 0 ? text.length : end) };
  }
}

/** A plain scalar's value under the YAML 1.2 core schema, as the `yaml` package resolves it. */
export function coreScalar(s: string): unknown {
  if (s === '' || s === '~' || s === 'null' || s === 'Null' || s === 'NULL') return null;
  const c = s.charCodeAt(0);
  // Every non-null core form starts with a digit, a sign, a dot, or t/T/f/F: the rest are strings.
  if (!((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46 || c === 116 || c === 84 || c === 102 || c === 70)) return s;
  if (/^(?:[Tt]rue|TRUE)$/.test(s)) return true;
  if (/^(?:[Ff]alse|FALSE)$/.test(s)) return false;
  if (/^0o[0-7]+$/.test(s)) return parseInt(s.substring(2), 8);
  if (/^[-+]?[0-9]+$/.test(s)) return parseInt(s, 10);
  if (/^0x[0-9a-fA-F]+$/.test(s)) return parseInt(s.substring(2), 16);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(s)) return s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? -Infinity : Infinity;
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(s) || /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(s)) return parseFloat(s);
  return s;
}

/** Thrown inside the reading when the file is not one this reader reads exactly: the caller falls back. */
class NotPlain extends Error {}
function notPlain(): never {
  throw new NotPlain();
}

const BLOCK_HEADER = /[|>][-+1-9]{0,2}[ \t]*(?:#.*)?\r?$/;

/** The file read from js-yaml's events, or undefined when it must be read by the `yaml` package. */
export function parseYamlEvents(file: string, text: string): ParsedFile | undefined {
  // A carriage return alone ends a line for js-yaml, not for the `yaml` package.
  if (/\r(?!\n)/.test(text)) return undefined;
  let events: Event[];
  try {
    events = parseEvents(text, { maxDepth: MAX_DEPTH + 1 });
  } catch {
    return undefined; // a YAML error: the reference reading words it
  }
  try {
    return read(file, text, events);
  } catch (e) {
    if (e instanceof NotPlain) return undefined;
    throw e;
  }
}

function read(file: string, text: string, events: Event[]): ParsedFile {
  const docs = events.filter((e) => e.type === EVENT_ID.DOCUMENT);
  if (docs.length === 0) return { data: undefined, positions: new Map(), errors: [], broken: false }; // only comments
  if (docs.length > 1 || events[0]!.type !== EVENT_ID.DOCUMENT || docs[0]!.directives.length > 0) notPlain();
  const reading = new EventReading(text, events);
  const data = reading.node(1, 0);
  // Only the flat arrays stay with the positions: the events and the text go with the reading.
  return { data, positions: new EventPositions(file, reading.places), errors: [], broken: false };
}

/**
 * What positions need of each event, in flat arrays (the events themselves, a hundred
 * bytes each, are not kept: a plan of 10,000 numbers has 670,000 of them, and a map of
 * its 250,000 paths cost more than the reading itself).
 */
interface EventPlaces {
  lines: LineIndex;
  /** Each event's kind (EVENT_ID). */
  kind: Uint8Array;
  /** Where the reference places each node (for a key: where the key is written). */
  place: Int32Array;
  /** For each node's first event, the event after its last. */
  end: Int32Array;
  /** For each alias, the event of its anchor (the last one of that name before it). */
  target: Int32Array;
  /** For each key's event, its name. */
  keyName: string[];
}

/** One file's events → data, node by node. */
class EventReading implements EventPlaces {
  readonly lines: LineIndex;
  readonly kind: Uint8Array;
  readonly place: Int32Array;
  readonly end: Int32Array;
  readonly target: Int32Array;
  readonly keyName: string[];
  private nodes = 0;
  private aliasUses = 0;

  constructor(
    private readonly text: string,
    private readonly events: Event[],
  ) {
    this.lines = new LineIndex(text);
    const n = events.length;
    this.kind = new Uint8Array(n);
    this.place = new Int32Array(n);
    this.end = new Int32Array(n);
    this.target = new Int32Array(n);
    this.keyName = new Array<string>(n);
    const anchorAt = new Map<string, number>();
    const open: number[] = [];
    for (let i = 1; i < n; i++) {
      const e = events[i]!;
      this.kind[i] = e.type;
      if (e.type === EVENT_ID.POP) {
        const o = open.pop();
        if (o !== undefined) this.end[o] = i + 1;
        continue;
      }
      if (e.type === EVENT_ID.ALIAS) {
        const target = anchorAt.get(text.slice(e.anchorStart, e.anchorEnd));
        // An alias to an unknown anchor, or to one still open (a loop): the reference words it.
        if (target === undefined || open.includes(target)) notPlain();
        this.target[i] = target;
        this.end[i] = i + 1;
        this.place[i] = e.anchorStart - 1; // at the "*" the user wrote
        continue;
      }
      if (e.type === EVENT_ID.DOCUMENT || e.tagStart !== -1) notPlain();
      if (e.anchorStart !== -1) anchorAt.set(text.slice(e.anchorStart, e.anchorEnd), i);
      if (e.type === EVENT_ID.SCALAR) {
        this.end[i] = i + 1;
        if (e.valueStart !== -1) this.place[i] = this.scalarStart(e);
        else this.place[i] = -1; // an empty value: placed by its key (below)
      } else {
        this.place[i] = e.start;
        open.push(i);
      }
    }
  }

  /** The arrays the positions are answered from (without the events and the text). */
  get places(): EventPlaces {
    const { lines, kind, place, end, target, keyName } = this;
    return { lines, kind, place, end, target, keyName };
  }

  /** The value of the node starting at event i (an alias's target read again, as the reference expands it). */
  node(i: number, depth: number): unknown {
    if (++this.nodes > MAX_NODES || depth > MAX_DEPTH) notPlain();
    const e = this.events[i]!;
    switch (e.type) {
      case EVENT_ID.ALIAS:
        if (++this.aliasUses > MAX_ALIAS_USES) notPlain();
        return this.node(this.target[i]!, depth);
      case EVENT_ID.SCALAR: {
        if (e.valueStart === -1) {
          if (this.place[i] === -1) notPlain(); // an empty list item: placed by the reference
          return null;
        }
        const s = getScalarValue(this.text, e);
        return e.style === SCALAR_STYLE.PLAIN ? coreScalar(s) : s;
      }
      case EVENT_ID.SEQUENCE: {
        const out: unknown[] = [];
        for (let j = i + 1; this.kind[j] !== EVENT_ID.POP; j = this.end[j]!) out.push(this.node(j, depth + 1));
        return out;
      }
      case EVENT_ID.MAPPING: {
        const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
        for (let j = i + 1; this.kind[j] !== EVENT_ID.POP; ) {
          const k = this.events[j]!;
          if (k.type !== EVENT_ID.SCALAR || k.valueStart === -1 || k.style > SCALAR_STYLE.DOUBLE_QUOTED) notPlain();
          const name = getScalarValue(this.text, k);
          if (name in out) notPlain(); // a duplicate: the reference words it with both places
          this.keyName[j] = name;
          const v = j + 1;
          const value = this.events[v]!;
          if (value.type === EVENT_ID.SCALAR && value.valueStart === -1) this.place[v] = this.afterColon(k);
          out[name] = this.node(v, depth + 1);
          j = this.end[v]!;
        }
        return out;
      }
      default:
        return notPlain();
    }
  }

  /** Where the reference places a scalar: its first character, its opening quote, its block header. */
  private scalarStart(e: ScalarEvent): number {
    if (e.style === SCALAR_STYLE.PLAIN) return e.valueStart;
    if (e.style === SCALAR_STYLE.SINGLE_QUOTED || e.style === SCALAR_STYLE.DOUBLE_QUOTED) return e.valueStart - 1;
    // A block scalar's text starts on the line after its header ("|" or ">").
    const header = this.lines.lineOf(this.text, e.valueStart - 1);
    const m = BLOCK_HEADER.exec(header.text);
    return m ? header.start + m.index : notPlain();
  }

  /** After a key: the offset past its ":" and the blanks after it (where the reference places an empty value). */
  private afterColon(key: ScalarEvent): number {
    const t = this.text;
    let i = key.style === SCALAR_STYLE.PLAIN ? key.valueEnd : key.valueEnd + 1;
    while (t[i] === ' ' || t[i] === '\t') i++;
    if (t[i] !== ':') notPlain();
    i++;
    while (t[i] === ' ' || t[i] === '\t') i++;
    return i;
  }
}

/**
 * Positions answered from the reading's arrays: a pointer is walked through the events
 * (through an alias to its anchor, as the reference expands it), each mapping's names
 * indexed the first time a pointer goes through it.
 */
class EventPositions implements PositionLookup {
  private readonly children = new Map<number, Map<string, number> | number[]>();

  constructor(
    private readonly file: string,
    private readonly r: EventPlaces,
  ) {}

  get(ptr: string): Pos | undefined {
    const { kind, place, target } = this.r;
    let i = 1;
    let keyAt = -1;
    for (let start = 1; start <= ptr.length && ptr !== ''; ) {
      let stop = ptr.indexOf('/', start);
      if (stop < 0) stop = ptr.length;
      const raw = ptr.slice(start, stop);
      const seg = raw.includes('~') ? raw.replace(/~1/g, '/').replace(/~0/g, '~') : raw;
      start = stop + 1;
      let c = i;
      while (kind[c] === EVENT_ID.ALIAS) c = target[c]!;
      const found = this.child(c, seg);
      if (found === undefined) return undefined;
      if (kind[c] === EVENT_ID.MAPPING) {
        keyAt = place[found]!;
        i = found + 1;
      } else {
        keyAt = -1;
        i = found;
      }
    }
    const at = this.r.lines.at(place[i]!);
    return keyAt < 0 ? { file: this.file, line: at.line, col: at.col } : { file: this.file, line: at.line, col: at.col, key: this.r.lines.at(keyAt) };
  }

  /** In mapping c, the event of the key `seg`; in sequence c, the event of item `seg`. */
  private child(c: number, seg: string): number | undefined {
    const { kind, end } = this.r;
    if (kind[c] !== EVENT_ID.MAPPING && kind[c] !== EVENT_ID.SEQUENCE) return undefined;
    let index = this.children.get(c);
    if (!index) {
      if (kind[c] === EVENT_ID.MAPPING) {
        const names = new Map<string, number>();
        for (let j = c + 1; kind[j] !== EVENT_ID.POP; j = end[j + 1]!) names.set(this.r.keyName[j]!, j);
        index = names;
      } else {
        const items: number[] = [];
        for (let j = c + 1; kind[j] !== EVENT_ID.POP; j = end[j]!) items.push(j);
        index = items;
      }
      this.children.set(c, index);
    }
    if (!Array.isArray(index)) return index.get(seg);
    return /^(?:0|[1-9][0-9]*)$/.test(seg) ? index[Number(seg)] : undefined;
  }
}
