// Plan errors: data, never thrown across the public API, so that every error of a
// plan can be reported at once and the daemon decides how to log them.

export interface PlanError {
  /** The file as the user named it (relative paths stay relative, for editors). */
  file: string;
  /** 1-based; 0 when the error concerns the file or folder as a whole. */
  line: number;
  col: number;
  /** One line: the field, what was found, what was expected. */
  message: string;
}

/** `FILE:LINE:COL: message` (or `FILE: message` for whole-file errors), the format editors and grep understand. */
export function formatError(e: PlanError): string {
  const where = e.line > 0 ? `${e.file}:${e.line}:${e.col}` : e.file;
  return `${where}: ${e.message.replace(/\s*\n\s*/g, ' ')}`;
}

export function sortErrors(errors: PlanError[]): PlanError[] {
  const seen = new Set<string>();
  const unique: PlanError[] = [];
  for (const e of errors) {
    const k = formatError(e);
    if (!seen.has(k)) {
      seen.add(k);
      unique.push(e);
    }
  }
  return unique.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.col - b.col));
}
