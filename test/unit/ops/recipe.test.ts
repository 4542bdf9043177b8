// The Docker images, compose.yaml and the sandbox share one recipe: this test
// fails when they drift apart. The files are read and checked here; the images
// themselves are built and run by test/images/ (scripts/images.sh test).
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';

const REPO = path.resolve(__dirname, '..', '..', '..');
const read = (rel: string): string => fs.readFileSync(path.join(REPO, rel), 'utf8');
const exists = (rel: string): boolean => fs.existsSync(path.join(REPO, rel));

const asteriskDockerfile = read('docker/asterisk.Dockerfile');
const accueilDockerfile = read('Dockerfile');
const accueilPackagesFile = path.join(REPO, 'docker/accueil-packages.txt');
const sandboxScript = read('scripts/asterisk-sandbox.sh');
const imagesScript = read('scripts/images.sh');
const compose = parse(read('compose.yaml')) as {
  services: Record<string, {
    build?: { context: string; dockerfile: string };
    environment?: Record<string, string>;
    ports?: string[];
    volumes?: string[];
    networks?: Record<string, { ipv4_address?: string } | null> | string[];
    group_add?: string[];
  }>;
  networks: Record<string, { internal?: boolean; ipam?: { config: { subnet: string }[] } }>;
  volumes: Record<string, unknown>;
};

/** Dockerfile instructions, continuation lines joined. */
function instructions(dockerfile: string): { op: string; args: string }[] {
  return dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [op, ...rest] = l.split(/\s+/);
      return { op: (op ?? '').toUpperCase(), args: rest.join(' ') };
    });
}

/** Runs a shell pipeline with `file` standing for the package list. */
function runPipeline(pipeline: string, file: string): string[] {
  return execFileSync('bash', ['-c', pipeline.replace(/"\$repo\/asterisk\/packages\.txt"|\/tmp\/packages\.txt/g, JSON.stringify(file))], { encoding: 'utf8' })
    .split(/[\s,]+/)
    .filter(Boolean);
}

/** `${VAR:-default}` → default, `${VAR:?msg}`/`${VAR}` → undefined (no default). */
function interpolateDefault(value: string): string | undefined {
  let unresolved = false;
  const out = value.replace(/\$\{(\w+)(?::-([^}]*)|:\?[^}]*)?\}/g, (_m, _name: string, dflt: string | undefined) => {
    if (dflt === undefined) unresolved = true;
    return dflt ?? '';
  });
  return unresolved ? undefined : out;
}

