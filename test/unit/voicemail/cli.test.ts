// `accueil voicemail list|heard|delete`, in-process with stdout/stderr captured, on a temp store.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
import voicemail from '../../../src/cli/voicemail';
import { VoicemailStore, type StoredMessage } from '../../../src/voicemail/store';
import { newMessage, tempDir, writeRecording } from './helpers';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  try {
    return { code: await voicemail(argv), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

let work: string;
let dir: string;
let a: StoredMessage;
let b: StoredMessage;

beforeEach(async () => {
  work = tempDir();
  dir = path.join(work, 'voicemail');
  const store = new VoicemailStore({ dir });
  const spool = path.join(work, 'spool');
  b = await store.storeMessage(newMessage(writeRecording(spool, 'b').file, { box: 'dr-durand', calledName: 'Dr Durand', startedAt: Date.parse('2026-03-16T08:00:00Z'), caller: '', callId: 'b' }));
  a = await store.storeMessage(newMessage(writeRecording(spool, 'a').file, { startedAt: Date.parse('2026-03-15T13:30:12Z'), durationMs: 65_000, callId: 'a' }));
  await store.setNotified(a.id, 'email', 'sent');
});
afterEach(() => {
  delete process.env.ACCUEIL_VOICEMAIL_DIR;
  fs.rmSync(work, { recursive: true, force: true });
});

describe('accueil voicemail list', () => {
  it('--json prints every message with its metadata and files, oldest first', async () => {
    const r = await run(['list', '--json', '--dir', dir]);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    const list = JSON.parse(r.out) as StoredMessage[];
    expect(list.map((m) => m.id)).toEqual([a.id, b.id]);
    expect(list[0]).toEqual({
      id: a.id,
      box: 'dr-martin',
      called: '+33142000001',
      calledName: 'Dr Martin',
      caller: '0612345678',
      start: '2026-03-15T13:30:12.000Z',
      durationMs: 65_000,
      planVersion: 'abc123def456',
      callId: 'a',
      heard: false,
      notified: { email: 'sent' },
      audioPath: a.audioPath,
      metadataPath: a.metadataPath,
    });
  });

  it('--box keeps one box; the folder may come from ACCUEIL_VOICEMAIL_DIR', async () => {
    process.env.ACCUEIL_VOICEMAIL_DIR = dir;
    const r = await run(['list', '--box', 'dr-durand', '--json']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.out) as StoredMessage[]).map((m) => m.callId)).toEqual(['b']);
    expect(JSON.parse((await run(['list', '--json', '--box=nobody'])).out)).toEqual([]);
  });

  it('prints a table for people', async () => {
    const r = await run(['list', '--dir', dir]);
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^ID\s+BOX\s+START\s+LENGTH\s+FROM\s+FOR\s+STATE\s+NOTIFIED$/);
    expect(lines[1]).toContain(a.id);
    expect(lines[1]).toMatch(/dr-martin\s+2026-03-1\d \d\d:\d\d\s+1:05\s+06 12 34 56 78\s+Dr Martin\s+new\s+email sent$/);
    expect(lines[2]).toMatch(/dr-durand .* inconnu\s+Dr Durand\s+new$/);
    expect((await run(['list', '--dir', path.join(work, 'empty')])).out).toBe('no messages\n');
  });

  it('is reachable through `accueil voicemail` in the command table', async () => {
    let out = '';
    const o = jest.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
    try {
      expect(await main(['voicemail', 'list', '--json', '--dir', dir])).toBe(0);
    } finally {
      o.mockRestore();
    }
    expect(JSON.parse(out)).toHaveLength(2);
  });
});

describe('accueil voicemail heard / delete', () => {
  it('marks a message heard', async () => {
    const r = await run(['heard', a.id, '--dir', dir]);
    expect(r).toEqual({ code: 0, out: `${a.id}: marked heard\n`, err: '' });
    const list = JSON.parse((await run(['list', '--json', '--dir', dir])).out) as StoredMessage[];
    expect(list.find((m) => m.id === a.id)?.heard).toBe(true);
    expect(list.find((m) => m.id === a.id)?.notified).toEqual({ email: 'sent' });
  });

  it('deletes a message and its audio', async () => {
    const r = await run(['delete', b.id, '--dir', dir]);
    expect(r).toEqual({ code: 0, out: `${b.id}: deleted\n`, err: '' });
    expect(fs.existsSync(b.audioPath)).toBe(false);
    expect((JSON.parse((await run(['list', '--json', '--dir', dir])).out) as StoredMessage[]).map((m) => m.id)).toEqual([a.id]);
  });

  it('exits 1 for an unknown message', async () => {
    for (const sub of ['heard', 'delete']) {
      const r = await run([sub, '20260101-000000-000000', '--dir', dir]);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/no message 20260101-000000-000000/);
    }
  });

  it('exits 2 on bad usage', async () => {
    for (const argv of [[], ['frobnicate'], ['heard'], ['delete', 'a', 'b'], ['list', 'extra'], ['list', '--bogus'], ['list', '--box'], ['heard', 'x', '--json']]) {
      const r = await run(argv);
      expect({ argv, code: r.code }).toEqual({ argv, code: 2 });
      expect(r.err).toMatch(/usage: accueil voicemail list/);
    }
    expect((await run(['--help'])).code).toBe(0);
  });
});
