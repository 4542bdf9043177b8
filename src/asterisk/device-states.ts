// Line availability from Asterisk: device states need an explicit subscription
// (deviceState:PJSIP/<name>) and Asterisk sends no current state on subscribing,
// so the current state is read from the endpoint once per (re)connection.

import type { Logger } from 'pino';
import type { AriConnection, AriEvent } from './connection';

export type DeviceStateListener = (device: string, state: string) => void;

/** An endpoint's ARI state → the device state vocabulary (NOT_INUSE, INUSE, UNAVAILABLE…). */
export function deviceStateOfEndpoint(endpoint: { state?: string; channel_ids?: string[] }): string {
  if (endpoint.state === 'offline') return 'UNAVAILABLE';
  return (endpoint.channel_ids?.length ?? 0) > 0 ? 'INUSE' : 'NOT_INUSE';
}

export class DeviceStates {
  private subscribed = new Set<string>();
  /** Devices whose current state was read since the last (re)connection. */
  private read = new Set<string>();

  constructor(
    private readonly ari: AriConnection,
    private readonly app: string,
    private readonly onChange: DeviceStateListener,
    private readonly log: Logger,
  ) {
    ari.on('event', (event: AriEvent) => {
      if (event.type === 'DeviceStateChanged' && event.device_state) onChange(event.device_state.name, event.device_state.state);
    });
  }

  /**
   * Subscribes to the devices (e.g. "PJSIP/secretariat") and reports their
   * current state. Call after every (re)connection (`fresh`: every device) and
   * after a plan reload (the devices it adds, and those whose state could not be
   * read: the others' states come as events; reading 750 endpoints again at every
   * edit of a large plan cost Asterisk and the daemon as much as a few calls).
   */
  async watch(devices: string[], fresh: boolean): Promise<void> {
    if (fresh) {
      this.subscribed.clear();
      this.read.clear();
    }
    await Promise.all(
      devices.filter((device) => !this.read.has(device)).map(async (device) => {
        try {
          if (!this.subscribed.has(device)) {
            await this.ari.request('subscribe device state', (c) =>
              c.applications.subscribe({ applicationName: this.app, eventSource: `deviceState:${device}` }),
            );
            this.subscribed.add(device);
          }
          const [tech, resource] = device.split('/') as [string, string];
          const endpoint = (await this.ari.request('endpoint state', (c) => c.endpoints.get({ tech, resource }))) as unknown as {
            state?: string;
            channel_ids?: string[];
          };
          this.read.add(device);
          this.onChange(device, deviceStateOfEndpoint(endpoint));
        } catch (err) {
          this.log.warn({ event: 'device.subscribe_failed', device, error: (err as Error).message }, `cannot watch ${device}`);
        }
      }),
    );
  }
}
