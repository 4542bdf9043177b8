// Each class of plan error, with its exact line and column.
import { BASE, errorsOf, planOf } from './helpers';

const withLine = (line: number, replacement: string): string => {
  const lines = BASE.split('\n');
  lines[line - 1] = replacement;
  return lines.join('\n');
};

describe('the base plan', () => {
  it('is valid', () => {
    expect(errorsOf(BASE)).toEqual([]);
  });
});

describe('YAML syntax', () => {
  it('reports a syntax error at its position', () => {
    const errs = errorsOf('lines:\n  a: { endpoint: PJSIP/a\nnumbers: {}\n');
    expect(errs.length).toBeGreaterThan(0);
    expect(errs[0]).toMatch(/^p\.yaml:\d+:\d+: YAML syntax: /);
  });
  it('reports only the syntax errors, one per line and a few at most, when the YAML is broken', () => {
    const errs = errorsOf(BASE.replace('closed: { announcement: ferme, then: { voicemail: vm } }', 'closed: { announcement: ferme, then: voicemail: vm } }'));
    expect(errs.length).toBeLessThanOrEqual(6);
    expect(errs.every((e) => e.includes(': YAML syntax: '))).toBe(true);
    expect(errs[0]).toMatch(/^p\.yaml:11:/);
  });
  it('reports a tab used for indentation', () => {
    expect(errorsOf('lines:\n\ta: 1\n')).toContain('p.yaml:2:1: YAML syntax: a tab is used for indentation, expected spaces');
  });
  it('reports duplicate keys with both places', () => {
    const text = withLine(19, '    max_wait: 30s\n    max_wait: 40s');
    expect(errorsOf(text)).toEqual(['p.yaml:20:5: duplicate key "max_wait" (already defined at line 19, column 5); expected each key once']);
  });
  it('reports a recursive alias instead of hanging', () => {
    const errs = errorsOf(`${BASE}default: &d { announcement: bienvenue, then: *d }\n`);
    expect(errs.some((e) => /^p\.yaml:23:46: YAML: alias "\*d" refers to itself/.test(e))).toBe(true);
  });
  it('resolves ordinary aliases', () => {
    const text = BASE.replace('weekly: { mon-fri: [08:30-12:30, 14:00-19:00] }', 'weekly: { mon-fri: &h [08:30-12:30], sat: *h }');
    expect(planOf(text).calendars.cab!.weekly[6]).toEqual([{ start: 510, end: 750 }]);
  });
});

describe('unknown keys', () => {
  it('suggests the closest key', () => {
    expect(errorsOf(withLine(19, '    max_wiat: 30s'))).toEqual([
      'p.yaml:19:5: groups.g: unknown key "max_wiat" (did you mean "max_wait"?); expected one of lines, strategy, ring_time, max_wait, hold, overflow, when_unavailable, retry_pause, wrap_up',
    ]);
  });
  it('at the top level', () => {
    expect(errorsOf(withLine(1, 'timezon: Europe/Paris'))[0]).toBe(
      'p.yaml:1:1: the plan: unknown key "timezon" (did you mean "timezone"?); expected one of timezone, country, language, lines, trunks, calendars, numbers, groups, menus, voicemail, announcements, studio, default, history',
    );
  });
  it('inside a destination', () => {
    expect(errorsOf(withLine(20, '    overflow: { line: dr, timout: 20s, then: { voicemail: vm } }'))[0]).toMatch(
      /^p\.yaml:20:27: groups\.g\.overflow: unknown key "timout" \(did you mean "timeout"\?\)/,
    );
  });
});

