// What a plan hands to Asterisk, phones, mails and the network is checked: dial strings,
// durations' upper bounds, music classes, names and labels, webhooks, outside numbers.
import { planFromSources, formatError } from '../../../src/plan';
import { BASE, errorsOf, planOf, sounds } from './helpers';

const L = (n: number, t: string): string => BASE.split('\n').map((l, i) => (i === n - 1 ? t : l)).join('\n');

describe("dial strings", () => {
  it("an endpoint with \"&\" (several endpoints) is refused", () => {
    expect(errorsOf(L(3, '  secretariat: { endpoint: "PJSIP/x&Local/y@default" }'))).toEqual([
      "p.yaml:3:28: lines.secretariat.endpoint: found \"PJSIP/x&Local/y@default\": \"&\" would ring several endpoints; expected \"PJSIP/<name>\", the name of one endpoint made of letters, digits, \".\", \"_\" or \"-\", such as \"PJSIP/secretariat\" (ring several lines with a group)",
    ]);
  });
  it("an endpoint with a SIP URI after \"/\" is refused", () => {
    expect(errorsOf(L(3, '  secretariat: { endpoint: "PJSIP/secretariat/sip:+33899000000@evil.example.com" }'))).toEqual([
      "p.yaml:3:28: lines.secretariat.endpoint: found \"PJSIP/secretariat/sip:+33899000000@evil.example.com\": \"/\" and \"@\" would address another server or dialplan context; expected \"PJSIP/<name>\", the name of one endpoint made of letters, digits, \".\", \"_\" or \"-\", such as \"PJSIP/secretariat\" (an outside number is an \"external\" destination)",
    ]);
  });
  it("a Local channel into a dialplan context is refused", () => {
    expect(errorsOf(L(3, '  secretariat: { endpoint: "Local/s@admin-context/n" }'))).toEqual([
      "p.yaml:3:28: lines.secretariat.endpoint: found \"Local/s@admin-context/n\": the technology \"Local\" is not supported; expected \"PJSIP/<name>\", the name of one endpoint made of letters, digits, \".\", \"_\" or \"-\", such as \"PJSIP/secretariat\" (an outside number is an \"external\" destination)",
    ]);
  });
  it("an endpoint without technology is refused", () => {
    expect(errorsOf(L(3, '  secretariat: { endpoint: secretariat }'))).toEqual([
      "p.yaml:3:28: lines.secretariat.endpoint: found \"secretariat\", expected \"PJSIP/<name>\", the name of one endpoint made of letters, digits, \".\", \"_\" or \"-\", such as \"PJSIP/secretariat\"",
    ]);
  });
  it("an endpoint name with a space is refused", () => {
    expect(errorsOf(L(3, '  secretariat: { endpoint: "PJSIP/sec ret" }'))).toEqual([
      "p.yaml:3:28: lines.secretariat.endpoint: found \"PJSIP/sec ret\", expected \"PJSIP/<name>\", the name of one endpoint made of letters, digits, \".\", \"_\" or \"-\", such as \"PJSIP/secretariat\"",
    ]);
  });
  it("the technology is read without regard to case", () => {
    expect(errorsOf(L(3, '  secretariat: { endpoint: pjsip/secretariat }'))).toEqual([]);
  });
  it("a trunk endpoint outside the grammar is refused", () => {
    expect(errorsOf(L(20, '    overflow: { external: "06 12 34 56 78", then: { voicemail: vm } }') + 'trunks:\n  a: { endpoint: "PJSIP/trunk/sip:x@evil" }\n')).toEqual([
      "p.yaml:24:18: trunks.a.endpoint: found \"PJSIP/trunk/sip:x@evil\": \"/\" and \"@\" would address another server or dialplan context; expected \"PJSIP/<name>\", the name of one endpoint made of letters, digits, \".\", \"_\" or \"-\", such as \"PJSIP/trunk\"",
    ]);
  });
});

