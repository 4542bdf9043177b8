// rrmemory: the executor keeps, per group, the line that last answered a call of
// that group, and passes that map (read-only) in every new CallContext.

import type { CallState } from './state';

/** The map after this call: updated when a line of a group answered it, the same object otherwise. */
export function rememberAnswer(memory: Readonly<Record<string, string>>, state: CallState): Readonly<Record<string, string>> {
  const a = state.answered;
  if (!a || a.group === undefined || memory[a.group] === a.line) return memory;
  return { ...memory, [a.group]: a.line };
}
