// The two images as built by scripts/images.sh, run from their own filesystems
// as compose.yaml starts them (entrypoint, user, environment, volumes, group,
// HEALTHCHECK read from `podman image inspect`): a call comes in through the
// Asterisk image's published SIP port, the daemon image routes it to the
// secretariat's phone, which registered with its password (production overlay).
// Run by test/images/run.sh: a network namespace of its own (loopback only,
// with compose's ARI address on it), under the sandbox's lock.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Caller, Phone, SippProcess, waitFor } from '../e2e/harness/sipp';
import { parsePort, readCompose, Volumes, type ComposeFile } from './harness/compose';
import { Container, inspectImage, REPO, type ImageConfig } from './harness/image';

const DAEMON_IMAGE = 'localhost/accueil:local';
const ASTERISK_IMAGE = 'localhost/accueil-asterisk:local';
const SECRETARIAT_PORT = 5181;

/** The site's .env, as an administrator fills it from docker/env.example (test values). */
const planDir = fs.mkdtempSync(path.join(os.tmpdir(), 'accueil-plan-'));
fs.copyFileSync(path.join(__dirname, 'plan.yaml'), path.join(planDir, 'plan.yaml'));
// The host's plan folder is read by the image's user (uid 1000), as a checkout's is.
fs.chmodSync(planDir, 0o755);
fs.chmodSync(path.join(planDir, 'plan.yaml'), 0o644);
const DOTENV: Record<string, string> = {
  ARI_PASSWORD: 'ari-images-test-0123',
  ACCUEIL_PHONES: 'secretariat dr-martin',
  ACCUEIL_PHONE_PASSWORD_SECRETARIAT: 'Secretariat-pass-0123',
  ACCUEIL_PHONE_PASSWORD_DR_MARTIN: 'DrMartin-pass-456789',
  // The operator's trunk: a registrar that is not there (its registration only retries),
  // calls come from this host.
  ACCUEIL_TRUNK_HOST: '127.0.0.1:5070',
  ACCUEIL_TRUNK_USERNAME: '0033972000000',
  ACCUEIL_TRUNK_PASSWORD: 'trunk-pass-0123',
  ACCUEIL_TRUNK_NUMBER: '0033972000000',
  ACCUEIL_TRUNK_MATCH: '127.0.0.1',
  ACCUEIL_PLAN_DIR: planDir,
};

interface JournalLine {
  msg?: string;
  event?: string;
  step?: string;
  callId?: string;
  line?: string;
  result?: string;
}

function journal(container: Container): JournalLine[] {
  return container.output.filter((l) => l.startsWith('{')).map((l) => {
    try {
      return JSON.parse(l) as JournalLine;
    } catch {
      return {};
    }
  });
}

/** A production phone: registers with its password, then rings and answers like the sandbox's phones. */
class RegisteredPhone extends SippProcess {
  readonly invites = Phone.prototype.invites;
  readonly answered = Phone.prototype.answered;

  constructor(readonly name: string, password: string, port: number, answerAfterMs: number) {
    super(name);
    const ooc = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'accueil-sipp-')), 'phone.xml');
    fs.writeFileSync(
      ooc,
      fs.readFileSync(path.join(REPO, 'test/e2e/sipp/phone.xml'), 'utf8').split('{{ring_ms}}').join(String(answerAfterMs)).split('{{hold_ms}}').join('3600000'),
    );
    this.launch([
      '127.0.0.1:5060', '-sf', path.join(__dirname, 'sipp/register.xml'), '-oocsf', ooc, '-aa',
      '-key', 'phone', name, '-au', name, '-ap', password, '-i', '127.0.0.1', '-p', String(port), '-m', '1', '-mp', String(port + 10000),
    ]);
  }

  registered(): boolean {
    return this.messages().some((m) => m.direction === 'received' && m.firstLine.startsWith('SIP/2.0 200') && /REGISTER/.test(m.headers.cseq ?? ''));
  }
}