describe("durations", () => {
  it("hold.every at most 10m", () => {
    expect(errorsOf(L(19, '    max_wait: 30s\n    hold: { music: default, message: bienvenue, every: 2h }'))).toEqual([
      "p.yaml:20:56: groups.g.hold.every: found \"2h\", expected at most 10m",
    ]);
  });
  it("a 300-digit number of hours is refused, shortened in the message", () => {
    expect(errorsOf(L(19, '    max_wait: 30s\n    retry_pause: ' + '9'.repeat(300) + 'h'))).toEqual([
      "p.yaml:20:18: groups.g.retry_pause: found \"999999999999999999999999999999999999999999999999999999999...\", expected at most 60m",
    ]);
  });
  it("wrap_up at most 60m", () => {
    expect(errorsOf(L(19, '    max_wait: 30s\n    wrap_up: 2h'))).toEqual([
      "p.yaml:20:14: groups.g.wrap_up: found \"2h\", expected at most 60m",
    ]);
  });
});

describe("music classes", () => {
  it("hold.music with \"../\" is refused", () => {
    expect(errorsOf(L(19, '    max_wait: 30s\n    hold: { music: "../etc" }'))).toEqual([
      "p.yaml:20:20: groups.g.hold.music: found \"../etc\", expected the name of a music-on-hold class of musiconhold.conf (letters, digits, \"_\" or \"-\", at most 40) such as \"default\"",
    ]);
  });
  it("hold.music with a newline is refused", () => {
    expect(errorsOf(L(19, '    max_wait: 30s\n    hold: { music: "a\\nb" }'))).toEqual([
      "p.yaml:20:20: groups.g.hold.music: found \"a\\nb\", expected the name of a music-on-hold class of musiconhold.conf (letters, digits, \"_\" or \"-\", at most 40) such as \"default\"",
    ]);
  });
  it("hold.music with \"$()\" is refused", () => {
    expect(errorsOf(L(19, '    max_wait: 30s\n    hold: { music: "$(reboot)" }'))).toEqual([
      "p.yaml:20:20: groups.g.hold.music: found \"$(reboot)\", expected the name of a music-on-hold class of musiconhold.conf (letters, digits, \"_\" or \"-\", at most 40) such as \"default\"",
    ]);
  });
});

describe("texts", () => {
  it("a name with CR/LF is refused", () => {
    expect(errorsOf(L(7, '    name: "Cabinet\\r\\nX-Evil: 1"'))).toEqual([
      "p.yaml:7:11: numbers[\"+33 1 42 00 00 01\"].name: found \"Cabinet\\r\\nX-Evil: 1\": a control character (line break, tab, escape\u2026) is not allowed; expected one line of printable text",
    ]);
  });
  it("a label with quotes and <> is refused (it becomes a caller ID name)", () => {
    expect(errorsOf(L(7, '    name: Cabinet\n    label: \'Dr "Martin" <sip:x>\''))).toEqual([
      "p.yaml:8:12: numbers[\"+33 1 42 00 00 01\"].label: found \"Dr \\\"Martin\\\" <sip:x>\": the characters \" < > \\ are not allowed, the phones show this text as a caller name; expected plain text such as \"Dr Martin\"",
    ]);
  });
  it("a 4000-character name is refused", () => {
    expect(errorsOf(L(7, '    name: ' + 'x'.repeat(4000)))).toEqual([
      "p.yaml:7:11: numbers[\"+33 1 42 00 00 01\"].name: found a text of 4000 characters, expected at most 80",
    ]);
  });
  it("an exception label with a control character is refused", () => {
    expect(errorsOf(L(15, '    holidays: FR\n    exceptions: [{ date: 2026-12-24, closed: true, label: "a\\u0007b" }]'))).toEqual([
      "p.yaml:16:59: calendars.cab.exceptions[1].label: found \"a\\u0007b\": a control character (line break, tab, escape\u2026) is not allowed; expected one line of printable text",
    ]);
  });
});

