// Which devices the daemon subscribes to and reads, at a connection and at a reload.
import pino from 'pino';
import { EventEmitter } from 'node:events';
import { DeviceStates } from '../../../src/asterisk/device-states';
import type { AriConnection } from '../../../src/asterisk/connection';

function scripted(failing = new Set<string>()) {
  const requests: string[] = [];
  const client = {
    applications: { subscribe: async (p: { eventSource: string }) => void requests.push(`subscribe ${p.eventSource}`) },
    endpoints: {
      get: async (p: { tech: string; resource: string }) => {
        requests.push(`get ${p.tech}/${p.resource}`);
        if (failing.has(p.resource)) throw new Error('Endpoint not found');
        return { state: 'online', channel_ids: [] };
      },
    },
  };
  const ari = Object.assign(new EventEmitter(), { request: (_label: string, fn: (c: typeof client) => Promise<unknown>) => fn(client) });
  return { ari: ari as unknown as AriConnection, requests };
}

test('a connection subscribes to and reads every device; a reload only those it adds or could not read', async () => {
  const failing = new Set(['gone']);
  const { ari, requests } = scripted(failing);
  const states: string[] = [];
  const devices = new DeviceStates(ari, 'accueil', (d, s) => states.push(`${d} ${s}`), pino({ level: 'silent' }));
  await devices.watch(['PJSIP/a', 'PJSIP/gone'], true);
  expect(requests.sort()).toEqual(['get PJSIP/a', 'get PJSIP/gone', 'subscribe deviceState:PJSIP/a', 'subscribe deviceState:PJSIP/gone']);
  expect(states).toEqual(['PJSIP/a NOT_INUSE']);
  requests.length = 0;
  failing.clear();
  await devices.watch(['PJSIP/a', 'PJSIP/gone', 'PJSIP/b'], false);
  expect(requests.sort()).toEqual(['get PJSIP/b', 'get PJSIP/gone', 'subscribe deviceState:PJSIP/b']);
  requests.length = 0;
  await devices.watch(['PJSIP/a', 'PJSIP/gone', 'PJSIP/b'], false);
  expect(requests).toEqual([]);
  await devices.watch(['PJSIP/a'], true); // a new connection: Asterisk may have forgotten
  expect(requests).toEqual(['subscribe deviceState:PJSIP/a', 'get PJSIP/a']);
});
