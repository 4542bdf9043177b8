// The flow names a `say:` text with placeholders at the call's instant, for the number's calendar.
import { startCall } from '../../../src/flow';
import { isOpenFor } from '../../../src/daemon/daemon';
import { formatError } from '../../../src/plan/errors';
import { planFromSources } from '../../../src/plan/load';

const text = `lines:\n  a: { endpoint: PJSIP/a }\nnumbers:\n  "+33 1 42 00 00 01":\n    name: X\n    greeting: { say: "Bonjour." }\n    calendar: c\n    open: { line: a, then: { voicemail: v } }\n    closed: { announcement: { say: "Fermé. Nous rouvrons {reopen}." }, then: { voicemail: v } }\ncalendars:\n  c:\n    weekly: { mon-fri: [08:30-12:30] }\nvoicemail:\n  v: { greeting: asterisk:vm-intro }\n`;

describe('call-time texts in the flow', () => {
  const r = planFromSources([{ file: 'p.yaml', text }], { dir: 'sounds', exists: true, names: new Set() });
  if (!r.ok) throw new Error(r.errors.map(formatError).join('\n'));
  const plan = { ...r.plan };
  const at = Date.parse('2026-12-01T19:30:00+01:00');

  it('asks ctx.speech for the media of the text, with the number\'s calendar and the instant', () => {
    const asked: unknown[] = [];
    const step = startCall(
      { callId: 'c1', plan, called: '0142000001', caller: '', arrivedAt: at, speech: (t, cal, when) => (asked.push([t, cal, when]), 'accueil-say/x') },
      isOpenFor(plan),
    );
    expect(asked).toEqual([['Fermé. Nous rouvrons {reopen}.', 'c', at]]);
    const plays = step.actions.filter((a) => a.type === 'play');
    // The greeting's static text was not rendered here (media ""): skipped, the closed text comes first.
    expect(plays.map((p) => (p.type === 'play' ? p.media : []))).toEqual([['accueil-say/x']]);
  });

  it('without ctx.speech (or a static text not rendered), its step is skipped rather than an empty media played', () => {
    const step = startCall({ callId: 'c2', plan, called: '0142000001', caller: '', arrivedAt: at }, isOpenFor(plan));
    expect(step.actions.flatMap((a) => (a.type === 'play' ? [a.media] : []))).toEqual([['vm-intro']]);
  });
});