describe("webhooks", () => {
  it("a plain http webhook is refused", () => {
    expect(errorsOf(L(22, '  vm: { greeting: messagerie, notify: { webhook: "http://hooks.example.org/x" } }'))).toEqual([
      "p.yaml:22:50: voicemail.vm.notify.webhook: found \"http://hooks.example.org/x\": plain http sends the message's details unencrypted; expected an https URL such as \"https://example.org/hook\" (or \"allow_http: true\")",
    ]);
  });
  it("a plain http webhook with allow_http: true is kept", () => {
    expect(errorsOf(L(22, '  vm: { greeting: messagerie, notify: { webhook: "http://hooks.example.org/x", allow_http: true } }'))).toEqual([]);
  });
  it("a cloud metadata webhook is refused", () => {
    expect(errorsOf(L(22, '  vm: { greeting: messagerie, notify: { webhook: "https://169.254.169.254/latest" } }'))).toEqual([
      "p.yaml:22:50: voicemail.vm.notify.webhook: found \"https://169.254.169.254/latest\": 169.254.169.254 is a cloud metadata address; expected a public server (or \"allow_private: true\" for a server of your own network)",
    ]);
  });
  it("a loopback webhook is refused", () => {
    expect(errorsOf(L(22, '  vm: { greeting: messagerie, notify: { webhook: "https://127.0.0.1:8088/ari" } }'))).toEqual([
      "p.yaml:22:50: voicemail.vm.notify.webhook: found \"https://127.0.0.1:8088/ari\": 127.0.0.1 is a loopback address; expected a public server (or \"allow_private: true\" for a server of your own network)",
    ]);
  });
  it("a link-local IPv6 webhook is refused", () => {
    expect(errorsOf(L(22, '  vm: { greeting: messagerie, notify: { webhook: "https://[fe80::1]/x" } }'))).toEqual([
      "p.yaml:22:50: voicemail.vm.notify.webhook: found \"https://[fe80::1]/x\": [fe80::1] is a link-local address; expected a public server (or \"allow_private: true\" for a server of your own network)",
    ]);
  });
  it("a private-address webhook is refused", () => {
    expect(errorsOf(L(22, '  vm: { greeting: messagerie, notify: { webhook: "https://10.0.0.5/x" } }'))).toEqual([
      "p.yaml:22:50: voicemail.vm.notify.webhook: found \"https://10.0.0.5/x\": 10.0.0.5 is a private address; expected a public server (or \"allow_private: true\" for a server of your own network)",
    ]);
  });
  it("a private-address webhook with allow_private: true is kept", () => {
    expect(errorsOf(L(22, '  vm: { greeting: messagerie, notify: { webhook: "https://10.0.0.5/x", allow_private: true } }'))).toEqual([]);
  });
  it("a webhook with credentials in the URL is refused", () => {
    expect(errorsOf(L(22, '  vm: { greeting: messagerie, notify: { webhook: "https://u:p@hooks.example.org/x" } }'))).toEqual([
      "p.yaml:22:50: voicemail.vm.notify.webhook: found a URL with a user name or password in it; expected an https URL such as \"https://example.org/hook\" (secrets come from the environment)",
    ]);
  });
});

