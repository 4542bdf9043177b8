// Human durations ("45s", "2m", "1m30s", "500ms", "1h") → milliseconds.

const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
const ORDER = ['h', 'm', 's', 'ms'];

/** Milliseconds, or an explanation of what is wrong (without the field name). */
export function parseDuration(text: string): { ok: true; ms: number } | { ok: false; why: string } {
  const s = text.trim();
  const expected = 'expected a duration such as "45s", "2m", "1m30s" or "500ms"';
  if (s === '') return { ok: false, why: `found an empty text, ${expected}` };
  const re = /(\d+)(ms|h|m|s)/gy;
  let ms = 0;
  let last = -1;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(s)) !== null) {
    const unit = m[2]!;
    const rank = ORDER.indexOf(unit);
    // Units in decreasing order, each once: "30s1m" is more likely a mistake than intended.
    if (rank <= last) return { ok: false, why: `found "${text}", units must go from hours to milliseconds, each once; ${expected}` };
    last = rank;
    ms += Number(m[1]) * UNIT_MS[unit]!;
    consumed = re.lastIndex;
  }
  if (consumed !== s.length) {
    const hint = /^\d+$/.test(s) ? ` (add a unit: "${s}s")` : '';
    return { ok: false, why: `found "${text}"${hint}, ${expected}` };
  }
  return { ok: true, ms };
}

/** A measured time to the tenth of a second ("2.4s"): journals, the simulator, statistics. */
export function formatTenths(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const parts: string[] = [];
  let rest = ms;
  for (const u of ORDER) {
    const n = Math.floor(rest / UNIT_MS[u]!);
    if (n > 0) parts.push(`${n}${u}`);
    rest -= n * UNIT_MS[u]!;
  }
  return parts.join('');
}
