// `accueil explain`: its pure core and its command line, with a Plan built here
// (the loader is injected, so these tests do not depend on the YAML format).
import { explainAt, explainWeek, findNumber, parseArgs, parseInstant, runExplain, type ExplainDeps } from '../../../src/cli/explain';
import { routeOf } from '../../../src/cli/explain-route';
import type { Plan } from '../../../src/plan/types';
import { at, calendar, iv, OFFICE } from './helpers';

function referencePlan(): Plan {
  const sound = (name: string) => ({ name, sounds: [{ name, media: `accueil/${name}` }] });
  return {
    version: 'test',
    timezone: 'Europe/Paris',
    country: 'FR',
    lines: {
      secretariat: { name: 'secretariat', endpoint: 'PJSIP/secretariat' },
      'dr-martin': { name: 'dr-martin', endpoint: 'PJSIP/dr-martin' },
    },
    calendars: {
      cabinet: calendar({
        weekly: OFFICE,
        holidays: { region: 'FR' },
        exceptions: [
          { from: '2026-12-24', to: '2026-12-24', hours: [iv('08:30-12:00')] },
          { from: '2027-08-02', to: '2027-08-20', hours: 'closed', announcement: 'conges-ete', label: "Congés d'été" },
        ],
      }),
      montreal: calendar({ name: 'montreal', timezone: 'America/Montreal', weekly: { 1: [iv('09:00-17:00')] } }),
    },
    numbers: {
      '+33142000001': {
        e164: '+33142000001',
        written: '+33 1 42 00 00 01',
        name: 'Cabinet du Dr Martin',
        label: 'Dr Martin',
        greeting: 'bienvenue-dr-martin',
        calendar: 'cabinet',
        open: { kind: 'group', group: 'secretariat-martin' },
        closed: { kind: 'announcement', announcement: 'ferme', then: { kind: 'voicemail', box: 'dr-martin' } },
      },
      '+33142000009': {
        e164: '+33142000009',
        written: '01 42 00 00 09',
        name: 'Standard',
        label: 'Standard',
        open: { kind: 'menu', menu: 'accueil' },
        closed: { kind: 'hangup' },
      },
      '+33142000010': {
        e164: '+33142000010',
        written: '01 42 00 00 10',
        name: 'Bureau de Montréal',
        label: 'Montréal',
        calendar: 'montreal',
        open: { kind: 'line', line: 'dr-martin', timeout: 20_000, then: { kind: 'hangup' } },
        closed: { kind: 'hangup' },
      },
    },
    groups: {
      'secretariat-martin': {
        name: 'secretariat-martin',
        lines: ['secretariat'],
        strategy: 'ringall',
        ringTime: 20_000,
        maxWait: 45_000,
        hold: { music: 'default', announcePosition: false },
        overflow: { kind: 'line', line: 'dr-martin', timeout: 30_000, then: { kind: 'voicemail', box: 'dr-martin' } },
        whenUnavailable: 'overflow',
        retryPause: 0,
        wrapUp: 0,
      },
    },
    menus: {
      accueil: {
        name: 'accueil',
        prompt: 'menu-accueil',
        options: { '1': { kind: 'group', group: 'secretariat-martin' }, '2': { kind: 'menu', menu: 'accueil' } },
        timeout: 5000,
        retries: 2,
        fallback: { kind: 'group', group: 'secretariat-martin' },
        directDial: false,
      },
    },
    voicemail: {
      'dr-martin': { name: 'dr-martin', record: true, maxLength: 120_000, minLength: 1000, notify: { email: [] } },
    },
    announcements: Object.fromEntries(['bienvenue-dr-martin', 'ferme', 'conges-ete', 'menu-accueil'].map((n) => [n, sound(n)])),
  };
}

const plan = referencePlan();
const martin = plan.numbers['+33142000001']!;

