// Load benchmark: the daemon against the same reference case written as plain
// Asterisk dialplan (bench/extensions_bench.conf), on the sandbox Asterisk, with
// SIPp as the callers and as the phones. Prints figures; it is not a test.
//
//   npx tsx bench/load.ts [--rate 20] [--max 200] [--calls 600] [--soak 10000] [--soak-rate 40]
//
//   --rate       new calls per second in the comparison phases
//   --max        most calls at once (SIPp -l)
//   --calls      calls per comparison phase (daemon, then dialplan)
//   --soak       calls in a row through the daemon for the RSS figure (0: skip)
//   --soak-rate  new calls per second in the soak
//
// Needs the sandbox (`bash scripts/asterisk-sandbox.sh up`; started here if it is
// down, and left running). Installs bench/extensions_bench.conf into it.
// See docs/performance.md.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '..');
const SANDBOX = process.env.ACCUEIL_SANDBOX_DIR ?? '/var/cache/accueil/sandbox';
const SANDBOX_SH = path.join(REPO, 'scripts/asterisk-sandbox.sh');
const CLK_TCK = 100;
const GREETING = 'bienvenue-dr-martin';
const NUMBER = '0142000901'; // +33 1 42 00 09 01: the reference case (greeting, secretariat, doctor)
const SOAK_NUMBER = '0142000902'; // the same without the greeting

// ---------------------------------------------------------------- arguments

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${name} needs a number`);
  return v;
}
const RATE = flag('rate', 20);
const MAX = flag('max', 200);
const CALLS = flag('calls', 600);
const SOAK = flag('soak', 10000);
const SOAK_RATE = flag('soak-rate', 40);
const POOL = MAX + 50; // secretariat "lines" in the bench plan (see plan() below)

// ---------------------------------------------------------------- helpers

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'accueil-bench-'));
const children: ChildProcess[] = [];

function sandbox(...args: string[]): string {
  return execFileSync('bash', [SANDBOX_SH, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function procTimes(pid: number): number {
  // utime + stime of the whole process (all threads), in clock ticks
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(rest[11]) + Number(rest[12]);
}

function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

const mb = (kb: number): string => `${(kb / 1024).toFixed(0)} MB`;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

function render(name: string, values: Record<string, number>): string {
  let text = fs.readFileSync(path.join(REPO, 'bench/sipp', name), 'utf8');
  for (const [k, v] of Object.entries(values)) text = text.split(`{{${k}}}`).join(String(v));
  const file = path.join(work, `${Object.values(values).join('-')}-${name}`);
  fs.writeFileSync(file, text);
  return file;
}

interface Sipp {
  child: ChildProcess;
  exited: Promise<number>;
  msgFile: string;
  statFile: string;
}

function sipp(label: string, args: string[], trace: boolean): Sipp {
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

async function stop(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(t);
}

/** The last counters SIPp wrote to its statistics file. */
function sippCounters(statFile: string): Record<string, number> {
  if (!fs.existsSync(statFile)) return {};
  const lines = fs.readFileSync(statFile, 'utf8').trim().split('\n');
  if (lines.length < 2) return {};
  const head = lines[0]!.split(';');
  const last = lines[lines.length - 1]!.split(';');
  const out: Record<string, number> = {};
  head.forEach((h, i) => (out[h] = Number(last[i])));
  return out;
}

/** First INVITE per Call-ID in a SIPp message trace: time and caller number (From user). */
function invites(file: string, direction: 'sent' | 'received'): Map<string, number> {
  const out = new Map<string, number>();
  if (!fs.existsSync(file)) return out;
  const seen = new Set<string>();
  for (const block of fs.readFileSync(file, 'utf8').split(/^-{20,} /m)) {
    const lines = block.split('\n');
    if (!(lines[1] ?? '').includes(direction)) continue;
    const first = lines.slice(2).find((l) => l.trim() !== '');
    if (!first || !first.trim().startsWith('INVITE ')) continue;
    const nl = block.indexOf('\n');
    const callId = /^\s*Call-ID:\s*(\S+)/im.exec(block)?.[1] ?? '';
    if (seen.has(callId)) continue;
    seen.add(callId);
    const from = /^\s*From:[^\n]*?sip:([^@>;]+)@/im.exec(block)?.[1];
    const ts = /^(\d{4})-(\d\d)-(\d\d)\s+(\d\d):(\d\d):(\d\d)\.(\d+)/.exec(block.slice(0, nl).trim());
    if (!from || !ts) continue;
    const [, y, mo, d, h, mi, s, frac] = ts;
    const at = new Date(+y!, +mo! - 1, +d!, +h!, +mi!, +s!).getTime() + Number(`0.${frac}`) * 1000;
    if (!out.has(from)) out.set(from, at);
  }
  return out;
}

// ---------------------------------------------------------------- set-up

function ensureSandbox(): Record<string, string> {
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

function installDialplan(): void {
  const root = fs.readFileSync(path.join(SANDBOX, 'state/root'), 'utf8').trim();
  const etc = path.join(root, 'etc/asterisk');
  // The overlay as in the repository (it carries `#tryinclude extensions_bench.conf`),
  // in case the sandbox was started before that line existed.
  fs.copyFileSync(path.join(REPO, 'asterisk/sandbox/extensions_overlay.conf'), path.join(etc, 'extensions_overlay.conf'));
  fs.copyFileSync(path.join(REPO, 'bench/extensions_bench.conf'), path.join(etc, 'extensions_bench.conf'));
  fs.chmodSync(path.join(etc, 'extensions_bench.conf'), 0o644);
  sandbox('cli', 'dialplan reload');
  const shown = sandbox('cli', `dialplan show ${NUMBER}@bench-reference`);
  if (!/Dial\(PJSIP\/secretariat,20\)/.test(shown)) throw new Error(`bench dialplan not loaded:\n${shown}`);
}

