// `accueil <command> …`: one module per command, loaded on demand so that
// `accueil check` does not pay for the ARI client.

// require, not import(): the sources also run through tsx's CommonJS hook.
type Command = { summary: string; load: () => Promise<{ default: (argv: string[]) => Promise<number> }> };

const commands: Record<string, Command> = {
  run: { summary: 'run --plan <file|dir>          attach to Asterisk (ARI) and route calls', load: async () => require('./run') },
  check: { summary: 'check <file|dir>               validate a plan; errors as FILE:LINE:COL: message', load: async () => require('./check') },
  schema: { summary: 'schema                         print the plan\'s JSON Schema', load: async () => require('./schema') },
  explain: { summary: 'explain <plan> --number N [--at ISO | --week DATE] [--json]   open/closed, why, route', load: async () => require('./explain') },
  simulate: { summary: 'simulate <plan> --number N --at ISO [--answer L@12s | --no-answer | --busy L,…]   a call\'s journey', load: async () => require('./simulate') },
  calls: { summary: 'calls [--today | --since DATE] [--number N] [--outcome missed] [--json] | purge   the call history', load: async () => require('./calls') },
  stats: { summary: 'stats [--since DATE] [--json]   per number and hour: answered, abandoned, overflowed %, waits', load: async () => require('./stats') },
  web: { summary: 'web --plan <file|dir>          the manager\'s page alone (accueil run serves it too)', load: async () => require('./web') },
  user: { summary: 'user add|passwd|remove NAME [--role manager|admin] | list   accounts of the page', load: async () => require('./user') },
  audit: { summary: 'audit [--json] [--user NAME]   changes made from the page', load: async () => require('./audit') },
  sound: { summary: 'sound import FILE --name NAME [--replace] | list [--json]   [--plan P] [--sounds D]   the practice\'s audio', load: async () => require('./sound') },
  'kamailio-dispatch': { summary: 'kamailio-dispatch <plan> --node NAME=HOST[:PORT] … [--pin PRACTICE=NODE] --out DIR   the entry point\'s tables', load: async () => require('./kamailio-dispatch') },
  voicemail: { summary: 'voicemail list [--box B] [--json] | heard <id> | delete <id>   [--dir D]   messages', load: async () => require('./voicemail') },
};

function usage(): string {
  return ['usage: accueil <command> [options]', '', ...Object.values(commands).map((c) => `  accueil ${c.summary}`)].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n');
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`accueil: unknown command "${name}"\n${usage()}\n`);
    return 2;
  }
  const mod = await command.load();
  return mod.default(rest);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (err: unknown) => {
      process.stderr.write(`accueil: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
