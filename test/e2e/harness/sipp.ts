// SIPp as the caller and as the phones. Each SIPp process writes its SIP
// message trace to a file; the tests read from it which phone got an INVITE,
// when, with which caller ID, and whether the caller was answered.
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { started, type Stoppable } from './leftovers';

const SCENARIOS = path.join(__dirname, '..', 'sipp');

/** The sandbox phones' static contacts (asterisk/sandbox/pjsip_overlay.conf). */
export const PHONE_PORTS: Record<string, number> = {
  secretariat: 5081,
  'dr-martin': 5082,
  'dr-durand': 5083,
  'dr-petit': 5084,
  'line-5': 5085,
  'line-6': 5086,
  'line-7': 5087,
  'line-8': 5088,
  'lamp-dr-martin': 5089,
  /** The far end of the trunk (the aor's contact): outside numbers rung through it. */
  trunk: 5070,
};

export interface SipMessage {
  at: number;
  direction: 'received' | 'sent';
  firstLine: string;
  headers: Record<string, string>;
  body: string;
}

let mediaPort = 20000 + (process.pid % 100) * 100;
let callerPort = 5100 + (process.pid % 50) * 10;
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'accueil-sipp-'));

function nextMediaPort(): number {
  mediaPort += 4;
  if (mediaPort > 60000) mediaPort = 20000;
  return mediaPort;
}

/** Renders a scenario with its {{placeholders}} (SIPp reads numbers like timeouts literally); `edit` changes the text first. */
function renderScenario(name: string, values: Record<string, string | number>, edit: (text: string) => string = (t) => t): string {
  let text = edit(fs.readFileSync(path.join(SCENARIOS, name), 'utf8'));
  for (const [key, value] of Object.entries(values)) text = text.split(`{{${key}}}`).join(String(value));
  const file = path.join(workDir, `${path.basename(name, '.xml')}-${Object.values(values).join('-')}-${Date.now()}.xml`);
  fs.writeFileSync(file, text);
  return file;
}

function parseTimestamp(text: string): number {
  // "2026-11-27 10:30:10.841373" in local time
  const m = /^(\d{4})-(\d\d)-(\d\d)\s+(\d\d):(\d\d):(\d\d)\.(\d+)/.exec(text.trim());
  if (!m) return NaN;
  const [, y, mo, d, h, mi, s, frac] = m as unknown as string[];
  return new Date(+y!, +mo! - 1, +d!, +h!, +mi!, +s!, Math.floor(+(frac!.padEnd(6, '0').slice(0, 6)) / 1000)).getTime();
}

export function parseMessages(file: string): SipMessage[] {
  if (!fs.existsSync(file)) return [];
  const blocks = fs.readFileSync(file, 'utf8').split(/^-{20,} /m).slice(1);
  const out: SipMessage[] = [];
  for (const block of blocks) {
    const lines = block.split('\n');
    const at = parseTimestamp(lines[0] ?? '');
    const direction = /received/.test(lines[1] ?? '') ? 'received' : 'sent';
    const body = lines.slice(2).map((l) => l.replace(/\r$/, ''));
    while (body.length && body[0]?.trim() === '') body.shift();
    const firstLine = body[0]?.trim() ?? '';
    const headers: Record<string, string> = {};
    let end = body.length;
    for (let i = 1; i < body.length; i++) {
      const line = body[i] ?? '';
      if (line.trim() === '') {
        end = i;
        break;
      }
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] ??= line.slice(colon + 1).trim();
    }
    if (firstLine) out.push({ at, direction, firstLine, headers, body: body.slice(end + 1).join('\n').trim() });
  }
  return out;
}

export abstract class SippProcess implements Stoppable {
  protected child: ChildProcess | undefined;
  readonly messageFile: string;
  protected output = '';
  readonly exited: Promise<number>;
  private resolveExit!: (code: number) => void;

  protected constructor(readonly label: string) {
    this.messageFile = path.join(workDir, `${label}-${Date.now()}-${Math.random().toString(36).slice(2)}.msg`);
    this.exited = new Promise((resolve) => (this.resolveExit = resolve));
  }

