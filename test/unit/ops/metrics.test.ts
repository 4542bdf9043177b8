import { Metrics, OTHER_NUMBER } from '../../../src/daemon/metrics';

/** The value of one series in the Prometheus text, or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

function journal(m: Metrics, callId: string, lines: Record<string, unknown>[]): void {
  for (const l of lines) m.observeJournal({ callId, ...l });
}

describe('metrics', () => {
  test('messages left: accueil_voicemail_messages_total by result, both series shown from the start', async () => {
    const m = new Metrics({ defaultMetrics: false });
    let text = await m.text();
    expect(sample(text, 'accueil_voicemail_messages_total{result="stored"}')).toBe(0);
    expect(sample(text, 'accueil_voicemail_messages_total{result="failed"}')).toBe(0);
    m.voicemailMessage('failed');
    m.voicemailMessage('stored');
    m.voicemailMessage('stored');
    text = await m.text();
    expect(sample(text, 'accueil_voicemail_messages_total{result="stored"}')).toBe(2);
    expect(sample(text, 'accueil_voicemail_messages_total{result="failed"}')).toBe(1);
    expect(text).toMatch(/^# TYPE accueil_voicemail_messages_total counter$/m);
  });

  test('a call answered after overflow: counted once by number and outcome, wait and answer observed', async () => {
    const m = new Metrics({ defaultMetrics: false });
    journal(m, 'c1', [
      { step: 'incoming', called: '0142000001' },
      { step: 'number', number: '+33142000001', name: 'Cabinet du Dr Martin' },
      { step: 'group', group: 'secretariat-martin' },
    ]);
    let text = await m.text();
    expect(sample(text, 'accueil_waiting_callers{group="secretariat-martin"}')).toBe(1);
    expect(sample(text, 'accueil_active_calls')).toBe(1);
    journal(m, 'c1', [
      { step: 'overflow', group: 'secretariat-martin', to: 'line dr-martin' },
      { step: 'answered', line: 'dr-martin' },
      { step: 'outcome', result: 'answered', by: 'dr-martin', overflowedTo: ['line dr-martin'], durations: { totalMs: 20000, waitedMs: 12500 } },
    ]);
    text = await m.text();
    expect(sample(text, 'accueil_calls_total{number="+33142000001",outcome="answered"}')).toBe(1);
    expect(sample(text, 'accueil_waiting_callers{group="secretariat-martin"}')).toBe(0);
    expect(sample(text, 'accueil_wait_seconds_sum')).toBe(12.5);
    expect(sample(text, 'accueil_wait_seconds_bucket{le="10"}')).toBe(0);
    expect(sample(text, 'accueil_wait_seconds_bucket{le="15"}')).toBe(1);
    expect(sample(text, 'accueil_answer_seconds_count')).toBe(1);
    expect(sample(text, 'accueil_active_calls')).toBe(0);
    expect(m.trackedCalls).toBe(0);
  });

  test('voicemail and hang-ups count a wait but no answer time', async () => {
    const m = new Metrics({ defaultMetrics: false });
    journal(m, 'c2', [
      { step: 'number', number: '+33142000002', name: 'Dr Durand' },
      { step: 'outcome', result: 'voicemail', by: 'dr-durand', overflowedTo: [], durations: { totalMs: 30000, waitedMs: 4000 } },
    ]);
    journal(m, 'c3', [
      { step: 'number', number: '+33142000002', name: 'Dr Durand' },
      { step: 'group', group: 'g' },
      { step: 'outcome', result: 'callerHangup', overflowedTo: [], durations: { totalMs: 3000, waitedMs: 3000 } },
    ]);
    const text = await m.text();
    expect(sample(text, 'accueil_calls_total{number="+33142000002",outcome="voicemail"}')).toBe(1);
    expect(sample(text, 'accueil_calls_total{number="+33142000002",outcome="callerHangup"}')).toBe(1);
    expect(sample(text, 'accueil_wait_seconds_count')).toBe(2);
    expect(sample(text, 'accueil_answer_seconds_count')).toBe(0);
    expect(sample(text, 'accueil_waiting_callers{group="g"}')).toBe(0);
  });

  test('numbers not in the plan share one label, whatever was dialled', async () => {
    const m = new Metrics({ defaultMetrics: false });
    for (const [id, number] of [['a', '+33999000001'], ['b', '+33999000002']]) {
      journal(m, id as string, [
        { step: 'number', number },
        { step: 'outcome', result: 'announcement', overflowedTo: [], durations: { totalMs: 1000, waitedMs: 1000 } },
      ]);
    }
    const text = await m.text();
    expect(sample(text, `accueil_calls_total{number="${OTHER_NUMBER}",outcome="announcement"}`)).toBe(2);
    expect(text).not.toContain('+33999');
  });

  test('lines without a call id or step, and unknown steps, change nothing', async () => {
    const m = new Metrics({ defaultMetrics: false });
    m.observeJournal({ step: 'outcome', result: 'answered' });
    m.observeJournal({ callId: 'x', event: 'ari.connected' });
    m.observeJournal({ callId: 'x', step: 'menuChoice', digits: '1' });
    expect(await m.text()).not.toContain('accueil_calls_total{');
    expect(m.trackedCalls).toBe(0);
  });

  test('an outcome without a known start still counts (number "other")', async () => {
    const m = new Metrics({ defaultMetrics: false });
    m.observeJournal({ callId: 'late', step: 'outcome', result: 'hangup', durations: { waitedMs: 0 } });
    expect(sample(await m.text(), 'accueil_calls_total{number="other",outcome="hangup"}')).toBe(1);
  });

  test('line states: one series per line, the current state', async () => {
    const m = new Metrics({ defaultMetrics: false });
    m.setLineState('secretariat', 'NOT_INUSE');
    m.setLineState('secretariat', 'RINGING');
    m.setLineState('dr-martin', 'UNAVAILABLE');
    const text = await m.text();
    expect(sample(text, 'accueil_line_state{line="secretariat",state="RINGING"}')).toBe(1);
    expect(text).not.toContain('state="NOT_INUSE"');
    expect(sample(text, 'accueil_line_state{line="dr-martin",state="UNAVAILABLE"}')).toBe(1);
  });

  test('plan reloads, ARI reconnects and active calls are read from their owners at scrape time', async () => {
    const m = new Metrics({ defaultMetrics: false });
    const counts = { ok: 2, failed: 1, reconnects: 3, active: 4 };
    m.bind({ planReloads: () => ({ ok: counts.ok, failed: counts.failed }), ariReconnects: () => counts.reconnects, activeCalls: () => counts.active });
    let text = await m.text();
    expect(sample(text, 'accueil_plan_reloads_total{result="ok"}')).toBe(2);
    expect(sample(text, 'accueil_plan_reloads_total{result="failed"}')).toBe(1);
    expect(sample(text, 'accueil_ari_reconnects_total')).toBe(3);
    expect(sample(text, 'accueil_active_calls')).toBe(4);
    counts.ok = 5;
    counts.reconnects = 4;
    text = await m.text();
    expect(sample(text, 'accueil_plan_reloads_total{result="ok"}')).toBe(5);
    expect(sample(text, 'accueil_ari_reconnects_total')).toBe(4);
    expect(text).toMatch(/# TYPE accueil_plan_reloads_total counter/);
  });

  test('what the daemon holds, by kind, read at scrape time (leak checks)', async () => {
    const m = new Metrics({ defaultMetrics: false });
    let held: Record<string, number> = { flows: 2, timers: 5 };
    m.bind({ held: () => held });
    let text = await m.text();
    expect(sample(text, 'accueil_held{kind="flows"}')).toBe(2);
    expect(sample(text, 'accueil_held{kind="timers"}')).toBe(5);
    held = { flows: 0 };
    text = await m.text();
    expect(sample(text, 'accueil_held{kind="flows"}')).toBe(0);
    expect(text).not.toContain('accueil_held{kind="timers"}');
  });

  test('each Metrics has its own registry, with the process metrics by default', async () => {
    const a = new Metrics();
    const b = new Metrics();
    a.callFinished({ number: '+33142000001', outcome: 'answered', waitedMs: 1000, answeredMs: 1000 });
    expect(await b.text()).not.toContain('accueil_calls_total{');
    expect(await a.text()).toContain('process_cpu_user_seconds_total');
  });

  test('a call whose outcome never comes is dropped after 10000 others', async () => {
    const m = new Metrics({ defaultMetrics: false });
    m.observeJournal({ callId: 'lost', step: 'group', group: 'g' });
    for (let i = 0; i < 10_000; i++) m.observeJournal({ callId: `c${i}`, step: 'number', number: '+331', name: 'n' });
    expect(m.trackedCalls).toBe(10_000);
    expect(sample(await m.text(), 'accueil_waiting_callers{group="g"}')).toBe(0);
  });
});
