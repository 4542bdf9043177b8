// `accueil schema`: print the plan's JSON Schema (draft 2020-12), for editors:
//   accueil schema > config/plan.schema.json
// and, first line of the plan:  # yaml-language-server: $schema=./plan.schema.json

import { planSchema } from '../plan';

export default async function schema(argv: string[]): Promise<number> {
  if (argv.length > 0 && argv[0] !== '--compact') {
    process.stderr.write('usage: accueil schema [--compact]\n');
    return 2;
  }
  process.stdout.write(JSON.stringify(planSchema, null, argv[0] === '--compact' ? undefined : 2) + '\n');
  return 0;
}