describe('wrong types and values', () => {
  it('a number where a duration is expected', () => {
    expect(errorsOf(withLine(19, '    max_wait: 30'))).toEqual(['p.yaml:19:15: groups.g.max_wait: found 30, expected a duration such as "45s"']);
  });
  it('an unknown strategy, with a suggestion', () => {
    expect(errorsOf(`${BASE.replace('    max_wait: 30s', '    max_wait: 30s\n    strategy: ringal')}`)).toEqual([
      'p.yaml:20:15: groups.g.strategy: found "ringal", expected one of ringall, linear, rrmemory (did you mean "ringall"?)',
    ]);
  });
  it('a missing required field', () => {
    expect(errorsOf(withLine(18, '    lines_: [secretariat]'))).toContain('p.yaml:17:3: groups.g: missing "lines"');
  });
  it('a list where a mapping is expected', () => {
    expect(errorsOf(withLine(22, '  vm: [messagerie]'))).toEqual(['p.yaml:22:7: voicemail.vm: found a list, expected a mapping (key: value)']);
  });
  it('a misspelt hangup', () => {
    expect(errorsOf(`${BASE}default: hangp\n`)).toEqual([
      'p.yaml:23:10: default: found "hangp", expected "hangup" or a destination such as {group: name}',
    ]);
  });
  it('two targets in one destination', () => {
    expect(errorsOf(withLine(10, '    open: { group: g, voicemail: vm }'))).toEqual([
      'p.yaml:10:11: numbers["+33 1 42 00 00 01"].open: found both "group" and "voicemail", expected one target per destination (chain them with "then:")',
    ]);
  });
  it('then after a group', () => {
    expect(errorsOf(withLine(10, '    open: { group: g, then: hangup }'))).toEqual([
      'p.yaml:10:23: numbers["+33 1 42 00 00 01"].open.then: "then" is only meaningful after a line or an announcement, not after a group; expected it removed',
    ]);
  });
});

describe('times', () => {
  it('rejects 25:00', () => {
    expect(errorsOf(withLine(14, '    weekly: { mon-fri: [08:30-12:30, 14:00-25:00] }'))).toEqual([
      'p.yaml:14:38: calendars.cab.weekly.mon-fri[2]: found "25:00": hour 25 does not exist, expected 00 to 23 (or 24:00 as an end)',
    ]);
  });
  it('rejects an interval that ends before it starts, suggesting +1', () => {
    expect(errorsOf(withLine(14, '    weekly: { mon-fri: [12:00-11:00] }'))).toEqual([
      'p.yaml:14:25: calendars.cab.weekly.mon-fri[1]: found "12:00-11:00": ends before it starts; to cross midnight write "12:00-11:00+1"; expected a start before the end',
    ]);
  });
  it('accepts crossing midnight written explicitly, and 24:00', () => {
    const plan = planOf(withLine(14, '    weekly: { fri: [22:00-02:00+1], sat: [18:00-24:00] }'));
    expect(plan.calendars.cab!.weekly[5]).toEqual([{ start: 1320, end: 1560 }]);
    expect(plan.calendars.cab!.weekly[6]).toEqual([{ start: 1080, end: 1440 }]);
  });
  it('rejects overlapping hours and a day given twice', () => {
    expect(errorsOf(withLine(14, '    weekly: { mon-fri: [08:00-12:00, 11:00-13:00], mon: [08:00-09:00] }'))).toEqual([
      'p.yaml:14:38: calendars.cab.weekly.mon-fri[2]: 11:00-13:00 overlaps 08:00-12:00; expected separate hours (merge them into one)',
      'p.yaml:14:52: calendars.cab.weekly.mon: Monday is given hours twice, in "mon-fri" and in "mon"; expected each day once',
    ]);
  });
  it('rejects an unknown day and a non-existent date', () => {
    const text = withLine(14, '    weekly: { mon-fry: [08:00-12:00] }').replace('    holidays: FR', '    holidays: FR\n    exceptions: [{ date: 2026-02-30, closed: true }]');
    expect(errorsOf(text)).toEqual([
      'p.yaml:14:15: calendars.cab.weekly.mon-fry: found "mon-fry", expected days such as "mon", "mon-fri", "sat,sun" (mon tue wed thu fri sat sun)',
      'p.yaml:16:26: calendars.cab.exceptions[1].date: found "2026-02-30": day 30 does not exist in that month',
    ]);
  });
  it('reads exceptions and overrides', () => {
    const text = BASE.replace(
      '    holidays: FR',
      '    holidays: { region: FR-57 }\n    exceptions:\n      - { date: 2026-12-24, hours: [08:30-12:00] }\n      - { from: 2027-08-02, to: 2027-08-20, closed: true, announcement: ferme, label: Congés }\n      - { date: 2027-05-17, open: weekly }\n    override: { state: closed, until: "2026-11-28 14:00" }',
    );
    const cal = planOf(text).calendars.cab!;
    expect(cal.holidays).toEqual({ region: 'FR-57' });
    expect(cal.exceptions).toEqual([
      { from: '2026-12-24', to: '2026-12-24', hours: [{ start: 510, end: 720 }] },
      { from: '2027-08-02', to: '2027-08-20', hours: 'closed', announcement: 'ferme', label: 'Congés' },
      { from: '2027-05-17', to: '2027-05-17', hours: 'weekly' },
    ]);
    expect(cal.override).toEqual({ state: 'closed', until: '2026-11-28T14:00' });
  });
});

