// A call across a daemon restart. After every step the executor keeps a small
// snapshot of the call on its channel (`snapshotOf`); a daemon that finds the
// channel in its application without knowing it rebuilds the call from it
// (`resumeCall`): a waiting caller keeps its place in the queue and its deadline,
// ringing attempts keep their ring time (the executor then reports what became of
// each leg while nobody listened), a menu or a voicemail greeting starts over, a
// message being recorded is taken back by its recording's name (Asterisk went on
// recording it), a goodbye is said again. Any other moment (a greeting half
// played) is not resumed: the executor sends the caller to its safe destination.
//
// Pure, like the rest of the interpreter: the snapshot is plain JSON data.

import type { Destination, Plan } from '../plan/types';
import type { CallContext, CallerId } from './contract';
import { DEFAULT_LIMITS, PROMPTS } from './limits';
import { holdAudio } from './group';
import { lifeTimerId, onLineFailed } from './line';
import { enterMenu } from './menu';
import { enterVoicemail } from './voicemail';
import { goto } from './route';
import { initialState, type Audio, type CallState } from './state';
import type { Step } from './interpreter';
import { Tx } from './tx';

export const SNAPSHOT_VERSION = 1;

/** Where the call stood: only the phases a restart can pick up again are detailed. */
export type SnapshotPhase =
  | { kind: 'group'; group: string; enteredAt: number; deadline: number }
  | { kind: 'line'; line: string; then: Destination }
  | { kind: 'menu'; menu: string }
  | {
      kind: 'voicemail';
      box: string;
      sub: 'greeting' | 'recording' | 'goodbye';
      /** The message being recorded: Asterisk goes on recording it while no daemon listens. */
      recordingId?: string;
      recordingStartedAt?: number;
    }
  | { kind: 'other'; name: string };

export interface SnapshotAttempt {
  line: string;
  startedAt: number;
  /** Its ring time ends here (our own ring timer). */
  ringUntil: number;
  group?: string;
}

export interface CallSnapshot {
  v: typeof SNAPSHOT_VERSION;
  callId: string;
  called: string;
  caller: string;
  /** Epoch ms of the call's arrival: its life bound runs from here. */
  arrivedAt: number;
  planVersion: string;
  numberKey?: string;
  callerId: CallerId;
  seq: number;
  hops: number;
  overflowedTo: string[];
  audio: Audio;
  /** The sound playing at the last step (the executor stops it before anything else). */
  playbackId?: string;
  phase: SnapshotPhase;
  /** attemptId → the line ringing for this call. */
  attempts: Record<string, SnapshotAttempt>;
}

/** What is worth keeping of a call on its channel; undefined once the call is over or connected (a bridge speaks for itself). */
export function snapshotOf(state: CallState): CallSnapshot | undefined {
  const p = state.phase;
  // A studio call is not picked up by a next life (the manager calls again): the fallback takes it.
  if (p.kind === 'ended' || p.kind === 'bridged' || p.kind === 'starting' || p.kind === 'studio') return undefined;
  const ringUntil = (attemptId: string): number => {
    for (const t of Object.values(state.timers)) if (t.purpose.kind === 'ring' && t.purpose.attemptId === attemptId) return t.at;
    return 0;
  };
  const attempts: Record<string, SnapshotAttempt> = {};
  for (const [id, a] of Object.entries(state.attempts)) {
    attempts[id] = { line: a.line, startedAt: a.startedAt, ringUntil: ringUntil(id), ...(a.group !== undefined ? { group: a.group } : {}) };
  }
  const ctx = state.ctx;
  return {
    v: SNAPSHOT_VERSION,
    callId: state.callId,
    called: ctx.called,
    caller: ctx.caller,
    arrivedAt: ctx.arrivedAt,
    planVersion: ctx.plan.version,
    ...(state.numberKey !== undefined ? { numberKey: state.numberKey } : {}),
    callerId: state.callerId,
    seq: state.seq,
    hops: state.hops,
    overflowedTo: state.overflowedTo,
    audio: state.audio,
    ...(state.playback ? { playbackId: state.playback.id } : {}),
    phase: snapshotPhase(p, state.recording),
    attempts,
  };
}

