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
//   --reload-numbers  numbers of the large plan reloaded under load in the reload phase (0: skip; default 10000)
//   --reload-every    seconds between two edits of the large plan in that phase (default 5)
//   --cpu-prof   the daemon runs under node --cpu-prof; its profile's top ten is printed
//   --floor      after the dialplan phase, the same calls through the least an ARI application can
//                do (bench/stasis-floor.js), to tell what Asterisk's CPU under the daemon is made of:
//                1 Stasis then straight back to the dialplan; 2 also the call driven over ARI with
//                the fewest requests; 3 (default) also with the daemon's extra requests; 0 skips
// The daemon runs with --expose-gc and bench/gc-probe.js: the soak reads its heap after forced
// collections, the reload phase the longest stall of its event loop.
//
// Needs the sandbox (`bash scripts/asterisk-sandbox.sh up`; started here if it is
// down, and left running). Installs bench/extensions_bench.conf into it.
// See docs/performance.md.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CLK_TCK, REPO, SANDBOX, children, ensureSandbox, flag, mb, percentile, procTimes, profileTop, render, rssKb, runMain, sandbox, settle, sipp, sippCounters, sleep, startDaemon, stop, threadTimes, wavSeconds, work,
} from './lib';

const GREETING = 'bienvenue-dr-martin';
const NUMBER = '0142000901'; // +33 1 42 00 09 01: the reference case (greeting, secretariat, doctor)
const SOAK_NUMBER = '0142000902'; // the same without the greeting

// ---------------------------------------------------------------- arguments

const RATE = flag('rate', 20);
const MAX = flag('max', 200);
const CALLS = flag('calls', 600);
const SOAK = flag('soak', 10000);
const SOAK_RATE = flag('soak-rate', 40);
const RELOAD_NUMBERS = flag('reload-numbers', 10000);
const RELOAD_EVERY_S = flag('reload-every', 5);
const CPU_PROF = process.argv.includes('--cpu-prof');
const FLOOR = flag('floor', 3);
const FLOOR_MODES = ['continue', 'call', 'call+'] as const;
const POOL = MAX + 50; // secretariat "lines" in the bench plan (see plan() below)
const BENCH_ENDPOINTS = 400; // asterisk/sandbox/pjsip_bench.conf
if (POOL > BENCH_ENDPOINTS) throw new Error(`--max ${MAX} needs ${POOL} lines; the sandbox has ${BENCH_ENDPOINTS} bench endpoints (asterisk/sandbox/pjsip_bench.conf)`);

// ---------------------------------------------------------------- helpers

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

/** bench/stasis-floor.js, once its ARI application is registered. */
async function startFloorApp(env: Record<string, string>, mode: string): Promise<{ pid: number; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [path.join(REPO, 'bench/stasis-floor.js')], { env: { ...process.env, ...env, FLOOR_MODE: mode }, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const exited = new Promise((r) => child.on('exit', r));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => String(d).includes('ready') && resolve());
    void exited.then(() => reject(new Error('bench/stasis-floor.js exited before its application was registered')));
  });
  return { pid: child.pid!, stop: () => stop(child, exited) };
}

/**
 * The bench plan: the reference case (greeting bienvenue-dr-martin, the secretariat
 * rung 20 s, then Dr Martin 20 s, then the closed announcement and hang-up), with
 * one difference: Accueil presents a line to one caller at a time (a phone is busy
 * while it rings or talks) and queues the others, while Dial() rings the same SIP
 * phone for every caller at once. So that the daemon, like the dialplan, rings a
 * phone for every caller at once, the secretariat is declared as a pool of lines
 * that all reach the same SIPp phone: endpoints bench-001 … bench-400 of the sandbox
 * (asterisk/sandbox/pjsip_bench.conf), whose contacts are the secretariat's SIPp.
 */
