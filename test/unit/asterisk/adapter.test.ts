// The ARI adapter's pure decisions: how a ring leg's end is read, how an
// endpoint's state becomes a device state, the reconnect schedule, the events URL.
import { arrivalOfCallId, failureFromCause, parseRecordingName, recordingEndCause, recordingNameOf } from '../../../src/asterisk/calls';
import { callIdOfRecording, recordingNameOf as nameOfMessage, takeNameOf, wavDurationMs } from '../../../src/asterisk/recordings';
import { eventsUrl, reconnectDelay, withTimeout, AriTimeoutError } from '../../../src/asterisk/connection';
import { deviceStateOfEndpoint } from '../../../src/asterisk/device-states';

describe('failureFromCause', () => {
  test.each([
    [17, undefined, 'busy'],
    [18, undefined, 'noanswer'],
    [19, undefined, 'noanswer'],
    [20, undefined, 'unavailable'],
    [1, undefined, 'unavailable'],
    [3, undefined, 'unavailable'],
    [21, undefined, 'failed'],
    [16, undefined, 'failed'],
    [undefined, undefined, 'failed'],
  ])('Q.850 cause %p → %p', (cause, status, expected) => {
    expect(failureFromCause(cause, status)).toBe(expected);
  });

  test('the Dial status wins over the cause', () => {
    expect(failureFromCause(16, 'BUSY')).toBe('busy');
    expect(failureFromCause(17, 'NOANSWER')).toBe('noanswer');
    expect(failureFromCause(17, 'CHANUNAVAIL')).toBe('unavailable');
    expect(failureFromCause(17, 'CONGESTION')).toBe('unavailable');
  });
});

describe('deviceStateOfEndpoint', () => {
  test('offline endpoint (not registered) is unavailable', () => {
    expect(deviceStateOfEndpoint({ state: 'offline', channel_ids: [] })).toBe('UNAVAILABLE');
  });
  test('an endpoint with channels is in use, whoever placed them', () => {
    expect(deviceStateOfEndpoint({ state: 'online', channel_ids: ['a'] })).toBe('INUSE');
  });
  test('online or unknown without channels is free', () => {
    expect(deviceStateOfEndpoint({ state: 'online', channel_ids: [] })).toBe('NOT_INUSE');
    expect(deviceStateOfEndpoint({ state: 'unknown' })).toBe('NOT_INUSE');
  });
});

describe('reconnectDelay', () => {
  test('grows from a quarter second and never exceeds one second', () => {
    const top = (attempt: number): number => reconnectDelay(attempt, 1000, () => 1);
    const bottom = (attempt: number): number => reconnectDelay(attempt, 1000, () => 0);
    expect([0, 1, 2, 3, 10, 50].map(top)).toEqual([250, 500, 1000, 1000, 1000, 1000]);
    expect([0, 1, 2, 3, 10, 50].map(bottom)).toEqual([125, 250, 500, 500, 500, 500]);
  });
});

describe('eventsUrl', () => {
  test('websocket scheme, application and credentials escaped', () => {
    expect(eventsUrl({ url: 'http://127.0.0.1:8088', username: 'accueil', password: 'p@ss word', app: 'accueil' })).toBe(
      'ws://127.0.0.1:8088/ari/events?app=accueil&api_key=accueil%3Ap%40ss%20word',
    );
    expect(eventsUrl({ url: 'https://pbx.example.org', username: 'u', password: 'p', app: 'a b' })).toBe('wss://pbx.example.org/ari/events?app=a%20b&api_key=u%3Ap');
  });
});

describe('withTimeout', () => {
  test('a request that never answers fails after its bound, naming it', async () => {
    await expect(withTimeout(new Promise(() => undefined), 20, 'dial')).rejects.toThrow(AriTimeoutError);
    await expect(withTimeout(new Promise(() => undefined), 20, 'dial')).rejects.toThrow(/timed out after 20 ms: dial/);
  });
  test('an answer in time is passed through', async () => {
    await expect(withTimeout(Promise.resolve(42), 1000, 'x')).resolves.toBe(42);
  });
});

