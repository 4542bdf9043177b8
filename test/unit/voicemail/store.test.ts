// The message store on real temp folders: layout, metadata, unique ids, no overwrite,
// permissions, moves across filesystems, list / heard / delete / unheard count.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_RECORDINGS_DIR, DEFAULT_VOICEMAIL_DIR, recordingPathFor, recordingsDir, voicemailDir } from '../../../src/voicemail/paths';
import { VoicemailStore } from '../../../src/voicemail/store';
import { memoryLogger, mode, newMessage, tempDir, writeRecording } from './helpers';

// The module object itself (an `import * as` namespace is frozen), so the store sees the spy.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const crypto = require('node:crypto') as typeof import('node:crypto');

let work: string;
let spool: string;
let dir: string;

beforeEach(() => {
  work = tempDir();
  spool = path.join(work, 'spool');
  dir = path.join(work, 'voicemail');
});
afterEach(() => {
  jest.restoreAllMocks();
  fs.rmSync(work, { recursive: true, force: true });
});

describe('storeMessage', () => {
  it('moves the recording into <dir>/<box>/<day>/<id>.wav with its metadata beside it', async () => {
    const { file, bytes } = writeRecording(spool, 'accueil-dr-martin-c1-rec1');
    const store = new VoicemailStore({ dir, timeZone: 'Europe/Paris' });
    const m = await store.storeMessage(newMessage(file));
    expect(m.id).toMatch(/^20260315-143012-[0-9a-f]{6}$/);
    expect(m.audioPath).toBe(path.join(dir, 'dr-martin', '2026-03-15', `${m.id}.wav`));
    expect(m.metadataPath).toBe(path.join(dir, 'dr-martin', '2026-03-15', `${m.id}.json`));
    expect(fs.readFileSync(m.audioPath).equals(bytes)).toBe(true);
    expect(fs.existsSync(file)).toBe(false);
    expect(JSON.parse(fs.readFileSync(m.metadataPath, 'utf8'))).toEqual({
      id: m.id,
      box: 'dr-martin',
      called: '+33142000001',
      calledName: 'Dr Martin',
      caller: '0612345678',
      start: '2026-03-15T13:30:12.000Z',
      durationMs: 5000,
      planVersion: 'abc123def456',
      callId: 'c1',
      heard: false,
      notified: {},
    });
    expect(fs.readdirSync(path.dirname(m.audioPath)).sort()).toEqual([`${m.id}.json`, `${m.id}.wav`]); // no temp file left
  });

  it('names the day folder in the store\'s time zone (23:30 UTC is tomorrow in Paris)', async () => {
    const { file } = writeRecording(spool, 'r');
    const store = new VoicemailStore({ dir, timeZone: 'Europe/Paris' });
    const m = await store.storeMessage(newMessage(file, { startedAt: Date.parse('2026-03-15T23:30:00Z') }));
    expect(m.id).toMatch(/^20260316-003000-/);
    expect(path.basename(path.dirname(m.audioPath))).toBe('2026-03-16');
    expect(m.start).toBe('2026-03-15T23:30:00.000Z');
  });

  it('gives every message its own id, even for the same second', async () => {
    const store = new VoicemailStore({ dir });
    const files = Array.from({ length: 25 }, (_, i) => writeRecording(spool, `r${i}`, 200, i + 1));
    const stored = await Promise.all(files.map((f, i) => store.storeMessage(newMessage(f.file, { callId: `c${i}` }))));
    expect(new Set(stored.map((m) => m.id)).size).toBe(25);
    for (const [i, m] of stored.entries()) expect(fs.readFileSync(m.audioPath).equals(files[i]!.bytes)).toBe(true);
    expect(await store.listMessages()).toHaveLength(25);
  });

  it('never overwrites: an id already taken is drawn again, the first message is intact', async () => {
    const real = crypto.randomBytes;
    const draws = ['aaaaaa', 'aaaaaa', 'bbbbbb'];
    jest.spyOn(crypto, 'randomBytes').mockImplementation(((size: number) =>
      size === 3 ? Buffer.from(draws.shift() ?? 'cccccc', 'hex') : real(size)) as typeof crypto.randomBytes);
    const store = new VoicemailStore({ dir, timeZone: 'UTC' });
    const first = writeRecording(spool, 'r1', 1000, 1);
    const second = writeRecording(spool, 'r2', 1000, 2);
    const a = await store.storeMessage(newMessage(first.file, { callId: 'a' }));
    const b = await store.storeMessage(newMessage(second.file, { callId: 'b' }));
    expect(a.id).toBe('20260315-133012-aaaaaa');
    expect(b.id).toBe('20260315-133012-bbbbbb');
    expect(fs.readFileSync(a.audioPath).equals(first.bytes)).toBe(true);
    expect(fs.readFileSync(b.audioPath).equals(second.bytes)).toBe(true);
    expect((await store.get(a.id))?.callId).toBe('a');
  });

  it('makes folders 0750 and files 0640 whatever the umask and the recording\'s mode', async () => {
    const { file } = writeRecording(spool, 'r');
    fs.chmodSync(file, 0o666);
    const old = process.umask(0);
    try {
      const store = new VoicemailStore({ dir: path.join(dir, 'deeper') });
      const m = await store.storeMessage(newMessage(file));
      expect(mode(m.audioPath)).toBe(0o640);
      expect(mode(m.metadataPath)).toBe(0o640);
      for (const d of [path.join(dir, 'deeper'), path.join(dir, 'deeper', 'dr-martin'), path.dirname(m.audioPath)]) expect(mode(d)).toBe(0o750);
      const updated = await store.markHeard(m.id);
      expect(mode(updated!.metadataPath)).toBe(0o640);
    } finally {
      process.umask(old);
    }
  });

  it('leaves an existing store folder\'s own mode alone', async () => {
    fs.mkdirSync(dir, { mode: 0o755 });
    fs.chmodSync(dir, 0o755);
    const { file } = writeRecording(spool, 'r');
    await new VoicemailStore({ dir }).storeMessage(newMessage(file));
    expect(mode(dir)).toBe(0o755);
  });

  const shm = '/dev/shm';
  const otherFs = fs.existsSync(shm) && fs.statSync(shm).dev !== fs.statSync(os.tmpdir()).dev;
  (otherFs ? it : it.skip)('copies then removes across filesystems', async () => {
    const src = fs.mkdtempSync(path.join(shm, 'accueil-vm-'));
    try {
      const { file, bytes } = writeRecording(src, 'r');
      const m = await new VoicemailStore({ dir }).storeMessage(newMessage(file));
      expect(fs.readFileSync(m.audioPath).equals(bytes)).toBe(true);
      expect(mode(m.audioPath)).toBe(0o640);
      expect(fs.existsSync(file)).toBe(false);
    } finally {
      fs.rmSync(src, { recursive: true, force: true });
    }
  });

  it('rejects a missing recording and leaves nothing behind', async () => {
    const store = new VoicemailStore({ dir });
    await expect(store.storeMessage(newMessage(path.join(spool, 'nothing.wav')))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await store.listMessages()).toEqual([]);
  });

  it('refuses box names that would leave the store', async () => {
    const { file } = writeRecording(spool, 'r');
    const store = new VoicemailStore({ dir });
    for (const bad of ['../etc', 'a/b', '.hidden', '']) {
      await expect(store.storeMessage(newMessage(file, { box: bad }))).rejects.toThrow(/cannot be used as a file name/);
    }
    expect(fs.existsSync(file)).toBe(true);
  });

  it('omits calledName when not given', async () => {
    const { file } = writeRecording(spool, 'r');
    const input = newMessage(file);
    delete input.calledName;
    const m = await new VoicemailStore({ dir }).storeMessage(input);
    expect('calledName' in JSON.parse(fs.readFileSync(m.metadataPath, 'utf8'))).toBe(false);
  });
});

