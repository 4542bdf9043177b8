// compose.yaml read as a compose tool reads it: variables interpolated from the
// given .env values (${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}),
// host paths resolved from the project folder, named volumes made into folders
// that start with the image's content at their mount point (as a new volume does).
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { REPO, type Mount } from './image';

export interface ComposeService {
  image: string;
  build?: { context: string; dockerfile: string };
  environment: Record<string, string>;
  ports: string[];
  volumes: string[];
  networks: Record<string, { ipv4_address?: string } | null>;
  group_add: string[];
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  networks: Record<string, { internal?: boolean; ipam?: { config: { subnet: string }[] } }>;
  volumes: Record<string, unknown>;
}

/** Interpolates one value; throws where compose would refuse (${VAR:?message}). */
export function interpolate(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\$|\$\{(\w+)(?:(:?)([-?])([^}]*))?\}/g, (match, name: string | undefined, colon: string, kind: string, arg: string) => {
    if (match === '$$') return '$';
    const v = vars[name as string];
    const unset = v === undefined || (colon === ':' && v === '');
    if (kind === '?' && unset) throw new Error(`compose: ${name}: ${arg}`);
    if (kind === '-' && unset) return arg;
    return v ?? '';
  });
}

function interpolateAll<T>(node: T, vars: Record<string, string>): T {
  if (typeof node === 'string') return interpolate(node, vars) as T;
  if (Array.isArray(node)) return node.map((n) => interpolateAll(n, vars)) as T;
  if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, interpolateAll(v, vars)])) as T;
  return node;
}

export function readCompose(vars: Record<string, string>): ComposeFile {
  const raw = parse(fs.readFileSync(path.join(REPO, 'compose.yaml'), 'utf8')) as ComposeFile;
  const out = interpolateAll(raw, vars);
  for (const service of Object.values(out.services)) {
    service.environment = Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, String(v)]));
    service.ports ??= [];
    service.volumes ??= [];
    service.group_add ??= [];
    const nets = service.networks ?? {};
    service.networks = Array.isArray(nets) ? Object.fromEntries((nets as string[]).map((n) => [n, null])) : nets;
  }
  return out;
}

/** A port mapping "[ip:]host:container[/proto]" (ranges kept as written). */
export function parsePort(spec: string): { hostIp?: string; host: string; container: string; protocol: string } {
  const [mapping, protocol = 'tcp'] = spec.split('/');
  const parts = (mapping as string).split(':');
  const container = parts.pop() as string;
  const host = parts.pop() ?? container;
  return { hostIp: parts.pop(), host, container, protocol };
}

/** The folders behind a project's named volumes, shared by the services that mount them. */
export class Volumes {
  private readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accueil-volumes-'));
  private readonly made = new Set<string>();

  constructor(private readonly compose: ComposeFile) {}

  /** The mounts of one service; a named volume first mounted here starts with the image's content. */
  mountsOf(service: string, rootfs: string): Mount[] {
    return this.compose.services[service]!.volumes.map((spec) => {
      const [source, target, mode] = spec.split(':') as [string, string, string | undefined];
      const readOnly = mode === 'ro';
      if (source.startsWith('.') || source.startsWith('/')) return { source: path.resolve(REPO, source), target, readOnly };
      if (!(source in this.compose.volumes)) throw new Error(`compose: service ${service} mounts an undeclared volume ${source}`);
      const folder = path.join(this.dir, source);
      if (!this.made.has(source)) {
        this.made.add(source);
        fs.mkdirSync(folder);
        const inImage = path.join(rootfs, target);
        if (fs.existsSync(inImage)) execFileSync('cp', ['-a', '--', `${inImage}/.`, `${folder}/`]);
        const st = fs.existsSync(inImage) ? fs.statSync(inImage) : undefined;
        if (st) {
          fs.chownSync(folder, st.uid, st.gid);
          fs.chmodSync(folder, st.mode & 0o7777);
        }
      }
      return { source: folder, target, readOnly };
    });
  }

  path(volume: string): string {
    return path.join(this.dir, volume);
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