  /** `netns`: run inside that network namespace (`ip netns exec NS sipp …`, the scale lab). */
  protected launch(args: string[], netns?: string): void {
    const sippArgs = [...args, '-trace_msg', '-message_file', this.messageFile, '-nostdin', '-trace_err', '-error_file', `${this.messageFile}.err`];
    const child = spawn(netns ? 'ip' : 'sipp', netns ? ['netns', 'exec', netns, 'sipp', ...sippArgs] : sippArgs, {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout?.on('data', (d) => (this.output += String(d)));
    child.stderr?.on('data', (d) => (this.output += String(d)));
    child.on('exit', (code, signal) => this.resolveExit(code ?? (signal ? 128 : 1)));
    started(this);
  }

  running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  messages(): SipMessage[] {
    return parseMessages(this.messageFile);
  }

  errors(): string {
    const f = `${this.messageFile}.err`;
    return fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '';
  }

  async stop(): Promise<void> {
    if (this.child && this.running()) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child?.kill('SIGKILL'), 2000);
      await this.exited;
      clearTimeout(timer);
    }
  }
}

export type PhoneBehaviour = { answerAfterMs: number; holdMs?: number } | 'busy' | 'never';

export interface Invite {
  at: number;
  callerIdName: string;
  callerIdNumber: string;
  callId: string;
  /** The host of the INVITE's top Via: which Asterisk sent it (the scale lab's nodes). */
  fromHost: string;
}

/**
 * Where a phone listens when it is not a sandbox phone on loopback (the scale lab's
 * phones: their own address and port, in a network namespace).
 */
export interface PhonePlace {
  ip: string;
  port: number;
  netns?: string;
}

/** A sandbox phone (SIPp UAS on its static contact's port), or one at `place`. */
export class Phone extends SippProcess {
  constructor(readonly name: string, behaviour: PhoneBehaviour, place?: PhonePlace) {
    super(name);
    const port = place?.port ?? PHONE_PORTS[name];
    if (!port) throw new Error(`no sandbox phone named ${name}`);
    const scenario =
      behaviour === 'busy'
        ? path.join(SCENARIOS, 'phone-busy.xml')
        : renderScenario('phone.xml', {
            ring_ms: behaviour === 'never' ? 3_600_000 : behaviour.answerAfterMs,
            hold_ms: behaviour === 'never' ? 3_600_000 : behaviour.holdMs ?? 3_600_000,
          });
    this.launch(['-sf', scenario, '-i', place?.ip ?? '127.0.0.1', '-p', String(port), '-mp', String(nextMediaPort())], place?.netns);
  }

  /**
   * New calls presented to this phone: initial INVITEs (retransmissions counted once).
   * A re-INVITE (its To carries the dialog's tag) is not a new call: Asterisk sends one
   * when a bridge ends to take the media back, and when the previous test's phone on
   * the same port is gone its retransmissions reach the next one.
   */
  invites(): Invite[] {
    const seen = new Set<string>();
    const out: Invite[] = [];
    for (const m of this.messages()) {
      if (m.direction !== 'received' || !m.firstLine.startsWith('INVITE ')) continue;
      if (/;\s*tag=/i.test(m.headers.to ?? '')) continue;
      const callId = m.headers['call-id'] ?? '';
      if (seen.has(callId)) continue;
      seen.add(callId);
      const from = m.headers.from ?? '';
      const nameMatch = /^"([^"]*)"/.exec(from);
      const numberMatch = /sip:([^@>;]+)@/.exec(from);
      const via = /^SIP\/2\.0\/\w+\s+([^:;\s]+)/i.exec(m.headers.via ?? '');
      out.push({ at: m.at, callerIdName: nameMatch?.[1] ?? '', callerIdNumber: numberMatch?.[1] ?? '', callId, fromHost: via?.[1] ?? '' });
    }
    return out;
  }

  /** CANCELs received: ringing stopped by Asterisk. */
  cancels(): SipMessage[] {
    return this.messages().filter((m) => m.direction === 'received' && m.firstLine.startsWith('CANCEL '));
  }

  /** Calls this phone answered (200 OK sent to an INVITE). */
  answered(): number {
    return new Set(
      this.messages()
        .filter((m) => m.direction === 'sent' && m.firstLine.startsWith('SIP/2.0 200') && /INVITE/.test(m.headers.cseq ?? ''))
        .map((m) => m.headers['call-id']),
    ).size;
  }
}

