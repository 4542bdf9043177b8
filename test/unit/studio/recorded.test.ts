// Which take plays for which announcement: kept across restarts (a file in the data
// folder, written whole or not at all), a newer take replacing the older, and
// `accueil sound list` showing an announcement recorded by phone as such.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { listSounds, RecordedAnnouncements } from '../../../src/announce';
import { referencePlan } from '../flow/fixtures';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accueil-recorded-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('nothing recorded yet: no file, no take', () => {
  const r = RecordedAnnouncements.inDataDir(path.join(dir, 'empty')).load();
  expect(r.mediaOf('ferme')).toBeUndefined();
  expect(r.all()).toEqual({});
});

test('a kept take plays as its Asterisk recording, survives a restart, and a newer one replaces it (the older is handed back to delete)', async () => {
  const r = RecordedAnnouncements.inDataDir(dir);
  const first = { recording: 'studio-a-a:take3', durationMs: 6100, keptAt: 1, callId: 'a' };
  expect(await r.keep('ferme', first)).toBeUndefined();
  expect(r.mediaOf('ferme')).toBe('recording:studio-a-a:take3');
  expect(RecordedAnnouncements.inDataDir(dir).load().mediaOf('ferme')).toBe('recording:studio-a-a:take3');
  const second = { recording: 'studio-b-b:take5', durationMs: 4000, keptAt: 2, callId: 'b' };
  expect(await r.keep('ferme', second)).toEqual(first);
  expect(RecordedAnnouncements.inDataDir(dir).load().all()).toEqual({ ferme: second });
  // Written through a temporary file and a rename: no leftover beside it.
  expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
});

test('an unreadable file is an error for the caller to report, not an empty list', () => {
  const bad = path.join(dir, 'bad');
  fs.mkdirSync(bad);
  fs.writeFileSync(path.join(bad, 'recorded.json'), '{ not json');
  expect(() => RecordedAnnouncements.inDataDir(bad).load()).toThrow(SyntaxError);
});

test('sound list: an announcement recorded by phone shows its take, not the file it replaces', async () => {
  const sounds = fs.mkdtempSync(path.join(os.tmpdir(), 'accueil-sounds-'));
  const list = await listSounds(referencePlan(), sounds, undefined, { ferme: { recording: 'studio-b-b:take5', durationMs: 4000, keptAt: 2, callId: 'b' } });
  expect(list.used.filter((e) => e.announcements.includes('ferme'))).toEqual([
    { name: 'recording:studio-b-b:take5', announcements: ['ferme'], source: 'recorded', detail: 'studio-b-b:take5', durationMs: 4000 },
  ]);
  expect(list.used.find((e) => e.name === 'bienvenue-dr-martin')?.source).toBe('file');
});
