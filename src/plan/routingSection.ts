// Where calls go: the destinations, and the sections made of them — groups, menus,
// voicemail boxes, the public numbers, the call history's settings (build.ts calls it).

import type { Destination, Group, Line, Menu, HistorySettings, MissedNotice, NotifyTargets, PublicNumber, Strategy, Trunk, VoicemailBox } from './types';
import type { Pos } from './yamlTree';
import { pointer } from './yamlTree';
import { describe } from './paths';
import { normaliseNumber } from './numbers';
import { MAX_LABEL_LENGTH, MAX_NAME_LENGTH, musicClassProblem, webhookProblem } from './guards';
import { externalDestination, type BuildSite } from './trunks';

/** Where each destination was written, for the graph checks' messages. */
export type DestinationSites = WeakMap<Destination, string>;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';

type Names = 'lines' | 'groups' | 'menus' | 'voicemail' | 'calendars';

/** What the routing sections ask of the plan's builder. */
export interface RoutingSite {
  value(ptr: string): unknown;
  error(ptr: string, message: string, atKey?: boolean): void;
  pos(ptr: string): Pos;
  duration(ptr: string, fallback: number, opts?: { min?: number; max?: number }): number;
  /** A name that must be defined under `kind` (reported with a "did you mean" otherwise). */
  ref(ptr: string, kind: Names, label: string): string | undefined;
  soundRef(ptr: string): string | undefined;
  text(ptr: string, max: number, shownOnPhones: boolean): boolean;
  section(name: string): Obj;
  /** Where each destination was written, for the graph checks. */
  readonly sites: DestinationSites;
  trunks(): Record<string, Trunk>;
  country(): string;
}

const DESTINATION_KINDS = ['group', 'line', 'external', 'menu', 'voicemail', 'announcement', 'hangup'];
const DESTINATION_KEYS = new Set([...DESTINATION_KINDS, 'timeout', 'then', 'trunk']);

export class RoutingSection {
  constructor(private readonly site: RoutingSite & BuildSite) {}

  /** A destination; undefined when it is wrong (already reported). */
  destination(ptr: string): Destination | undefined {
    const v = this.site.value(ptr);
    let d: Destination | undefined;
    if (v === 'hangup') d = { kind: 'hangup' };
    else if (isObj(v)) d = this.destinationObject(ptr, v);
    if (d) this.site.sites.set(d, ptr);
    return d;
  }

