// The JSON journal is written once per turn of the event loop (src/daemon/logger.ts):
// every line still arrives, whole and in order, within a turn, across turns, past the
// turn's buffer, and at exit.
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..', '..');

test('every line arrives whole and in order: within a turn, across turns, past the buffer, at exit', () => {
  const script = `
    const { makeLogger } = require(${JSON.stringify(path.join(REPO, 'src/daemon/logger.ts'))});
    const log = makeLogger({ ACCUEIL_LOG_FORMAT: 'json' });
    for (let i = 0; i < 300; i++) log.info({ n: i, pad: 'x'.repeat(100) }, 'same turn'); // past the 8 KB buffer
    setImmediate(() => log.info({ n: 300 }, 'next turn'));
    setTimeout(() => { log.info({ n: 301 }, 'just before exit'); process.exit(0); }, 20);
  `;
  const out = execFileSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: REPO, encoding: 'utf8' });
  const lines = out.trim().split('\n').map((l) => JSON.parse(l) as { n: number; msg: string });
  expect(lines.map((l) => l.n)).toEqual([...Array(302).keys()]);
  expect(lines[301]!.msg).toBe('just before exit');
});