/**
 * The bench plan: the reference case (greeting bienvenue-dr-martin, the secretariat
 * rung 20 s, then Dr Martin 20 s, then the closed announcement and hang-up), with
 * one difference: Accueil presents a line to one caller at a time (a phone is busy
 * while it rings or talks) and queues the others, while Dial() rings the same SIP
 * phone for every caller at once. So that the daemon, like the dialplan, rings a
 * phone for every caller at once, the secretariat is declared as a pool of lines
 * that all reach the same SIPp phone (PJSIP/secretariat with a request URI per line).
 */
function plan(): string {
  const lines = Array.from({ length: POOL }, (_, i) => `sec-${String(i + 1).padStart(3, '0')}`);
  const out = [
    '# Generated by bench/load.ts: the reference case with the secretariat as a pool of lines.',
    'timezone: Europe/Paris',
    'country: FR',
    'lines:',
    '  dr-martin: { endpoint: PJSIP/dr-martin }',
    ...lines.map((l) => `  ${l}: { endpoint: "PJSIP/secretariat/sip:${l}@127.0.0.1:5081" }`),
    'numbers:',
    '  "+33 1 42 00 09 01":',
    '    name: Bench — Cabinet du Dr Martin',
    '    label: Dr Martin',
    `    greeting: ${GREETING}`,
    '    open: { group: secretariat-martin }',
    '  "+33 1 42 00 09 02":',
    '    name: Bench — sans accueil',
    '    label: Dr Martin',
    '    open: { group: secretariat-martin }',
    'groups:',
    '  secretariat-martin:',
    `    lines: [${lines.join(', ')}]`,
    '    strategy: linear',
    '    ring_time: 20s',
    '    max_wait: 20s',
    '    overflow: { line: dr-martin, timeout: 20s, then: { announcement: ferme-dr-martin, then: hangup } }',
  ];
  return out.join('\n') + '\n';
}

interface Daemon {
  child: ChildProcess;
  exited: Promise<number>;
  warnings: number;
  errors: number;
  lastProblems: string[];
}