function snapshotPhase(p: CallState['phase'], recording: CallState['recording']): SnapshotPhase {
  switch (p.kind) {
    case 'group':
      return { kind: 'group', group: p.group, enteredAt: p.enteredAt, deadline: p.deadline };
    case 'line':
      return { kind: 'line', line: p.line, then: p.then };
    case 'menu':
      return { kind: 'menu', menu: p.menu };
    case 'voicemail':
      return p.sub === 'recording' && recording && !recording.finished
        ? { kind: 'voicemail', box: p.box, sub: p.sub, recordingId: recording.id, recordingStartedAt: recording.startedAt }
        : { kind: 'voicemail', box: p.box, sub: p.sub };
    default:
      return { kind: 'other', name: p.kind };
  }
}

/** A snapshot read back from a channel: the text Asterisk kept, checked before it is trusted. */
export function parseSnapshot(text: string): CallSnapshot | string {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  if (typeof data !== 'object' || data === null) return 'not an object';
  const s = data as Partial<CallSnapshot>;
  if (s.v !== SNAPSHOT_VERSION) return `snapshot version ${String(s.v)}, expected ${SNAPSHOT_VERSION}`;
  const strings = ['callId', 'called', 'caller', 'planVersion'] as const;
  for (const k of strings) if (typeof s[k] !== 'string') return `${k} missing`;
  const numbers = ['arrivedAt', 'seq', 'hops'] as const;
  for (const k of numbers) if (typeof s[k] !== 'number') return `${k} missing`;
  if (typeof s.phase !== 'object' || s.phase === null || typeof s.phase.kind !== 'string') return 'phase missing';
  if (typeof s.attempts !== 'object' || s.attempts === null) return 'attempts missing';
  if (typeof s.audio !== 'object' || s.audio === null) return 'audio missing';
  if (typeof s.callerId !== 'object' || s.callerId === null) return 'callerId missing';
  if (!Array.isArray(s.overflowedTo)) return 'overflowedTo missing';
  return s as CallSnapshot;
}

export interface Resumed extends Step {
  /**
   * The attempts the call still waits for, each with the end of its ring time: the
   * executor reports each leg's fate (answered, gone) as events.
   */
  attempts: Record<string, number>;
  /** The message being recorded, taken back by name: the executor reports its end (now, if it ended meanwhile). */
  recording?: { recordingId: string; box: string; maxLengthMs: number; silenceMs?: number };
}

/**
 * The call of a snapshot, picked up at `now` with `plan` (the plan in force; the
 * call's own version if it is the same). A string says why it cannot be resumed.
 */
