// The `studio:` section as the checker reads it: its number, where its PIN comes
// from, which announcements keys 1 to 9 record, and the prompts it will say.
import { BASE, errorsOf, planOf } from '../plan/helpers';
import { spokenName } from '../../../src/plan/studio';

const withStudio = (studio: string): string => `${BASE}studio:\n${studio}`;

test('a studio: its own number in E.164, the PIN variable, every named announcement in plan order', () => {
  const plan = planOf(withStudio('  number: "01 42 00 00 09"\n  pin_from_env: ACCUEIL_STUDIO_PIN\n'));
  expect(plan.studio).toMatchObject({ number: '+33142000009', written: '01 42 00 00 09', pinEnv: 'ACCUEIL_STUDIO_PIN', announcements: ['messagerie', 'bienvenue', 'ferme'] });
  // The list the manager hears names each announcement with its key.
  expect(plan.studio?.prompts.menu[0]?.say?.text).toBe("Pour l'annonce messagerie, tapez 1. Pour l'annonce bienvenue, tapez 2. Pour l'annonce ferme, tapez 3. Pour terminer, raccrochez.");
  // Every prompt is a static text, rendered at load like any say: text.
  for (const sounds of Object.values(plan.studio!.prompts)) expect(sounds[0]?.say?.placeholders).toEqual([]);
});

test('an explicit list: only those, in that order', () => {
  const plan = planOf(withStudio('  number: "+33 1 42 00 00 09"\n  pin_from_env: STUDIO_PIN\n  announcements: [ferme, bienvenue]\n'));
  expect(plan.studio?.announcements).toEqual(['ferme', 'bienvenue']);
});

test('the studio cannot be one of the public numbers', () => {
  expect(errorsOf(withStudio('  number: "+33 1 42 00 00 01"\n  pin_from_env: ACCUEIL_STUDIO_PIN\n'))).toEqual([
    'p.yaml:24:11: studio.number: "+33 1 42 00 00 01" (+33142000001) is also a public number under numbers; expected a number of its own for the studio',
  ]);
});

test('the PIN is never in the plan: pin_from_env names a variable', () => {
  expect(errorsOf(withStudio('  number: "+33 1 42 00 00 09"\n  pin_from_env: "1234"\n'))).toEqual([
    'p.yaml:25:17: studio.pin_from_env: found "1234", expected the name of an environment variable such as ACCUEIL_STUDIO_PIN (the PIN itself never goes in the plan)',
  ]);
  expect(errorsOf(withStudio('  number: "+33 1 42 00 00 09"\n'))[0]).toMatch(/^p\.yaml:23:1: studio: missing "pin_from_env"/);
});

test('an unknown or repeated announcement is refused where it is written (items counted from 1, as every list in the errors)', () => {
  expect(errorsOf(withStudio('  number: "+33 1 42 00 00 09"\n  pin_from_env: ACCUEIL_STUDIO_PIN\n  announcements: [ferme, fermé, ferme]\n'))).toEqual([
    'p.yaml:26:26: studio.announcements[2]: unknown announcement "fermé"; expected one the plan plays: messagerie, bienvenue, ferme',
    'p.yaml:26:33: studio.announcements[3]: "ferme" is listed twice; expected each announcement once',
  ]);
});

test('more than nine announcements and no list: keys 1 to 9 cannot choose, the plan says to list them', () => {
  const many = Array.from({ length: 10 }, (_, i) => `  a${i}: ferme`).join('\n');
  const errors = errorsOf(`${BASE}announcements:\n${many}\nstudio:\n  number: "+33 1 42 00 00 09"\n  pin_from_env: ACCUEIL_STUDIO_PIN\n`);
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatch(/studio: the plan has 13 announcements and keys 1 to 9 choose one; expected "announcements:" listing the 9 at most/);
});

test('announcement names are said as words', () => {
  expect(spokenName('ferme-dr-martin')).toBe('ferme dr martin');
  expect(spokenName('fr/bonjour_matin')).toBe('fr bonjour matin');
});
