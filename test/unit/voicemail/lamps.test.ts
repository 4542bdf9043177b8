// The message-waiting lamps as the daemon's MessageKeeper drives them: every box
// set when it starts following them, then only the boxes whose counts changed
// (a message marked heard or deleted by the CLI, in another process).
import * as fs from 'node:fs';
import * as path from 'node:path';
import pino from 'pino';
import type { MailboxCounts } from '../../../src/asterisk/mailboxes';
import { lampPollMs, MessageKeeper } from '../../../src/daemon/messages';
import { VoicemailStore } from '../../../src/voicemail/store';
import { newMessage, tempDir, writeRecording } from './helpers';

let work: string;
let keeper: MessageKeeper;
let store: VoicemailStore;
let lit: [string, MailboxCounts][];

beforeEach(() => {
  work = tempDir();
  const dir = path.join(work, 'voicemail');
  store = new VoicemailStore({ dir });
  keeper = new MessageKeeper(pino({ level: 'silent' }), { ACCUEIL_VOICEMAIL_DIR: dir, ACCUEIL_RECORDINGS_DIR: path.join(work, 'spool') });
  lit = [];
});
afterEach(async () => {
  await keeper.close();
  fs.rmSync(work, { recursive: true, force: true });
});

const setter = async (box: string, counts: MailboxCounts): Promise<void> => {
  lit.push([box, counts]);
};

async function message(box = 'dr-martin'): Promise<string> {
  const { file } = writeRecording(path.join(work, 'spool'), `accueil-${box}-c${lit.length}-${Math.random()}`);
  return (await store.storeMessage({ ...newMessage(file), box })).id;
}

test('every box is set when the lamps are followed, empty ones too', async () => {
  await message();
  keeper.lamps(setter, ['dr-martin', 'dr-durand']);
  await keeper.refreshLamps(); // the first round runs in the background; this one changes nothing
  expect(lit).toEqual([
    ['dr-martin', { unheard: 1, heard: 0 }],
    ['dr-durand', { unheard: 0, heard: 0 }],
  ]);
});

test('a message heard or deleted elsewhere changes the lamp at the next count; an unchanged box is not set again', async () => {
  const first = await message();
  await message();
  keeper.lamps(setter, ['dr-martin']);
  await keeper.refreshLamps();
  expect(lit).toEqual([['dr-martin', { unheard: 2, heard: 0 }]]);
  await store.markHeard(first);
  await keeper.refreshLamps();
  expect(lit.pop()).toEqual(['dr-martin', { unheard: 1, heard: 1 }]);
  await store.deleteMessage(first);
  await keeper.refreshLamps();
  expect(lit.pop()).toEqual(['dr-martin', { unheard: 1, heard: 0 }]);
  await keeper.refreshLamps();
  expect(lit).toHaveLength(1);
});

test('after a reconnection every box is set again (Asterisk may have forgotten)', async () => {
  keeper.lamps(setter, ['dr-martin']);
  await keeper.refreshLamps();
  keeper.lamps(setter, ['dr-martin']);
  await keeper.refreshLamps();
  expect(lit).toEqual([
    ['dr-martin', { unheard: 0, heard: 0 }],
    ['dr-martin', { unheard: 0, heard: 0 }],
  ]);
});

test('a lamp that fails is tried again at the next count', async () => {
  let fail = true;
  keeper.lamps(async (box, counts) => {
    if (fail) throw new Error('ARI down');
    lit.push([box, counts]);
  }, ['dr-martin']);
  await keeper.refreshLamps();
  expect(lit).toEqual([]);
  fail = false;
  await keeper.refreshLamps();
  expect(lit).toEqual([['dr-martin', { unheard: 0, heard: 0 }]]);
});

test('the recount period comes from ACCUEIL_MWI_POLL_MS, 10 s by default', () => {
  expect(lampPollMs({})).toBe(10_000);
  expect(lampPollMs({ ACCUEIL_MWI_POLL_MS: '1000' })).toBe(1000);
  expect(lampPollMs({ ACCUEIL_MWI_POLL_MS: 'soon' })).toBe(10_000);
});

test('a reload adds boxes: one holding messages is lit at once, an empty one is taken as off, the others are not read again', async () => {
  keeper.lamps(setter, ['dr-martin']);
  await keeper.refreshLamps();
  expect(lit).toEqual([['dr-martin', { unheard: 0, heard: 0 }]]);
  await message('dr-petit');
  const counted: string[] = [];
  const listMessages = store.listMessages.bind(store);
  jest.spyOn(VoicemailStore.prototype, 'listMessages').mockImplementation(async function (this: VoicemailStore, q) {
    counted.push(q?.box ?? '*');
    return listMessages(q);
  });
  keeper.watchBoxes(['dr-martin', 'dr-petit', 'dr-durand']);
  await keeper.refreshLamps('dr-petit'); // waits for the counts the reload started
  // dr-martin was followed already; dr-durand has no folder in the store: only dr-petit is read (then again).
  expect(counted).toEqual(['dr-petit', 'dr-petit']);
  expect(lit).toEqual([
    ['dr-martin', { unheard: 0, heard: 0 }],
    ['dr-petit', { unheard: 1, heard: 0 }],
  ]);
  await keeper.refreshLamps(); // the next poll: nothing changed, nothing set
  expect(lit).toHaveLength(2);
  jest.restoreAllMocks();
});