/** What a message-waiting NOTIFY said (RFC 3842 body). */
export interface LampState {
  at: number;
  waiting: boolean;
  /** Voice-Message: new/old. */
  unheard: number;
  heard: number;
}

/** A phone's message-waiting lamp (SIPp answering the NOTIFYs sent to its static contact). */
export class Lamp extends SippProcess {
  constructor(readonly name: string) {
    super(name);
    const port = PHONE_PORTS[name];
    if (!port) throw new Error(`no sandbox phone named ${name}`);
    this.launch(['-sf', path.join(SCENARIOS, 'lamp.xml'), '-i', '127.0.0.1', '-p', String(port), '-mp', String(nextMediaPort())]);
  }

  /** The lamp's states, in the order the NOTIFYs came. */
  states(): LampState[] {
    return this.messages()
      .filter((m) => m.direction === 'received' && m.firstLine.startsWith('NOTIFY ') && /message-summary/i.test(m.headers.event ?? ''))
      .map((m) => {
        const counts = /Voice-Message:\s*(\d+)\/(\d+)/i.exec(m.body);
        return { at: m.at, waiting: /Messages-Waiting:\s*yes/i.test(m.body), unheard: Number(counts?.[1] ?? 0), heard: Number(counts?.[2] ?? 0) };
      });
  }

  /** The last state the lamp was told. */
  last(): LampState | undefined {
    return this.states().pop();
  }
}

export interface CallResult {
  exitCode: number;
  startedAt: number;
  /** When the caller got 200 OK, if it did. */
  answeredAt?: number;
  /** Who ended the call: the caller after its hold time, or Asterisk (BYE received). */
  endedBy?: 'caller' | 'asterisk';
  endedAt?: number;
  finalStatus?: number;
  /** The Contact of the 200 OK: who answered (through a proxy, which node). */
  answeredContact?: string;
  output: string;
}

/**
 * The caller scenario as a trunk that sends keys as SIP INFO (application/dtmf-relay)
 * and offers no RFC 2833 telephone-event: the key goes in an INFO where the audio
 * would start, and the caller's BYE comes after it in the dialog (CSeq 3).
 */
function sipInfoCaller(text: string, digit: string): string {
  const info = `  <send retrans="500">
    <![CDATA[
      INFO sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: "Patient" <sip:[caller]@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 2 INFO
      Contact: <sip:[caller]@[local_ip]:[local_port]>
      Max-Forwards: 70
      Content-Type: application/dtmf-relay
      Content-Length: [len]

      Signal=${digit}
      Duration=160
    ]]>
  </send>
  <recv response="200"/>
`;
  const start = text.indexOf('  <!-- speak');
  const end = text.indexOf('<!-- /speak -->');
  if (start < 0 || end < 0) throw new Error('caller.xml: no speak section to replace');
  return (text.slice(0, start) + info + text.slice(end + '<!-- /speak -->'.length))
    .replace('RTP/AVP 8 0 101', 'RTP/AVP 8 0')
    .replace(/^\s*a=(rtpmap|fmtp):101 .*\n/gm, '')
    .replace('CSeq: 2 BYE', 'CSeq: 3 BYE');
}

/** Keys (RFC 2833, "4321#") or the ~7 s of speech, sent `atMs` after the answer. */
export interface CallerStep {
  atMs: number;
  send: string | 'speech';
}

function pcapOf(send: string): string {
  if (send === 'speech') return 'g711a';
  return `dtmf_2833_${send === '#' ? 'pound' : send === '*' ? 'star' : send}`;
}

/**
 * A capture of RFC 2833 events typing `keys`, 400 ms apart, made from SIPp's own
 * dtmf_2833_1 capture. Each key gets its own RTP timestamp: replaying the shipped
 * capture key after key repeats one timestamp, and Asterisk takes every key after
 * the first for the same event (or drops it). Keys are numbered across captures (a
 * call's later keys must not reuse an earlier key's timestamp either).
 */
