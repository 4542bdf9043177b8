// The executor's side of the queue contract, shared by the daemon and the simulator:
// a call's queue actions (enqueue / dequeue / released) applied to the dispatcher.

import type { Action } from '../flow/contract';
import type { Plan } from '../plan/types';
import type { Dispatcher } from './dispatcher';

/**
 * Apply the queue actions of one step of call `callId` (other actions are ignored).
 * `plan` is the call's own plan version (`state.ctx.plan`): the group it waits in is
 * read there, so a reload never changes a caller already waiting.
 */
export function applyQueueActions(d: Dispatcher, callId: string, plan: Plan, actions: readonly Action[], now: number): void {
  for (const a of actions) {
    if (a.type === 'enqueue') {
      const g = plan.groups[a.group];
      if (g) d.enqueue(callId, g, a.since ?? now, a.deadline, a.ringing);
    } else if (a.type === 'dequeue') d.dequeue(callId, now, a.answeredBy);
    else if (a.type === 'released') d.released(callId, a.line, a.cause, now);
  }
}
