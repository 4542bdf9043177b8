// The real daemon (`accueil run`) as a child process, with its JSON journal.
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO, ariSettings, sandboxSettings, sandboxSpeechDir } from './sandbox';
import { HistoryStore, type StoredCall } from '../../../src/history/store';
import { openHistoryDb } from '../../../src/history/db';
import { followLines } from '../../support/child-lines';
import { started, type Stoppable } from './leftovers';

export interface JournalLine {
  level: number;
  time: string;
  msg: string;
  callId?: string;
  step?: string;
  event?: string;
  reason?: string;
  [key: string]: unknown;
}

export class DaemonProcess implements Stoppable {
  readonly label = 'daemon';
  readonly lines: JournalLine[] = [];
  readonly raw: string[] = [];
  private child: ChildProcess | undefined;
  exitCode: number | null = null;
  private exitPromise: Promise<number> | undefined;

  /** This daemon's message store (a fresh folder per daemon). */
  readonly voicemailDir = fs.mkdtempSync(path.join(os.tmpdir(), 'accueil-voicemail-'));

  /** The environment the daemon was started with. */
  startedEnv: NodeJS.ProcessEnv = {};

  /**
   * `readme`: started as the README says, `npx accueil run --plan …`, with only the
   * variables `npm run asterisk:up` prints (plus those given here), not the test
   * runner's environment.
   */
  /** This daemon's call history (a fresh folder per daemon, unless ACCUEIL_DATA_DIR is given: a restart keeps it). */
  readonly dataDir: string;

  /** `how.netns`: run inside that network namespace (`ip netns exec NS …`, the scale lab's nodes; give its ARI_* in `env`). */
  constructor(private readonly planPath: string, private readonly env: Record<string, string> = {}, private readonly how: { readme?: boolean; netns?: string } = {}) {
    this.dataDir = env.ACCUEIL_DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'accueil-data-'));
  }

  /** The calls of its history, newest first. */
  calls(): StoredCall[] {
    if (!fs.existsSync(path.join(this.dataDir, 'history.sqlite'))) return [];
    const db = openHistoryDb(this.dataDir, { readonly: true });
    try {
      return new HistoryStore(db).calls();
    } finally {
      db.close();
    }
  }

  start(): this {
    const ari = ariSettings();
    const base = this.how.readme ? { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...sandboxSettings() } : { ...process.env, ARI_URL: ari.url, ARI_USERNAME: ari.username, ARI_PASSWORD: ari.password };
    this.startedEnv = {
      ...base,
      ACCUEIL_LOG_FORMAT: 'json',
      ACCUEIL_HTTP_PORT: 'off',
      ...(this.how.readme ? {} : { ACCUEIL_SPEECH_DIR: sandboxSpeechDir() }),
      ACCUEIL_VOICEMAIL_DIR: this.voicemailDir,
      ...this.env,
      ACCUEIL_DATA_DIR: this.dataDir,
    };
    const [command, args] = this.how.readme
      ? ['npx', ['accueil', 'run', '--plan', this.planPath]]
      : [process.execPath, [path.join(REPO, 'bin/accueil'), 'run', '--plan', this.planPath, '--sounds', path.join(REPO, 'sounds')]];
    // `ip netns exec` execs the command in place: the child's PID is the daemon's.
    const [file, argv] = this.how.netns ? ['ip', ['netns', 'exec', this.how.netns, command, ...args]] : [command, args];
    const child = spawn(file, argv, { cwd: REPO, env: this.startedEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.exitPromise = followLines(child, (line) => {
      this.raw.push(line);
      if (line.startsWith('{')) {
        try {
          this.lines.push(JSON.parse(line) as JournalLine);
        } catch {
          // not a journal line
        }
      }
    }).then((code) => (this.exitCode = code));
    started(this);
    return this;
  }

  running(): boolean {
    return !!this.child && this.exitCode === null;
  }

  /** Resolves once ARI is connected (the daemon logs `ari.connected`). */
  async ready(timeoutMs = 20000): Promise<void> {
    await this.waitForLine((l) => l.event === 'ari.connected', timeoutMs);
  }

  async waitForLine(match: (line: JournalLine) => boolean, timeoutMs = 15000): Promise<JournalLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.find(match);
      if (found) return found;
      if (this.exitCode !== null) throw new Error(`daemon exited (${this.exitCode}) before the awaited line; output:\n${this.raw.slice(-30).join('\n')}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for a journal line; last output:\n${this.raw.slice(-30).join('\n')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** The journal of one call (by call id), in order. */
  journal(callId: string): JournalLine[] {
    return this.lines.filter((l) => l.callId === callId);
  }

  /** Call ids in order of arrival. */
  callIds(): string[] {
    return this.lines.filter((l) => l.step === 'incoming' && l.callId).map((l) => l.callId as string);
  }

  /** Sends a signal without waiting (SIGHUP: reload the plan). */
  signal(signal: NodeJS.Signals): void {
    this.child?.kill(signal);
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15000): Promise<number> {
    if (!this.child || this.exitCode !== null) return this.exitCode ?? 0;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), timeoutMs);
    const code = await this.exitPromise!;
    clearTimeout(timer);
    return code;
  }
}