let keysTyped = 0;
function keysPcap(keys: string): string {
  const template = fs.readFileSync('/usr/share/sip-tester/dtmf_2833_1.pcap');
  const packets: { sec: number; usec: number; data: Buffer }[] = [];
  for (let off = 24; off + 16 <= template.length; ) {
    const incl = template.readUInt32LE(off + 8);
    packets.push({ sec: template.readUInt32LE(off), usec: template.readUInt32LE(off + 4), data: template.subarray(off + 16, off + 16 + incl) });
    off += 16 + incl;
  }
  const rtpAt = 14 + 20 + 8; // Ethernet, IPv4, UDP
  const out: Buffer[] = [template.subarray(0, 24)];
  [...keys].forEach((key, at) => {
    const i = keysTyped + at;
    const event = key === '*' ? 10 : key === '#' ? 11 : Number(key);
    if (!Number.isInteger(event) || event < 0 || event > 11) throw new Error(`not a key: ${key}`);
    packets.forEach((p) => {
      const data = Buffer.from(p.data);
      data.writeUInt16BE((data.readUInt16BE(rtpAt + 2) + i * packets.length) & 0xffff, rtpAt + 2); // sequence
      data.writeUInt32BE((data.readUInt32BE(rtpAt + 4) + i * 3200) >>> 0, rtpAt + 4); // timestamp: 400 ms at 8 kHz
      data[rtpAt + 12] = event;
      const usec = p.usec + at * 400_000;
      const header = Buffer.alloc(16);
      header.writeUInt32LE(p.sec + Math.floor(usec / 1e6), 0);
      header.writeUInt32LE(usec % 1e6, 4);
      header.writeUInt32LE(data.length, 8);
      header.writeUInt32LE(data.length, 12);
      out.push(header, data);
    });
  });
  const file = path.join(workDir, `keys-${keysTyped}-${Buffer.from(keys).toString('hex')}.pcap`);
  keysTyped += keys.length;
  fs.writeFileSync(file, Buffer.concat(out));
  return file;
}

/** The caller scenario sending `steps` in order (each waits for its time, or ends at Asterisk's BYE). */
function scriptedCaller(text: string, steps: CallerStep[]): string {
  const play = (send: string): string =>
    `  <nop>\n    <action>\n      <exec play_pcap_audio="${send === 'speech' ? `/usr/share/sip-tester/${pcapOf(send)}.pcap` : keysPcap(send)}"/>\n    </action>\n  </nop>\n`;
  let body = play(steps[0]!.send);
  for (let i = 1; i < steps.length; i++) {
    const wait = Math.max(1, steps[i]!.atMs - steps[i - 1]!.atMs);
    body += `  <recv request="BYE" timeout="${wait}" ontimeout="step${i}" next="bye_received"/>\n  <label id="step${i}"/>\n${play(steps[i]!.send)}`;
  }
  const start = text.indexOf('  <!-- speak');
  const end = text.indexOf('<!-- /speak -->');
  if (start < 0 || end < 0) throw new Error('caller.xml: no speak section to replace');
  return text.slice(0, start) + body + text.slice(end + '<!-- /speak -->'.length);
}

/**
 * The caller scenario through a record-routing proxy (the scale lab's Kamailio): the
 * ACK and BYE of the dialog go to the answering node's Contact with the Route set
 * of the 200 OK, and a 404 (a number no practice has) ends the call as a refusal.
 */
function throughProxy(text: string): string {
  const dialog = (method: string): [string, string] => [
    `${method} sip:[service]@[remote_ip]:[remote_port] SIP/2.0\n      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]`,
    `${method} [next_url] SIP/2.0\n      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]\n      [routes]`,
  ];
  const refused = text.indexOf('<label id="refused"/>');
  if (refused < 0) throw new Error('caller.xml: no refused label');
  // The ACK of a refusal stays on the INVITE's request-URI (hop by hop to the proxy).
  let head = text.slice(0, refused);
  const tail = text.slice(refused);
  for (const method of ['ACK', 'BYE']) {
    const [from, to] = dialog(method);
    if (!head.includes(from)) throw new Error(`caller.xml: no ${method} to rewrite`);
    head = head.split(from).join(to);
  }
  return head
    .replace('<recv response="200" rtd="true"/>', '<recv response="200" rtd="true" rrs="true"/>')
    .replace('<recv response="480" optional="true" next="refused"/>', '<recv response="404" optional="true" next="refused"/>\n  <recv response="480" optional="true" next="refused"/>') + tail;
}