describe('the Asterisk image is built from the sandbox recipe', () => {
  const steps = instructions(asteriskDockerfile);
  const packagesFile = path.join(REPO, 'asterisk/packages.txt');

  test('Debian sid, as the sandbox (mmdebstrap … sid): debian:sid unless a local base is given', () => {
    expect(steps.filter((s) => s.op === 'FROM').map((s) => s.args)).toEqual(['${DEBIAN_IMAGE}']);
    expect(steps.filter((s) => s.op === 'ARG' && /^DEBIAN_IMAGE\b/.test(s.args)).map((s) => s.args)).toEqual(['DEBIAN_IMAGE=debian:sid']);
    expect(steps.findIndex((s) => s.op === 'ARG' && /^DEBIAN_IMAGE\b/.test(s.args))).toBeLessThan(steps.findIndex((s) => s.op === 'FROM'));
    expect(sandboxScript).toMatch(/mmdebstrap [^\n]*\\\n[^\n]*\bsid\b/);
    // The local base of scripts/images.sh is sid too, given as DEBIAN_IMAGE.
    expect(imagesScript).toMatch(/mmdebstrap [^\n]*\\\n[^\n]*\bsid\b/);
    expect(imagesScript).toMatch(/build_image "\$ASTERISK_IMAGE" docker\/asterisk\.Dockerfile "DEBIAN_IMAGE=\$debian"/);
  });

  test('it installs exactly asterisk/packages.txt, read from the file (not a copy of its names)', () => {
    const copy = steps.find((s) => s.op === 'COPY' && s.args.startsWith('asterisk/packages.txt '));
    expect(copy?.args).toBe('asterisk/packages.txt /tmp/packages.txt');
    const install = steps.find((s) => s.op === 'RUN' && /apt-get install/.test(s.args));
    expect(install).toBeDefined();
    const sub = /apt-get install[^$]*\$\((.*?packages\.txt[^)]*)\)/.exec(install!.args);
    expect(sub).not.toBeNull();
    const fromImage = runPipeline(sub![1]!, packagesFile);
    // The sandbox's own reading of the list (scripts/asterisk-sandbox.sh packages()).
    const sandboxFn = /^packages\(\) \{ (.*); \}$/m.exec(sandboxScript);
    expect(sandboxFn).not.toBeNull();
    const fromSandbox = runPipeline(sandboxFn![1]!, packagesFile);
    expect(fromImage).toEqual(fromSandbox);
    expect(fromImage.length).toBeGreaterThan(0);
    // No package named in the Dockerfile itself: the list lives in one place.
    for (const name of fromImage) expect(install!.args).not.toMatch(new RegExp(`\\s${name.replace(/[-+.]/g, '\\$&')}(\\s|$)`));
  });

  test('apt-get the same way as mmdebstrap (recommends included)', () => {
    expect(asteriskDockerfile).not.toMatch(/--no-install-recommends/);
  });

  test('the configuration comes from install-config.sh, as in the sandbox, with the production overlay', () => {
    const run = steps.find((s) => s.op === 'RUN' && /install-config\.sh/.test(s.args));
    expect(run?.args).toMatch(/\/opt\/accueil\/asterisk\/install-config\.sh \/ production(\s|$)/);
    expect(steps.some((s) => s.op === 'COPY' && s.args === 'asterisk/ /opt/accueil/asterisk/')).toBe(true);
    expect(sandboxScript).toMatch(/"\$repo\/asterisk\/install-config\.sh" "\$root" sandbox/);
  });

  test('every file the base configuration includes is provided by both overlays', () => {
    const confDir = path.join(REPO, 'asterisk/conf');
    const includes = fs
      .readdirSync(confDir)
      .flatMap((f) => [...fs.readFileSync(path.join(confDir, f), 'utf8').matchAll(/^#include\s+(\S+)/gm)].map((m) => m[1] as string));
    expect(includes.sort()).toEqual(['extensions_overlay.conf', 'http_bind.conf', 'pjsip_overlay.conf']);
    for (const overlay of ['sandbox', 'production']) {
      for (const inc of includes) expect(`${overlay}: ${exists(`asterisk/${overlay}/${inc}`)}`).toBe(`${overlay}: true`);
    }
  });

  test('the production overlay includes only files the image creates and the entrypoint renders', () => {
    const prodIncludes = [...read('asterisk/production/pjsip_overlay.conf').matchAll(/^#include\s+(\S+)/gm)].map((m) => m[1] as string);
    expect(prodIncludes).toEqual(['pjsip_site.conf', 'pjsip_phones.conf', 'pjsip_trunk.conf']);
    const entrypoint = read('docker/asterisk-entrypoint.sh');
    for (const inc of prodIncludes) {
      expect(asteriskDockerfile).toMatch(new RegExp(`touch[^\\n]*\\b${inc.replace('.', '\\.')}`));
      expect(entrypoint).toContain(`$etc/${inc}`);
    }
  });

  test('Asterisk runs as its own user, through the entrypoint', () => {
    expect(steps.filter((s) => s.op === 'USER').map((s) => s.args)).toEqual(['asterisk']);
    expect(steps.find((s) => s.op === 'ENTRYPOINT')?.args).toBe('["/usr/local/bin/accueil-asterisk-entrypoint"]');
    expect(steps.find((s) => s.op === 'COPY' && s.args.startsWith('docker/asterisk-entrypoint.sh'))).toBeDefined();
  });

  test('the RTP range it exposes is rtp.conf\'s', () => {
    const rtp = read('asterisk/production/rtp.conf');
    const start = /^rtpstart\s*=\s*(\d+)/m.exec(rtp)?.[1];
    const end = /^rtpend\s*=\s*(\d+)/m.exec(rtp)?.[1];
    expect(steps.find((s) => s.op === 'EXPOSE')?.args).toBe(`5060/udp ${start}-${end}/udp`);
    expect(compose.services.asterisk?.ports).toContain(`${start}-${end}:${start}-${end}/udp`);
  });
});

describe('the daemon image', () => {
  const steps = instructions(accueilDockerfile);

  test('Node 24 LTS (bookworm-slim), multi-stage: built with tsc, production dependencies only', () => {
    expect(accueilDockerfile).toMatch(/^ARG NODE_IMAGE=node:24-bookworm-slim$/m);
    expect(steps.filter((s) => s.op === 'FROM').length).toBeGreaterThanOrEqual(3);
    // Every stage starts from NODE_IMAGE or from an earlier stage (scripts/images.sh gives a local NODE_IMAGE).
    const stages: string[] = [];
    for (const from of steps.filter((s) => s.op === 'FROM')) {
      const [image, as, name] = from.args.split(/\s+/);
      expect(['${NODE_IMAGE}', ...stages]).toContain(image);
      if (as?.toUpperCase() === 'AS' && name) stages.push(name);
    }
    expect(imagesScript).toMatch(/build_image "\$DAEMON_IMAGE" Dockerfile "NODE_IMAGE=\$node"/);
    expect(steps.some((s) => s.op === 'RUN' && /npm run build/.test(s.args))).toBe(true);
    expect(steps.some((s) => s.op === 'RUN' && /npm ci --omit=dev/.test(s.args))).toBe(true);
    // npm run build is tsc plus the precompiled validator (scripts/build.js), copied in before it runs.
    expect(JSON.parse(read('package.json')).scripts.build).toBe('node scripts/build.js');
    expect(read('scripts/build.js')).toContain("require.resolve('typescript/bin/tsc')");
    expect(accueilDockerfile).toMatch(/COPY scripts\/build\.js \S+\nRUN npm run build/);
    // The final stage takes node_modules from the production-only stage.
    const final = accueilDockerfile.slice(accueilDockerfile.lastIndexOf('\nFROM '));
    expect(final).toMatch(/COPY --from=deps \S*node_modules/);
    expect(final).toMatch(/COPY --from=build \S*dist/);
  });

  test('native addons compile in the build stages; the final image has no compiler', () => {
    const stageOf = (name: string): string => {
      const start = accueilDockerfile.search(new RegExp(`^FROM \\S+ AS ${name}$`, 'm'));
      expect(start).toBeGreaterThanOrEqual(0);
      const next = accueilDockerfile.indexOf('\nFROM ', start + 1);
      return accueilDockerfile.slice(start, next < 0 ? undefined : next);
    };
    expect(stageOf('toolchain')).toMatch(/apt-get install [^\n]*\bpython3 make g\+\+/);
    for (const stage of ['build', 'deps']) expect(stageOf(stage)).toMatch(/^FROM toolchain AS /);
    const final = accueilDockerfile.slice(accueilDockerfile.lastIndexOf('\nFROM '));
    expect(final).not.toMatch(/\b(g\+\+|gcc|make|python3|build-essential)\b/);
  });

  test('it installs exactly docker/accueil-packages.txt, read from the file, with non-free enabled', () => {
    const copy = steps.find((s) => s.op === 'COPY' && s.args.startsWith('docker/accueil-packages.txt '));
    expect(copy?.args).toBe('docker/accueil-packages.txt /tmp/packages.txt');
    const install = steps.filter((s) => s.op === 'RUN' && /packages\.txt/.test(s.args));
    expect(install).toHaveLength(1);
    const sub = /apt-get install[^$]*\$\((.*?packages\.txt[^)]*)\)/.exec(install[0]!.args);
    expect(sub).not.toBeNull();
    const names = runPipeline(sub![1]!, accueilPackagesFile);
    // The offline voices of the text announcements.
    expect(names).toEqual(expect.arrayContaining(['libttspico-utils', 'espeak-ng', 'sox']));
    for (const name of names) expect(install[0]!.args).not.toMatch(new RegExp(`\\s${name.replace(/[-+.]/g, '\\$&')}(\\s|$)`));
    expect(install[0]!.args).toMatch(/sed -i 's\/\^Components: main\$\/Components: main non-free\/' \/etc\/apt\/sources\.list\.d\/debian\.sources/);
  });

  test('runs as a non-root user, checks /healthz, never fetches packages at run time', () => {
    const users = steps.filter((s) => s.op === 'USER').map((s) => s.args);
    expect(users.length).toBeGreaterThan(0);
    expect(users[users.length - 1]).not.toMatch(/^(root|0)(:|$)/);
    const health = steps.find((s) => s.op === 'HEALTHCHECK');
    expect(health?.args).toMatch(/\/healthz/);
    for (const s of steps.filter((x) => ['CMD', 'ENTRYPOINT', 'HEALTHCHECK'].includes(x.op))) expect(s.args).not.toMatch(/\bnpx\b|npm (install|i)\b/);
  });

  test('bin/accueil runs the compiled dist/ when src/ is not shipped', () => {
    const bin = read('bin/accueil');
    expect(bin).toMatch(/dist', 'cli', 'main\.js'/);
    expect(accueilDockerfile).not.toMatch(/^COPY src .*\n(?![\s\S]*\nFROM )/m);
  });

  test('the plan path it runs is the one compose mounts', () => {
    const cmd = JSON.parse(steps.find((s) => s.op === 'CMD')!.args) as string[];
    const plan = cmd[cmd.indexOf('--plan') + 1];
    expect(compose.services.accueil?.volumes?.some((v) => interpolateDefault(v)?.split(':')[1] === plan)).toBe(true);
  });
});

describe('compose.yaml', () => {
  const services = compose.services;

  test('builds both images from files of the repository (the daemon from the Dockerfile at the top)', () => {
    expect(services.accueil?.build).toEqual({ context: '.', dockerfile: 'Dockerfile' });
    expect(services.asterisk?.build).toEqual({ context: '.', dockerfile: 'docker/asterisk.Dockerfile' });
    for (const name of ['asterisk', 'accueil']) {
      const build = services[name]?.build;
      expect(build).toBeDefined();
      expect(exists(path.join(build!.context, build!.dockerfile))).toBe(true);
    }
  });

  test('every host path it mounts exists (with its defaults)', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const volume of service.volumes ?? []) {
        const resolved = interpolateDefault(volume);
        expect(resolved).toBeDefined();
        const source = resolved!.split(':')[0];
        if (source!.startsWith('.') || source!.startsWith('/')) {
          expect(`${name}: ${source} ${exists(source!)}`).toBe(`${name}: ${source} true`);
        } else {
          expect(Object.keys(compose.volumes)).toContain(source);
        }
      }
    }
  });

  test('plan and sounds come from the host; voicemail is a volume shared with Asterisk\'s recordings', () => {
    const accueil = services.accueil!.volumes!;
    expect(accueil.some((v) => /^\$\{ACCUEIL_PLAN_DIR:-[^}]+\}:\/etc\/accueil\/plan:ro$/.test(v))).toBe(true);
    expect(accueil).toContain('voicemail:/var/lib/accueil/voicemail');
    expect(accueil).toContain('history:/var/lib/accueil/history');
    expect(accueil).toContain('recordings:/var/spool/asterisk/recording');
    expect(services.asterisk!.volumes).toContain('recordings:/var/spool/asterisk/recording');
    expect(services.accueil!.group_add).toEqual([/ARG ASTERISK_GID=(\d+)/.exec(asteriskDockerfile)?.[1]]);
  });

  test('ARI is not published and is bound to the internal network\'s address, which the daemon uses', () => {
    const asterisk = services.asterisk!;
    for (const p of asterisk.ports ?? []) expect(p).not.toMatch(/8088/);
    const nets = asterisk.networks as Record<string, { ipv4_address?: string } | null>;
    const bind = asterisk.environment!.ACCUEIL_ARI_BIND_ADDRESS;
    expect(nets.ari?.ipv4_address).toBe(bind);
    expect(compose.networks.ari?.internal).toBe(true);
    expect(services.accueil!.environment!.ARI_URL).toBe(`http://${bind}:8088`);
    // The daemon's own port: loopback of the host only.
    for (const p of services.accueil!.ports ?? []) expect(p).toMatch(/^127\.0\.0\.1:/);
  });

  test('secrets come from the environment (.env), and docker/env.example names every variable compose reads', () => {
    const text = read('compose.yaml');
    const vars = new Set([...text.matchAll(/\$\{(\w+)/g)].map((m) => m[1] as string));
    const example = read('docker/env.example');
    for (const v of vars) expect(`${v}: ${new RegExp(`^#?${v}=`, 'm').test(example)}`).toBe(`${v}: true`);
    expect(services.asterisk!.environment!.ARI_PASSWORD).toMatch(/^\$\{ARI_PASSWORD:\?/);
    expect(services.accueil!.environment!.ARI_PASSWORD).toMatch(/^\$\{ARI_PASSWORD:\?/);
    expect(fs.readFileSync(path.join(REPO, '.gitignore'), 'utf8')).toMatch(/^\.env$/m);
  });

  test('a password variable for each default phone', () => {
    const env = services.asterisk!.environment!;
    const phones = interpolateDefault(env.ACCUEIL_PHONES!)!.split(/[\s,]+/);
    for (const phone of phones) expect(Object.keys(env)).toContain(`ACCUEIL_PHONE_PASSWORD_${phone.replace(/-/g, '_').toUpperCase()}`);
  });

  test('each service publishes only ports its image EXPOSEs (same number outside), and mounts a volume on each VOLUME', () => {
    const exposed = (dockerfile: string): string[] =>
      instructions(dockerfile).filter((s) => s.op === 'EXPOSE').flatMap((s) => s.args.split(/\s+/)).map((p) => (p.includes('/') ? p : `${p}/tcp`));
    const declaredVolumes = (dockerfile: string): string[] =>
      instructions(dockerfile).filter((s) => s.op === 'VOLUME').flatMap((s) => JSON.parse(s.args) as string[]);
    for (const [name, dockerfile] of [['accueil', accueilDockerfile], ['asterisk', asteriskDockerfile]] as const) {
      const ports = services[name]!.ports ?? [];
      expect(ports.length).toBeGreaterThan(0);
      for (const spec of ports) {
        const [mapping, protocol = 'tcp'] = spec.split('/');
        const parts = mapping!.split(':');
        const container = parts[parts.length - 1]!;
        expect(parts[parts.length - 2]).toBe(container);
        expect(exposed(dockerfile)).toContain(`${container}/${protocol}`);
      }
      const targets = (services[name]!.volumes ?? []).map((v) => interpolateDefault(v)?.split(':')[1]);
      for (const volume of declaredVolumes(dockerfile)) expect(targets).toContain(volume);
    }
    expect(declaredVolumes(accueilDockerfile)).toEqual(['/var/lib/accueil/voicemail', '/var/lib/accueil/history', '/var/lib/accueil/speech']);
  });

  test('the daemon reaches ARI only on the internal network, on the address inside its subnet', () => {
    const bind = services.asterisk!.environment!.ACCUEIL_ARI_BIND_ADDRESS!;
    const subnet = compose.networks.ari!.ipam!.config[0]!.subnet;
    const [net, bits] = subnet.split('/');
    const toInt = (ip: string): number => ip.split('.').reduce((a, b) => a * 256 + Number(b), 0);
    const mask = 2 ** 32 - 2 ** (32 - Number(bits));
    expect((toInt(bind) & mask) >>> 0).toBe((toInt(net!) & mask) >>> 0);
    const accueilNets = services.accueil!.networks;
    expect(Array.isArray(accueilNets) ? accueilNets : Object.keys(accueilNets ?? {})).toContain('ari');
  });

  test('.dockerignore keeps out nothing the images copy', () => {
    const ignored = read('.dockerignore').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    const sources = [...instructions(accueilDockerfile), ...instructions(asteriskDockerfile)]
      .filter((s) => s.op === 'COPY' && !s.args.startsWith('--from'))
      .flatMap((s) => s.args.split(/\s+/).slice(0, -1));
    for (const src of sources) {
      expect(exists(src)).toBe(true);
      for (const pattern of ignored) expect(`${src} ignored by ${pattern}: ${src === pattern || src.startsWith(`${pattern}/`)}`).toBe(`${src} ignored by ${pattern}: false`);
    }
  });
});

describe('the local bases of scripts/images.sh stand for the public images', () => {
  /** Runs one of the script's base hooks on a fresh folder standing for the base's root. */
  function runHook(name: string): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'accueil-base-'));
    const body = new RegExp(`^${name}\\(\\) \\{\\n[\\s\\S]*?\\n\\}$`, 'm').exec(imagesScript)?.[0];
    expect(body).toBeDefined();
    execFileSync('bash', ['-c', `${body}\n${name} "$1"`, 'hook', root]);
    return root;
  }

  test('debian.sources as the official image has it, so both recipes\' non-free sed applies', () => {
    const root = runHook('official_sources_hook');
    const sources = path.join(root, 'etc/apt/sources.list.d/debian.sources');
    expect(fs.readFileSync(sources, 'utf8')).toMatch(/^Suites: sid$/m);
    for (const dockerfile of [asteriskDockerfile, accueilDockerfile]) {
      const sed = /sed -i '([^']+)' \/etc\/apt\/sources\.list\.d\/debian\.sources/.exec(dockerfile)?.[1];
      expect(sed).toBeDefined();
      const out = execFileSync('sed', [sed!, sources], { encoding: 'utf8' });
      expect(out).toMatch(/^Components: main non-free$/m);
    }
  });

  test('the node base has the official image\'s "node" user (uid and gid 1000), which the Dockerfile uses', () => {
    const body = /^node_user_hook\(\) \{\n([\s\S]*?)\n\}$/m.exec(imagesScript)?.[1] ?? '';
    expect(body).toMatch(/groupadd --gid 1000 node/);
    expect(body).toMatch(/useradd --uid 1000 --gid node /);
    expect(imagesScript).toMatch(/make_base node "nodejs,npm" official_sources_hook node_user_hook/);
    expect(accueilDockerfile).toMatch(/^USER node$/m);
  });
});

describe('shell scripts parse', () => {
  test.each(['docker/asterisk-entrypoint.sh', 'asterisk/install-config.sh', 'scripts/asterisk-sandbox.sh', 'scripts/images.sh', 'test/images/run.sh', 'test/images/harness/in-image.sh'])('bash -n %s', (file) => {
    expect(() => execFileSync('bash', ['-n', path.join(REPO, file)])).not.toThrow();
  });
});
