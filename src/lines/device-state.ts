// Asterisk device states → what a line can do for a waiting caller.
// Pure: the ARI adapter reports `DeviceStateChanged` strings, this reads them.

/** What the dispatcher needs to know about a line. */
export type LineStatus = 'free' | 'ringing' | 'inUse' | 'unavailable';

/**
 * Asterisk's device state names (ast_devstate2str). ONHOLD and RINGINUSE count as in
 * use: someone is on a call there, whether Accueil routed it or not. UNKNOWN is what
 * Asterisk says when it cannot tell (no state provider yet): free, the dial will find
 * out, and a refusal or failure then pauses the line for that caller.
 */
export function deviceStatus(state: string): LineStatus {
  switch (state.trim().toUpperCase().replace(/[\s-]/g, '_')) {
    case 'NOT_INUSE':
    case 'UNKNOWN':
      return 'free';
    case 'RINGING':
      return 'ringing';
    case 'INUSE':
    case 'BUSY':
    case 'RINGINUSE':
    case 'ONHOLD':
      return 'inUse';
    case 'UNAVAILABLE':
    case 'INVALID':
      return 'unavailable';
    default:
      // A state this code does not know: do not block calls on it.
      return 'free';
  }
}

/** The plan's lines whose endpoint is this Asterisk device ("PJSIP/secretariat"), for DeviceStateChanged. */
export function linesOfDevice(lines: Readonly<Record<string, { endpoint: string }>>, device: string): string[] {
  return [...(deviceIndex(lines).get(device.toLowerCase()) ?? [])];
}

/** A plan's lines by device, made once per lines object (a plan is not changed once built; a reload brings new objects). */
const indexes = new WeakMap<object, Map<string, string[]>>();

function deviceIndex(lines: Readonly<Record<string, { endpoint: string }>>): Map<string, string[]> {
  let index = indexes.get(lines);
  if (!index) {
    index = new Map();
    for (const [name, l] of Object.entries(lines)) {
      const d = l.endpoint.toLowerCase();
      const names = index.get(d);
      if (names) names.push(name);
      else index.set(d, [name]);
    }
    indexes.set(lines, index);
  }
  return index;
}
