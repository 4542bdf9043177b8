// Webhook for a new message: a JSON POST with the metadata (no audio: it stays on the
// server; the id finds it). Optionally signed, so the receiver can tell it came from us.

import { createHmac } from 'node:crypto';
import type { MessageMetadata } from './store';

export interface WebhookPayload {
  event: 'voicemail.message';
  message: Omit<MessageMetadata, 'heard' | 'notified'>;
}

export function webhookPayload(m: MessageMetadata): WebhookPayload {
  return {
    event: 'voicemail.message',
    message: {
      id: m.id,
      box: m.box,
      called: m.called,
      ...(m.calledName !== undefined ? { calledName: m.calledName } : {}),
      caller: m.caller,
      start: m.start,
      durationMs: m.durationMs,
      planVersion: m.planVersion,
      callId: m.callId,
    },
  };
}

export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal; redirect?: 'error' }) => Promise<{ ok: boolean; status: number }>;

/**
 * POST the payload; resolves on a 2xx answer, rejects otherwise (the caller retries).
 * With a secret (ACCUEIL_WEBHOOK_SECRET), `X-Accueil-Signature: sha256=<hex HMAC of the body>`.
 */
export async function postWebhook(url: string, payload: WebhookPayload | object, opts: { fetch: FetchLike; timeoutMs: number; secret?: string }): Promise<void> {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'accueil' };
  if (opts.secret) headers['x-accueil-signature'] = `sha256=${createHmac('sha256', opts.secret).update(body).digest('hex')}`;
  // No redirects: the plan checked this URL's target (https, not private), not wherever it would send us.
  const res = await opts.fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(opts.timeoutMs), redirect: 'error' });
  if (!res.ok) throw new Error(`webhook answered HTTP ${res.status}`);
}