  private destinationObject(ptr: string, o: Obj): Destination | undefined {
    const kinds = DESTINATION_KINDS.filter((k) => o[k] !== undefined);
    if (kinds.length === 0) {
      // Unknown keys alone were reported by the schema with a "did you mean".
      if (Object.keys(o).every((k) => DESTINATION_KEYS.has(k))) this.site.error(ptr, `found ${describe(o)} without a target, expected one of ${DESTINATION_KINDS.join(', ')}`);
      return undefined;
    }
    if (kinds.length > 1) {
      this.site.error(ptr, `found both ${kinds.map((k) => `"${k}"`).join(' and ')}, expected one target per destination (chain them with "then:")`);
      return undefined;
    }
    const kind = kinds[0]!;
    if (o.timeout !== undefined && kind !== 'line' && kind !== 'external') {
      this.site.error(`${ptr}/timeout`, `"timeout" is only meaningful with "line" or "external", not with a ${kind}; expected it removed`, true);
    }
    if (o.trunk !== undefined && kind !== 'external') this.site.error(`${ptr}/trunk`, `"trunk" is only meaningful with "external"; expected it removed`, true);
    if (o.then !== undefined && kind !== 'line' && kind !== 'external' && kind !== 'announcement') {
      this.site.error(`${ptr}/then`, `"then" is only meaningful after a line or an announcement, not after a ${kind}; expected it removed`, true);
    }
    const then = (): Destination => {
      if (o.then === undefined) {
        // The implicit hang-up is located at the destination that omits `then`, for dead-end messages.
        const h: Destination = { kind: 'hangup' };
        this.site.sites.set(h, `${ptr}/then`);
        return h;
      }
      return this.destination(`${ptr}/then`) ?? { kind: 'hangup' };
    };
    switch (kind) {
      case 'group': {
        const g = this.site.ref(`${ptr}/group`, 'groups', 'group');
        return g === undefined ? undefined : { kind: 'group', group: g };
      }
      case 'menu': {
        const m = this.site.ref(`${ptr}/menu`, 'menus', 'menu');
        return m === undefined ? undefined : { kind: 'menu', menu: m };
      }
      case 'voicemail': {
        const b = this.site.ref(`${ptr}/voicemail`, 'voicemail', 'voicemail box');
        return b === undefined ? undefined : { kind: 'voicemail', box: b };
      }
      case 'line': {
        const l = this.site.ref(`${ptr}/line`, 'lines', 'line');
        const timeout = this.site.duration(`${ptr}/timeout`, 30_000, { min: 1000, max: 600_000 });
        const next = then();
        return l === undefined ? undefined : { kind: 'line', line: l, timeout, then: next };
      }
      case 'external': {
        const timeout = this.site.duration(`${ptr}/timeout`, 30_000, { min: 1000, max: 600_000 });
        return externalDestination(this.site, ptr, o, this.site.trunks(), this.site.country(), timeout, then());
      }
      case 'announcement': {
        const a = this.site.soundRef(`${ptr}/announcement`);
        const next = then();
        return a === undefined ? undefined : { kind: 'announcement', announcement: a, then: next };
      }
      default:
        return o.hangup === true ? { kind: 'hangup' } : undefined;
    }
  }

  buildGroup(ptr: string, name: string): Group | undefined {
    const o = this.site.value(ptr) as Obj;
    const lines: string[] = [];
    if (Array.isArray(o.lines)) {
      o.lines.forEach((_, i) => {
        const p = pointer(`${ptr}/lines`, i);
        const l = this.site.ref(p, 'lines', 'line');
        if (l === undefined) return;
        if (lines.includes(l)) this.site.error(p, `line "${l}" is listed twice; expected each line once`);
        else lines.push(l);
      });
    }
    const hold: Group['hold'] = { announcePosition: false };
    if (isObj(o.hold)) {
      if (isStr(o.hold.music)) {
        const bad = musicClassProblem(o.hold.music);
        if (bad) this.site.error(`${ptr}/hold/music`, bad);
        else hold.music = o.hold.music;
      }
      const msg = o.hold.message !== undefined ? this.site.soundRef(`${ptr}/hold/message`) : undefined;
      const every = this.site.duration(`${ptr}/hold/every`, 30_000, { min: 5000, max: 600_000 });
      if (msg) {
        hold.message = msg;
        hold.every = every;
      } else if (o.hold.every !== undefined && o.hold.message === undefined) this.site.error(`${ptr}/hold/every`, '"every" is only meaningful with "message"; expected a message to repeat', true);
      hold.announcePosition = o.hold.announce_position === true;
    }
    const ringTime = this.site.duration(`${ptr}/ring_time`, 20_000, { min: 1000, max: 600_000 });
    const maxWait = this.site.duration(`${ptr}/max_wait`, 60_000, { min: 1000, max: 3_600_000 });
    const overflow = o.overflow !== undefined ? this.destination(`${ptr}/overflow`) : undefined;
    const retryPause = this.site.duration(`${ptr}/retry_pause`, 5000, { max: 3_600_000 });
    const wrapUp = this.site.duration(`${ptr}/wrap_up`, 0, { max: 3_600_000 });
    if (!overflow) return undefined;
    return {
      name, lines,
      strategy: (isStr(o.strategy) && ['ringall', 'linear', 'rrmemory'].includes(o.strategy) ? o.strategy : 'ringall') as Strategy,
      ringTime, maxWait, hold, overflow,
      whenUnavailable: o.when_unavailable === 'wait' ? 'wait' : 'overflow',
      retryPause, wrapUp,
    };
  }

