// What sox says of an audio file: how long it lasts and how loud it is (speech, not silence).
import { execFileSync } from 'child_process';

export function soxStat(file: string): { seconds: number; rms: number } {
  // sox prints its statistics on stderr.
  const out = execFileSync('sh', ['-c', 'sox "$0" -n stat 2>&1', file]).toString();
  const num = (label: string): number => Number(new RegExp(`${label}:\\s*([-0-9.e]+)`).exec(out)?.[1]);
  return { seconds: num('Length \\(seconds\\)'), rms: num('RMS\\s+amplitude') };
}
