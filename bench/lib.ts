// What the benchmarks share: the sandbox Asterisk, SIPp processes, the daemon
// as a child process, ARI reads, /proc figures. Not a test harness: it prints.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const REPO = path.resolve(__dirname, '..');
export const SANDBOX = process.env.ACCUEIL_SANDBOX_DIR ?? '/var/cache/accueil/sandbox';
export const CLK_TCK = 100;

export function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${name} needs a number`);
  return v;
}

const SANDBOX_SH = path.join(REPO, 'scripts/asterisk-sandbox.sh');

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export const work = fs.mkdtempSync(path.join(os.tmpdir(), 'accueil-bench-'));

export const children: ChildProcess[] = [];

export function sandbox(...args: string[]): string {
  return execFileSync('bash', [SANDBOX_SH, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** User and system CPU (clock ticks) from a /proc stat file (the fields after the command's closing parenthesis). */
function statTimes(file: string): { user: number; system: number } {
  const stat = fs.readFileSync(file, 'utf8');
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(rest[11]), system: Number(rest[12]) };
}

export function procTimes(pid: number): number {
  // utime + stime of the whole process (all threads), in clock ticks
  const t = statTimes(`/proc/${pid}/stat`);
  return t.user + t.system;
}

/** Each thread's user and system CPU (clock ticks), by thread id: where a process's CPU goes. */
export function threadTimes(pid: number): Map<number, { user: number; system: number }> {
  const out = new Map<number, { user: number; system: number }>();
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      out.set(Number(tid), statTimes(`/proc/${pid}/task/${tid}/stat`));
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

export function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

export const mb = (kb: number): string => `${(kb / 1024).toFixed(0)} MB`;

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

export interface Sipp {
  child: ChildProcess;
  exited: Promise<number>;
  msgFile: string;
  statFile: string;
}

export function sipp(label: string, args: string[], trace: boolean): Sipp {
  const msgFile = path.join(work, `${label}.msg`);
  const statFile = path.join(work, `${label}.csv`);
  const all = [...args, '-nostdin', '-trace_stat', '-stf', statFile, '-fd', '1', '-trace_err', '-error_file', path.join(work, `${label}.err`)];
  if (trace) all.push('-trace_msg', '-message_file', msgFile);
  const child = spawn('sipp', all, { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  let err = '';
  child.stderr?.on('data', (d) => (err = (err + String(d)).slice(-2000)));
  const exited = new Promise<number>((resolve) =>
    child.on('exit', (code, signal) => {
      if (code !== 0 && code !== 1 && !signal) process.stderr.write(`bench: sipp ${label} exited ${code}: ${err}\n`);
      resolve(code ?? 128);
    }),
  );
  return { child, exited, msgFile, statFile };
}

export async function stop(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(t);
}

/** The last counters SIPp wrote to its statistics file. */
export function sippCounters(statFile: string): Record<string, number> {
  if (!fs.existsSync(statFile)) return {};
  const lines = fs.readFileSync(statFile, 'utf8').trim().split('\n');
  if (lines.length < 2) return {};
  const head = lines[0]!.split(';');
  const last = lines[lines.length - 1]!.split(';');
  const out: Record<string, number> = {};
  head.forEach((h, i) => (out[h] = Number(last[i])));
  return out;
}

export function ensureSandbox(): Record<string, string> {
  let out: string;
  try {
    sandbox('status');
    out = sandbox('settings');
  } catch {
    process.stderr.write('bench: starting the sandbox Asterisk\n');
    out = sandbox('up');
  }
  const env: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const m = /^export (\w+)=(.*)$/.exec(line.trim());
    if (m) env[m[1]!] = m[2]!;
  }
  return env;
}

export interface Daemon {
  child: ChildProcess;
  exited: Promise<number>;
  warnings: number;
  errors: number;
  lastProblems: string[];
}

/** env: added to the daemon's environment; onLine: every line it writes (its JSON journal). */
export async function startDaemon(
  ari: Record<string, string>,
  planFile: string,
  options: { env?: Record<string, string>; onLine?: (line: string) => void; nodeArgs?: string[] } = {},
): Promise<Daemon> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), path.join(REPO, 'bin/accueil'), 'run', '--plan', planFile, '--sounds', path.join(REPO, 'sounds')], {
    cwd: REPO,
    env: {
      ...process.env,
      ...ari,
      ACCUEIL_LOG_FORMAT: 'json',
      ACCUEIL_HTTP_PORT: 'off',
      ACCUEIL_VOICEMAIL_DIR: path.join(work, 'voicemail'),
      ACCUEIL_DATA_DIR: path.join(work, 'data'),
      ACCUEIL_RECORDINGS_DIR: sandboxRecordingsDir(),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const d: Daemon = { child, exited: new Promise((r) => child.on('exit', (c) => r(c ?? 128))), warnings: 0, errors: 0, lastProblems: [] };
  let connected = false;
  let buf = '';
  const onData = (chunk: Buffer): void => {
    buf += String(chunk);
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (line.includes('"ari.connected"')) connected = true;
      options.onLine?.(line);
      const level = Number(/"level":(\d+)/.exec(line)?.[1] ?? 0);
      if (level >= 40 && !line.includes('device.subscribe_failed')) {
        if (level >= 50) d.errors += 1;
        else d.warnings += 1;
        d.lastProblems.push(line.slice(0, 300));
        if (d.lastProblems.length > 5) d.lastProblems.shift();
      }
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const deadline = Date.now() + 30000;
  while (!connected) {
    if (child.exitCode !== null) throw new Error(`daemon exited ${child.exitCode}: ${d.lastProblems.join('\n')}`);
    if (Date.now() > deadline) throw new Error('daemon not connected to ARI within 30 s');
    await sleep(100);
  }
  return d;
}

export async function ari<T>(env: Record<string, string>, resource: string): Promise<T> {
  const res = await fetch(`${env.ARI_URL}/ari/${resource}`, {
    headers: { authorization: `Basic ${Buffer.from(`${env.ARI_USERNAME}:${env.ARI_PASSWORD}`).toString('base64')}` },
    signal: AbortSignal.timeout(5000),
  });
  return (await res.json()) as T;
}

/** Waits (bounded) until Asterisk holds no channel; returns what is left. */
export async function settle(env: Record<string, string>, timeoutMs: number): Promise<{ channels: number; bridges: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [channels, bridges] = await Promise.all([ari<unknown[]>(env, 'channels'), ari<unknown[]>(env, 'bridges')]);
    if ((channels.length === 0 && bridges.length === 0) || Date.now() > deadline) return { channels: channels.length, bridges: bridges.length };
    await sleep(250);
  }
}

/** Where the sandbox Asterisk writes its recordings (the daemon takes messages from there). */
export function sandboxRecordingsDir(): string {
  return path.join(fs.readFileSync(path.join(SANDBOX, 'state/root'), 'utf8').trim(), 'var/spool/asterisk/recording');
}

/** A SIPp scenario with its {{placeholders}} filled (bench/sipp/<name>, or a path from the repository root). */
export function render(name: string, values: Record<string, number>): string {
  let text = fs.readFileSync(path.join(REPO, name.includes('/') ? name : path.join('bench/sipp', name)), 'utf8');
  for (const [k, v] of Object.entries(values)) text = text.split(`{{${k}}}`).join(String(v));
  const file = path.join(work, `${Object.values(values).join('-')}-${path.basename(name)}`);
  fs.writeFileSync(file, text);
  return file;
}

export function wavSeconds(file: string): number {
  const b = fs.readFileSync(file);
  // RIFF/WAVE: byte rate at 28, then the "data" chunk's size
  const byteRate = b.readUInt32LE(28);
  let off = 12;
  while (off + 8 <= b.length) {
    const id = b.toString('ascii', off, off + 4);
    const size = b.readUInt32LE(off + 4);
    if (id === 'data') return size / byteRate;
    off += 8 + size + (size % 2);
  }
  return 0;
}

/** Runs a benchmark's main: its children are killed and its work folder removed however it ends. */
export function runMain(name: string, main: () => Promise<void>): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill(c === children[0] ? 'SIGTERM' : 'SIGKILL');
      fs.rmSync(work, { recursive: true, force: true });
      process.exit(130);
    });
  }
  main()
    .catch((err) => {
      process.stderr.write(`${name}: ${(err as Error).stack ?? err}\n`);
      process.exitCode = 1;
    })
    .finally(() => {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      fs.rmSync(work, { recursive: true, force: true });
    });
}

/**
 * The ten heaviest functions (self time) and packages of the CPU profiles that
 * `node --cpu-prof` wrote into `dir`, as lines to print.
 */
export function profileTop(dir: string, count = 10): string[] {
  interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  let total = 0;
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    profile.samples.forEach((id, i) => {
      const us = profile.timeDeltas[i] ?? 0;
      const frame = nodes.get(id)?.callFrame;
      if (!frame) return;
      total += us;
      const where = frame.url.replace(/^.*node_modules\//, '').replace(`file://${REPO}/`, '').replace(`${REPO}/`, '');
      const fn = `${frame.functionName || '(anonymous)'} ${where ? `${where}:${frame.lineNumber + 1}` : ''}`.trim();
      byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
      const pkg = /^(@[^/]+\/[^/]+|[^/]+)\//.exec(where)?.[1] ?? (where.startsWith('node:') ? 'node (built-in)' : where ? where.split('/').slice(0, 2).join('/') : frame.functionName);
      byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
    });
  }
  const top = (m: Map<string, number>): string[] =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, count).map(([k, us]) => `${((100 * us) / total).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(6)} ms  ${k}`);
  return [`total ${(total / 1000).toFixed(0)} ms sampled`, 'by function (self time):', ...top(byFunction), 'by package:', ...top(byPackage)];
}
