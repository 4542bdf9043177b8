// A child process's output, line by line (stdout and stderr alike), and its exit code:
// what the harnesses of the daemon (e2e) and of the images read.
import type { ChildProcess } from 'child_process';

/** Calls `onLine` for each complete line the child writes; resolves with its exit code (128 when killed by a signal). */
export function followLines(child: ChildProcess, onLine: (line: string) => void): Promise<number> {
  let buffer = '';
  const onData = (chunk: Buffer): void => {
    buffer += String(chunk);
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      onLine(line);
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1))));
}
