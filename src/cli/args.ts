// The one command-line reader of every `accueil` command: `--name value`,
// `--name=value`, boolean `--flag`, list flags (`--busy a,b --busy c`).
// Strict: an unknown option, a missing value or a repeated single flag is a
// UsageError whose message is for the user.

export class UsageError extends Error {}

export interface FlagSpec {
  /** Flags that take a value. */
  values?: readonly string[];
  /** Flags that take none. */
  booleans?: readonly string[];
  /** Value flags that may repeat and take comma-separated items. */
  lists?: readonly string[];
}

export interface Flags {
  positional: string[];
  values: Map<string, string[]>;
  booleans: Set<string>;
}

export function readFlags(argv: readonly string[], spec: FlagSpec): Flags {
  const valueFlags = new Set([...(spec.values ?? []), ...(spec.lists ?? [])]);
  const booleanFlags = new Set(spec.booleans ?? []);
  const listFlags = new Set(spec.lists ?? []);
  const flags: Flags = { positional: [], values: new Map(), booleans: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) {
      flags.positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    if (booleanFlags.has(name)) {
      if (eq > 0) throw new UsageError(`--${name} takes no value`);
      flags.booleans.add(name);
      continue;
    }
    if (!valueFlags.has(name)) throw new UsageError(`unknown option --${name}`);
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new UsageError(`--${name} needs a value`);
    const list = flags.values.get(name) ?? [];
    if (list.length > 0 && !listFlags.has(name)) throw new UsageError(`--${name} given twice`);
    const items = listFlags.has(name) ? value.split(',').map((v) => v.trim()).filter(Boolean) : [value];
    flags.values.set(name, [...list, ...items]);
  }
  return flags;
}

/** The value of a single-valued flag. */
export function flag(flags: Flags, name: string): string | undefined {
  return flags.values.get(name)?.[0];
}

/** The sounds folder: --sounds, else ACCUEIL_SOUNDS, else ./sounds. */
export function soundsDir(flags: Flags, env: NodeJS.ProcessEnv = process.env): string {
  return flag(flags, 'sounds') ?? env.ACCUEIL_SOUNDS ?? 'sounds';
}
