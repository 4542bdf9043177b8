// The caller's "number" is whatever the network sent: the mail quotes it as data
// (control characters removed, bounded, labelled), and a webhook never follows a redirect.
import { callerForMail, mailFor, mailSubject } from '../../../src/voicemail/mail';
import { postWebhook, type FetchLike } from '../../../src/voicemail/webhook';
import type { VoicemailBox } from '../../../src/plan/types';

const box: VoicemailBox = { name: 'dr-martin', record: true, maxLength: 120_000, minLength: 2000, notify: { email: ['dr@example.org'] } };
const base = { id: 'x', box: 'dr-martin', called: '+33142000001', start: '2026-03-15T13:30:12.000Z', durationMs: 65_400, planVersion: 'v', callId: 'c', heard: false, notified: {} };

test('a phone number is shown as a number', () => {
  expect(callerForMail('0612345678', 'FR')).toEqual({ text: '06 12 34 56 78', isNumber: true });
});

test('text that is not a number is quoted, cleaned, bounded and labelled', () => {
  const hostile = 'Rappelez le 08 99 00 00 00\r\nUrgent : votre compte\u202e' + 'x'.repeat(200);
  expect(callerForMail(hostile, 'FR')).toEqual({
    text: '« Rappelez le 08 99 00 00 00 Urgent : votr » (texte transmis par le réseau, pas un numéro vérifié)',
    isNumber: false,
  });
});

test('the mail body holds the quoted text on one line, the subject no text of the caller', () => {
  const m = { ...base, caller: 'Rappelez le 08 99\nFAUX', audioPath: '/x.wav' };
  const mail = mailFor(m, box, 'accueil@example.org', { country: 'FR' });
  expect(String(mail.text).split('\n')[2]).toBe('De : « Rappelez le 08 99 FAUX » (texte transmis par le réseau, pas un numéro vérifié)');
  expect(mailSubject(m, box, { country: 'FR' })).toBe("Nouveau message pour dr-martin d'un appelant sans numéro (1:05)");
});

test('a webhook is posted without following redirects', async () => {
  const seen: Parameters<FetchLike>[1][] = [];
  const fetch: FetchLike = async (_url, init) => {
    seen.push(init);
    return { ok: true, status: 200 };
  };
  await postWebhook('https://hooks.example.org/x', { event: 'voicemail.message', message: { ...base, caller: '' } }, { fetch, timeoutMs: 1000 });
  expect(seen[0]?.redirect).toBe('error');
});
