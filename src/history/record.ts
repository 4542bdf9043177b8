// One call of the history, derived from its journal by a pure reducer: the
// structured fields of the flow's journal entries (src/flow), never their
// human wording. The daemon stamps each entry with the instant it was emitted;
// the entries of a call may come from two lives of the daemon (a call resumed
// after a restart keeps its id), so the reducer needs nothing but the list.

/** One journal entry of a call, as the history keeps it. */
export interface JournalStep {
  /** Epoch ms at which the daemon emitted it. */
  at: number;
  step: string;
  reason: string;
  data: Record<string, unknown>;
}

export const OUTCOMES = [
  'answered',
  'overflowed-answered',
  'voicemail-message',
  'voicemail-no-message',
  'abandoned-waiting',
  'abandoned-ringing',
  'abandoned',
  'closed',
  'menu-timeout',
  'hung-up',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Outcomes that are a missed call when they happen during opening hours. */
export const MISSED_OUTCOMES: readonly Outcome[] = ['abandoned-waiting', 'abandoned-ringing', 'abandoned', 'voicemail-no-message'];

export type LineResult = 'answered' | 'noanswer' | 'busy' | 'unavailable' | 'failed' | 'timeout' | 'cancelled';

export interface LineRung {
  line: string;
  group?: string;
  /** When it started ringing (epoch ms). */
  at: number;
  result: LineResult;
}

export interface CallRecord {
  callId: string;
  arrivedAt: number;
  endedAt: number;
  /** As Asterisk handed it over. */
  called: string;
  /** The plan's key of the number (E.164), when known. */
  number?: string;
  numberName?: string;
  caller: string;
  planVersion: string;
  /** Open at arrival (its calendar), undefined when the journal does not say (steps lost in a crash). */
  open?: boolean;
  /** Destinations entered, in order: "group:secretariat", "line:dr-martin", "menu:main", "voicemail:martin". */
  route: string[];
  lines: LineRung[];
  answeredBy?: string;
  waitedMs: number;
  talkedMs: number;
  outcome: Outcome;
  /** The call went through an overflow (a group's, or a line that did not take it). */
  overflowed: boolean;
  /** A voicemail message was kept. */
  message: boolean;
  /** Unanswered, no message, during opening hours: somebody should call back. */
  missed: boolean;
  /** Times the call was picked up after a daemon restart. */
  resumed: number;
  steps: JournalStep[];
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

const LINE_RESULTS: readonly string[] = ['noanswer', 'busy', 'unavailable', 'failed', 'timeout'];

/**
 * The call record of a call's journal, or undefined while its outcome step has
 * not come (the call is not over). Steps are taken in the order of `at` (stable).
 */
export function reduceCall(callId: string, input: readonly JournalStep[]): CallRecord | undefined {
  const steps = [...input].sort((a, b) => a.at - b.at);
  const end = steps.find((s) => s.step === 'outcome');
  if (!end) return undefined;
  const d = end.data;
  const durations = (d.durations ?? {}) as Record<string, unknown>;
  const totalMs = num(durations.totalMs) ?? 0;
  const waitedMs = num(durations.waitedMs) ?? totalMs;
  const result = str(d.result) ?? 'hangup';

  let called = '';
  let caller = '';
  let planVersion = '';
  let number: string | undefined;
  let numberName: string | undefined;
  let open: boolean | undefined;
  let overflowed = false;
  let menuGaveUp = false;
  let message = false;
  let resumed = 0;
  let last: string | undefined;
  const route: string[] = [];
  const lines: LineRung[] = [];
  const enter = (kind: string, name: unknown): void => {
    if (typeof name !== 'string') return;
    last = kind;
    route.push(`${kind}:${name}`);
  };
  const ringing = (line: string): LineRung | undefined => lines.find((l) => l.line === line && l.result === 'cancelled' && !settled.has(l));
  const settled = new Set<LineRung>();
  const settle = (line: unknown, res: LineResult, at: number): void => {
    if (typeof line !== 'string') return;
    const l = ringing(line) ?? { line, at, result: res };
    if (!lines.includes(l)) lines.push(l);
    l.result = res;
    settled.add(l);
  };

  for (const s of steps) {
    const x = s.data;
    switch (s.step) {
      case 'number':
        called = str(x.called) ?? called;
        caller = str(x.caller) ?? caller;
        planVersion = str(x.planVersion) ?? planVersion;
        number = str(x.number) ?? number;
        numberName = str(x.name) ?? numberName;
        break;
      case 'resumed':
        resumed++;
        called ||= str(x.called) ?? '';
        caller ||= str(x.caller) ?? '';
        planVersion ||= str(x.startedWith) ?? str(x.planVersion) ?? '';
        break;
      case 'calendar':
        if (typeof x.open === 'boolean') open = x.open;
        break;
      case 'group':
        enter('group', x.group);
        break;
      case 'line':
        enter('line', x.line);
        if (typeof x.line === 'string') lines.push({ line: x.line, at: s.at, result: 'cancelled' });
        break;
      case 'menu':
        enter('menu', x.menu);
        break;
      case 'voicemail':
        enter('voicemail', x.box);
        break;
      case 'dial':
        if (typeof x.line === 'string') lines.push({ line: x.line, ...(typeof x.group === 'string' ? { group: x.group } : {}), at: s.at, result: 'cancelled' });
        break;
      case 'attemptFailed':
      case 'lineFailed': {
        const cause = str(x.cause) ?? 'failed';
        settle(x.line, (LINE_RESULTS.includes(cause) ? cause : 'failed') as LineResult, s.at);
        if (s.step === 'lineFailed') overflowed = true;
        break;
      }
      case 'answered':
        settle(x.line, 'answered', s.at);
        break;
      case 'overflow':
        overflowed = true;
        break;
      case 'menuFallback':
        menuGaveUp = true;
        break;
      case 'message':
        message = true;
        break;
    }
  }
  // Whatever was still ringing was withdrawn (answered elsewhere, overflow, hang-up).
  for (const l of lines) settled.add(l);

  const by = str(d.by);
  let outcome: Outcome;
  switch (result) {
    case 'answered':
      outcome = overflowed ? 'overflowed-answered' : 'answered';
      break;
    case 'voicemail':
      outcome = message || d.message === 'kept' ? 'voicemail-message' : 'voicemail-no-message';
      break;
    case 'callerHangup': {
      const cancelled = Array.isArray(steps.find((s) => s.step === 'callerHangup')?.data.cancelled);
      if (last === 'voicemail') outcome = 'voicemail-no-message';
      else if (cancelled || last === 'line') outcome = 'abandoned-ringing';
      else if (last === 'group') outcome = 'abandoned-waiting';
      else outcome = 'abandoned';
      break;
    }
    default:
      outcome = menuGaveUp ? 'menu-timeout' : open === false ? 'closed' : 'hung-up';
  }
  const answered = result === 'answered';
  if (outcome === 'voicemail-message') message = true;
  return {
    callId,
    arrivedAt: end.at - totalMs,
    endedAt: end.at,
    called,
    ...(number !== undefined ? { number } : {}),
    ...(numberName !== undefined ? { numberName } : {}),
    caller,
    planVersion,
    ...(open !== undefined ? { open } : {}),
    route,
    lines,
    ...(answered && by !== undefined ? { answeredBy: by } : {}),
    waitedMs,
    talkedMs: answered ? Math.max(0, totalMs - waitedMs) : 0,
    outcome,
    overflowed,
    message,
    missed: open !== false && MISSED_OUTCOMES.includes(outcome),
    resumed,
    steps,
  };
}

/** A journal entry as the daemon hands it over (`{callId, step, reason, ...data}`), stamped. */
export function stepOf(entry: Record<string, unknown>, at: number): { callId: string; step: JournalStep } | undefined {
  const { callId, step, reason, ...data } = entry;
  if (typeof callId !== 'string' || typeof step !== 'string') return undefined;
  return { callId, step: { at, step, reason: typeof reason === 'string' ? reason : '', data } };
}