describe('list, heard, delete, unheard count', () => {
  async function three(store: VoicemailStore) {
    const at = (iso: string) => Date.parse(iso);
    const c = await store.storeMessage(newMessage(writeRecording(spool, 'c').file, { box: 'dr-durand', startedAt: at('2026-03-16T08:00:00Z'), callId: 'c' }));
    const a = await store.storeMessage(newMessage(writeRecording(spool, 'a').file, { startedAt: at('2026-03-14T17:00:00Z'), callId: 'a' }));
    const b = await store.storeMessage(newMessage(writeRecording(spool, 'b').file, { startedAt: at('2026-03-15T09:00:00Z'), callId: 'b' }));
    return { a, b, c };
  }

  it('lists every box oldest first, or one box', async () => {
    const store = new VoicemailStore({ dir, timeZone: 'Europe/Paris' });
    await three(store);
    expect((await store.listMessages()).map((m) => m.callId)).toEqual(['a', 'b', 'c']);
    expect((await store.listMessages({ box: 'dr-martin' })).map((m) => m.callId)).toEqual(['a', 'b']);
    expect(await store.listMessages({ box: 'nobody' })).toEqual([]);
  });

  it('lists an absent store as empty', async () => {
    expect(await new VoicemailStore({ dir: path.join(work, 'none') }).listMessages()).toEqual([]);
  });

  it('skips temporary and broken metadata files, with a warning for the broken ones', async () => {
    const logger = memoryLogger();
    const store = new VoicemailStore({ dir, logger });
    const { a } = await three(store);
    const folder = path.dirname(a.metadataPath);
    fs.writeFileSync(path.join(folder, '.x.json.1234.tmp'), '{');
    fs.writeFileSync(path.join(folder, 'broken.json'), '{"id":');
    fs.writeFileSync(path.join(folder, 'other.json'), '{"hello":1}');
    expect(await store.listMessages()).toHaveLength(3);
    expect(logger.lines.filter((l) => l.level === 'warn')).toHaveLength(2);
  });

  it('marks heard (kept in the file) and counts the unheard per box', async () => {
    const store = new VoicemailStore({ dir });
    const { a, b } = await three(store);
    expect(await store.unheardCount('dr-martin')).toBe(2);
    expect(await store.unheardCount('dr-durand')).toBe(1);
    const heard = await store.markHeard(a.id);
    expect(heard).toMatchObject({ id: a.id, heard: true, audioPath: a.audioPath });
    expect(JSON.parse(fs.readFileSync(a.metadataPath, 'utf8')).heard).toBe(true);
    expect(await store.unheardCount('dr-martin')).toBe(1);
    expect((await store.markHeard(b.id, false))?.heard).toBe(false);
    expect(await store.unheardCount('dr-martin')).toBe(1);
  });

  it('answers undefined / false for unknown or malformed ids', async () => {
    const store = new VoicemailStore({ dir });
    await three(store);
    for (const id of ['20260315-100000-000000', '../../etc/passwd', 'x']) {
      expect(await store.get(id)).toBeUndefined();
      expect(await store.markHeard(id)).toBeUndefined();
      expect(await store.deleteMessage(id)).toBe(false);
    }
  });

  it('deletes the audio and the metadata', async () => {
    const store = new VoicemailStore({ dir });
    const { a } = await three(store);
    expect(await store.deleteMessage(a.id)).toBe(true);
    expect(fs.existsSync(a.audioPath)).toBe(false);
    expect(fs.existsSync(a.metadataPath)).toBe(false);
    expect(await store.deleteMessage(a.id)).toBe(false);
    expect((await store.listMessages()).map((m) => m.callId)).toEqual(['b', 'c']);
  });

  it('merges notification states and keeps concurrent updates', async () => {
    const store = new VoicemailStore({ dir });
    const { a } = await three(store);
    await Promise.all([store.setNotified(a.id, 'email', 'pending'), store.setNotified(a.id, 'webhook', 'pending'), store.markHeard(a.id)]);
    await store.setNotified(a.id, 'email', 'sent');
    expect(await store.get(a.id)).toMatchObject({ heard: true, notified: { email: 'sent', webhook: 'pending' } });
  });
});

describe('paths', () => {
  it('finds Asterisk\'s recording by its name', () => {
    expect(recordingPathFor('accueil-dr-martin-c1-rec1', '/root/var/spool/asterisk/recording')).toBe('/root/var/spool/asterisk/recording/accueil-dr-martin-c1-rec1.wav');
    expect(() => recordingPathFor('../x', '/r')).toThrow();
    expect(() => recordingPathFor('a/b', '/r')).toThrow();
  });
  it('reads the folders from the environment', () => {
    expect(voicemailDir({})).toBe(DEFAULT_VOICEMAIL_DIR);
    expect(voicemailDir({ ACCUEIL_VOICEMAIL_DIR: '/srv/vm' })).toBe('/srv/vm');
    expect(recordingsDir({})).toBe(DEFAULT_RECORDINGS_DIR);
    expect(recordingsDir({ ACCUEIL_RECORDINGS_DIR: '/x/rec' })).toBe('/x/rec');
  });
});
