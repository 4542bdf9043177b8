// systemd/accueil.service: the hardening the operator expects, and
// `systemd-analyze verify` when the machine has it.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const REPO = path.resolve(__dirname, '..', '..', '..');
const UNIT = fs.readFileSync(path.join(REPO, 'systemd/accueil.service'), 'utf8');

/** Values of a directive (it may be repeated). */
const values = (key: string): string[] => [...UNIT.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((m) => m[1] as string);

describe('systemd unit', () => {
  test('restarts on failure, runs as its own user, secrets from /etc/accueil/env', () => {
    expect(values('Restart')).toEqual(['on-failure']);
    expect(values('User')).toEqual(['accueil']);
    expect(values('EnvironmentFile')).toEqual(['/etc/accueil/env']);
    expect(UNIT).not.toMatch(/ARI_PASSWORD=/);
  });

  test('hardened: no new privileges, read-only system, no home, private /tmp, writable voicemail and call history only', () => {
    expect(values('NoNewPrivileges')).toEqual(['yes']);
    expect(values('ProtectSystem')).toEqual(['strict']);
    expect(values('ProtectHome')).toEqual(['yes']);
    expect(values('PrivateTmp')).toEqual(['yes']);
    expect(values('ReadWritePaths')).toEqual(['/var/lib/accueil/voicemail /var/lib/accueil/history /var/spool/asterisk/recording']);
    expect(values('CapabilityBoundingSet')).toEqual(['']);
  });

  test('runs the CLI the package ships, with the plan and sounds of /etc/accueil', () => {
    expect(values('ExecStart')).toEqual(['/usr/bin/node /opt/accueil/bin/accueil run --plan /etc/accueil/plan --sounds /etc/accueil/sounds']);
    expect(values('ExecReload')).toEqual(['/bin/kill -HUP $MAINPID']);
  });

  const analyze = spawnSync('systemd-analyze', ['--version']);
  (analyze.status === 0 ? test : test.skip)('systemd-analyze verify passes', () => {
    // verify checks that ExecStart's program exists: use this machine's node.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accueil-unit-'));
    const unit = path.join(dir, 'accueil.service');
    fs.writeFileSync(unit, UNIT.replace('ExecStart=/usr/bin/node ', `ExecStart=${process.execPath} `));
    const r = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8' });
    expect({ status: r.status, output: `${r.stdout}${r.stderr}`.trim() }).toEqual({ status: 0, output: '' });
  });
});
