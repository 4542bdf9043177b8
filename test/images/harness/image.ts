// A built image as a container engine would run it, without the engine: its
// config from `podman image inspect`, its filesystem exported by
// scripts/images.sh, and in-image.sh to start its entrypoint as its user with
// its environment and the volumes compose gives it.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { followLines } from '../../support/child-lines';

export const REPO = path.resolve(__dirname, '..', '..', '..');
const IMAGES = path.join(REPO, 'scripts/images.sh');
const IN_IMAGE = path.join(__dirname, 'in-image.sh');

export interface ImageConfig {
  name: string;
  id: string;
  user: string;
  env: Record<string, string>;
  entrypoint: string[];
  cmd: string[];
  workingDir: string;
  exposedPorts: string[];
  volumes: string[];
  labels: Record<string, string>;
  /** HEALTHCHECK's test, e.g. ["CMD", "node", "-e", "…"]. */
  healthcheck?: string[];
  /** The exported filesystem. */
  rootfs: string;
}

interface InspectJson {
  Id: string;
  Config: {
    User?: string;
    Env?: string[];
    Entrypoint?: string[];
    Cmd?: string[];
    WorkingDir?: string;
    ExposedPorts?: Record<string, unknown>;
    Volumes?: Record<string, unknown>;
    Labels?: Record<string, string>;
    Healthcheck?: { Test?: string[] };
  };
  Healthcheck?: { Test?: string[] };
}

function envMap(list: string[]): Record<string, string> {
  return Object.fromEntries(list.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
}

export function inspectImage(name: string): ImageConfig {
  const [json] = JSON.parse(execFileSync('bash', [IMAGES, 'podman', 'image', 'inspect', name], { encoding: 'utf8' })) as InspectJson[];
  if (!json) throw new Error(`no image ${name}: run scripts/images.sh build`);
  const c = json.Config;
  return {
    name,
    id: json.Id,
    user: c.User ?? '',
    env: envMap(c.Env ?? []),
    entrypoint: c.Entrypoint ?? [],
    cmd: c.Cmd ?? [],
    workingDir: c.WorkingDir || '/',
    exposedPorts: Object.keys(c.ExposedPorts ?? {}),
    volumes: Object.keys(c.Volumes ?? {}),
    labels: c.Labels ?? {},
    healthcheck: c.Healthcheck?.Test ?? json.Healthcheck?.Test,
    rootfs: execFileSync('bash', [IMAGES, 'rootfs', name], { encoding: 'utf8' }).trim(),
  };
}

/** A user of the image's /etc/passwd (by name or number) and its groups in /etc/group. */
export function imageUser(rootfs: string, spec: string): { uid: number; gid: number; name: string; groups: number[] } {
  const [user = 'root', group] = spec.split(':');
  const passwd = fs.readFileSync(path.join(rootfs, 'etc/passwd'), 'utf8').split('\n').map((l) => l.split(':'));
  const entry = passwd.find((f) => f[0] === user || f[2] === user);
  if (!entry) throw new Error(`no user ${user} in the image's /etc/passwd`);
  const groupLines = fs.readFileSync(path.join(rootfs, 'etc/group'), 'utf8').split('\n').map((l) => l.split(':'));
  const gid = group === undefined ? Number(entry[3]) : Number(groupLines.find((g) => g[0] === group || g[2] === group)?.[2] ?? group);
  const name = entry[0] as string;
  const groups = groupLines.filter((g) => (g[3] ?? '').split(',').includes(name)).map((g) => Number(g[2]));
  return { uid: Number(entry[2]), gid, name, groups };
}

export interface Mount {
  source: string;
  target: string;
  readOnly: boolean;
}

/** One image run as a container: entrypoint + cmd (or `command`, as `docker run --entrypoint`), image user, image env overlaid by `env`. */
export class Container {
  private child: ChildProcess | undefined;
  private readonly runDir: string;
  readonly output: string[] = [];
  exitCode: number | null = null;
  private exitPromise: Promise<number> | undefined;
  readonly user: { uid: number; gid: number; name: string; groups: number[] };

  constructor(
    readonly image: ImageConfig,
    private readonly options: { env: Record<string, string>; mounts: Mount[]; groupAdd?: number[]; command?: string[] },
  ) {
    this.runDir = fs.mkdtempSync(path.join(os.tmpdir(), `accueil-ctr-${path.basename(image.name).replace(/:.*/, '')}-`));
    this.user = imageUser(image.rootfs, image.user || 'root');
  }

  /** The environment the container's processes get (image's, then compose's). */
  get env(): Record<string, string> {
    return { ...this.image.env, ...this.options.env };
  }

  private groupList(): string {
    return [...new Set([this.user.gid, ...this.user.groups, ...(this.options.groupAdd ?? [])])].join(',');
  }

  start(): this {
    const envFile = path.join(this.runDir, 'env');
    fs.writeFileSync(envFile, Object.entries(this.env).map(([k, v]) => `${k}=${v}\n`).join(''));
    const mountsFile = path.join(this.runDir, 'mounts');
    fs.writeFileSync(mountsFile, this.options.mounts.map((m) => `${m.source} ${m.target} ${m.readOnly ? 'ro' : 'rw'}\n`).join(''));
    const child = spawn(
      'bash',
      [IN_IMAGE, this.runDir, this.image.rootfs, `${this.user.uid}:${this.user.gid}`, this.groupList(), this.image.workingDir, envFile, mountsFile, '--', ...(this.options.command ?? [...this.image.entrypoint, ...this.image.cmd])],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    this.exitPromise = followLines(child, (line) => this.output.push(line)).then((code) => (this.exitCode = code));
    return this;
  }

  /** Resolves with the exit code. */
  get exited(): Promise<number> {
    if (!this.exitPromise) throw new Error('not started');
    return this.exitPromise;
  }

  get pid(): number {
    if (!this.child?.pid) throw new Error('not started');
    return this.child.pid;
  }

  /** Where the running container's filesystem is seen from outside. */
  get root(): string {
    return `/proc/${this.pid}/root`;
  }

  /** Runs a command inside the running container (its filesystem, user and environment), as `docker exec` would. */
  exec(command: string[], timeoutMs = 10_000): { status: number | null; stdout: string; stderr: string } {
    const env = Object.entries(this.env).map(([k, v]) => `${k}=${v}`);
    const r = spawnSync(
      'chroot',
      [`--userspec=${this.user.uid}:${this.user.gid}`, `--groups=${this.groupList()}`, this.root, '/usr/bin/env', '-i', ...env, '/bin/sh', '-c', 'cd "$0" && exec "$@"', this.image.workingDir, ...command],
      { encoding: 'utf8', timeout: timeoutMs },
    );
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  /** The image's HEALTHCHECK, run as the engine runs it: exit 0 is healthy. */
  health(): { status: number | null; stdout: string; stderr: string } {
    const test = this.image.healthcheck;
    if (!test || test.length < 2) throw new Error(`${this.image.name} has no HEALTHCHECK`);
    if (test[0] === 'CMD') return this.exec(test.slice(1));
    if (test[0] === 'CMD-SHELL') return this.exec(['/bin/sh', '-c', test[1] as string]);
    throw new Error(`unknown HEALTHCHECK form ${test[0]}`);
  }

  async stop(timeoutMs = 10_000): Promise<number> {
    if (!this.child || this.exitCode !== null) return this.exitCode ?? 0;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), timeoutMs);
    const code = await this.exitPromise!;
    clearTimeout(timer);
    return code;
  }

  /** Removes the container's writable layer (after stop). */
  remove(): void {
    fs.rmSync(this.runDir, { recursive: true, force: true });
  }
}
