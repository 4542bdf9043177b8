// Wires the metrics and the HTTP endpoint to the running daemon's parts, so
// run.ts needs only a start and a close. Everything here reads state the parts
// already keep (connection state, reconnect and reload counters) or listens to
// events they already emit: no part of the call path depends on it.

import type { Logger } from 'pino';
import type { AriConnection, AriEvent } from '../asterisk/connection';
import type { HistoryStore } from '../history/store';
import { callsApi } from '../http/calls-api';
import { httpFromEnv, isLoopbackHost, startHttp, type RunningHttp } from '../http/server';
import { Metrics } from './metrics';
import type { PlanHolder } from './plan-holder';

export interface Observability {
  metrics: Metrics;
  /** The HTTP port bound, undefined when disabled or not bound. */
  httpPort: number | undefined;
  close(): Promise<void>;
}

export async function startObservability(
  parts: { connection: AriConnection; plans: PlanHolder; log: Logger; history?: HistoryStore; voicemail?: () => { available: boolean; reason?: string } | undefined },
  env: NodeJS.ProcessEnv = process.env,
): Promise<Observability | { error: string }> {
  const settings = httpFromEnv(env);
  if ('error' in settings) return settings;
  const { connection, plans, log } = parts;

  const metrics = new Metrics();
  metrics.bind({
    planReloads: () => ({ ok: plans.reloadsOk, failed: plans.reloadsFailed }),
    ariReconnects: () => connection.reconnects,
  });

  // Line states from Asterisk's device states, named as the plan names its lines.
  // Devices no line of the plan uses are ignored: the label set stays the plan's.
  const onEvent = (event: AriEvent): void => {
    if (event.type !== 'DeviceStateChanged' || !event.device_state) return;
    const lines = plans.current?.lines ?? {};
    for (const line of Object.values(lines)) {
      if (line.endpoint === event.device_state.name) metrics.setLineState(line.name, event.device_state.state);
    }
  };
  connection.on('event', onEvent);

  let http: RunningHttp | undefined;
  if ('disabled' in settings) {
    log.info({ event: 'http.disabled' }, 'HTTP endpoint disabled (ACCUEIL_HTTP_PORT=off)');
  } else {
    try {
      const token = env.ACCUEIL_HTTP_TOKEN?.trim() || undefined;
      http = await startHttp(settings, {
        metrics,
        readiness: () => {
          const voicemail = parts.voicemail?.();
          return { ari: connection.state, planVersion: plans.current?.version ?? null, ...(voicemail ? { voicemail } : {}) };
        },
        ...(parts.history ? { calls: callsApi(parts.history, () => plans.current?.timezone ?? 'Europe/Paris') } : {}),
        ...(token ? { token } : {}),
      });
      if (!isLoopbackHost(settings.host) && !token) {
        log.warn(
          { event: 'http.exposed', host: settings.host, port: http.port },
          `health and metrics listen on ${settings.host}, beyond this machine, without ACCUEIL_HTTP_TOKEN: anyone who reaches the port sees which line is on a call; set ACCUEIL_HTTP_TOKEN or ACCUEIL_HTTP_HOST=127.0.0.1`,
        );
      }
      log.info({ event: 'http.listening', host: settings.host, port: http.port }, `health and metrics on http://${settings.host}:${http.port}`);
    } catch (err) {
      // Calls matter more than metrics: the daemon keeps serving without them.
      log.error(
        { event: 'http.failed', host: settings.host, port: settings.port, error: (err as Error).message },
        `cannot serve health and metrics on ${settings.host}:${settings.port}: ${(err as Error).message}`,
      );
    }
  }

  return {
    metrics,
    httpPort: http?.port,
    close: async () => {
      connection.off('event', onEvent);
      await http?.close();
    },
  };
}