describe("external numbers", () => {
  it("an outside number through the only trunk is kept", () => {
    expect(errorsOf(L(20, '    overflow: { external: "+33 6 12 34 56 78", then: { voicemail: vm } }') + 'trunks:\n  operator: { endpoint: PJSIP/trunk }\n')).toEqual([]);
  });
  it("an outside number without any trunk is refused", () => {
    expect(errorsOf(L(20, '    overflow: { external: "+33 6 12 34 56 78", then: { voicemail: vm } }'))).toEqual([
      "p.yaml:20:27: groups.g.overflow.external: an outside number needs a trunk; expected one under trunks: (e.g. trunks: { operator: { endpoint: PJSIP/trunk } })",
    ]);
  });
  it("a premium-rate number is refused", () => {
    expect(errorsOf(L(20, '    overflow: { external: "08 99 00 00 00", then: { voicemail: vm } }') + 'trunks:\n  operator: { endpoint: PJSIP/trunk }\n')).toEqual([
      "p.yaml:20:27: groups.g.overflow.external: found \"08 99 00 00 00\", a premium-rate number: refused unless the trunk allows it (allow: { premium: true })",
    ]);
  });
  it("a premium-rate number is kept when the trunk allows premium", () => {
    expect(errorsOf(L(20, '    overflow: { external: "08 99 23 45 67", then: { voicemail: vm } }') + 'trunks:\n  operator: { endpoint: PJSIP/trunk, allow: { premium: true } }\n')).toEqual([]);
  });
  it("a number abroad is refused", () => {
    expect(errorsOf(L(20, '    overflow: { external: "+44 20 7946 0958", then: { voicemail: vm } }') + 'trunks:\n  operator: { endpoint: PJSIP/trunk }\n')).toEqual([
      "p.yaml:20:27: groups.g.overflow.external: found \"+44 20 7946 0958\", a number of GB: calls abroad are refused unless the trunk allows the country (allow: { countries: [GB] })",
    ]);
  });
  it("a number abroad is kept when the trunk allows its country", () => {
    expect(errorsOf(L(20, '    overflow: { external: "+44 20 7946 0958", then: { voicemail: vm } }') + 'trunks:\n  operator: { endpoint: PJSIP/trunk, allow: { countries: [GB] } }\n')).toEqual([]);
  });
  it("a number that is no phone number is refused", () => {
    expect(errorsOf(L(20, '    overflow: { external: "12", then: { voicemail: vm } }') + 'trunks:\n  operator: { endpoint: PJSIP/trunk }\n')).toEqual([
      "p.yaml:20:27: groups.g.overflow.external: found \"12\", expected a phone number such as \"+33 6 12 34 56 78\" or \"06 12 34 56 78\" (country FR)",
    ]);
  });
  it("with several trunks, the trunk must be named", () => {
    expect(errorsOf(L(20, '    overflow: { external: "06 12 34 56 78", then: { voicemail: vm } }') + 'trunks:\n  a: { endpoint: PJSIP/trunk }\n  b: { endpoint: PJSIP/trunk2 }\n')).toEqual([
      "p.yaml:20:27: groups.g.overflow.external: several trunks are defined; expected \"trunk:\" naming one of a, b",
    ]);
  });
  it("an unknown trunk is refused", () => {
    expect(errorsOf(L(20, '    overflow: { external: "06 12 34 56 78", trunk: c, then: { voicemail: vm } }') + 'trunks:\n  a: { endpoint: PJSIP/trunk }\n')).toEqual([
      "p.yaml:20:52: groups.g.overflow.trunk: unknown trunk \"c\"; expected one of the trunks defined: a",
    ]);
  });
  it("timeout after a group is refused", () => {
    expect(errorsOf(L(10, '    open: { group: g, timeout: 10s }'))).toEqual([
      "p.yaml:10:23: numbers[\"+33 1 42 00 00 01\"].open.timeout: \"timeout\" is only meaningful with \"line\" or \"external\", not with a group; expected it removed",
    ]);
  });
});
describe('the external destination built', () => {
  it('carries the E.164 number and the dial string through the trunk', () => {
    const plan = planOf(`${L(20, '    overflow: { external: "06 12 34 56 78", timeout: 25s, then: { voicemail: vm } }')}trunks:\n  operator: { endpoint: PJSIP/trunk }\n`);
    expect(plan.groups.g!.overflow).toEqual({
      kind: 'external', number: '+33612345678', trunk: 'operator', endpoint: 'PJSIP/+33612345678@trunk', timeout: 25_000, then: { kind: 'voicemail', box: 'vm' },
    });
    expect(plan.trunks).toEqual({ operator: { name: 'operator', endpoint: 'PJSIP/trunk', allow: { countries: [], premium: false } } });
  });
});

describe('names JavaScript reads as its own', () => {
  const protoLine = BASE.replace('  secretariat: { endpoint: PJSIP/secretariat }', '  secretariat: { endpoint: PJSIP/secretariat }\n  __proto__: { endpoint: PJSIP/other }');
  it('a definition named "__proto__" is refused where it is written, not lost (one file)', () => {
    expect(errorsOf(protoLine)).toEqual(['p.yaml:4:3: lines.__proto__: "__proto__" cannot be a name; expected another name']);
  });
  it('and in a plan of several files, where the sections are merged', () => {
    const r = planFromSources([{ file: 'a.yaml', text: protoLine }, { file: 'b.yaml', text: 'lines:\n  __proto__: { endpoint: PJSIP/third }\n' }], sounds);
    expect(r.ok ? [] : r.errors.map(formatError)).toEqual(['a.yaml:4:3: lines.__proto__: "__proto__" cannot be a name; expected another name', 'b.yaml:2:3: lines.__proto__: "__proto__" cannot be a name; expected another name']);
  });
});