  buildMenu(ptr: string, name: string, lines: Record<string, Line>): Menu | undefined {
    const o = this.site.value(ptr) as Obj;
    const prompt = this.site.soundRef(`${ptr}/prompt`);
    const options: Record<string, Destination> = {};
    if (isObj(o.options)) {
      for (const key of Object.keys(o.options)) {
        const p = pointer(`${ptr}/options`, key);
        if (!/^[0-9*#]$/.test(key)) {
          this.site.error(p, `found the key "${key}", expected one key of the phone: 0 to 9, * or #`, true);
          continue;
        }
        const d = this.destination(p);
        if (d) options[key] = d;
      }
    }
    const directDial = o.direct_dial === true;
    if (directDial) {
      const exts = Object.values(lines).filter((l) => l.extension !== undefined);
      if (exts.length === 0) this.site.error(`${ptr}/direct_dial`, 'is true but no line has an "extension"; expected extensions on the lines to dial');
      for (const l of exts) {
        if (options[l.extension!]) this.site.error(pointer(`${ptr}/options`, l.extension!), `key "${l.extension}" is also the extension of line "${l.name}" (direct_dial); expected different keys`, true);
      }
    }
    const menu: Menu = {
      name,
      prompt: prompt ?? '',
      options,
      timeout: this.site.duration(`${ptr}/timeout`, 5000, { min: 1000, max: 60_000 }),
      retries: typeof o.retries === 'number' ? o.retries : 2,
      fallback: o.fallback !== undefined ? this.destination(`${ptr}/fallback`) ?? { kind: 'hangup' } : this.implicitHangup(`${ptr}/fallback`),
      directDial,
    };
    const invalid = o.invalid !== undefined ? this.site.soundRef(`${ptr}/invalid`) : undefined;
    if (invalid) menu.invalid = invalid;
    const noInput = o.no_input !== undefined ? this.site.soundRef(`${ptr}/no_input`) : undefined;
    if (noInput) menu.noInput = noInput;
    return prompt === undefined ? undefined : menu;
  }

  private implicitHangup(ptr: string): Destination {
    const h: Destination = { kind: 'hangup' };
    this.site.sites.set(h, ptr);
    return h;
  }

  buildVoicemail(ptr: string, name: string): VoicemailBox {
    const o = this.site.value(ptr) as Obj;
    const box: VoicemailBox = {
      name,
      record: o.record !== false,
      maxLength: this.site.duration(`${ptr}/max_length`, 120_000, { min: 1000, max: 3_600_000 }),
      minLength: this.site.duration(`${ptr}/min_length`, 2000, { max: 600_000 }),
      notify: { email: [] },
    };
    if (box.minLength >= box.maxLength && o.min_length !== undefined) {
      this.site.error(`${ptr}/min_length`, `found "${String(o.min_length)}", expected less than max_length`);
    }
    const greeting = o.greeting !== undefined ? this.site.soundRef(`${ptr}/greeting`) : undefined;
    if (greeting) box.greeting = greeting;
    if (o.silence !== undefined) box.silence = this.site.duration(`${ptr}/silence`, 5000, { min: 1000, max: 600_000 });
    if (isObj(o.notify)) box.notify = this.notifyTargets(`${ptr}/notify`, o.notify);
    return box;
  }

  /** E-mail addresses and a webhook URL: a voicemail box's `notify`, a number's `missed.notify`. */
  private notifyTargets(ptr: string, n: Obj): NotifyTargets {
    const targets: NotifyTargets = { email: [] };
    const emails = isStr(n.email) ? [{ e: n.email, p: `${ptr}/email` }] : Array.isArray(n.email) ? n.email.map((e, i) => ({ e, p: pointer(`${ptr}/email`, i) })) : [];
    for (const { e, p } of emails) {
      if (!isStr(e)) continue;
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(e)) this.site.error(p, `found ${describe(e)}, expected an e-mail address such as "dr.martin@example.org"`);
      else targets.email.push(e);
    }
    if (isStr(n.webhook)) {
      const bad = webhookProblem(n.webhook, { allowHttp: n.allow_http === true, allowPrivate: n.allow_private === true });
      if (bad) this.site.error(`${ptr}/webhook`, bad);
      else targets.webhook = n.webhook;
    }
    return targets;
  }

