// Plans built directly as objects (no YAML loader): the reference case of the design
// notes — three doctors, one secretariat — plus helpers to build variants.

import type { Announcement, Group, Menu, Plan, PublicNumber, VoicemailBox } from '../../../src/plan/types';
import type { Action, CallContext } from '../../../src/flow/contract';
import { handleEvent, startCall, type IsOpen, type OpenState } from '../../../src/flow/interpreter';
import type { CallState } from '../../../src/flow/state';

export const T0 = Date.parse('2026-03-02T09:00:00+01:00');
export const S = 1000;

export function announcement(name: string, ...sounds: string[]): Announcement {
  const names = sounds.length ? sounds : [name];
  return { name, sounds: names.map((n) => ({ media: `accueil/${n}`, name: n })) };
}

export function group(name: string, lines: string[], over: Partial<Group> = {}): Group {
  return {
    name,
    lines,
    strategy: 'ringall',
    ringTime: 20 * S,
    maxWait: 45 * S,
    hold: { announcePosition: false },
    overflow: { kind: 'hangup' },
    whenUnavailable: 'overflow',
    retryPause: 5 * S,
    wrapUp: 0,
    ...over,
  };
}

export function box(name: string, over: Partial<VoicemailBox> = {}): VoicemailBox {
  return { name, record: true, maxLength: 120 * S, minLength: 2 * S, notify: { email: [] }, ...over };
}

export function menu(name: string, over: Partial<Menu> = {}): Menu {
  return {
    name,
    prompt: 'menu-prompt',
    options: {},
    timeout: 5 * S,
    retries: 2,
    fallback: { kind: 'hangup' },
    directDial: false,
    ...over,
  };
}

function doctorNumber(e164: string, written: string, doctor: string, label: string, over: Partial<PublicNumber> = {}): PublicNumber {
  return {
    e164,
    written,
    name: `Cabinet du ${label}`,
    label,
    greeting: `bienvenue-${doctor}`,
    calendar: doctor,
    open: { kind: 'group', group: `secretariat-${doctor}` },
    closed: { kind: 'announcement', announcement: 'ferme', then: { kind: 'voicemail', box: doctor } },
    ...over,
  };
}

export const MARTIN = '+33142000001';
export const DURAND = '+33142000002';
export const PETIT = '+33142000003';
export const CALLER = '0612345678';

/** The reference case. dr-petit's box takes no message (closed → announcement → hang-up). */
export function referencePlan(): Plan {
  const doctors = ['dr-martin', 'dr-durand', 'dr-petit'] as const;
  const groups: Record<string, Group> = {};
  for (const d of doctors) {
    groups[`secretariat-${d}`] = group(`secretariat-${d}`, ['secretariat'], {
      hold: { music: 'default', announcePosition: false },
      overflow: { kind: 'line', line: d, timeout: 30 * S, then: { kind: 'voicemail', box: d } },
    });
  }
  return {
    version: 'test-v1',
    timezone: 'Europe/Paris',
    country: 'FR',
    lines: {
      secretariat: { name: 'secretariat', endpoint: 'PJSIP/secretariat', extension: '10' },
      'dr-martin': { name: 'dr-martin', endpoint: 'PJSIP/dr-martin', extension: '11' },
      'dr-durand': { name: 'dr-durand', endpoint: 'PJSIP/dr-durand', extension: '12' },
      'dr-petit': { name: 'dr-petit', endpoint: 'PJSIP/dr-petit' },
    },
    calendars: {},
    numbers: {
      [MARTIN]: doctorNumber(MARTIN, '+33 1 42 00 00 01', 'dr-martin', 'Dr Martin'),
      [DURAND]: doctorNumber(DURAND, '01 42 00 00 02', 'dr-durand', 'Dr Durand'),
      [PETIT]: doctorNumber(PETIT, '01 42 00 00 03', 'dr-petit', 'Dr Petit'),
    },
    groups,
    menus: {},
    voicemail: {
      'dr-martin': box('dr-martin'),
      'dr-durand': box('dr-durand', { greeting: 'annonce-durand' }),
      'dr-petit': box('dr-petit', { record: false, greeting: 'annonce-petit' }),
    },
    announcements: Object.fromEntries(
      ['bienvenue-dr-martin', 'bienvenue-dr-durand', 'bienvenue-dr-petit', 'ferme', 'conges-ete', 'annonce-durand', 'annonce-petit', 'menu-prompt', 'menu-invalid', 'menu-noinput', 'patientez'].map(
        (n) => [n, announcement(n)],
      ),
    ),
  };
}

/** A plan with one number pointing at `open`, no greeting, no calendar: the unit under test alone. */
export function planWith(open: PublicNumber['open'], extra: Partial<Plan> = {}): Plan {
  const base = referencePlan();
  const numbers = { ...base.numbers, [MARTIN]: { ...(base.numbers[MARTIN] as PublicNumber), open } };
  const n = numbers[MARTIN] as PublicNumber;
  delete n.greeting;
  delete n.calendar;
  return { ...base, numbers, ...extra, groups: { ...base.groups, ...extra.groups }, menus: { ...base.menus, ...extra.menus } };
}

export function ctx(plan: Plan, over: Partial<CallContext> = {}): CallContext {
  return { callId: 'c1', plan, called: '0142000001', caller: CALLER, arrivedAt: T0, ...over };
}

export const alwaysOpen: IsOpen = () => ({ open: true, reason: 'open: weekly hours mon 08:30-12:30' });
export function closed(reason = 'closed: weekly hours', announcement?: string): IsOpen {
  const state: OpenState = announcement ? { open: false, reason, announcement } : { open: false, reason };
  return () => state;
}

export function ofType<T extends Action['type']>(actions: Action[], type: T): Extract<Action, { type: T }>[] {
  return actions.filter((a): a is Extract<Action, { type: T }> => a.type === type);
}

export function journalSteps(actions: Action[]): string[] {
  return ofType(actions, 'journal').map((j) => j.step);
}

/**
 * startCall, then — as the executor's dispatcher would when every line is free — an
 * `offer` of the group's lines when the call enqueued (ringall: all of them; else the first).
 * Actions of both steps together, so tests written before the queue read the same.
 */
export function startOffered(c: CallContext, isOpen: IsOpen = alwaysOpen): { state: CallState; actions: Action[] } {
  const first = startCall(c, isOpen);
  const enq = ofType(first.actions, 'enqueue')[0];
  if (!enq) return first;
  const g = c.plan.groups[enq.group];
  const lines = g ? (g.strategy === 'ringall' ? g.lines : g.lines.slice(0, 1)) : [];
  const next = handleEvent(first.state, { type: 'offer', lines }, c.arrivedAt);
  return { state: next.state, actions: [...first.actions, ...next.actions] };
}