describe('durations', () => {
  it('rejects a duration without unit, suggesting one', () => {
    expect(errorsOf(withLine(19, '    max_wait: "30"'))).toEqual([
      'p.yaml:19:15: groups.g.max_wait: found "30" (add a unit: "30s"), expected a duration such as "45s", "2m", "1m30s" or "500ms"',
    ]);
  });
  it('reads human durations', () => {
    const g = planOf(withLine(19, '    max_wait: 1m30s\n    retry_pause: 500ms\n    wrap_up: 1h')).groups.g!;
    expect([g.maxWait, g.retryPause, g.wrapUp]).toEqual([90_000, 500, 3_600_000]);
  });
});

describe('references', () => {
  it('a group naming an undefined line', () => {
    expect(errorsOf(withLine(18, '    lines: [secretariat, secretariot]'))).toEqual([
      'p.yaml:18:26: groups.g.lines[2]: unknown line "secretariot" (did you mean "secretariat"?); expected one of the lines defined: secretariat, dr',
    ]);
  });
  it('a number naming an undefined calendar', () => {
    expect(errorsOf(withLine(9, '    calendar: cabinet'))).toEqual([
      'p.yaml:9:15: numbers["+33 1 42 00 00 01"].calendar: unknown calendar "cabinet"; expected one of the calendars defined: cab',
    ]);
  });
  it('undefined group, menu and voicemail', () => {
    expect(errorsOf(withLine(10, '    open: { group: other }'))[0]).toBe(
      'p.yaml:10:20: numbers["+33 1 42 00 00 01"].open.group: unknown group "other"; expected one of the groups defined: g',
    );
    expect(errorsOf(withLine(10, '    open: { menu: m }'))[0]).toBe(
      'p.yaml:10:19: numbers["+33 1 42 00 00 01"].open.menu: unknown menu "m"; expected a menu defined under menus: (there is none)',
    );
    expect(errorsOf(withLine(11, '    closed: { voicemail: wm }'))[0]).toBe(
      'p.yaml:11:26: numbers["+33 1 42 00 00 01"].closed.voicemail: unknown voicemail box "wm" (did you mean "vm"?); expected one of the voicemail boxes defined: vm',
    );
  });
  it('a missing closed destination with a calendar', () => {
    expect(errorsOf(withLine(11, ''))).toEqual([
      'p.yaml:6:3: numbers["+33 1 42 00 00 01"]: missing "closed": with a calendar, expected where calls go when closed (e.g. {voicemail: box})',
    ]);
  });
});

describe('loops and dead ends', () => {
  it('a loop through two groups', () => {
    const text = withLine(20, '    overflow: { group: g2 }') + 'groups2: {}\n';
    const errs = errorsOf(text.replace('groups2: {}\n', '').replace('voicemail:\n', '  g2:\n    lines: [dr]\n    overflow: { announcement: attente, then: { group: g } }\nvoicemail:\n'));
    expect(errs).toEqual([
      'p.yaml:23:46: groups.g2.overflow.then: destination loop: group g → group g2 → group g; a caller nobody answers would go round forever, expected the chain to end (voicemail, announcement then hangup)',
    ]);
  });
  it('a menu whose fallback returns to itself, but not an option that does', () => {
    const menu = 'menus:\n  m:\n    prompt: menu\n    options: { "1": { group: g }, "*": { menu: m } }\n';
    expect(errorsOf(withLine(10, '    open: { menu: m }') + menu)).toEqual([]);
    expect(errorsOf(withLine(10, '    open: { menu: m }') + menu + '    fallback: { announcement: ferme, then: { menu: m } }\n')).toEqual([
      'p.yaml:27:44: menus.m.fallback.then: destination loop: menu m → menu m; a caller nobody answers would go round forever, expected the chain to end (voicemail, announcement then hangup)',
    ]);
  });
  it('hanging up after an unanswered line, without a word', () => {
    expect(errorsOf(withLine(20, '    overflow: { line: dr, timeout: 20s }'))).toEqual([
      'p.yaml:20:15: groups.g.overflow.then: dead end: when line "dr" does not answer, the caller is hung up on without a word; expected a voicemail or an announcement before hanging up',
    ]);
  });
  it('hanging up on a caller who heard nothing', () => {
    expect(errorsOf(withLine(8, '').replace('    open: { group: g }', '    open: hangup'))).toEqual([
      'p.yaml:10:11: numbers["+33 1 42 00 00 01"].open: dead end: a caller of +33 1 42 00 00 01 hears nothing before being hung up; expected a voicemail or an announcement before hanging up',
    ]);
  });
});

