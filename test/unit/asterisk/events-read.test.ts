// Asterisk sends the daemon only the event types of EVENTS_READ (its per-application
// event filter): an event the adapter starts reading must be added there, or it never
// comes. The adapter's sources are read for the event types they test.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EVENTS_READ } from '../../../src/asterisk/connection';

const SRC = path.join(__dirname, '..', '..', '..', 'src');
const READERS = ['asterisk/calls.ts', 'asterisk/device-states.ts', 'daemon/observability.ts'];

/** The ARI event types a source compares an event's type with: `case 'X':`, `type === 'X'`, `type !== 'X'`, `['X', …].includes(event.type)`. */
function eventTypesIn(text: string): Set<string> {
  // Action types share `case '…':` in some files: only capitalised names are ARI events.
  const out = new Set<string>();
  const ariName = /^[A-Z][A-Za-z]+$/;
  for (const m of text.matchAll(/case '([A-Za-z]+)':/g)) if (ariName.test(m[1]!)) out.add(m[1]!);
  for (const m of text.matchAll(/type [!=]== '([A-Za-z]+)'/g)) if (ariName.test(m[1]!)) out.add(m[1]!);
  for (const m of text.matchAll(/\[([^\]]*)\]\.includes\(event\.type\)/g)) for (const t of m[1]!.matchAll(/'([A-Za-z]+)'/g)) out.add(t[1]!);
  return out;
}

describe('the events Asterisk is asked to send', () => {
  const read = new Set(READERS.flatMap((file) => [...eventTypesIn(fs.readFileSync(path.join(SRC, file), 'utf8'))]));

  test('every event type the adapter reads is in the filter', () => {
    expect([...read].filter((t) => !(EVENTS_READ as readonly string[]).includes(t))).toEqual([]);
  });

  test('nothing in the filter that the adapter does not read', () => {
    expect(EVENTS_READ.filter((t) => !read.has(t))).toEqual([]);
  });

  test('the scan finds what it should (it would pass on nothing otherwise)', () => {
    expect(read.has('StasisStart')).toBe(true);
    expect(read.has('ChannelLeftBridge')).toBe(true); // the includes(event.type) form
    expect(read.has('DeviceStateChanged')).toBe(true);
  });
});
