// The journal lines that speak of a message left ("message", "outcome") wait for
// the store's answer and say what became of it: stored (its id) or failed (why,
// and that it is retried). The flow only decides a recording is long enough to
// keep; whether it was kept is known here, after the store.

import type { Action } from '../flow/contract';
import type { MessageFate } from './messages';

type JournalAction = Extract<Action, { type: 'journal' }>;

/** Steps whose words depend on the message's fate. */
export function waitsForMessage(action: Action): action is JournalAction {
  return action.type === 'journal' && (action.step === 'message' || action.step === 'outcome');
}

/** The journal line once the message's fate is known. */
export function withFate(entry: JournalAction, fate: MessageFate): JournalAction {
  const data = { ...entry.data };
  if (entry.step === 'message') {
    const reason =
      fate.result === 'stored'
        ? `${entry.reason}: stored as ${fate.messageId}`
        : `${entry.reason}: could not be stored (${fate.error}); the recording stays in Asterisk and is retried`;
    return { ...entry, reason, data: { ...data, message: fate.result, ...(fate.result === 'stored' ? { messageId: fate.messageId } : { error: fate.error }) } };
  }
  if (entry.step === 'outcome' && data.message === 'kept') {
    const reason = fate.result === 'stored' ? `${entry.reason}, message stored` : `${entry.reason}, message not stored (failed; retried)`;
    return { ...entry, reason, data: { ...data, message: fate.result } };
  }
  return entry;
}
