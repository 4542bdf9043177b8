// A real SMTP server on 127.0.0.1 (smtp-server) that keeps what it receives, and
// just enough MIME to read a mail's parts: shared by the unit and end-to-end tests.
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export interface Received {
  from: string;
  to: string[];
  raw: string;
  user?: string;
}

/** A real SMTP server; `reject(n)` answers the n-th DATA (1-based) with a temporary error. */
export async function smtpSink(opts: { port?: number; reject?: (n: number) => boolean; auth?: { user: string; pass: string } } = {}) {
  const mails: Received[] = [];
  let datas = 0;
  const options: SMTPServerOptions = {
    disabledCommands: opts.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !opts.auth,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, cb) {
      if (opts.auth && auth.username === opts.auth.user && auth.password === opts.auth.pass) cb(null, { user: auth.username });
      else cb(new Error('bad credentials'));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        datas++;
        if (opts.reject?.(datas)) {
          const err = new Error('try again later') as Error & { responseCode: number };
          err.responseCode = 451;
          cb(err);
          return;
        }
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('latin1'),
          ...(typeof session.user === 'string' ? { user: session.user } : {}),
        });
        cb();
      });
    },
  };
  const server = new SMTPServer(options);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return { mails, port, attempts: () => datas, close: () => new Promise<void>((r) => server.close(() => r())) };
}

export interface Part {
  headers: string;
  body: string;
}

/** Just enough MIME: the parts of a multipart mail, one level of nesting followed. */
export function mimeParts(raw: string): Part[] {
  const split = (text: string): Part => {
    const i = text.indexOf('\r\n\r\n');
    return { headers: text.slice(0, i).replace(/\r\n[ \t]+/g, ' '), body: text.slice(i + 4) };
  };
  const walk = (part: Part): Part[] => {
    const b = /boundary="?([^";\r\n]+)"?/i.exec(part.headers);
    if (!/content-type:\s*multipart\//i.test(part.headers) || !b) return [part];
    return part.body
      .split(`--${b[1]}`)
      .slice(1, -1)
      .map((chunk) => split(chunk.replace(/^\r\n/, '')))
      .flatMap(walk);
  };
  return walk(split(raw));
}

export function header(raw: string, name: string): string | undefined {
  const head = raw.slice(0, raw.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ');
  return new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1];
}

export function attachment(raw: string): { filename: string; type: string; bytes: Buffer } | undefined {
  for (const p of mimeParts(raw)) {
    const name = /filename="?([^";]+)"?/i.exec(p.headers);
    if (!name) continue;
    if (!/content-transfer-encoding:\s*base64/i.test(p.headers)) throw new Error(`attachment ${name[1]} is not base64: ${p.headers}`);
    return { filename: name[1]!, type: /content-type:\s*([^;\s]+)/i.exec(p.headers)?.[1] ?? '', bytes: Buffer.from(p.body.replace(/\s+/g, ''), 'base64') };
  }
  return undefined;
}

