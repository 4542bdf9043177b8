// Bounds and nominal values of the interpreter, in one place so the daemon,
// the simulator and the tests agree.

import type { CallLimits } from './contract';

/** A call may not stay in the daemon's hands forever: a stuck executor or a forgotten channel ends here. */
export const DEFAULT_LIMITS: CallLimits = {
  beforeBridgeMs: 30 * 60_000,
  bridgedMs: 4 * 3_600_000,
};

/** Destinations entered by one call; past it the plan loops (menu ↔ group …) and the call is ended politely. */
export const MAX_HOPS = 32;

/** Ring time of a line dialled directly from a menu (the plan gives lines no ring time of their own). */
export const DIRECT_DIAL_RING_MS = 30_000;

/** Asterisk prompts used when the plan has no sound of its own. */
export const PROMPTS = {
  unknownNumber: 'ss-noservice',
  voicemailGreeting: 'vm-intro',
  voicemailNoMessage: 'vm-nobodyavail',
  goodbye: 'vm-goodbye',
} as const;

/** Announcement name the plan may define for calls to a number it does not know. */
export const UNKNOWN_NUMBER_ANNOUNCEMENT = 'numero-inconnu';
