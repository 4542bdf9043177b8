// Accounts, sessions and the login throttle, with the clock passed in.
import { LoginThrottle, MAX_FAILURES, Sessions } from '../../../src/web/auth';
import { hashPassword, verifyPassword } from '../../../src/web/users';
import { closeUntil, reopenChoices } from '../../../src/web/screens/now';
import { exceptionValue, weeklyValue } from '../../../src/web/screens/calendar';
import { errorsToFields } from '../../../src/web/context';

describe('passwords', () => {
  test('scrypt hash: the right password verifies, a wrong one does not, the hash holds no clear text', async () => {
    const hash = await hashPassword('correct horse battery', { N: 1024, r: 8, p: 1 });
    expect(hash).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(hash).not.toContain('correct');
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('correct horse batterx', hash)).toBe(false);
    expect(await verifyPassword('x', 'plain')).toBe(false);
  });
});

describe('sessions', () => {
  test('a session ends after its idle time; each use pushes it back', () => {
    let now = 0;
    const sessions = new Sessions(() => now, 1000);
    const s = sessions.open({ name: 'marie', role: 'manager' });
    now = 900;
    expect(sessions.get(s.id)?.user).toBe('marie');
    now = 1800;
    expect(sessions.get(s.id)?.user).toBe('marie');
    now = 2900;
    expect(sessions.get(s.id)).toBeUndefined();
    expect(sessions.get('forged')).toBeUndefined();
  });

  test('each session has its own CSRF token', () => {
    const sessions = new Sessions(() => 0);
    const a = sessions.open({ name: 'a', role: 'manager' });
    const b = sessions.open({ name: 'a', role: 'manager' });
    expect(a.csrf).not.toBe(b.csrf);
    expect(a.csrf.length).toBeGreaterThanOrEqual(32);
  });
});

describe('login throttle', () => {
  test(`${MAX_FAILURES} failures in a row → a wait, then attempts again; a success resets`, () => {
    let now = 0;
    const t = new LoginThrottle(() => now, 10, 60_000);
    for (let i = 0; i < 9; i++) t.failed(['user:marie']);
    expect(t.waitFor(['user:marie'])).toBe(0);
    t.failed(['user:marie']);
    expect(t.waitFor(['user:marie', 'ip:x'])).toBe(60_000);
    expect(t.waitFor(['user:paul'])).toBe(0);
    now = 30_000;
    expect(t.waitFor(['user:marie'])).toBe(30_000);
    now = 60_000;
    expect(t.waitFor(['user:marie'])).toBe(0);
    t.failed(['user:marie']); // still over the count: locked again at once
    expect(t.waitFor(['user:marie'])).toBe(60_000);
    t.succeeded(['user:marie']);
    expect(t.waitFor(['user:marie'])).toBe(0);
  });
});

describe('forms → plan values', () => {
  const PARIS = 'Europe/Paris';
  const at = (iso: string): number => Date.parse(iso);

  test('reopening choices from a Wednesday morning: this afternoon, tonight, tomorrow, Monday', () => {
    expect(reopenChoices(at('2026-12-02T09:00:00+01:00'), PARIS).map((c) => c.value)).toEqual(['2026-12-02 14:00', '2026-12-02 19:00', '2026-12-03 08:30', '2026-12-03 14:00', '2026-12-07 08:30']);
    // Sunday evening: no afternoon left, and tomorrow is Monday (given once)
    expect(reopenChoices(at('2026-12-06T20:00:00+01:00'), PARIS).map((c) => c.value)).toEqual(['2026-12-07 08:30', '2026-12-07 14:00']);
  });

  test('the close form: a choice, another date, an impossible date, a past one', () => {
    const now = at('2026-12-02T09:00:00+01:00');
    expect(closeUntil({ until: '2026-12-03 14:00' }, now, PARIS)).toEqual({ until: '2026-12-03 14:00' });
    expect(closeUntil({ until: 'other', other: '2026-12-10T18:30' }, now, PARIS)).toEqual({ until: '2026-12-10 18:30' });
    expect(closeUntil({ until: 'other', other: '2027-02-30T10:00' }, now, PARIS)).toEqual({ error: expect.stringContaining("n'existe pas") });
    expect(closeUntil({ until: '2026-12-01 10:00' }, now, PARIS)).toEqual({ error: expect.stringContaining('futur') });
    expect(closeUntil({ until: 'other', other: '' }, now, PARIS)).toEqual({ error: expect.any(String) });
  });

  test('weekly hours: consecutive equal days written as a range, closed days left out', () => {
    const a = ['08:30-12:30', '14:00-19:00'];
    expect(weeklyValue([[], a, a, a, a, a, ['09:00-12:00'], []])).toEqual({ 'mon-fri': a, sat: ['09:00-12:00'] });
    expect(weeklyValue([[], a, [], a, [], [], [], a])).toEqual({ mon: a, wed: a, sun: a });
  });

  test('an exception: one day or a range, its kind, label and announcement', () => {
    expect(exceptionValue({ from: '2027-08-02', to: '2027-08-20', kind: 'closed', label: " Congés d'été ", announcement: '' })).toEqual({ from: '2027-08-02', to: '2027-08-20', closed: true, label: "Congés d'été" });
    expect(exceptionValue({ from: '2026-12-24', to: '2026-12-24', kind: 'hours', hours: '08:30-12:00; 14:00 - 16:00' })).toEqual({ date: '2026-12-24', hours: ['08:30-12:00', '14:00-16:00'] });
    expect(exceptionValue({ from: '2027-05-06', kind: 'weekly', announcement: 'ouvert' })).toEqual({ date: '2027-05-06', open: 'weekly', announcement: 'ouvert' });
  });

  test("the checker's messages go beside the field they name", () => {
    expect(errorsToFields([{ file: 'p.yaml', line: 3, col: 4, message: 'calendars.x.exceptions[3].from: found "2027-02-30": day 30 does not exist in that month' }]))
      .toEqual({ from: 'found "2027-02-30": day 30 does not exist in that month' });
    expect(errorsToFields([{ file: 'p.yaml', line: 0, col: 0, message: 'something about the file' }])).toEqual({ '': 'something about the file' });
  });
});