describe('recordingEndCause', () => {
  const base = { failed: false, hungUp: false, key: false, durationMs: 7000, maxLengthMs: 60_000 };
  test('a 7 s message of a 1 min box, the caller gone (even before the hang-up is seen): hang-up, not max length', () => {
    expect(recordingEndCause({ ...base, hungUp: true })).toBe('hangup');
    expect(recordingEndCause(base)).toBe('hangup');
  });
  test('a key pressed while recording: #', () => {
    expect(recordingEndCause({ ...base, key: true })).toBe('dtmf');
    expect(recordingEndCause({ ...base, key: true, hungUp: true })).toBe('dtmf');
  });
  test('the whole length used (within 1 s): max length', () => {
    expect(recordingEndCause({ ...base, durationMs: 59_200 })).toBe('maxLength');
    expect(recordingEndCause({ ...base, durationMs: 58_900 })).toBe('hangup');
  });
  test('silence detected by the box: silence; without detection it cannot be silence', () => {
    expect(recordingEndCause({ ...base, silenceMs: 5000 })).toBe('silence');
    expect(recordingEndCause({ ...base, silenceMs: 5000, hungUp: true })).toBe('hangup');
  });
  test("Asterisk's own cause wins; a failed recording is the caller's hang-up", () => {
    expect(recordingEndCause({ ...base, cause: 'silence' })).toBe('silence');
    expect(recordingEndCause({ ...base, failed: true, key: true })).toBe('hangup');
  });
});

describe('wavDurationMs', () => {
  test("Asterisk's wav (8 kHz 16-bit, 44-byte header): bytes to milliseconds", () => {
    expect(wavDurationMs(44 + 16 * 7000)).toBe(7000);
    expect(wavDurationMs(0)).toBe(0);
  });
});

describe('parseRecordingName', () => {
  test('the reverse of recordingNameOf, boxes with dashes included (the longest box that fits)', () => {
    const name = recordingNameOf('dr-martin', 'mfx1ab-3', 'mfx1ab-3:rec7');
    expect(parseRecordingName(name, ['dr', 'dr-martin'])).toEqual({ box: 'dr-martin', callId: 'mfx1ab-3', recordingId: 'mfx1ab-3:rec7' });
  });
  test('another box, a studio recording or a name whose call ids differ: not a message', () => {
    expect(parseRecordingName(recordingNameOf('dr-petit', 'a-1', 'a-1:rec2'), ['dr-martin'])).toBeUndefined();
    expect(parseRecordingName('accueil-studio-greeting', ['dr-martin', 'studio'])).toBeUndefined();
    expect(parseRecordingName('accueil-dr-martin-a-1-b-1:rec2', ['dr-martin'])).toBeUndefined();
  });
  test('a call id tells when the call arrived', () => {
    const at = Date.parse('2026-03-02T08:00:00Z');
    expect(arrivalOfCallId(`${at.toString(36)}-5`)).toBe(at);
    expect(arrivalOfCallId('')).toBeUndefined();
  });
});

describe('callIdOfRecording', () => {
  test("a message's and a studio take's name give back their call (boxes with dashes included); another name gives nothing", () => {
    expect(callIdOfRecording(nameOfMessage('dr-martin', 'mx7j67an-1', 'mx7j67an-1:rec4'))).toBe('mx7j67an-1');
    expect(callIdOfRecording(takeNameOf('mx7j8xrh-2f', 'mx7j8xrh-2f:take9'))).toBe('mx7j8xrh-2f');
    expect(callIdOfRecording('studio-greeting-1')).toBeUndefined();
    expect(callIdOfRecording('voicemail-of-someone-else')).toBeUndefined();
  });
});