describe('the images, run from their filesystems as compose.yaml starts them', () => {
  let compose: ComposeFile;
  let daemonImage: ImageConfig;
  let asteriskImage: ImageConfig;
  let volumes: Volumes;
  let asterisk: Container;
  let daemon: Container;
  let secretariat: RegisteredPhone;

  beforeAll(async () => {
    compose = readCompose(DOTENV);
    daemonImage = inspectImage(DAEMON_IMAGE);
    asteriskImage = inspectImage(ASTERISK_IMAGE);
    volumes = new Volumes(compose);
    const groupAdd = (service: string): number[] => compose.services[service]!.group_add.map(Number);
    // depends_on: Asterisk first.
    asterisk = new Container(asteriskImage, { env: compose.services.asterisk!.environment, mounts: volumes.mountsOf('asterisk', asteriskImage.rootfs), groupAdd: groupAdd('asterisk') }).start();
    const ari = compose.services.accueil!.environment;
    const auth = `Basic ${Buffer.from(`${ari.ARI_USERNAME}:${ari.ARI_PASSWORD}`).toString('base64')}`;
    await waitFor(
      'ARI of the Asterisk image at the daemon\'s ARI_URL',
      async () => {
        if (asterisk.exitCode !== null) throw new Error(`Asterisk's container exited (${asterisk.exitCode}):\n${asterisk.output.slice(-30).join('\n')}`);
        return fetch(`${ari.ARI_URL}/ari/asterisk/ping`, { headers: { authorization: auth }, signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false);
      },
      60_000,
    );
    secretariat = new RegisteredPhone('secretariat', DOTENV.ACCUEIL_PHONE_PASSWORD_SECRETARIAT!, SECRETARIAT_PORT, 1000);
    await waitFor('the secretariat phone registered', () => secretariat.registered() || (secretariat.errors() && false), 20_000);
    daemon = new Container(daemonImage, { env: compose.services.accueil!.environment, mounts: volumes.mountsOf('accueil', daemonImage.rootfs), groupAdd: groupAdd('accueil') }).start();
    await waitFor(
      'the daemon image attached to ARI',
      () => {
        if (daemon.exitCode !== null) throw new Error(`the daemon's container exited (${daemon.exitCode}):\n${daemon.output.slice(-30).join('\n')}`);
        return journal(daemon).some((l) => l.event === 'ari.connected');
      },
      60_000,
    );
  }, 180_000);

  afterAll(async () => {
    await secretariat?.stop();
    await daemon?.stop();
    await asterisk?.stop();
    daemon?.remove();
    asterisk?.remove();
    volumes?.remove();
  });

  test('compose runs the images scripts/images.sh builds, and publishes the ports they expose, unchanged', () => {
    expect(compose.services.accueil!.image).toBe(DAEMON_IMAGE.replace(/^localhost\//, ''));
    expect(compose.services.asterisk!.image).toBe(ASTERISK_IMAGE.replace(/^localhost\//, ''));
    for (const [service, image] of [['accueil', daemonImage], ['asterisk', asteriskImage]] as const) {
      const published = compose.services[service]!.ports.map(parsePort);
      expect(published.length).toBeGreaterThan(0);
      // Same port outside and inside: what this test reaches on its loopback is what compose publishes.
      for (const p of published) {
        expect(p.host).toBe(p.container);
        expect(image.exposedPorts).toContain(`${p.container}/${p.protocol}`);
      }
    }
    // The daemon's published port is the one it listens on.
    expect(daemon.env.ACCUEIL_HTTP_PORT).toBe(parsePort(compose.services.accueil!.ports[0]!).container);
  });

  test('the volumes compose mounts are where the images keep their data, writable by their users', () => {
    expect(compose.services.accueil!.volumes.map((v) => v.split(':')[1])).toEqual(expect.arrayContaining(daemonImage.volumes));
    expect(daemonImage.env.ACCUEIL_VOICEMAIL_DIR).toBe('/var/lib/accueil/voicemail');
    const planTarget = daemonImage.cmd[daemonImage.cmd.indexOf('--plan') + 1];
    expect(compose.services.accueil!.volumes.some((v) => v.split(':')[1] === planTarget)).toBe(true);
    // The daemon writes its store; it reads and removes what Asterisk records on the shared volume.
    expect(daemon.exec(['sh', '-c', 'touch "$ACCUEIL_VOICEMAIL_DIR/.probe" && rm "$ACCUEIL_VOICEMAIL_DIR/.probe"'])).toMatchObject({ status: 0 });
    const recording = asterisk.exec(['sh', '-c', 'echo x > /var/spool/asterisk/recording/probe.wav && ls -ln /var/spool/asterisk/recording/probe.wav']);
    expect(recording).toMatchObject({ status: 0 });
    expect(daemon.exec(['sh', '-c', 'cat "$ACCUEIL_RECORDINGS_DIR/probe.wav" && rm "$ACCUEIL_RECORDINGS_DIR/probe.wav"'])).toMatchObject({ status: 0, stdout: 'x\n' });
    // compose's group_add is the Asterisk image's asterisk group.
    const group = fs.readFileSync(path.join(asteriskImage.rootfs, 'etc/group'), 'utf8').split('\n').find((l) => l.startsWith('asterisk:'));
    expect(compose.services.accueil!.group_add).toEqual([group?.split(':')[2]]);
  });

  test('the daemon runs as the image\'s non-root user, on Node 24', () => {
    const status = fs.readFileSync(`/proc/${daemon.pid}/status`, 'utf8');
    const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
    expect(daemonImage.user).toBe('node');
    expect(uid).toBe(daemon.user.uid);
    expect(uid).not.toBe(0);
    // The process is the image's node, inside the image's filesystem.
    expect(fs.readlinkSync(`/proc/${daemon.pid}/root`)).not.toBe('/');
    expect(fs.readFileSync(`/proc/${daemon.pid}/cmdline`, 'utf8').split('\0').slice(0, 2)).toEqual(daemonImage.entrypoint);
    const version = daemon.exec(['node', '--version']);
    expect(version.stdout.trim()).toMatch(/^v24\./);
  });

  test('Asterisk runs as its user with the production overlay: the phone registered with its password, the trunk is the operator\'s', () => {
    const status = fs.readFileSync(`/proc/${asterisk.pid}/status`, 'utf8');
    expect(Number(/^Uid:\s+(\d+)/m.exec(status)?.[1])).toBe(asterisk.user.uid);
    expect(asterisk.user.name).toBe('asterisk');
    expect(secretariat.registered()).toBe(true);
    const contacts = asterisk.exec(['asterisk', '-rx', 'pjsip show contacts']);
    expect(contacts.stdout).toMatch(new RegExp(`secretariat/sip:secretariat@127\\.0\\.0\\.1:${SECRETARIAT_PORT}`));
    const registrations = asterisk.exec(['asterisk', '-rx', 'pjsip show registrations']);
    expect(registrations.stdout).toMatch(/trunk\/sip:127\.0\.0\.1:5070/);
  });

  test('a call through the published SIP port reaches the secretariat\'s phone, routed by the daemon image', async () => {
    const caller = new Caller('0142000001', { caller: '0612345678', holdMs: 8000 });
    const result = await caller.result();
    expect({ exitCode: result.exitCode, output: result.exitCode === 0 ? '' : result.output }).toEqual({ exitCode: 0, output: '' });
    expect(result.answeredAt).toBeDefined();
    const invites = secretariat.invites();
    expect(invites).toHaveLength(1);
    // The daemon's label on the phone's display: it routed the call, not the dialplan's fallback.
    expect(invites[0]!.callerIdName).toMatch(/^\[Dr Martin\]/);
    expect(secretariat.answered()).toBe(1);
    const incoming = await waitFor('the call in the daemon\'s journal', () => journal(daemon).find((l) => l.step === 'incoming'));
    const answered = await waitFor('answered', () => journal(daemon).find((l) => l.callId === incoming.callId && l.step === 'answered'));
    expect(answered.line).toBe('secretariat');
    const outcome = await waitFor('outcome', () => journal(daemon).find((l) => l.callId === incoming.callId && l.step === 'outcome'));
    expect(outcome.result).toBe('answered');
  });

  test('the HEALTHCHECKs pass as the engine runs them, and the daemon\'s fails once it is stopped', async () => {
    expect(daemonImage.healthcheck?.join(' ')).toMatch(/\/healthz/);
    expect(daemon.health()).toMatchObject({ status: 0 });
    const published = parsePort(compose.services.accueil!.ports[0]!);
    const res = await fetch(`http://${published.hostIp ?? '127.0.0.1'}:${published.host}/healthz`);
    expect(res.status).toBe(200);
    expect(asterisk.health()).toMatchObject({ status: 0 });
    // A check that cannot fail proves nothing: the same command, in the same image, once the daemon is stopped.
    expect(await daemon.stop()).toBe(0);
    const test = daemonImage.healthcheck!;
    const probe = new Container(daemonImage, { env: compose.services.accueil!.environment, mounts: [], command: test[0] === 'CMD' ? test.slice(1) : ['/bin/sh', '-c', test[1]!] }).start();
    try {
      expect(await probe.exited).toBe(1);
    } finally {
      probe.remove();
    }
  });
});
