// The message keeper: a message left is stored once from Asterisk's recording,
// which is deleted only then; a store that fails says failed (fate, metrics
// hook, journal words), keeps the recording, alerts the box by mail, and is
// retried (with backoff, and from the pending list at the next start) until it
// is stored, once.
import * as fs from 'node:fs';
import * as path from 'node:path';
import pino from 'pino';
import { MessageKeeper, type MessageFate } from '../../../src/daemon/messages';
import { withFate, waitsForMessage } from '../../../src/daemon/message-journal';
import { handleEvent, startCall } from '../../../src/flow';
import type { Action } from '../../../src/flow/contract';
import type { RecordingSource } from '../../../src/voicemail/source';
import { PendingMessages } from '../../../src/voicemail/pending';
import { VoicemailStore } from '../../../src/voicemail/store';
import { alwaysOpen, box as flowBox, ctx, ofType, planWith, S, T0 } from '../flow/fixtures';
import { header, smtpSink } from '../../support/smtp-sink';
import { tempDir, wavBytes } from './helpers';

/** Asterisk's recordings as a map; `failing` makes fetch fail like an unreadable folder. */
class FakeRecordings implements RecordingSource {
  readonly files = new Map<string, Buffer>();
  failing = false;
  fetches = 0;
  removed: string[] = [];
  async fetch(name: string): Promise<Buffer> {
    this.fetches++;
    if (this.failing) throw new Error(`Asterisk could not give recording ${name} over ARI: HTTP 404 Recording not found`);
    const bytes = this.files.get(name);
    if (!bytes) throw new Error('HTTP 404');
    return bytes;
  }
  async remove(name: string): Promise<void> {
    if (this.failing) throw new Error('HTTP 404');
    this.removed.push(name);
    this.files.delete(name);
  }
  async check(): Promise<string | undefined> {
    return this.failing ? 'Asterisk cannot list its recordings over ARI (GET /recordings/stored: HTTP 500)' : undefined;
  }
  async list(): Promise<string[]> {
    return [...this.files.keys()];
  }
  async isLive(): Promise<boolean> {
    return false;
  }
}

/** A call that left a 9 s message in dr-martin: its state and the keepRecording action. */
function messageLeft(): { state: ReturnType<typeof startCall>['state']; keep: Extract<Action, { type: 'keepRecording' }>; actions: Action[] } {
  const plan = planWith({ kind: 'voicemail', box: 'dr-martin' }, {});
  plan.voicemail['dr-martin'] = flowBox('dr-martin', { notify: { email: ['dr.martin@example.org'] } });
  const start = startCall(ctx(plan), alwaysOpen);
  const greeting = ofType(start.actions, 'play')[0]?.playbackId ?? '';
  const rec = handleEvent(start.state, { type: 'playbackFinished', playbackId: greeting }, T0 + 3 * S);
  const recordingId = ofType(rec.actions, 'record')[0]?.recordingId ?? '';
  const end = handleEvent(rec.state, { type: 'recordingFinished', recordingId, durationMs: 9 * S, cause: 'hangup' }, T0 + 12 * S);
  const keep = ofType(end.actions, 'keepRecording')[0];
  if (!keep) throw new Error('no message kept');
  return { state: end.state, keep, actions: end.actions };
}

const NAME = (keep: { box: string; recordingId: string }): string => `accueil-${keep.box}-c1-${keep.recordingId}`;

let work: string;
let recordings: FakeRecordings;
let sink: Awaited<ReturnType<typeof smtpSink>>;
let results: string[];
let keepers: MessageKeeper[];

function keeper(): MessageKeeper {
  const k = new MessageKeeper(pino({ level: 'silent' }), { ACCUEIL_VOICEMAIL_DIR: path.join(work, 'vm'), SMTP_HOST: '127.0.0.1', SMTP_PORT: String(sink.port), SMTP_SECURE: 'false', SMTP_FROM: 'accueil@example.org' }, {
    recordings,
    boxes: () => messageLeft().state.ctx.plan.voicemail,
    onResult: (result) => results.push(result),
    retry: { baseDelayMs: 50, maxDelayMs: 200 },
  });
  keepers.push(k);
  return k;
}