function plan(): string {
  const lines = Array.from({ length: POOL }, (_, i) => `sec-${String(i + 1).padStart(3, '0')}`);
  const out = [
    '# Generated by bench/load.ts: the reference case with the secretariat as a pool of lines.',
    'timezone: Europe/Paris',
    'country: FR',
    'lines:',
    '  dr-martin: { endpoint: PJSIP/dr-martin }',
    ...lines.map((l, i) => `  ${l}: { endpoint: PJSIP/bench-${String(i + 1).padStart(3, '0')} }`),
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

/**
 * A second file of the plan's folder: `n` more numbers (+33 1 43 …), each with its own
 * group of two lines and its own voicemail box (the heavier of plan-reload.ts' two
 * shapes), on ten calendars. `edit` changes one number's name: a reload of the whole
 * plan for a one-line change, as an edit from the manager's page makes.
 */
function largePlan(n: number, edit: number): string {
  const lineCount = Math.max(2, Math.ceil(n / 20));
  const out = ['# Generated by bench/load.ts: the large plan reloaded under load.', 'lines:'];
  // Their phones are the sandbox's bench endpoints the pool leaves free (several lines a phone).
  const free = BENCH_ENDPOINTS - POOL;
  for (let i = 0; i < lineCount; i++) out.push(`  big-${i}: { endpoint: PJSIP/bench-${String(POOL + 1 + (i % free)).padStart(3, '0')} }`);
  out.push('calendars:');
  for (let c = 0; c < 10; c++) {
    out.push(`  big-${c}:`, '    weekly: { mon-fri: [08:30-12:30, 14:00-19:00], sat: [09:00-12:00] }', '    holidays: FR',
      '    exceptions:', '      - { date: 2026-12-24, hours: [08:30-12:00] }', '      - { from: 2027-08-02, to: 2027-08-20, closed: true, announcement: conges-ete }');
  }
  const numbers = ['numbers:'];
  const groups = ['groups:'];
  const boxes = ['voicemail:'];
  const two = (i: number): string => String(i % 100).padStart(2, '0');
  for (let i = 0; i < n; i++) {
    numbers.push(`  "01 43 ${two(Math.floor(i / 10000))} ${two(Math.floor(i / 100))} ${two(i)}":`, `    name: Numéro ${i}${i === edit % n ? ` (édition ${edit})` : ''}`,
      '    greeting: bienvenue-dr-durand', `    calendar: big-${i % 10}`, `    open: { group: big-${i} }`, `    closed: { announcement: ferme-dr-durand, then: { voicemail: big-${i} } }`);
    groups.push(`  big-${i}:`, `    lines: [big-${i % lineCount}, big-${(i + 1) % lineCount}]`, '    ring_time: 20s', '    max_wait: 45s',
      '    hold: { music: default, message: attente }', `    overflow: { line: big-${i % lineCount}, timeout: 20s, then: { voicemail: big-${i} } }`);
    boxes.push(`  big-${i}: { greeting: messagerie-dr-durand, max_length: 2m, notify: { email: box${i}@example.org } }`);
  }
  return [...out, ...numbers, ...groups, ...boxes].join('\n') + '\n';
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
  /** Each call's post-dial delay with when its caller's INVITE left (ms since the epoch). */
  timed: { at: number; pdd: number }[];
  wallS: number;
  peakConcurrent: number;
  cpu: Record<string, { cpuS: number; rssPeakKb: number; rssEndKb: number }>;
  /** The daemon's CPU by thread (seconds): its JavaScript thread (user, system), the others (V8's helpers, libuv's pool, the plan reader). */
  daemonThreads?: { mainUser: number; mainSystem: number; others: number };
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
  const threadsBefore = watched.daemon ? threadTimes(watched.daemon) : undefined;
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
  let daemonThreads: PhaseResult['daemonThreads'];
  if (threadsBefore && watched.daemon) {
    const pid = watched.daemon;
    daemonThreads = { mainUser: 0, mainSystem: 0, others: 0 };
    for (const [tid, t] of threadTimes(pid)) {
      const was = threadsBefore.get(tid) ?? { user: 0, system: 0 };
      if (tid === pid) {
        daemonThreads.mainUser = (t.user - was.user) / CLK_TCK;
        daemonThreads.mainSystem = (t.system - was.system) / CLK_TCK;
      } else daemonThreads.others += (t.user - was.user + t.system - was.system) / CLK_TCK;
    }
  }
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
    noPhone: 0, toDoctor: 0, pdd: [], timed: [], wallS, peakConcurrent, cpu, left, ...(daemonThreads ? { daemonThreads } : {}),
  };
  if (opts.trace) {
    const sent = invites(caller.msgFile, 'sent');
    const atSecretariat = invites(secretariat.msgFile, 'received');
    const atDoctor = invites(doctor.msgFile, 'received');
    for (const [number, at] of sent) {
      const rang = atSecretariat.get(number) ?? atDoctor.get(number);
      if (rang === undefined) result.noPhone += 1;
      else {
        result.pdd.push(rang - at);
        result.timed.push({ at, pdd: rang - at });
      }
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
  if (r.daemonThreads) {
    const t = r.daemonThreads;
    const perCall = (s: number): string => `${((1000 * s) / r.calls).toFixed(1)} ms`;
    console.log(`    daemon per call by thread: JavaScript ${perCall(t.mainUser)} user + ${perCall(t.mainSystem)} system, other threads (V8's collector and compiler, libuv's pool, the plan reader) ${perCall(t.others)}`);
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
  // A folder: the reload phase adds a second file, the large plan, beside the reference case.
  const planDir = path.join(work, 'plan');
  fs.mkdirSync(planDir);
  fs.writeFileSync(path.join(planDir, '00-bench.yaml'), plan());
  const profileDir = path.join(os.tmpdir(), `accueil-cpu-prof-${Date.now()}`); // kept after the run
  // The heap after a forced collection (bench/gc-probe.js answers SIGUSR2 on the daemon's stderr).
  const heapWaiters: ((bytes: number) => void)[] = [];
  const lagWaiters: ((lag: { maxMs: number; p99Ms: number }) => void)[] = [];
  const reloads: { ms: number; numbers: number; at: number }[] = [];
  let reloadStarted = 0;
  const onLine = (line: string): void => {
    if (line.includes('"bench.heap"')) heapWaiters.shift()?.(Number((JSON.parse(line) as { heapUsed: number }).heapUsed));
    if (line.includes('"bench.lag"')) lagWaiters.shift()?.(JSON.parse(line) as { maxMs: number; p99Ms: number });
    if (line.includes('"plan.loaded"') && reloadStarted > 0) reloads.push({ ms: Date.now() - reloadStarted, at: Date.now(), numbers: Number((JSON.parse(line) as { numbers: number }).numbers) });
    if (line.includes('"plan.rejected"')) process.stderr.write(`bench: the plan was rejected: ${line.slice(0, 500)}\n`);
  };
  const nodeArgs = ['--expose-gc', '--require', path.join(REPO, 'bench/gc-probe.js'), ...(CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])];
  const daemon = await startDaemon(env, planDir, { nodeArgs, onLine });
  const eventLoopLag = (): Promise<{ maxMs: number; p99Ms: number }> =>
    new Promise((resolve) => {
      lagWaiters.push(resolve);
      daemon.child.kill('SIGWINCH');
    });
  const heapAfterGc = (): Promise<number> =>
    new Promise((resolve) => {
      heapWaiters.push(resolve);
      daemon.child.kill('SIGUSR2');
    });
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
    const netDaemon = percentile(results[0]!.pdd, 0.5) - GREETING_MS;
    const netDialplan = percentile(results[1]!.pdd, 0.5) - GREETING_MS;
    // A ratio on a base under a millisecond says nothing: the two medians instead.
    const net = netDialplan >= 1 ? `${(netDaemon / netDialplan).toFixed(2)}` : `${netDaemon.toFixed(0)} ms against ${netDialplan.toFixed(0)} ms`;
    console.log(`  HEADLINE median post-dial delay, daemon / dialplan: ${ratio.toFixed(2)} (daemon ${diff >= 0 ? '+' : ''}${diff.toFixed(0)} ms); without the greeting: ${net}`);
    const ad = results[0]!.cpu.asterisk!.cpuS, ap = results[1]!.cpu.asterisk!.cpuS;
    console.log(`  Asterisk CPU, daemon phase / dialplan phase: ${(ad / ap).toFixed(2)}; daemon + Asterisk / dialplan Asterisk: ${((ad + results[0]!.cpu.daemon!.cpuS) / ap).toFixed(2)}`);
    // What Asterisk's extra CPU under the daemon is made of: the same calls through the
    // least an ARI application can do (bench/stasis-floor.js; the daemon attached but idle).
    const floors: string[] = [];
    for (const mode of FLOOR_MODES.slice(0, Math.max(0, FLOOR))) {
      const app = await startFloorApp(env, mode);
      let floor: PhaseResult;
      try {
        floor = await phase(`floor: ${mode}`, env, `floor${NUMBER}`, '066', common, { asterisk: asteriskPid, 'floor app': app.pid });
      } finally {
        await app.stop();
      }
      report(floor);
      const af = floor.cpu.asterisk!.cpuS, appS = floor.cpu['floor app']!.cpuS;
      floors.push(`${mode} ${(af / ap).toFixed(2)} (with the app ${((af + appS) / ap).toFixed(2)})`);
    }
    if (floors.length) console.log(`  Asterisk CPU against the dialplan phase: daemon ${(ad / ap).toFixed(2)}; floor app ${floors.join(', ')}`);
  }

  if (CALLS > 0 && RELOAD_NUMBERS > 0) {
    // The same load through the daemon while a plan of RELOAD_NUMBERS more numbers is
    // put in force, then edited every RELOAD_EVERY_S seconds: each edit is a reload of
    // the whole plan (read on the reader's thread, put in force on the daemon's).
    console.log(`  reload phase: the plan's folder gets a file of ${RELOAD_NUMBERS.toLocaleString('en')} more numbers (a group and a box each), then one of its names changes every ${RELOAD_EVERY_S} s, under the same load`);
    const large = path.join(planDir, '10-large.yaml');
    let edit = 0;
    const quietLag = await eventLoopLag(); // resets the daemon's histogram
    reloadStarted = Date.now();
    fs.writeFileSync(`${large}.tmp`, largePlan(RELOAD_NUMBERS, edit++));
    fs.renameSync(`${large}.tmp`, large);
    const deadline = Date.now() + 120_000;
    while (reloads.length === 0 && Date.now() < deadline) await sleep(100);
    const firstLoad = reloads.shift();
    const firstLag = await eventLoopLag();
    console.log(`    the large plan in force after ${firstLoad ? `${firstLoad.ms} ms (${firstLoad.numbers} numbers)` : 'more than 120 s'}; the daemon's longest event-loop stall meanwhile ${firstLag.maxMs.toFixed(1)} ms (before it, idle: ${quietLag.maxMs.toFixed(1)} ms)`);
    const lags: number[] = [];
    const edits: number[] = [];
    const editTimer = setInterval(() => {
      reloadStarted = Date.now();
      edits.push(reloadStarted);
      fs.writeFileSync(`${large}.tmp`, largePlan(RELOAD_NUMBERS, edit++));
      fs.renameSync(`${large}.tmp`, large);
    }, RELOAD_EVERY_S * 1000);
    const lagTimer = setInterval(() => void eventLoopLag().then((l) => lags.push(l.maxMs)), 1000);
    let r: PhaseResult;
    try {
      r = await phase('daemon, large plan reloaded', env, NUMBER, '065', common, watched);
    } finally {
      clearInterval(editTimer);
      clearInterval(lagTimer);
    }
    results.push(r);
    report(r);
    const took = reloads.map((x) => x.ms).sort((a, b) => a - b);
    lags.sort((a, b) => a - b);
    console.log(`    ${edit - 1} edits, ${reloads.length} reloads put in force (${reloads.every((x) => x.numbers === RELOAD_NUMBERS + 2) ? `each ${RELOAD_NUMBERS + 2} numbers` : 'numbers differ!'}), edit → in force median ${percentile(took, 0.5).toFixed(0)} ms, max ${(took[took.length - 1] ?? NaN).toFixed(0)} ms`);
    console.log(`    the daemon's longest event-loop stall, per second of the phase: median ${percentile(lags, 0.5).toFixed(1)} ms, p99 ${percentile(lags, 0.99).toFixed(1)} ms, max ${(lags[lags.length - 1] ?? NaN).toFixed(1)} ms`);
    const base = results[0]!;
    console.log(`    post-dial delay against the daemon phase without reloads: median ${percentile(r.pdd, 0.5).toFixed(0)} / ${percentile(base.pdd, 0.5).toFixed(0)} ms, p99 ${percentile(r.pdd, 0.99).toFixed(0)} / ${percentile(base.pdd, 0.99).toFixed(0)} ms, max ${(r.pdd[r.pdd.length - 1] ?? NaN).toFixed(0)} / ${(base.pdd[base.pdd.length - 1] ?? NaN).toFixed(0)} ms; calls lost ${r.failed + r.noPhone} / ${base.failed + base.noPhone}`);
    // The calls that arrived while a reload was on (from an edit to the plan in force), against the others.
    const during = (at: number): boolean => edits.some((e) => at >= e && at <= (reloads.find((x) => x.at >= e)?.at ?? e + 10_000));
    const inReload = r.timed.filter((c) => during(c.at)).map((c) => c.pdd).sort((a, b) => a - b);
    const outside = r.timed.filter((c) => !during(c.at)).map((c) => c.pdd).sort((a, b) => a - b);
    console.log(`    calls arriving while a reload was on (edit → in force): ${inReload.length}, post-dial delay median ${percentile(inReload, 0.5).toFixed(0)} ms, p99 ${percentile(inReload, 0.99).toFixed(0)} ms; the ${outside.length} others: median ${percentile(outside, 0.5).toFixed(0)} ms, p99 ${percentile(outside, 0.99).toFixed(0)} ms`);
    reloadStarted = 0;
    fs.rmSync(large);
    await sleep(2000);
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
    const heapBefore = await heapAfterGc();
    const samples: string[] = [];
    const heapSamples: string[] = [];
    const soak = await phase('soak daemon', env, SOAK_NUMBER, '063', soakOpts, watched, (done) => {
      samples.push(`${done}: ${mb(rssKb(daemonPid))}`);
      void heapAfterGc().then((bytes) => heapSamples.push(`${done}: ${(bytes / 1048576).toFixed(1)} MB`));
    });
    await sleep(3000);
    const rssAfter = rssKb(daemonPid);
    const heapAfter = await heapAfterGc();
    const astAfterDaemon = rssKb(asteriskPid);
    report(soak);
    console.log(`    daemon RSS: at start of the soak ${mb(rssBefore)}, at the end (3 s after) ${mb(rssAfter)}; along the way ${samples.join(', ')}`);
    console.log(
      `    daemon heap after a forced collection: ${(heapBefore / 1048576).toFixed(1)} MB before the soak, ${(heapAfter / 1048576).toFixed(1)} MB after ` +
        `(${heapAfter >= heapBefore ? '+' : ''}${((100 * (heapAfter - heapBefore)) / heapBefore).toFixed(1)} %); along the way ${heapSamples.join(', ')}`,
    );
    console.log(`    Asterisk RSS: ${mb(astBeforeDialplan)} → ${mb(astAfterDialplan)} over the dialplan soak, → ${mb(astAfterDaemon)} over the daemon soak`);
  }
  console.log(`  daemon journal: ${daemon.errors} errors, ${daemon.warnings} warnings${daemon.lastProblems.length ? `; last: \n    ${daemon.lastProblems.join('\n    ')}` : ''}`);
  await stop(daemon.child, daemon.exited);
  if (CPU_PROF) console.log(`  daemon CPU profile (${profileDir}):\n    ${profileTop(profileDir).join('\n    ')}`);
  console.log(`  total ${((Date.now() - started) / 1000).toFixed(0)} s`);
}



runMain('bench/load', main);