describe('explainAt', () => {
  it('Christmas 2026 at 10:00: closed, reason names Noël, next opening Saturday 26 at 09:00, closed route', () => {
    const r = explainAt(plan, martin, parseInstant('2026-12-25T10:00', 'Europe/Paris'));
    expect(r).toMatchObject({
      open: false,
      reason: 'closed: holiday "Noël"',
      rule: { rule: 'holiday', name: 'Noël' },
      next_change: '2026-12-26T09:00:00+01:00',
      at: '2026-12-25T10:00:00+01:00',
    });
    expect(r.route.map((s) => s.step)).toEqual(['greeting', 'announcement', 'voicemail']);
    expect(r.route[2]!.text).toBe('then: voicemail "dr-martin": default greeting, then a message of up to 2m');
  });

  it('open: greeting, group, overflow to the doctor, then his voicemail', () => {
    const r = explainAt(plan, martin, at('2026-11-30T10:00'));
    expect(r.open).toBe(true);
    expect(r.next_change).toBe('2026-11-30T12:30:00+01:00');
    expect(r.route.map((s) => `${s.step}:${s.name ?? ''}`)).toEqual([
      'greeting:bienvenue-dr-martin',
      'group:secretariat-martin',
      'line:dr-martin',
      'voicemail:dr-martin',
    ]);
    expect(r.route[1]!.text).toBe(
      'ring group "secretariat-martin": secretariat (PJSIP/secretariat); ringall, 20s per attempt; the caller waits at most 45s with hold music "default"',
    );
    expect(r.route[2]).toMatchObject({ via: 'overflow (at most 45s)', text: 'overflow (at most 45s): ring line "dr-martin" (PJSIP/dr-martin) for 30s' });
    expect(r.route[3]!.via).toBe('no answer');
  });

  it('summer closure: the exception\'s announcement is played before the closed route', () => {
    const r = explainAt(plan, martin, at('2027-08-05T10:00'));
    expect(r.announcement).toBe('conges-ete');
    expect(r.route.slice(0, 2).map((s) => s.name)).toEqual(['bienvenue-dr-martin', 'conges-ete']);
    expect(r.next_change).toBe('2027-08-21T09:00:00+02:00');
  });

  it('a number without a calendar is always open', () => {
    const r = explainAt(plan, plan.numbers['+33142000009']!, at('2026-12-25T03:00'));
    expect(r).toMatchObject({ open: true, calendar: null, reason: 'open: no calendar (always open)', next_change: null, rule: null });
  });

  it('menus list their options with their own routes, and a loop stops the walk', () => {
    const r = explainAt(plan, plan.numbers['+33142000009']!, at('2026-12-25T03:00'));
    const menu = r.route[0]!;
    expect(menu.step).toBe('menu');
    expect(menu.text).toContain('1 → group secretariat-martin, 2 → menu accueil');
    expect(menu.options!['1']!.map((s) => s.step)).toEqual(['group', 'line', 'voicemail']);
    expect(menu.options!['2']!.map((s) => s.step)).toEqual(['loop']);
    expect(r.route[1]).toMatchObject({ step: 'group', via: 'no choice' });
  });

  it('--at without an offset is local time in the number\'s calendar zone (Montreal)', () => {
    const montreal = plan.numbers['+33142000010']!;
    const r = explainAt(plan, montreal, parseInstant('2026-11-30T09:00', 'America/Montreal'));
    expect(r).toMatchObject({ open: true, timezone: 'America/Montreal', at: '2026-11-30T09:00:00-05:00', next_change: '2026-11-30T17:00:00-05:00' });
    // With an offset, it is that instant: 14:59 in Paris is 08:59 in Montreal.
    expect(explainAt(plan, montreal, parseInstant('2026-11-30T14:59+01:00', 'America/Montreal')).open).toBe(false);
  });
});

describe('routeOf', () => {
  it('stops at a destination already listed (overflow back to the same group)', () => {
    const looping: Plan = {
      ...plan,
      groups: { g: { ...plan.groups['secretariat-martin']!, name: 'g', overflow: { kind: 'group', group: 'g' } } },
    };
    const steps = routeOf(looping, { ...martin, open: { kind: 'group', group: 'g' } }, { open: true });
    expect(steps.map((s) => s.step)).toEqual(['greeting', 'group', 'loop']);
  });
});

describe('explainWeek', () => {
  it('the week containing the date, from its Monday', () => {
    const w = explainWeek(plan, martin, '2026-12-25');
    expect(w.week_of).toBe('2026-12-21');
    expect(w.days.map((d) => d.open.length)).toEqual([2, 2, 2, 1, 0, 1, 0]);
  });
});

