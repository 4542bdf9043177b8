// The JSON Schema of the plan: structure, types and known keys. Published by
// `accueil schema` for editors (autocomplete, hover help), and used by the loader.
// Finer rules (times, durations, references, loops, sounds) are semantic checks in
// build.ts, which give more precise messages than a pattern mismatch could.

type Schema = Record<string, unknown>;

const SCHEMA_ID = 'https://accueil.invalid/schema/plan.json';

const duration = (description: string, example: string): Schema => ({ $ref: '#/$defs/duration', description, examples: [example] });
const sound = (description: string): Schema => ({ $ref: '#/$defs/sound', description });
/** E-mail and webhook targets: a voicemail box's `notify`, a number's `missed.notify` (plan/guards.ts checks the webhook). */
const notifyTargets = (description: string, when: string): Schema => ({
  type: 'object',
  additionalProperties: false,
  description,
  properties: {
    email: { type: ['string', 'array'], items: { type: 'string' }, description: 'One address or a list.' },
    webhook: { type: 'string', description: `An https URL called (POST, JSON) ${when}; not a loopback, private or link-local address.` },
    allow_http: { type: 'boolean', description: 'Allow a plain http webhook (default false).' },
    allow_private: { type: 'boolean', description: 'Allow a webhook on a loopback, private or link-local address (default false).' },
  },
});

const destinationProperties: Schema = {
  group: { type: 'string', description: 'Ring the lines of this group (see `groups`).' },
  line: { type: 'string', description: 'Ring this one line (see `lines`), for `timeout`, then go to `then`.' },
  external: { type: 'string', description: 'Ring this outside number through a trunk (see `trunks`), for `timeout`, then go to `then`. Only the plan\'s country and no premium rates, unless the trunk allows them.', examples: ['+33 6 12 34 56 78'] },
  trunk: { type: 'string', description: 'With `external`: the trunk to call through (may be left out when the plan has one trunk).' },
  timeout: duration('With `line` or `external`: how long it rings before `then` (default 30s).', '20s'),
  menu: { type: 'string', description: 'Play this voice menu (see `menus`).' },
  voicemail: { type: 'string', description: 'Leave a message in this voicemail box (see `voicemail`).' },
  announcement: { ...sound('Play this announcement or sound, then go to `then`.') },
  then: { $ref: '#/$defs/destination', description: 'With `line`, `external` or `announcement`: where the call goes next (default hangup).' },
  hangup: { const: true, description: 'Hang up (`hangup: true`, or simply the word `hangup`).' },
};