  /** `history:` of the plan. */
  buildHistory(): HistorySettings {
    const v = this.site.value('/history/keep');
    if (!isStr(v)) return { keep: { months: 13 } };
    const m = /^\s*(\d+)\s*(months?|days?)\s*$/.exec(v);
    const n = m ? Number(m[1]) : 0;
    if (!m || n < 1) {
      this.site.error('/history/keep', `found ${describe(v)}, expected how long calls are kept such as "13 months" or "90 days"`);
      return { keep: { months: 13 } };
    }
    return { keep: m[2]!.startsWith('month') ? { months: n } : { days: n } };
  }

  /** `missed:` of a number. */
  buildMissed(ptr: string, o: Obj): MissedNotice {
    const notify = isObj(o.notify) ? this.notifyTargets(`${ptr}/notify`, o.notify) : { email: [] };
    if (isObj(o.notify) && o.notify.email === undefined && o.notify.webhook === undefined) this.site.error(`${ptr}/notify`, 'expected an "email" or a "webhook" to tell about missed calls');
    return { notify, batch: this.site.duration(`${ptr}/batch`, 300_000, { min: 1000, max: 86_400_000 }) };
  }

  buildNumbers(country: string): Record<string, PublicNumber> {
    const out: Record<string, PublicNumber> = {};
    const seen = new Map<string, string>();
    for (const written of Object.keys(this.site.section('numbers'))) {
      const ptr = pointer('/numbers', written);
      const o = this.site.value(ptr);
      const e164 = normaliseNumber(written, country);
      if (!e164) {
        this.site.error(ptr, `found "${written}", expected a phone number such as "+33 1 42 00 00 01" or "01 42 00 00 01" (country ${country})`, true);
      } else {
        const other = seen.get(e164);
        if (other !== undefined) {
          const p = this.site.pos(other);
          this.site.error(ptr, `"${written}" is the same number (${e164}) as "${other.split('/').pop()}" at ${p.file}:${p.key?.line ?? p.line}:${p.key?.col ?? p.col}; expected each number once`, true);
        } else seen.set(e164, ptr);
      }
      if (!isObj(o)) continue;
      const calendar = o.calendar !== undefined ? this.site.ref(`${ptr}/calendar`, 'calendars', 'calendar') : undefined;
      const greeting = o.greeting !== undefined ? this.site.soundRef(`${ptr}/greeting`) : undefined;
      const open = o.open !== undefined ? this.destination(`${ptr}/open`) : undefined;
      let closed: Destination | undefined;
      if (o.closed !== undefined) closed = this.destination(`${ptr}/closed`);
      else if (o.calendar !== undefined) this.site.error(ptr, 'missing "closed": with a calendar, expected where calls go when closed (e.g. {voicemail: box})', true);
      else closed = { kind: 'hangup' }; // never used: without a calendar the number is always open
      const nameOk = this.site.text(`${ptr}/name`, MAX_NAME_LENGTH, true);
      const labelOk = o.label === undefined || this.site.text(`${ptr}/label`, MAX_LABEL_LENGTH, true);
      if (!e164 || !open || !closed || !isStr(o.name) || !nameOk || !labelOk) continue;
      const n: PublicNumber = { e164, written, name: o.name, label: isStr(o.label) ? o.label : o.name, open, closed };
      if (greeting) n.greeting = greeting;
      if (calendar) n.calendar = calendar;
      if (isObj(o.missed)) n.missed = this.buildMissed(`${ptr}/missed`, o.missed);
      out[e164] = n;
    }
    return out;
  }
}
