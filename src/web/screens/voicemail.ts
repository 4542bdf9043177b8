// "Messagerie": the messages of the boxes this person looks after, newest first,
// played in the browser, marked heard (the phones' lamp follows) or deleted.

import type { Hono } from 'hono';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { DateTime } from 'luxon';
import { formatCaller } from '../../flow/numbers';
import { formatLength } from '../../voicemail/mail';
import type { StoredMessage } from '../../voicemail/store';
import type { Plan } from '../../plan/types';
import type { Session } from '../auth';
import { boxesOf, planOr503, type Env, type WebDeps } from '../context';
import { csrfField, html, page, type Html } from '../html';

export function voicemailScreen(session: Session, plan: Plan, messages: StoredMessage[], flash?: string): Html {
  const boxes = boxesOf(session, plan);
  const sections = boxes.map((box) => {
    const mine = messages.filter((m) => m.box === box).sort((a, b) => b.start.localeCompare(a.start));
    const unheard = mine.filter((m) => !m.heard).length;
    const rows = mine.map((m) => html`<tr class="${m.heard ? '' : 'new'}" id="msg-${m.id}">
      <td>${DateTime.fromISO(m.start, { zone: plan.timezone, locale: 'fr' }).toFormat("ccc d LLL yyyy 'à' HH:mm")}<br>
        <span class="muted">de ${formatCaller(m.caller, plan.country) || 'numéro masqué'} · ${formatLength(m.durationMs)}${m.heard ? ' · écouté' : ' · nouveau'}</span></td>
      <td><audio controls preload="none" src="/messagerie/${m.id}.wav"></audio></td>
      <td>${m.heard ? '' : html`<form method="post" action="/messagerie/${m.id}/ecoute">${csrfField(session)}<button>Marquer écouté</button></form>`}
        <form method="post" action="/messagerie/${m.id}/supprimer">${csrfField(session)}<button class="danger">Supprimer</button></form></td></tr>`);
    return html`<section class="card" id="box-${box}"><h2>Boîte « ${box} »</h2>
      <p class="muted">${mine.length} message${mine.length === 1 ? '' : 's'}, dont ${unheard} nouveau${unheard === 1 ? '' : 'x'}</p>
      ${mine.length ? html`<table>${rows}</table>` : html`<p>Aucun message.</p>`}</section>`;
  });
  return page({ title: 'Messagerie', screen: 'voicemail', session, ...(flash ? { flash } : {}) }, html`${sections.length ? sections : html`<p>Aucune boîte vocale ne vous est confiée.</p>`}`);
}

export function voicemailRoutes(app: Hono<Env>, deps: WebDeps): void {
  /** The message if it is in one of this person's boxes. */
  const mine = async (session: Session, plan: Plan, id: string): Promise<StoredMessage | undefined> => {
    if (!/^[0-9a-f-]{1,40}$/.test(id)) return undefined;
    const m = await deps.voicemail.get(id);
    return m && boxesOf(session, plan).includes(m.box) ? m : undefined;
  };

  app.get('/messagerie', async (c) => {
    const plan = planOr503(c, deps);
    if (plan instanceof Response) return plan;
    const messages = await deps.voicemail.listMessages();
    return c.html(voicemailScreen(c.get('session'), plan, messages, c.req.query('ok')));
  });

  app.get('/messagerie/:file{[0-9a-f-]+\\.wav}', async (c) => {
    const plan = planOr503(c, deps);
    if (plan instanceof Response) return plan;
    const m = await mine(c.get('session'), plan, c.req.param('file').replace(/\.wav$/, ''));
    if (!m) return c.text('Message introuvable.', 404);
    const size = (await stat(m.audioPath)).size;
    return c.body(Readable.toWeb(createReadStream(m.audioPath)) as ReadableStream, 200, { 'Content-Type': 'audio/wav', 'Content-Length': String(size), 'Cache-Control': 'private, no-store' });
  });

  for (const [action, label] of [['ecoute', 'Message marqué écouté.'], ['supprimer', 'Message supprimé.']] as const) {
    app.post(`/messagerie/:id/${action}`, async (c) => {
      const plan = planOr503(c, deps);
      if (plan instanceof Response) return plan;
      const session = c.get('session');
      const m = await mine(session, plan, c.req.param('id'));
      if (!m) return c.text('Message introuvable.', 404);
      if (action === 'ecoute') await deps.voicemail.markHeard(m.id);
      else await deps.voicemail.deleteMessage(m.id);
      await deps.audit.record({ user: session.user, action: `voicemail ${action === 'ecoute' ? 'heard' : 'delete'} ${m.id}`, changes: [{ path: `voicemail/${m.box}/${m.id}`, before: { heard: m.heard }, after: action === 'ecoute' ? { heard: true } : null }] });
      deps.onVoicemailChanged?.(m.box);
      return c.redirect(`/messagerie?ok=${encodeURIComponent(label)}#box-${m.box}`, 303);
    });
  }
}
