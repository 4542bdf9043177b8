// The plan's history keys: `history.keep`, a number's `missed: { notify, batch }`.
import { BASE, errorsOf, planOf } from '../plan/helpers';

const withMissed = (missed: string): string => BASE.replace('    open: { group: g }\n', `    open: { group: g }\n    missed: ${missed}\n`);

describe('history and missed-call keys', () => {
  test('defaults: no history key, no missed notice', () => {
    const plan = planOf(BASE);
    expect(plan.history).toBeUndefined();
    expect(plan.numbers['+33142000001']?.missed).toBeUndefined();
  });

  test('history.keep in months or days', () => {
    expect(planOf(`${BASE}history: { keep: 13 months }\n`).history).toEqual({ keep: { months: 13 } });
    expect(planOf(`${BASE}history: { keep: 90 days }\n`).history).toEqual({ keep: { days: 90 } });
  });

  test('a bad history.keep says where and what', () => {
    expect(errorsOf(`${BASE}history: { keep: 0 months }\n`)).toEqual([
      'p.yaml:23:18: history.keep: found "0 months", expected how long calls are kept such as "13 months" or "90 days"',
    ]);
    expect(errorsOf(`${BASE}history: { keep: forever }\n`)[0]).toMatch(/^p\.yaml:23:18: history\.keep: /);
  });

  test('missed: e-mail and webhook, batch default 5 minutes', () => {
    const n = planOf(withMissed('{ notify: { email: [a@example.org, b@example.org], webhook: "https://example.org/missed" } }')).numbers['+33142000001'];
    expect(n?.missed).toEqual({ notify: { email: ['a@example.org', 'b@example.org'], webhook: 'https://example.org/missed' }, batch: 300_000 });
    expect(planOf(withMissed('{ notify: { email: a@example.org }, batch: 1m }')).numbers['+33142000001']?.missed?.batch).toBe(60_000);
  });

  test('missed: a bad address, no one to tell', () => {
    expect(errorsOf(withMissed('{ notify: { email: nobody } }'))).toEqual([
      'p.yaml:11:32: numbers["+33 1 42 00 00 01"].missed.notify.email: found "nobody", expected an e-mail address such as "dr.martin@example.org"',
    ]);
    expect(errorsOf(withMissed('{ notify: {} }'))[0]).toMatch(/missed\.notify: expected an "email" or a "webhook"/);
  });
});