export const planSchema: Schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: SCHEMA_ID,
  title: 'Accueil reception plan',
  description: 'How the calls to your public numbers are received: hours, greetings, who rings, voice menus, voicemail. Reference: docs/plan.md.',
  type: 'object',
  additionalProperties: false,
  properties: {
    timezone: { type: 'string', title: 'a time zone', description: 'Time zone of the hours written in the plan (default Europe/Paris).', examples: ['Europe/Paris'] },
    country: {
      type: 'string',
      title: 'a country code',
      description: 'Country used to read numbers written without +country code (default FR).',
      examples: ['FR'],
    },
    language: {
      type: 'string',
      enum: ['fr', 'en', 'de', 'es', 'it'],
      title: 'a language',
      description: 'Language of the {say: "…"} texts, spoken offline (default fr; calendar placeholders are French only).',
      examples: ['fr'],
    },
    lines: {
      type: 'object',
      description: 'The phones: name → Asterisk endpoint.',
      additionalProperties: { $ref: '#/$defs/line' },
    },
    trunks: {
      type: 'object',
      description: 'The ways out to the public network, for `external` destinations: name → endpoint and what it may call.',
      additionalProperties: { $ref: '#/$defs/trunk' },
    },
    calendars: {
      type: 'object',
      description: 'Opening hours: name → weekly hours, public holidays, exceptions.',
      additionalProperties: { $ref: '#/$defs/calendar' },
    },
    numbers: {
      type: 'object',
      description: 'The public numbers, written as you like ("+33 1 42 00 00 01", "01 42 00 00 01") → how their calls are received.',
      additionalProperties: { $ref: '#/$defs/number' },
    },
    groups: {
      type: 'object',
      description: 'Groups of lines that ring together, with the wait and the overflow.',
      additionalProperties: { $ref: '#/$defs/group' },
    },
    menus: {
      type: 'object',
      description: 'Voice menus: "press 1 for …".',
      additionalProperties: { $ref: '#/$defs/menu' },
    },
    voicemail: {
      type: 'object',
      description: 'Voicemail boxes: name → greeting, length, who is notified.',
      additionalProperties: { $ref: '#/$defs/voicemail' },
    },
    announcements: {
      type: 'object',
      description: 'Named announcements: name → one sound or a list of sounds played in order.',
      additionalProperties: {
        title: 'a sound or a list of sounds',
        type: ['string', 'array', 'object'],
        items: { $ref: '#/$defs/sound' },
        minItems: 1,
        properties: { say: { $ref: '#/$defs/say' } },
        required: ['say'],
        additionalProperties: false,
      },
    },
    studio: {
      type: 'object',
      additionalProperties: false,
      required: ['number', 'pin_from_env'],
      description: 'A number the practice calls to record its announcements by phone (docs/sounds.md).',
      properties: {
        number: { type: 'string', description: 'The studio\'s own number (not one of `numbers`).', examples: ['+33 1 42 00 00 09'] },
        pin_from_env: { type: 'string', description: 'The environment variable that holds the PIN (digits; never written in the plan).', examples: ['ACCUEIL_STUDIO_PIN'] },
        announcements: {
          type: 'array',
          items: { type: 'string' },
          minItems: 1,
          maxItems: 9,
          description: 'The announcements that may be recorded, key 1 first (default: every named announcement, at most 9).',
        },
      },
    },
    default: { $ref: '#/$defs/destination', description: 'Where a call to a number not listed in `numbers` goes (default: a polite announcement, then hang up).' },
    history: {
      type: 'object',
      additionalProperties: false,
      description: 'The call history (docs/history.md).',
      properties: {
        keep: {
          type: 'string',
          pattern: '^\\s*\\d+\\s*(months?|days?)\\s*$',
          description: 'How long calls are kept, then deleted (caller numbers are personal data): "13 months", "90 days" (default 13 months).',
          examples: ['13 months'],
        },
      },
    },
  },
  $defs: {
    duration: {
      title: 'a duration',
      type: 'string',
      pattern: '^(\\d+h)?(\\d+m)?(\\d+s)?(\\d+ms)?$',
      description: 'A duration: "45s", "2m", "1m30s", "500ms".',
      examples: ['45s'],
    },
    interval: {
      title: 'opening hours',
      type: 'string',
      pattern: '^\\d{1,2}:\\d{2}-\\d{1,2}:\\d{2}(\\+1)?$',
      description: 'Opening hours "HH:MM-HH:MM"; "22:00-02:00+1" ends the next day; "24:00" is midnight at the end of the day.',
      examples: ['08:30-12:30'],
    },
    hours: { title: 'a list of opening hours', type: 'array', items: { $ref: '#/$defs/interval' } },
    date: { title: 'a date', type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'A date YYYY-MM-DD.', examples: ['2026-12-24'] },
    sound: {
      title: 'a sound',
      type: ['string', 'object'],
      minLength: 1,
      properties: { say: { $ref: '#/$defs/say' } },
      required: ['say'],
      additionalProperties: false,
      description:
        'The name of an announcement, or of a file of the sounds folder without extension ("bienvenue-dr-martin"), or "asterisk:<prompt>" for a sound that comes with Asterisk, or {say: "text"} spoken by the offline voice (placeholders {reopen}, {hours_today}, {hours_week}, {closure}).',
      examples: ['bienvenue', { say: 'Le cabinet est fermé. Nous rouvrons {reopen}.' }],
    },
    say: {
      title: 'a text to speak',
      type: 'string',
      minLength: 1,
      description: 'Spoken by the offline voice in the plan\'s language; {reopen}, {hours_today}, {hours_week}, {closure} are filled from the number\'s calendar at call time (French).',
      examples: ['Le cabinet est fermé. Nous rouvrons {reopen}.'],
    },
    destination: {
      title: 'a destination',
      description:
        'Where the call goes: {group: g} · {line: l, timeout: 30s, then: …} · {external: "+33 6 12 34 56 78", trunk: t, then: …} · {menu: m} · {voicemail: box} · {announcement: a, then: …} · hangup.',
      type: ['string', 'object'],
      if: { type: 'string' },
      then: { const: 'hangup' },
      else: { minProperties: 1 },
      additionalProperties: false,
      properties: destinationProperties,
      examples: [{ group: 'secretariat' }, 'hangup'],
    },
    line: {
      type: 'object',
      additionalProperties: false,
      required: ['endpoint'],
      properties: {
        endpoint: { type: 'string', description: 'Asterisk endpoint, technology/name: "PJSIP/secretariat".', examples: ['PJSIP/secretariat'] },
        extension: { type: ['string', 'integer'], description: 'Short number to reach this line from a voice menu with direct dialling ("12").' },
      },
    },
    trunk: {
      type: 'object',
      additionalProperties: false,
      required: ['endpoint'],
      properties: {
        endpoint: { type: 'string', description: 'The operator\'s Asterisk endpoint: "PJSIP/trunk".', examples: ['PJSIP/trunk'] },
        allow: {
          type: 'object',
          additionalProperties: false,
          description: 'Toll-fraud policy: what besides national numbers of the plan\'s country may be called (default: nothing more).',
          properties: {
            countries: { type: 'array', items: { type: 'string' }, description: 'Other countries that may be called ("BE", "CH").' },
            premium: { type: 'boolean', description: 'Premium-rate and shared-cost numbers (default false).' },
          },
        },
      },
    },
    calendar: {
      type: 'object',
      additionalProperties: false,
      properties: {
        timezone: { type: 'string', description: 'Time zone of this calendar (default: the plan\'s).' },
        weekly: {
          type: 'object',
          description: 'Usual hours per day: "mon-fri": [08:30-12:30, 14:00-19:00], sat: [09:00-12:00]. A day not listed is closed.',
          additionalProperties: { $ref: '#/$defs/hours' },
        },
        holidays: {
          title: 'a public-holidays region',
          description: 'Closed on public holidays of: FR (France), FR-57 (Alsace-Moselle), FR-974 (La Réunion)…, or none.',
          type: ['string', 'object'],
          additionalProperties: false,
          required: ['region'],
          properties: { region: { type: 'string' } },
          examples: ['FR'],
        },
        exceptions: {
          type: 'array',
          description: 'Exceptional days and periods: other hours, closed, or open as usual on a holiday.',
          items: {
            type: 'object',
            additionalProperties: false,
            properties: {
              date: { $ref: '#/$defs/date', description: 'One day.' },
              from: { $ref: '#/$defs/date', description: 'First day of a period.' },
              to: { $ref: '#/$defs/date', description: 'Last day of a period (included).' },
              hours: { $ref: '#/$defs/hours', description: 'Open with these hours (instead of the usual ones).' },
              closed: { const: true, description: 'Closed all day.' },
              open: { const: 'weekly', description: 'Open with the usual weekly hours (e.g. on a public holiday).' },
              announcement: sound('Played when closed because of this exception (instead of the number\'s `closed` route\'s first sound).'),
              label: { type: 'string', description: 'A label for explanations: "Congés d\'été".' },
            },
          },
        },
        override: {
          type: 'object',
          description: 'A temporary override of the calendar, e.g. closed until a given time.',
          additionalProperties: false,
          required: ['state', 'until'],
          properties: {
            state: { enum: ['open', 'closed'] },
            from: { type: 'string', description: 'Start "YYYY-MM-DD HH:MM" (default: now).' },
            until: { type: 'string', description: 'End "YYYY-MM-DD HH:MM".', examples: ['2026-11-28 14:00'] },
            announcement: sound('Played while the override closes the calendar.'),
            label: { type: 'string' },
          },
        },
      },
    },
    number: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'open'],
      properties: {
        name: { type: 'string', description: 'Name of the number: "Cabinet du Dr Martin".' },
        label: { type: 'string', description: 'Short label shown on the phones before the caller\'s number (default: name).' },
        greeting: sound('Played first to every caller of this number.'),
        calendar: { type: 'string', description: 'Opening hours (see `calendars`); without one the number is always open.' },
        open: { $ref: '#/$defs/destination', description: 'Where calls go when open.' },
        closed: { $ref: '#/$defs/destination', description: 'Where calls go when closed (required with a calendar).' },
        missed: {
          type: 'object',
          additionalProperties: false,
          required: ['notify'],
          description: 'Tell somebody about the missed calls of this number (hung up unanswered during opening hours, no message left).',
          properties: {
            notify: notifyTargets('Who is told: e-mail and/or webhook.', 'with each notice'),
            batch: duration('Missed calls within this time go in one notice (default 5m).', '5m'),
          },
        },
      },
    },
    group: {
      type: 'object',
      additionalProperties: false,
      required: ['lines', 'overflow'],
      properties: {
        lines: { type: 'array', items: { type: 'string' }, minItems: 1, description: 'The lines of the group (see `lines`).' },
        strategy: { enum: ['ringall', 'linear', 'rrmemory'], description: 'ringall: all lines at once; linear: in order; rrmemory: in turn, starting after the last one that answered. Default ringall.' },
        ring_time: duration('How long a line rings before it counts as not answered (default 20s).', '20s'),
        max_wait: duration('Maximum time a caller spends in the group (waiting + ringing), then overflow (default 60s).', '45s'),
        hold: {
          type: 'object',
          additionalProperties: false,
          description: 'What a waiting caller hears when every line is busy (default: ringing tone).',
          properties: {
            music: { type: 'string', description: 'Asterisk music-on-hold class ("default").' },
            message: sound('Repeated every `every` while waiting.'),
            every: duration('How often `message` is repeated (default 30s).', '30s'),
            announce_position: { type: 'boolean', description: 'Tell callers their position in the queue (default false).' },
          },
        },
        overflow: { $ref: '#/$defs/destination', description: 'Where the call goes after `max_wait`.' },
        when_unavailable: { enum: ['overflow', 'wait'], description: 'When no line of the group is connected: overflow at once (default) or wait anyway.' },
        retry_pause: duration('A line that did not answer is not rung again for the same caller for this long (default 5s).', '5s'),
        wrap_up: duration('After a call, a line gets no new call for this long (default 0s).', '0s'),
      },
    },
    menu: {
      type: 'object',
      additionalProperties: false,
      required: ['prompt', 'options'],
      properties: {
        prompt: sound('The menu\'s message: "press 1 for …".'),
        options: {
          type: 'object',
          description: 'Key ("0"-"9", "*", "#") → destination.',
          additionalProperties: { $ref: '#/$defs/destination' },
          minProperties: 1,
        },
        timeout: duration('How long to wait for a key after the message (default 5s).', '5s'),
        invalid: sound('Played after a key that is not an option.'),
        no_input: sound('Played when no key was pressed.'),
        retries: { type: 'integer', minimum: 0, maximum: 10, description: 'How many times the menu is repeated after no key or a wrong key (default 2).' },
        fallback: { $ref: '#/$defs/destination', description: 'Where the call goes after the retries (default hangup).' },
        direct_dial: { type: 'boolean', description: 'Allow dialling a line\'s `extension` directly (default false).' },
      },
    },
    voicemail: {
      type: 'object',
      additionalProperties: false,
      properties: {
        greeting: sound('Played before the beep (default: a standard message).'),
        record: { type: 'boolean', description: 'Whether a message may be left; false: greeting, then hang up (default true).' },
        max_length: duration('Longest message (default 2m).', '2m'),
        min_length: duration('Shorter messages are discarded (default 2s).', '2s'),
        silence: duration('End the message after this much silence (default: no silence detection).', '5s'),
        notify: notifyTargets('Who is told about a new message.', 'for each new message'),
      },
    },
  },
};
