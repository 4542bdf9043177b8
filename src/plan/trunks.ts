// Outside numbers: the plan's trunks (the operator's line out) and the `external`
// destination that rings a number through one of them, under a toll-fraud policy:
// only the plan's own country, no premium rates, unless a trunk allows more.

import type { Destination, Trunk } from './types';
import { pointer } from './yamlTree';
import { endpointProblem, externalNumber } from './guards';
import { isCountry } from './numbers';
import { describe } from './paths';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface BuildSite {
  value(ptr: string): unknown;
  error(ptr: string, message: string, atKey?: boolean): void;
}

export function buildTrunks(site: BuildSite): Record<string, Trunk> {
  const section = site.value('/trunks');
  const out: Record<string, Trunk> = {};
  if (!isObj(section)) return out;
  for (const [name, v] of Object.entries(section)) {
    const ptr = pointer('/trunks', name);
    if (!isObj(v) || typeof v.endpoint !== 'string') continue;
    // A wrong endpoint is reported here; the trunk still exists for the destinations naming it.
    const bad = endpointProblem(v.endpoint, 'trunk', false);
    if (bad) site.error(`${ptr}/endpoint`, bad);
    const allow = isObj(v.allow) ? v.allow : {};
    const countries: string[] = [];
    if (Array.isArray(allow.countries)) {
      allow.countries.forEach((c, i) => {
        if (typeof c !== 'string') return;
        if (isCountry(c)) countries.push(c);
        else site.error(pointer(`${ptr}/allow/countries`, i), `found ${describe(c)}, expected a two-letter country code in capitals such as "BE"`);
      });
    }
    out[name] = { name, endpoint: v.endpoint, allow: { countries, premium: allow.premium === true } };
  }
  return out;
}

/** `{external: number, trunk?, timeout?, then?}` → the destination, or undefined (reported). */
export function externalDestination(
  site: BuildSite,
  ptr: string,
  o: Obj,
  trunks: Record<string, Trunk>,
  country: string,
  timeout: number,
  then: Destination,
): Destination | undefined {
  if (typeof o.external !== 'string') return undefined;
  const names = Object.keys(trunks);
  let trunkName: string | undefined;
  if (typeof o.trunk === 'string') {
    if (trunks[o.trunk]) trunkName = o.trunk;
    else site.error(`${ptr}/trunk`, `unknown trunk "${o.trunk}"; expected ${names.length ? `one of the trunks defined: ${names.join(', ')}` : 'a trunk defined under trunks: (there is none)'}`);
  } else if (names.length === 1) trunkName = names[0];
  else site.error(`${ptr}/external`, names.length === 0
    ? 'an outside number needs a trunk; expected one under trunks: (e.g. trunks: { operator: { endpoint: PJSIP/trunk } })'
    : `several trunks are defined; expected "trunk:" naming one of ${names.join(', ')}`);
  if (!trunkName) return undefined;
  const trunk = trunks[trunkName]!;
  const n = externalNumber(o.external, country, trunk.allow);
  if (!n.ok) {
    site.error(`${ptr}/external`, n.why);
    return undefined;
  }
  const resource = trunk.endpoint.slice(trunk.endpoint.indexOf('/') + 1);
  return { kind: 'external', number: n.e164, trunk: trunkName, endpoint: `PJSIP/${n.e164}@${resource}`, timeout, then };
}
