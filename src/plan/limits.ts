// Bounds on what a plan file may cost to read. A reception plan is a few kilobytes and
// a few hundred values; these limits are far above any real plan and far below what
// could freeze or exhaust the process (an alias bomb, a file nested thousands deep).

/** Nesting of mappings and lists (the reference plan uses 6). */
export const MAX_DEPTH = 64;
/** Values in one file after aliases are expanded (the reference plan has about 300, a plan of 10,000 numbers 250,000). */
export const MAX_NODES = 500_000;
/** Uses of aliases (`*name`) in one file, counted as they are expanded. */
export const MAX_ALIAS_USES = 1_000;
/** Errors reported for one plan: past these, the rest is noise caused by the first ones. */
export const MAX_REPORTED_ERRORS = 50;

/**
 * Where the text nests deeper than `max` levels, found by a cheap scan before the YAML
 * parser (which recurses, and would end in "Maximum call stack size exceeded"): block
 * indentation levels plus flow brackets plus compact "- " items. It may over-count a
 * little (a block scalar's own indentation), never under-count a real nesting.
 */
export function findDeepNesting(text: string, max = MAX_DEPTH): { line: number; col: number } | undefined {
  const indents: number[] = [];
  let flow = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    let col = 0;
    while (col < raw.length && raw[col] === ' ') col++;
    if (col === raw.length || raw[col] === '#' || raw[col] === '\r') continue;
    if (flow === 0) {
      while (indents.length > 0 && indents[indents.length - 1]! >= col) indents.pop();
      indents.push(col);
    }
    let quote: string | undefined;
    let compact = 0;
    for (let c = col; c < raw.length; c++) {
      const ch = raw[c]!;
      if (quote) {
        if (ch === quote) quote = undefined;
        continue;
      }
      if (ch === '"' || ch === "'") quote = ch;
      else if (ch === '#' && (c === 0 || raw[c - 1] === ' ')) break;
      else if (ch === '[' || ch === '{') flow++;
      else if (ch === ']' || ch === '}') flow = Math.max(0, flow - 1);
      else if (flow === 0 && (ch === '-' || ch === '?') && raw[c + 1] === ' ' && raw.slice(col, c).trim().replace(/[-?] /g, '') === '') compact++;
      if (indents.length + flow + compact > max) return { line: i + 1, col: c + 1 };
    }
  }
  return undefined;
}

/** The encoding a buffer that is not UTF-8 text is probably in, from its byte-order mark or its zero bytes. */
export function sniffEncoding(buf: Uint8Array): string | undefined {
  const b = (i: number): number | undefined => buf[i];
  if (b(0) === 0xff && b(1) === 0xfe && b(2) === 0 && b(3) === 0) return 'UTF-32 (little-endian)';
  if (b(0) === 0 && b(1) === 0 && b(2) === 0xfe && b(3) === 0xff) return 'UTF-32 (big-endian)';
  if (b(0) === 0xff && b(1) === 0xfe) return 'UTF-16 (little-endian)';
  if (b(0) === 0xfe && b(1) === 0xff) return 'UTF-16 (big-endian)';
  if (buf.length >= 4) {
    if (b(0) !== 0 && b(1) === 0 && b(2) === 0 && b(3) === 0) return 'UTF-32 (little-endian)';
    if (b(0) === 0 && b(1) === 0 && b(2) === 0 && b(3) !== 0) return 'UTF-32 (big-endian)';
  }
  if (buf.length >= 2) {
    if (b(0) !== 0 && b(1) === 0) return 'UTF-16 (little-endian)';
    if (b(0) === 0 && b(1) !== 0) return 'UTF-16 (big-endian)';
  }
  return undefined;
}
