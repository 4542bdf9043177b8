// The order in which a group's lines are tried after the last one: the dispatcher's
// rotation and the flow's rrmemory order share it (a leaf: no import).

/** The lines in order, starting after `after` (unknown or undefined: from the first). */
export function rotate(lines: readonly string[], after: string | undefined): string[] {
  const i = after === undefined ? -1 : lines.indexOf(after);
  if (i < 0) return [...lines];
  return [...lines.slice(i + 1), ...lines.slice(0, i + 1)];
}
