// Logs: pino JSON lines (one per decision, with the call id) by default; pretty
// when a person watches a terminal. ACCUEIL_LOG_LEVEL / ACCUEIL_LOG_FORMAT=json|pretty.
import pino, { type Logger } from 'pino';

/** Past this, the lines of one turn of the event loop are written at once rather than kept for its end. */
const TURN_BYTES = 8 * 1024;

export function makeLogger(env: NodeJS.ProcessEnv = process.env): Logger {
  const level = env.ACCUEIL_LOG_LEVEL ?? 'info';
  const format = env.ACCUEIL_LOG_FORMAT ?? (process.stdout.isTTY ? 'pretty' : 'json');
  if (format === 'pretty') {
    return pino({ level, base: undefined }, pino.transport({ target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', singleLine: true } }));
  }
  return pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, linesPerTurn());
}

/**
 * Standard output, written once per turn of the event loop: the lines an event's
 * decisions log (often several calls' at once under load) leave in one write, still
 * synchronous and in order, instead of one write each (bench/load.ts: a fifth of the
 * daemon's thread under load went to writing its journal). What a process killed
 * outright loses is the lines of the turn it was killed in; an exit writes them.
 */
function linesPerTurn(): { write(line: string): boolean } {
  const out = pino.destination({ dest: 1, sync: true, minLength: TURN_BYTES });
  let pending = false;
  const flush = (): void => {
    pending = false;
    out.flushSync();
  };
  process.on('exit', flush);
  return {
    write(line: string): boolean {
      out.write(line);
      if (!pending) {
        pending = true;
        setImmediate(flush);
      }
      return true;
    },
  };
}