async function startDaemon(ari: Record<string, string>, planFile: string): Promise<Daemon> {
  const child = spawn(process.execPath, [path.join(REPO, 'bin/accueil'), 'run', '--plan', planFile, '--sounds', path.join(REPO, 'sounds')], {
    cwd: REPO,
    env: {
      ...process.env,
      ...ari,
      ACCUEIL_LOG_FORMAT: 'json',
      ACCUEIL_HTTP_PORT: 'off',
      ACCUEIL_VOICEMAIL_DIR: path.join(work, 'voicemail'),
      ACCUEIL_RECORDINGS_DIR: path.join(fs.readFileSync(path.join(SANDBOX, 'state/root'), 'utf8').trim(), 'var/spool/asterisk/recording'),
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

async function ari<T>(env: Record<string, string>, resource: string): Promise<T> {
  const res = await fetch(`${env.ARI_URL}/ari/${resource}`, {
    headers: { authorization: `Basic ${Buffer.from(`${env.ARI_USERNAME}:${env.ARI_PASSWORD}`).toString('base64')}` },
    signal: AbortSignal.timeout(5000),
  });
  return (await res.json()) as T;
}

/** Waits (bounded) until Asterisk holds no channel; returns what is left. */
async function settle(env: Record<string, string>, timeoutMs: number): Promise<{ channels: number; bridges: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [channels, bridges] = await Promise.all([ari<unknown[]>(env, 'channels'), ari<unknown[]>(env, 'bridges')]);
    if ((channels.length === 0 && bridges.length === 0) || Date.now() > deadline) return { channels: channels.length, bridges: bridges.length };
    await sleep(250);
  }
}

// ---------------------------------------------------------------- one phase

interface PhaseResult {
  label: string;
  calls: number;
  successful: number;
  failed: number;
  noPhone: number;
  toDoctor: number;
  pdd: number[];
  wallS: number;
  peakConcurrent: number;
  cpu: Record<string, { cpuS: number; rssPeakKb: number; rssEndKb: number }>;
  left: { channels: number; bridges: number };
}

async function phase(
  label: string,
  env: Record<string, string>,
  service: string,
  prefix: string,
  opts: { calls: number; rate: number; max: number; answer: [number, number]; talk: [number, number]; trace: boolean },
  watched: Record<string, number>,
  onProgress?: (done: number) => void,
): Promise<PhaseResult> {
  const phoneScenario = render('phone.xml', { answer_min_ms: opts.answer[0], answer_max_ms: opts.answer[1], talk_min_ms: opts.talk[0], talk_max_ms: opts.talk[1] });
  const phoneArgs = (port: number, mp: number): string[] => ['-sf', phoneScenario, '-i', '127.0.0.1', '-p', String(port), '-mp', String(mp), '-l', '5000'];
  const secretariat = sipp(`${label}-secretariat`, phoneArgs(5081, 31000), opts.trace);
  const doctor = sipp(`${label}-dr-martin`, phoneArgs(5082, 31100), opts.trace);
  await sleep(1000);
  for (const [name, p] of [['secretariat', secretariat], ['dr-martin', doctor]] as const) {
    if (p.child.exitCode !== null) throw new Error(`the ${name} phone (SIPp) exited at start: ${fs.existsSync(p.statFile.replace(/csv$/, 'err')) ? fs.readFileSync(p.statFile.replace(/csv$/, 'err'), 'utf8') : ''}`);
  }

  const before = Object.fromEntries(Object.entries(watched).map(([k, pid]) => [k, procTimes(pid)]));
  const peak: Record<string, number> = Object.fromEntries(Object.keys(watched).map((k) => [k, 0]));
  const t0 = Date.now();
  const maxSeconds = Math.ceil(opts.calls / opts.rate) + 150;
  const caller = sipp(
    `${label}-caller`,
    [
      '127.0.0.1:5060', '-sf', render('caller.xml', { bye_timeout_ms: 90000 }), '-s', service, '-i', '127.0.0.1', '-p', '5300', '-mp', '30000',
      '-key', 'prefix', prefix, '-r', String(opts.rate), '-l', String(opts.max), '-m', String(opts.calls), '-timeout', `${maxSeconds}s`,
    ],
    opts.trace,
  );
  let running = true;
  let peakConcurrent = 0;
  let lastProgress = 0;
  void caller.exited.then(() => (running = false));
  while (running && Date.now() - t0 < (maxSeconds + 10) * 1000) {
    for (const [k, pid] of Object.entries(watched)) peak[k] = Math.max(peak[k]!, rssKb(pid));
    const c = sippCounters(caller.statFile);
    peakConcurrent = Math.max(peakConcurrent, c['CurrentCall'] ?? 0);
    const done = (c['SuccessfulCall(C)'] ?? 0) + (c['FailedCall(C)'] ?? 0);
    if (onProgress && done - lastProgress >= opts.calls / 10) {
      lastProgress = done;
      onProgress(done);
    }
    await sleep(1000);
  }
  await stop(caller.child, caller.exited);
  const wallS = (Date.now() - t0) / 1000;
  const cpu: PhaseResult['cpu'] = {};
  for (const [k, pid] of Object.entries(watched)) cpu[k] = { cpuS: (procTimes(pid) - before[k]!) / CLK_TCK, rssPeakKb: peak[k]!, rssEndKb: rssKb(pid) };
  const phonesDied = [secretariat, doctor].filter((p) => p.child.exitCode !== null).length;
  if (phonesDied) process.stderr.write(`bench: ${label}: ${phonesDied} phone SIPp exited during the phase\n`);
  await sleep(1500);
  await stop(secretariat.child, secretariat.exited);
  await stop(doctor.child, doctor.exited);
  const left = await settle(env, 10000);

  const counters = sippCounters(caller.statFile);
  const result: PhaseResult = {
    label, calls: counters['OutgoingCall(C)'] ?? counters['TotalCallCreated'] ?? NaN,
    successful: counters['SuccessfulCall(C)'] ?? NaN, failed: counters['FailedCall(C)'] ?? NaN,
    noPhone: 0, toDoctor: 0, pdd: [], wallS, peakConcurrent, cpu, left,
  };
  if (opts.trace) {
    const sent = invites(caller.msgFile, 'sent');
    const atSecretariat = invites(secretariat.msgFile, 'received');
    const atDoctor = invites(doctor.msgFile, 'received');
    for (const [number, at] of sent) {
      const rang = atSecretariat.get(number) ?? atDoctor.get(number);
      if (rang === undefined) result.noPhone += 1;
      else result.pdd.push(rang - at);
      if (!atSecretariat.has(number) && atDoctor.has(number)) result.toDoctor += 1;
    }
    result.pdd.sort((a, b) => a - b);
  }
  return result;
}

function report(r: PhaseResult): void {
  const med = percentile(r.pdd, 0.5);
  const p99 = percentile(r.pdd, 0.99);
  console.log(`  ${r.label}: ${r.calls} calls in ${r.wallS.toFixed(0)} s (peak ${r.peakConcurrent} at once): ${r.successful} ok, ${r.failed} failed` +
    (r.pdd.length || r.noPhone ? `; ${r.noPhone} never reached a phone, ${r.toDoctor} reached only the doctor` : ''));
  if (r.pdd.length) {
    console.log(`    post-dial delay (caller INVITE → phone INVITE, ${r.pdd.length} calls): median ${med.toFixed(0)} ms, p99 ${p99.toFixed(0)} ms, max ${r.pdd[r.pdd.length - 1]!.toFixed(0)} ms` +
      ` — greeting included; minus the ${GREETING_MS} ms greeting: median ${(med - GREETING_MS).toFixed(0)} ms, p99 ${(p99 - GREETING_MS).toFixed(0)} ms`);
  }
  for (const [k, c] of Object.entries(r.cpu)) {
    console.log(`    ${k}: CPU ${c.cpuS.toFixed(1)} s = ${((100 * c.cpuS) / r.wallS).toFixed(0)} % of one core, ${((1000 * c.cpuS) / r.calls).toFixed(1)} ms per call; RSS peak ${mb(c.rssPeakKb)}, end ${mb(c.rssEndKb)}`);
  }
  console.log(`    left in Asterisk afterwards: ${r.left.channels} channels, ${r.left.bridges} bridges`);
}

let GREETING_MS = 0;

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const started = Date.now();
  GREETING_MS = Math.round(wavSeconds(path.join(REPO, 'sounds', `${GREETING}.wav`)) * 1000);
  const env = ensureSandbox();
  installDialplan();
  const asteriskPid = Number(fs.readFileSync(path.join(SANDBOX, 'state/asterisk.pid'), 'utf8').trim());
  const planFile = path.join(work, 'plan.yaml');
  fs.writeFileSync(planFile, plan());
  const daemon = await startDaemon(env, planFile);
  const daemonPid = daemon.child.pid!;
  await sleep(2000);
  const rssAtStart = rssKb(daemonPid);
  console.log(`bench/load: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}, ${sandbox('cli', 'core show version').trim()}`);
  console.log(`  ${CALLS} calls per phase at ${RATE}/s, at most ${MAX} at once; phones answer after 0.3–2 s, talk 2–8 s, then hang up; greeting ${GREETING_MS} ms`);
  console.log(`  daemon pid ${daemonPid}, RSS after start ${mb(rssAtStart)}; Asterisk pid ${asteriskPid}`);

  const watched = { daemon: daemonPid, asterisk: asteriskPid };
  const common = { calls: CALLS, rate: RATE, max: MAX, answer: [300, 2000] as [number, number], talk: [2000, 8000] as [number, number], trace: true };
  const results: PhaseResult[] = [];
  if (CALLS > 0) {
    // a short warm-up so the daemon's JIT and Asterisk's caches are not measured
    await phase('warm-up', env, NUMBER, '069', { ...common, calls: Math.min(40, CALLS), trace: false }, watched);
    results.push(await phase('daemon', env, NUMBER, '061', common, watched));
    report(results[0]!);
    results.push(await phase('dialplan', env, `bench${NUMBER}`, '062', common, { asterisk: asteriskPid }));
    report(results[1]!);
    const ratio = percentile(results[0]!.pdd, 0.5) / percentile(results[1]!.pdd, 0.5);
    const diff = percentile(results[0]!.pdd, 0.5) - percentile(results[1]!.pdd, 0.5);
    const ratioNet = (percentile(results[0]!.pdd, 0.5) - GREETING_MS) / (percentile(results[1]!.pdd, 0.5) - GREETING_MS);
    console.log(`  HEADLINE median post-dial delay, daemon / dialplan: ${ratio.toFixed(2)} (daemon ${diff >= 0 ? '+' : ''}${diff.toFixed(0)} ms); without the greeting: ${ratioNet.toFixed(2)}`);
    const ad = results[0]!.cpu.asterisk!.cpuS, ap = results[1]!.cpu.asterisk!.cpuS;
    console.log(`  Asterisk CPU, daemon phase / dialplan phase: ${(ad / ap).toFixed(2)}; daemon + Asterisk / dialplan Asterisk: ${((ad + results[0]!.cpu.daemon!.cpuS) / ap).toFixed(2)}`);
  }

  if (SOAK > 0) {
    // The same number of calls in a row through plain dialplan first, for Asterisk's
    // own memory: how much of its growth the daemon's way of driving it causes.
    const soakOpts = { calls: SOAK, rate: SOAK_RATE, max: MAX, answer: [50, 300] as [number, number], talk: [300, 1000] as [number, number], trace: false };
    console.log(`  soak: ${SOAK} calls in a row at ${SOAK_RATE}/s (no greeting, answer 0.05–0.3 s, talk 0.3–1 s), plain dialplan first, then the daemon`);
    const astBeforeDialplan = rssKb(asteriskPid);
    const soakDialplan = await phase('soak dialplan', env, `bench${SOAK_NUMBER}`, '064', soakOpts, { asterisk: asteriskPid });
    await sleep(3000);
    const astAfterDialplan = rssKb(asteriskPid);
    report(soakDialplan);
    const rssBefore = rssKb(daemonPid);
    const samples: string[] = [];
    const soak = await phase('soak daemon', env, SOAK_NUMBER, '063', soakOpts, watched,
      (done) => samples.push(`${done}: ${mb(rssKb(daemonPid))}`));
    await sleep(3000);
    const rssAfter = rssKb(daemonPid);
    const astAfterDaemon = rssKb(asteriskPid);
    report(soak);
    console.log(`    daemon RSS: at start of the soak ${mb(rssBefore)}, at the end (3 s after) ${mb(rssAfter)}; along the way ${samples.join(', ')}`);
    console.log(`    Asterisk RSS: ${mb(astBeforeDialplan)} → ${mb(astAfterDialplan)} over the dialplan soak, → ${mb(astAfterDaemon)} over the daemon soak`);
  }
  console.log(`  daemon journal: ${daemon.errors} errors, ${daemon.warnings} warnings${daemon.lastProblems.length ? `; last: \n    ${daemon.lastProblems.join('\n    ')}` : ''}`);
  await stop(daemon.child, daemon.exited);
  console.log(`  total ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

function wavSeconds(file: string): number {
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

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill(c === children[0] ? 'SIGTERM' : 'SIGKILL');
    fs.rmSync(work, { recursive: true, force: true });
    process.exit(130);
  });
}

main()
  .catch((err) => {
    process.stderr.write(`bench/load: ${(err as Error).stack ?? err}\n`);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    fs.rmSync(work, { recursive: true, force: true });
  });
