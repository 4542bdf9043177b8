// A small flag reader for the CLI: `--name value`, `--name=value`, `--flag`.
export interface ParsedArgs {
  positional: string[];
  flags: Map<string, string | true>;
}

export function parseArgs(argv: string[], booleans: readonly string[] = []): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    if (eq > 0) {
      flags.set(arg.slice(2, eq), arg.slice(eq + 1));
    } else if (booleans.includes(arg.slice(2)) || i + 1 >= argv.length || (argv[i + 1] as string).startsWith('--')) {
      flags.set(arg.slice(2), true);
    } else {
      flags.set(arg.slice(2), argv[++i] as string);
    }
  }
  return { positional, flags };
}

export function flagString(args: ParsedArgs, name: string): string | undefined {
  const value = args.flags.get(name);
  return typeof value === 'string' ? value : undefined;
}

/** The sounds folder: --sounds, else ACCUEIL_SOUNDS, else ./sounds. */
export function soundsDir(args: ParsedArgs, env: NodeJS.ProcessEnv = process.env): string {
  return flagString(args, 'sounds') ?? env.ACCUEIL_SOUNDS ?? 'sounds';
}