export function resumeCall(snapshot: CallSnapshot, plan: Plan, now: number, speech?: CallContext['speech']): Resumed | string {
  const p = snapshot.phase;
  if (p.kind === 'other') return `the call was in ${p.name}: it cannot be picked up halfway`;
  if (p.kind === 'voicemail' && p.sub === 'recording' && p.recordingId === undefined) return `the call was in voicemail ${p.box} (${p.sub}): it cannot be picked up halfway`;
  if (p.kind === 'group' && !plan.groups[p.group]) return `group ${p.group} is not in plan ${plan.version}`;
  if (p.kind === 'line' && !plan.lines[p.line]) return `line ${p.line} is not in plan ${plan.version}`;
  if (p.kind === 'menu' && !plan.menus[p.menu]) return `menu ${p.menu} is not in plan ${plan.version}`;
  if (p.kind === 'voicemail' && !plan.voicemail[p.box]) return `voicemail box ${p.box} is not in plan ${plan.version}`;

  const base = initialState(
    { callId: snapshot.callId, plan, called: snapshot.called, caller: snapshot.caller, arrivedAt: snapshot.arrivedAt, ...(speech ? { speech } : {}) },
    {
      numberKey: snapshot.numberKey,
      callerId: snapshot.callerId,
      audio: snapshot.audio,
      seq: snapshot.seq,
      hops: snapshot.hops,
      overflowedTo: [...snapshot.overflowedTo],
    },
  );
  const tx = new Tx(base, now, goto);
  const samePlan = plan.version === snapshot.planVersion;
  tx.journal(
    'resumed',
    `call picked up after a daemon restart, in ${describePhase(p)}${samePlan ? '' : ` (started with plan ${snapshot.planVersion}, now ${plan.version})`}`,
    { called: snapshot.called, caller: snapshot.caller, planVersion: plan.version, ...(samePlan ? {} : { startedWith: snapshot.planVersion }) },
  );
  // The sound of the previous life is stopped: whatever comes next starts clean.
  if (snapshot.playbackId) tx.emit({ type: 'stopPlayback', playbackId: snapshot.playbackId });
  tx.startTimer({ kind: 'life' }, snapshot.arrivedAt + DEFAULT_LIMITS.beforeBridgeMs, lifeTimerId(snapshot.callId));

  let attempts: Record<string, number> = {};
  let recording: Resumed['recording'];
  switch (p.kind) {
    case 'group': {
      const g = plan.groups[p.group]!;
      tx.s.phase = { kind: 'group', group: p.group, enteredAt: p.enteredAt, deadline: p.deadline, messagePlaying: false };
      tx.setAudio(holdAudio(g));
      attempts = keepAttempts(tx, snapshot, (a) => a.group === p.group);
      tx.startTimer({ kind: 'maxWait' }, p.deadline);
      if (g.hold.message && g.hold.every) tx.startTimer({ kind: 'holdMessage' }, now + g.hold.every);
      // Same place in the queue (its arrival in the group), same deadline, same lines ringing.
      tx.s.queued = p.group;
      const ringing = Object.keys(attempts).map((id) => tx.s.attempts[id]!.line);
      tx.emit({ type: 'enqueue', group: p.group, deadline: p.deadline, since: p.enteredAt, ringing });
      break;
    }
    case 'line':
      tx.s.phase = { kind: 'line', line: p.line, then: p.then };
      tx.setAudio({ kind: 'ringback' });
      attempts = keepAttempts(tx, snapshot, (a) => a.line === p.line && a.group === undefined);
      // No leg to wait for: the line did not take the call, go where a failure goes.
      if (Object.keys(attempts).length === 0) onLineFailed(tx, 'failed');
      break;
    case 'menu':
      enterMenu(tx, p.menu);
      break;
    case 'voicemail': {
      const box = plan.voicemail[p.box]!;
      if (p.sub === 'greeting') enterVoicemail(tx, p.box);
      else if (p.sub === 'goodbye') {
        // The message is behind the caller: only the goodbye is left.
        tx.setAudio({ kind: 'none' });
        tx.s.phase = { kind: 'voicemail', box: p.box, sub: 'goodbye' };
        tx.play([PROMPTS.goodbye], false);
      } else if (p.recordingId !== undefined) {
        // Asterisk kept recording while no daemon listened: the same recording, picked up by name.
        const startedAt = p.recordingStartedAt ?? now;
        tx.s.recording = { id: p.recordingId, box: p.box, startedAt, finished: false };
        tx.s.recordingStartedAt = startedAt;
        tx.s.phase = { kind: 'voicemail', box: p.box, sub: 'recording' };
        recording = { recordingId: p.recordingId, box: p.box, maxLengthMs: box.maxLength, ...(box.silence !== undefined ? { silenceMs: box.silence } : {}) };
      }
      break;
    }
  }
  return { ...tx.done(), attempts, ...(recording ? { recording } : {}) };
}

/** The snapshot's attempts that still belong to the phase, with their ring timers at their original end. */
function keepAttempts(tx: Tx, snapshot: CallSnapshot, belongs: (a: SnapshotAttempt) => boolean): Record<string, number> {
  const kept: Record<string, number> = {};
  for (const [id, a] of Object.entries(snapshot.attempts)) {
    if (!belongs(a)) continue;
    tx.s.attempts[id] = a.group === undefined ? { line: a.line, startedAt: a.startedAt } : { line: a.line, startedAt: a.startedAt, group: a.group };
    tx.startTimer({ kind: 'ring', attemptId: id }, a.ringUntil);
    kept[id] = a.ringUntil;
  }
  return kept;
}

function describePhase(p: SnapshotPhase): string {
  switch (p.kind) {
    case 'group':
      return `group ${p.group}`;
    case 'line':
      return `line ${p.line}`;
    case 'menu':
      return `menu ${p.menu}`;
    case 'voicemail':
      return p.sub === 'recording' ? `voicemail ${p.box} (message being recorded)` : p.sub === 'goodbye' ? `voicemail ${p.box} (goodbye)` : `voicemail ${p.box}`;
    case 'other':
      return p.name;
  }
}
