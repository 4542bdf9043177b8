// docker/asterisk-entrypoint.sh renders the site's Asterisk configuration from
// the environment (--render-only: no Asterisk started). Run here against the
// repository's recipe in a temporary /etc/asterisk.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const REPO = path.resolve(__dirname, '..', '..', '..');
const SCRIPT = path.join(REPO, 'docker/asterisk-entrypoint.sh');

function render(env: Record<string, string>): { status: number; stderr: string; etc: string; file: (name: string) => string } {
  const etc = fs.mkdtempSync(path.join(os.tmpdir(), 'accueil-etc-'));
  const r = spawnSync('bash', [SCRIPT, '--render-only'], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ACCUEIL_ASTERISK_ETC: etc, ACCUEIL_ASTERISK_RECIPE: path.join(REPO, 'asterisk'), ...env },
  });
  return { status: r.status ?? -1, stderr: r.stderr, etc, file: (name) => fs.readFileSync(path.join(etc, name), 'utf8') };
}

/** Lines that are not comments or blank. */
const active = (text: string): string[] => text.split('\n').filter((l) => l.trim() && !/^\s*;/.test(l));

const BASE = {
  ARI_PASSWORD: 'ari-secret-123',
  ACCUEIL_PHONES: 'secretariat dr-martin',
  ACCUEIL_PHONE_PASSWORD_SECRETARIAT: 'Secretariat-0123',
  ACCUEIL_PHONE_PASSWORD_DR_MARTIN: 'DrMartin-456789',
};

describe('asterisk entrypoint: configuration from the environment', () => {
  test('ARI user and registering phones, each with its password and one contact', () => {
    const r = render(BASE);
    expect(r.stderr).toContain('warning: no SIP trunk configured');
    expect(r.status).toBe(0);
    expect(active(r.file('ari.conf'))).toEqual(['[general]', 'enabled = yes', 'pretty = no', '[accueil]', 'type = user', 'read_only = no', 'password = ari-secret-123']);
    const phones = r.file('pjsip_phones.conf');
    expect(phones).toContain('[secretariat](phone)\nauth = secretariat\naors = secretariat');
    expect(phones).toContain('username = dr-martin\npassword = DrMartin-456789');
    expect(phones.match(/max_contacts = 1/g)).toHaveLength(2);
    expect(active(r.file('pjsip_trunk.conf'))).toEqual([]);
    expect(active(r.file('http_bind.conf'))).toEqual(['bindaddr = 0.0.0.0']);
    // Secrets are not readable by others.
    expect(fs.statSync(path.join(r.etc, 'pjsip_phones.conf')).mode & 0o007).toBe(0);
  });

  test("a phone shows the lamp of the boxes named for it (mailbox <box>@accueil), unsolicited and by subscription", () => {
    const r = render({ ...BASE, ACCUEIL_PHONE_MAILBOXES_DR_MARTIN: 'dr-martin, cabinet' });
    expect(r.status).toBe(0);
    const phones = r.file('pjsip_phones.conf');
    const martin = phones.slice(phones.indexOf('[dr-martin](phone)'));
    expect(martin).toContain('aors = dr-martin\nmailboxes = dr-martin@accueil,cabinet@accueil\nmwi_subscribe_replaces_unsolicited = yes');
    expect(martin).toMatch(/type = aor[^[]*mailboxes = dr-martin@accueil,cabinet@accueil/);
    expect(phones.slice(0, phones.indexOf('[dr-martin](phone)'))).not.toContain('mailboxes');
  });

  test('a box name that is not safe in the configuration is refused', () => {
    const r = render({ ...BASE, ACCUEIL_PHONE_MAILBOXES_SECRETARIAT: 'ok bad;box' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("ACCUEIL_PHONE_MAILBOXES_SECRETARIAT: box 'bad;box': lower-case letters, digits and '-' only");
  });

  test('every missing or unsafe value is reported at once, and nothing starts', () => {
    const r = render({ ACCUEIL_PHONES: 'secretariat,Bad_Name,dr-martin', ACCUEIL_PHONE_PASSWORD_DR_MARTIN: 'short', ACCUEIL_TRUNK_HOST: 'sip3.ovh.fr', ACCUEIL_TRUNK_USERNAME: 'has space' });
    expect(r.status).toBe(2);
    for (const expected of [
      'ARI_PASSWORD is not set',
      'ACCUEIL_PHONE_PASSWORD_SECRETARIAT is not set',
      "phone name 'Bad_Name'",
      'ACCUEIL_PHONE_PASSWORD_DR_MARTIN is shorter than 12 characters',
      "ACCUEIL_TRUNK_USERNAME must not contain spaces, ';' or '@'",
      'ACCUEIL_TRUNK_PASSWORD is not set',
      'ACCUEIL_TRUNK_NUMBER is not set',
    ]) expect(r.stderr).toContain(expected);
  });

  test('secrets may come from files (Docker secrets)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accueil-secret-'));
    fs.writeFileSync(path.join(dir, 'ari'), 'from-a-file-42\n');
    const r = render({ ...BASE, ARI_PASSWORD: '', ARI_PASSWORD_FILE: path.join(dir, 'ari') });
    expect(r.status).toBe(0);
    expect(r.file('ari.conf')).toContain('password = from-a-file-42\n');
  });

  test('the trunk template (OVHcloud example) renders completely, comments left alone', () => {
    const r = render({
      ...BASE,
      ACCUEIL_TRUNK_HOST: 'sip3.ovh.fr',
      ACCUEIL_TRUNK_USERNAME: '0033972000000',
      ACCUEIL_TRUNK_PASSWORD: 'trunk-pass',
      ACCUEIL_TRUNK_NUMBER: '0033972000000',
    });
    expect(r.status).toBe(0);
    const trunk = r.file('pjsip_trunk.conf');
    const lines = active(trunk);
    expect(lines.filter((l) => /@[A-Z_]+@/.test(l))).toEqual([]);
    expect(lines).toContain('client_uri = sip:0033972000000@sip3.ovh.fr');
    expect(lines).toContain('server_uri = sip:sip3.ovh.fr');
    expect(lines).toContain('password = trunk-pass');
    expect(lines).toContain('match = sip3.ovh.fr'); // ACCUEIL_TRUNK_MATCH defaults to the host
    expect(trunk).toContain(';   ACCUEIL_TRUNK_HOST=sip3.ovh.fr');
  });

  test('NAT settings extend the transport; ARI may be bound to one address', () => {
    const r = render({ ...BASE, ACCUEIL_SIP_EXTERNAL_ADDRESS: '203.0.113.7', ACCUEIL_SIP_LOCAL_NET: '192.168.1.0/24,172.31.251.0/24', ACCUEIL_ARI_BIND_ADDRESS: '172.31.250.10' });
    expect(r.status).toBe(0);
    expect(active(r.file('pjsip_site.conf'))).toEqual([
      '[transport-udp](+)',
      'external_media_address = 203.0.113.7',
      'external_signaling_address = 203.0.113.7',
      'local_net = 192.168.1.0/24',
      'local_net = 172.31.251.0/24',
    ]);
    expect(active(r.file('http_bind.conf'))).toEqual(['bindaddr = 172.31.250.10']);
  });
});