/** Where a caller dials from when not the sandbox's loopback trunk (the scale lab). */
export interface CallerPlace {
  /** host:port the INVITE goes to (default 127.0.0.1:5060, the sandbox Asterisk). */
  target: string;
  /** The caller's own address (SIPp -i). */
  ip: string;
  netns?: string;
  /** Through a record-routing proxy: in-dialog requests follow its Route set. */
  proxied?: boolean;
}

/** A caller dialling `number` through the trunk. Resolves when SIPp exits. */
export class Caller extends SippProcess {
  readonly startedAt = Date.now();

  /**
   * holdMs: how long the caller stays after it starts speaking; speakAfterMs: when,
   * after the answer, it starts speaking (its ~7 s of G.711 audio), or presses
   * `digit` instead (RFC 2833, SIPp's dtmf_2833_N capture).
   */
  constructor(
    readonly number: string,
    options: { caller?: string; holdMs: number; speakAfterMs?: number; digit?: string; keysBy?: 'rfc2833' | 'info'; steps?: CallerStep[]; place?: CallerPlace },
  ) {
    super(`caller-${number}`);
    callerPort += 1;
    if (callerPort > 5999) callerPort = 5100;
    const steps = options.steps;
    const audio = pcapOf(options.digit ?? 'speech');
    // With steps, holdMs counts from the last one.
    const speakAfterMs = steps?.length ? steps[0]!.atMs : options.speakAfterMs;
    const values = { hold_ms: options.holdMs, audio_after_ms: Math.max(1, speakAfterMs ?? 1), audio };
    const place = options.place;
    const proxy = place?.proxied ? throughProxy : (text: string): string => text;
    const scenario = steps?.length
      ? renderScenario('caller.xml', values, (text) => proxy(scriptedCaller(text, steps)))
      : options.keysBy === 'info' && options.digit !== undefined
        ? renderScenario('caller.xml', values, (text) => proxy(sipInfoCaller(text, options.digit as string)))
        : renderScenario('caller.xml', values, proxy);
    this.launch([
      place?.target ?? '127.0.0.1:5060', '-sf', scenario, '-s', number, '-i', place?.ip ?? '127.0.0.1', '-p', String(callerPort),
      '-mp', String(nextMediaPort()), '-key', 'caller', options.caller ?? '0612345678', '-m', '1', '-timeout', String(Math.ceil((options.holdMs + (steps?.length ? steps[steps.length - 1]!.atMs : options.speakAfterMs ?? 0)) / 1000) + 120) + 's',
    ], place?.netns);
  }

  async result(): Promise<CallResult> {
    const exitCode = await this.exited;
    const messages = this.messages();
    const ok = messages.find((m) => m.direction === 'received' && m.firstLine.startsWith('SIP/2.0 200') && /INVITE/.test(m.headers.cseq ?? ''));
    const final = messages.filter((m) => m.direction === 'received' && /^SIP\/2.0 [2-6]\d\d/.test(m.firstLine) && /INVITE/.test(m.headers.cseq ?? '')).pop();
    const byeIn = messages.find((m) => m.direction === 'received' && m.firstLine.startsWith('BYE '));
    const byeOut = messages.find((m) => m.direction === 'sent' && m.firstLine.startsWith('BYE '));
    return {
      exitCode,
      startedAt: this.startedAt,
      answeredAt: ok?.at,
      endedBy: byeIn ? 'asterisk' : byeOut ? 'caller' : undefined,
      endedAt: (byeIn ?? byeOut)?.at,
      finalStatus: final ? Number(final.firstLine.split(' ')[1]) : undefined,
      answeredContact: ok?.headers.contact,
      output: this.output + this.errors(),
    };
  }
}

export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 15000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
