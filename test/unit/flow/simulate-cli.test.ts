// `accueil simulate`: options, WAV durations, and a run on the shipped plan.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import simulate, { parseAt, parseSimulateArgs, playbackDurations, wavDurationMs } from '../../../src/cli/simulate';

describe('options', () => {
  test('answers, busy, digits, hang-up', () => {
    const a = parseSimulateArgs([
      'plan.yaml', '--number', '0142000001', '--at', '2026-03-02T10:00',
      '--answer', 'secretariat@12s', '--answer=dr-martin@1m30s', '--busy', 'a,b', '--digits', '12@3s,#@10s', '--hangup-at', '20s', '--json',
    ]);
    expect(a).toMatchObject({ plan: 'plan.yaml', number: '0142000001', at: '2026-03-02T10:00', json: true, caller: '0612345678' });
    expect(a.scenario).toEqual({
      answer: { secretariat: 12000, 'dr-martin': 90000 },
      busy: ['a', 'b'],
      hangupAt: 20000,
      digits: [
        { digit: '1', at: 3000 },
        { digit: '2', at: 3300 },
        { digit: '#', at: 10000 },
      ],
    });
  });

  test('--busy LINE@until and --refuse', () => {
    const a = parseSimulateArgs(['p', '--number', '1', '--at', 'x', '--busy', 'a,b@10s', '--refuse', 'c']);
    expect(a.scenario).toEqual({ busy: ['a'], busyUntil: { b: 10000 }, refuse: ['c'] });
  });

  test.each([
    [['p'], /--number is required/],
    [['p', '--number', '1'], /--at is required/],
    [['--number', '1', '--at', 'x'], /plan .* missing/],
    [['p', '--number', '1', '--at', 'x', '--answer', 'a@1s', '--no-answer'], /one of them/],
    [['p', '--number', '1', '--at', 'x', '--answer', 'a'], /NAME@DURATION/],
    [['p', '--number', '1', '--at', 'x', '--hangup-at', '20'], /add a unit/],
    [['p', '--number', '1', '--at', 'x', '--digits', 'a@1s'], /keys are/],
    [['p', '--number', '1', '--at', 'x', '--frobnicate'], /unknown option --frobnicate/],
    [['p', '--number', '1', '--number', '2', '--at', 'x'], /given twice/],
  ])('%j is refused', (argv, message) => {
    expect(() => parseSimulateArgs(argv)).toThrow(message);
  });

  test('--at without offset is wall-clock time in the plan zone', () => {
    expect(parseAt('2026-07-01T10:00', 'Europe/Paris')).toBe(Date.parse('2026-07-01T08:00:00Z'));
    expect(parseAt('2026-07-01T10:00Z', 'Europe/Paris')).toBe(Date.parse('2026-07-01T10:00:00Z'));
    expect(() => parseAt('tomorrow', 'Europe/Paris')).toThrow(/ISO/);
  });
});

describe('WAV durations', () => {
  function wav(file: string, seconds: number, rate = 8000): void {
    const data = Buffer.alloc(Math.round(seconds * rate * 2));
    const h = Buffer.alloc(44);
    h.write('RIFF', 0, 'ascii');
    h.writeUInt32LE(36 + data.length, 4);
    h.write('WAVE', 8, 'ascii');
    h.write('fmt ', 12, 'ascii');
    h.writeUInt32LE(16, 16);
    h.writeUInt16LE(1, 20);
    h.writeUInt16LE(1, 22);
    h.writeUInt32LE(rate, 24);
    h.writeUInt32LE(rate * 2, 28);
    h.writeUInt16LE(2, 32);
    h.writeUInt16LE(16, 34);
    h.write('data', 36, 'ascii');
    h.writeUInt32LE(data.length, 40);
    writeFileSync(file, Buffer.concat([h, data]));
  }

  test('read from the header; prompts and missing files get the nominal 3 s', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'accueil-sim-'));
    wav(path.join(dir, 'bonjour.wav'), 2.5);
    writeFileSync(path.join(dir, 'broken.wav'), 'not a wav');
    expect(wavDurationMs(path.join(dir, 'bonjour.wav'))).toBe(2500);
    expect(wavDurationMs(path.join(dir, 'broken.wav'))).toBeUndefined();
    expect(wavDurationMs(path.join(dir, 'absent.wav'))).toBeUndefined();
    const d = playbackDurations(dir);
    expect(d('accueil/bonjour')).toBe(2500);
    expect(d('accueil/absent')).toBe(3000);
    expect(d('vm-intro')).toBe(3000);
  });
});

describe('the command', () => {
  let out = '';
  let err = '';
  beforeEach(() => {
    out = '';
    err = '';
    jest.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
    jest.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  });
  afterEach(() => jest.restoreAllMocks());

  test('usage errors exit 2', async () => {
    expect(await simulate(['config/plan.yaml'])).toBe(2);
    expect(err).toMatch(/--number is required/);
  });

  test('a plan that does not load exits 1 with FILE:LINE:COL errors', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'accueil-sim-'));
    writeFileSync(path.join(dir, 'plan.yaml'), 'numbers: 3\n');
    expect(await simulate([path.join(dir, 'plan.yaml'), '--number', '1', '--at', '2026-03-02T10:00', '--sounds', dir])).toBe(1);
    expect(err).toMatch(/plan\.yaml/);
  });

  test('the shipped plan: the secretariat rings with the doctor label', async () => {
    const code = await simulate(['config/plan.yaml', '--number', '01 42 00 00 01', '--at', '2026-03-02T10:00', '--answer', 'secretariat@5s', '--sounds', 'sounds']);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toMatch(/^\+0\.0s answer$/m);
    expect(out).toMatch(/dial secretariat \(ring [\d.]+s\) as "\[Dr Martin\] 06 12 34 56 78"/);
    expect(out).toMatch(/bridge caller ↔ secretariat/);
  });

  test('--json prints steps with t in seconds', async () => {
    await simulate(['config/plan.yaml', '--number', '0142000001', '--at', '2026-03-02T10:00', '--busy', 'secretariat', '--json', '--sounds', 'sounds']);
    const steps = JSON.parse(out) as { t: number; action?: string; event?: string; line?: string }[];
    expect(steps[0]).toEqual({ t: 0, action: 'answer' });
    const dials = steps.filter((s) => s.action === 'dial').map((s) => s.line);
    expect(dials).toEqual(['dr-martin']); // the secretariat is in use: the caller waited, then overflowed
    expect(steps.some((s) => s.action === 'enqueue')).toBe(true);
  });
});