describe('findNumber', () => {
  it.each(['+33142000001', '01 42 00 00 01', '0142000001', '+33 1 42 00 00 01', '0033142000001'])('finds %s', (raw) => {
    expect(findNumber(plan, raw)?.e164).toBe('+33142000001');
  });
  it('an unknown number: undefined', () => {
    expect(findNumber(plan, '0612345678')).toBeUndefined();
  });
});

describe('command line', () => {
  function deps(over: Partial<ExplainDeps> = {}): ExplainDeps & { stdout: string[]; stderr: string[]; loadedWith: unknown[] } {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const loadedWith: unknown[] = [];
    return {
      stdout,
      stderr,
      loadedWith,
      loadPlan: async (path, opts) => {
        loadedWith.push({ path, ...opts });
        return { ok: true, plan };
      },
      now: () => at('2026-12-25T10:00'),
      env: {},
      out: (t) => stdout.push(t),
      err: (t) => stderr.push(t),
      ...over,
    };
  }

  it('--json for Christmas 2026: one object with open, reason, next_change, route', async () => {
    const d = deps();
    const code = await runExplain(['config/', '--number', '01 42 00 00 01', '--at', '2026-12-25T10:00', '--json'], d);
    expect(code).toBe(0);
    const json = JSON.parse(d.stdout.join(''));
    expect(json.open).toBe(false);
    expect(json.reason).toMatch(/Noël/);
    expect(json.next_change).toBe('2026-12-26T09:00:00+01:00');
    expect(Array.isArray(json.route)).toBe(true);
    for (const step of json.route) {
      expect(typeof step.step).toBe('string');
      expect(typeof step.text).toBe('string');
    }
    expect(d.loadedWith).toEqual([{ path: 'config/', soundsDir: 'sounds' }]);
  });

  it('without --at: now (from the injected clock); human output', async () => {
    const d = deps();
    expect(await runExplain(['config/', '--number=+33142000001'], d)).toBe(0);
    const text = d.stdout.join('');
    expect(text).toContain('closed: holiday "Noël"');
    expect(text).toContain('next change: opens 2026-12-26T09:00:00+01:00');
    expect(text).toContain('1. play greeting "bienvenue-dr-martin"');
  });

  it('--week prints the table', async () => {
    const d = deps();
    expect(await runExplain(['config/', '--number', '+33142000001', '--week', '2026-12-25'], d)).toBe(0);
    expect(d.stdout.join('')).toContain('Fri 2026-12-25  closed');
  });

  it('sounds folder: --sounds, else $ACCUEIL_SOUNDS, else "sounds"', async () => {
    const a = deps({ env: { ACCUEIL_SOUNDS: '/srv/sounds' } });
    await runExplain(['p', '--number', '+33142000001'], a);
    const b = deps({ env: { ACCUEIL_SOUNDS: '/srv/sounds' } });
    await runExplain(['p', '--number', '+33142000001', '--sounds', 'mine'], b);
    expect(a.loadedWith).toEqual([{ path: 'p', soundsDir: '/srv/sounds' }]);
    expect(b.loadedWith).toEqual([{ path: 'p', soundsDir: 'mine' }]);
  });

  it('plan errors are printed FILE:LINE:COL and exit 1', async () => {
    const d = deps({ loadPlan: async () => ({ ok: false, errors: [{ file: 'plan.yaml', line: 3, col: 5, message: 'bad' }] }) });
    expect(await runExplain(['plan.yaml', '--number', '1'], d)).toBe(1);
    expect(d.stderr.join('')).toBe('plan.yaml:3:5: bad\n');
  });

  it('usage errors exit 2: unknown number, bad --at, missing --number, --at with --week', async () => {
    const d = deps();
    expect(await runExplain(['p', '--number', '0612345678'], d)).toBe(2);
    expect(d.stderr.join('')).toContain('not in the plan; expected one of: +33 1 42 00 00 01 (Cabinet du Dr Martin)');
    expect(await runExplain(['p', '--number', '+33142000001', '--at', 'tomorrow'], d)).toBe(2);
    expect(typeof parseArgs(['p'])).toBe('string');
    expect(typeof parseArgs(['p', '--number', '1', '--at', 'x', '--week', 'y'])).toBe('string');
    expect(parseArgs(['p', '--number', '1', '--json'])).toEqual({ plan: 'p', number: '1', json: true });
  });
});
