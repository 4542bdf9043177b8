// Logs: pino JSON lines (one per decision, with the call id) by default; pretty
// when a person watches a terminal. ACCUEIL_LOG_LEVEL / ACCUEIL_LOG_FORMAT=json|pretty.
import pino, { type Logger } from 'pino';

export function makeLogger(env: NodeJS.ProcessEnv = process.env): Logger {
  const level = env.ACCUEIL_LOG_LEVEL ?? 'info';
  const format = env.ACCUEIL_LOG_FORMAT ?? (process.stdout.isTTY ? 'pretty' : 'json');
  if (format === 'pretty') {
    return pino({ level, base: undefined }, pino.transport({ target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', singleLine: true } }));
  }
  return pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime });
}