const store = (): VoicemailStore => new VoicemailStore({ dir: path.join(work, 'vm') });
const until = async (what: string, probe: () => boolean | Promise<boolean>, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

beforeEach(async () => {
  work = tempDir();
  recordings = new FakeRecordings();
  sink = await smtpSink();
  results = [];
  keepers = [];
});
afterEach(async () => {
  for (const k of keepers) await k.close();
  await sink.close();
  fs.rmSync(work, { recursive: true, force: true });
});

test('stored from the recording, which is deleted in Asterisk only after; the owner is mailed; the fate says stored', async () => {
  const { state, keep } = messageLeft();
  recordings.files.set(NAME(keep), wavBytes(9000));
  const fate = await keeper().keep(state, keep);
  expect(fate).toEqual({ result: 'stored', messageId: expect.stringMatching(/^\d{8}-\d{6}-[0-9a-f]{6}$/) });
  const messages = await store().listMessages();
  expect(messages).toHaveLength(1);
  expect(messages[0]).toMatchObject({ box: 'dr-martin', callId: 'c1', durationMs: 9000, recording: NAME(keep) });
  expect(fs.readFileSync(messages[0]!.audioPath).subarray(0, 4).toString()).toBe('RIFF');
  expect(recordings.removed).toEqual([NAME(keep)]);
  expect(results).toEqual(['stored']);
  await until('the mail', () => sink.mails.length === 1);
  expect(header(sink.mails[0]!.raw, 'Subject')).toMatch(/^Nouveau message pour /);
});

test('a store that fails: fate and metrics say failed, nothing deleted, pending kept, one alert; the retry stores it once', async () => {
  const { state, keep } = messageLeft();
  recordings.files.set(NAME(keep), wavBytes(9000));
  recordings.failing = true;
  const k = keeper();
  const fate = await k.keep(state, keep);
  expect(fate).toEqual({ result: 'failed', error: expect.stringMatching(/HTTP 404 Recording not found$/) });
  expect(results).toEqual(['failed']);
  expect(recordings.files.has(NAME(keep))).toBe(true);
  expect(await store().listMessages()).toEqual([]);
  expect(await new PendingMessages(path.join(work, 'vm')).list()).toEqual([expect.objectContaining({ recording: NAME(keep), callId: 'c1', caller: '0612345678', durationMs: 9000 })]);
  expect(k.voicemail).toEqual({ available: false, reason: expect.stringMatching(/^the last message could not be stored: /) });
  await until('the alert', () => sink.mails.length === 1);
  expect(header(sink.mails[0]!.raw, 'X-Accueil-Alert')).toBe('store-failed');
  expect(sink.mails[0]!.to).toEqual(['dr.martin@example.org']);

  // Two more failed retries (backoff 50, 100 ms) send no second alert.
  await until('two retries', () => recordings.fetches >= 3);
  expect(sink.mails).toHaveLength(1);
  recordings.failing = false;
  await until('stored by a retry', async () => (await store().listMessages()).length === 1);
  await until('the notification', () => sink.mails.length === 2);
  expect(results).toEqual(['failed', 'stored']);
  expect(recordings.removed).toEqual([NAME(keep)]);
  expect(await new PendingMessages(path.join(work, 'vm')).list()).toEqual([]);
  expect(k.voicemail).toEqual({ available: true });
  await k.retryPending();
  await new Promise((r) => setTimeout(r, 300));
  expect(await store().listMessages()).toHaveLength(1);
  expect(sink.mails).toHaveLength(2);
});

test('pending at the next start: the new keeper stores it once when connected; stored already (recording not deleted) is not stored again', async () => {
  const { state, keep } = messageLeft();
  recordings.files.set(NAME(keep), wavBytes(9000));
  recordings.failing = true;
  const first = keeper();
  await first.keep(state, keep);
  await first.close();
  recordings.failing = false;
  const second = keeper();
  await second.connected();
  expect(await store().listMessages()).toHaveLength(1);
  expect(results).toEqual(['failed', 'stored']);
  // The same recording offered again (say its deletion had failed): found stored, not stored twice.
  recordings.files.set(NAME(keep), wavBytes(9000));
  const again = await second.keep(state, keep);
  expect(again.result).toBe('stored');
  expect(await store().listMessages()).toHaveLength(1);
  expect(results).toEqual(['failed', 'stored']);
  expect(recordings.files.has(NAME(keep))).toBe(false);
});

test('recordings unreadable at the connection: voicemail unavailable with the reason, available again once readable', async () => {
  recordings.failing = true;
  const k = keeper();
  await k.connected();
  expect(k.voicemail).toEqual({ available: false, reason: 'Asterisk cannot list its recordings over ARI (GET /recordings/stored: HTTP 500)' });
  recordings.failing = false;
  await k.connected();
  expect(k.voicemail).toEqual({ available: true });
});

describe('the journal words of a message left', () => {
  const { actions } = messageLeft();
  const message = ofType(actions, 'journal').find((j) => j.step === 'message')!;
  const outcome = ofType(actions, 'journal').find((j) => j.step === 'outcome')!;
  const stored: MessageFate = { result: 'stored', messageId: '20260302-090012-abcdef' };
  const failed: MessageFate = { result: 'failed', error: 'HTTP 404 Recording not found' };

  test('the message and outcome lines wait for the store; others do not', () => {
    expect(ofType(actions, 'journal').filter(waitsForMessage).map((j) => j.step)).toEqual(['message', 'outcome']);
  });

  test('stored: the message line names the message, the outcome says stored', () => {
    expect(withFate(message, stored)).toMatchObject({
      reason: 'message of 9s left in dr-martin (ended by hangup): stored as 20260302-090012-abcdef',
      data: { message: 'stored', messageId: '20260302-090012-abcdef' },
    });
    expect(withFate(outcome, stored)).toMatchObject({ reason: expect.stringMatching(/^voicemail dr-martin, .*, message stored$/), data: { result: 'voicemail', message: 'stored' } });
  });

  test('failed: never "kept" — the lines say failed, why, and that it is retried', () => {
    expect(withFate(message, failed)).toMatchObject({
      reason: 'message of 9s left in dr-martin (ended by hangup): could not be stored (HTTP 404 Recording not found); the recording stays in Asterisk and is retried',
      data: { message: 'failed', error: 'HTTP 404 Recording not found' },
    });
    const out = withFate(outcome, failed);
    expect(out.data).toMatchObject({ message: 'failed' });
    expect(out.reason).toMatch(/, message not stored \(failed; retried\)$/);
    expect(JSON.stringify(out)).not.toMatch(/kept/);
  });
});

test("recordings left in Asterisk that nobody stores (daemon stopped before the store): stored once at the connection; a short one deleted; others' untouched", async () => {
  const callId = (Date.parse('2026-03-02T08:00:00Z')).toString(36) + '-1';
  const left = `accueil-dr-martin-${callId}-${callId}:rec4`;
  const short = `accueil-dr-martin-${callId}x-${callId}x:rec4`;
  recordings.files.set(left, wavBytes(6000));
  recordings.files.set(short, wavBytes(500));
  recordings.files.set('studio-greeting-1', wavBytes(3000));
  const k = keeper();
  await k.connected();
  const messages = await store().listMessages();
  expect(messages).toHaveLength(1);
  expect(messages[0]).toMatchObject({ box: 'dr-martin', callId, recording: left, durationMs: 6000, start: '2026-03-02T08:00:00.000Z' });
  expect([...recordings.files.keys()]).toEqual(['studio-greeting-1']);
  await k.connected();
  expect(await store().listMessages()).toHaveLength(1);
  expect(results).toEqual(['stored']);
});

test('the alert mail: who called, when, why, that it is retried; untrusted text kept to one line', async () => {
  const { storeFailedMail } = await import('../../../src/voicemail/alert');
  const mail = storeFailedMail(
    { recording: 'accueil-dr-martin-c1-c1:rec2', box: 'dr-martin', called: '+33142000001', calledName: 'Dr Martin', caller: 'x\r\nRappelez le 08 99', startedAt: Date.parse('2026-03-02T08:00:00Z'), durationMs: 9000, planVersion: 'v', callId: 'c1', failures: 1, alerted: false, lastError: 'HTTP 404\nRecording not found' },
    flowBox('dr-martin', { notify: { email: ['dr.martin@example.org'] } }),
    'accueil@example.org',
    { country: 'FR', timeZone: 'Europe/Paris' },
  );
  expect(mail).toMatchObject({ to: ['dr.martin@example.org'], subject: 'Message non enregistré pour Dr Martin — a message could not be stored', headers: { 'X-Accueil-Alert': 'store-failed' } });
  const text = String(mail.text);
  expect(text).toContain('Le : lundi 2 mars 2026 à 09:00');
  expect(text).toContain('Raison : HTTP 404 Recording not found');
  expect(text).toContain('Accueil réessaie');
  expect(text.split('\n').filter((l) => l.includes('Rappelez'))).toEqual([expect.stringMatching(/^De : /)]);
  expect(mail.attachments).toBeUndefined();
});