describe('numbers', () => {
  it('two numbers that are the same E.164', () => {
    const text = BASE.replace('calendars:', '  "01 42 00 00 01":\n    name: Autre\n    open: { voicemail: vm }\ncalendars:');
    expect(errorsOf(text)).toEqual([
      'p.yaml:12:3: numbers["01 42 00 00 01"]: "01 42 00 00 01" is the same number (+33142000001) as "+33 1 42 00 00 01" at p.yaml:6:3; expected each number once',
    ]);
  });
  it('a number that is not a phone number', () => {
    expect(errorsOf(withLine(6, '  "01 42":'))).toEqual([
      'p.yaml:6:3: numbers["01 42"]: found "01 42", expected a phone number such as "+33 1 42 00 00 01" or "01 42 00 00 01" (country FR)',
    ]);
  });
  it('keys the numbers by E.164, label defaulting to name', () => {
    const n = planOf(BASE).numbers['+33142000001']!;
    expect(n).toMatchObject({ e164: '+33142000001', written: '+33 1 42 00 00 01', name: 'Cabinet', label: 'Cabinet', greeting: 'bienvenue', calendar: 'cab' });
  });
  it('keeps the leading zero of an unquoted national number', () => {
    expect(Object.keys(planOf(withLine(6, '  0142000001:')).numbers)).toEqual(['+33142000001']);
  });
});

describe('sounds', () => {
  it('missing, with a suggestion', () => {
    expect(errorsOf(withLine(8, '    greeting: bienvenu'))).toEqual([
      'p.yaml:8:15: numbers["+33 1 42 00 00 01"].greeting: sound "bienvenu" not found: no announcement of that name and no file bienvenu.wav (or .gsm, .ulaw, .alaw, .sln16, .g722) in the sounds folder "sounds" (did you mean "bienvenue"?)',
    ]);
  });
  it('trying to leave the sounds folder', () => {
    expect(errorsOf(withLine(8, '    greeting: ../../etc/passwd'))).toEqual([
      'p.yaml:8:15: numbers["+33 1 42 00 00 01"].greeting: found "../../etc/passwd", which tries to leave the sounds folder "sounds"; expected a name inside it such as "bienvenue"',
    ]);
    expect(errorsOf(withLine(8, '    greeting: /etc/passwd'))).toEqual([
      'p.yaml:8:15: numbers["+33 1 42 00 00 01"].greeting: found the path "/etc/passwd": sounds must be names inside the sounds folder "sounds", not absolute paths',
    ]);
  });
  it('with an extension', () => {
    expect(errorsOf(withLine(8, '    greeting: bienvenue.wav'))[0]).toMatch(/expected the sound's name without extension: "bienvenue"$/);
  });
  it('creates implicit announcements; named ones, subfolders and Asterisk prompts resolve', () => {
    const text = withLine(8, '    greeting: accueil') + 'announcements:\n  accueil: [fr/bonjour, asterisk:vm-intro]\n';
    const plan = planOf(text);
    expect(plan.numbers['+33142000001']!.greeting).toBe('accueil');
    expect(plan.announcements.accueil!.sounds).toEqual([
      { media: 'accueil/fr/bonjour', name: 'fr/bonjour' },
      { media: 'vm-intro', name: 'asterisk:vm-intro' },
    ]);
    expect(plan.announcements.ferme).toEqual({ name: 'ferme', sounds: [{ media: 'accueil/ferme', name: 'ferme' }] });
  });
});

describe('all errors of a file', () => {
  it('are reported together, in order', () => {
    const text = withLine(19, '    max_wiat: 30s').replace('greeting: bienvenue', 'greeting: nope').replace('14:00-19:00', '14:00-25:00');
    const errs = errorsOf(text);
    expect(errs.map((e) => e.split(':').slice(0, 3).join(':'))).toEqual(['p.yaml:8:15', 'p.yaml:14:38', 'p.yaml:19:5']);
  });
});
