// The page frame shared by every screen: one small style sheet served by the
// daemon (no font, script or image from anywhere else), a navigation bar that
// fits a phone, and the helpers every form needs (CSRF token, plan version,
// an error beside a field). Templates are hono/html tagged literals: every
// interpolated value is HTML-escaped unless wrapped in raw().

import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { Session } from './auth';

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;
export { html, raw };

export const CSS = `
*{box-sizing:border-box}body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d232a;background:#f4f6f8}
header{background:#1f4e79;color:#fff;padding:.5rem 1rem;display:flex;flex-wrap:wrap;gap:.25rem 1rem;align-items:center}
header strong{font-size:1.1rem;margin-right:auto}header form{margin:0}
nav{display:flex;flex-wrap:wrap;gap:.25rem;background:#e3e9ef;padding:.35rem .5rem}
nav a{padding:.4rem .7rem;border-radius:6px;color:#1f4e79;text-decoration:none;font-weight:600}nav a.here{background:#1f4e79;color:#fff}
main{max-width:60rem;margin:0 auto;padding:1rem}h1{font-size:1.4rem;margin:.2rem 0 1rem}h2{font-size:1.15rem;margin:1.2rem 0 .5rem}
.card{background:#fff;border-radius:10px;padding:1rem;margin:0 0 1rem;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.open{color:#0b6b2f;font-weight:700}.closed{color:#a61b1b;font-weight:700}.muted{color:#5b6672;font-size:.92rem}
.flash{background:#e2f4e8;border-left:4px solid #0b6b2f;padding:.6rem .8rem;margin:0 0 1rem;border-radius:6px}
.alert{background:#fde8e8;border-left:4px solid #a61b1b;padding:.6rem .8rem;margin:0 0 1rem;border-radius:6px}
.error{color:#a61b1b;font-size:.9rem;display:block;margin-top:.15rem}
label{display:block;margin:.4rem 0 .15rem;font-weight:600}input,select,textarea{font:inherit;padding:.45rem .5rem;border:1px solid #9aa6b2;border-radius:6px;max-width:100%}
input[aria-invalid=true]{border-color:#a61b1b;background:#fff6f6}
button{font:inherit;font-weight:600;padding:.5rem .9rem;border-radius:6px;border:0;background:#1f4e79;color:#fff;cursor:pointer;margin:.3rem .3rem .3rem 0}
button.danger{background:#a61b1b}button.light{background:#e3e9ef;color:#1f4e79}
.row{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:flex-end}.row>div{min-width:8rem}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.35rem .4rem;border-bottom:1px solid #e3e9ef;vertical-align:top}
audio{width:100%;max-width:22rem;height:2.2rem}.new{font-weight:700}
.months{display:grid;grid-template-columns:repeat(auto-fill,minmax(15.5rem,1fr));gap:.6rem}
.month table{font-size:.8rem;text-align:center}.month td,.month th{padding:.1rem;text-align:center;border:0}
td.c,.legend .c{background:#f3d3d3}td.h,.legend .h{background:#f7c46c}td.x,.legend .x{background:#b9d7f2}td.o,.legend .o{background:#dff1e4}
.legend span{display:inline-block;padding:0 .4rem;margin-right:.4rem;border-radius:4px}
@media (max-width:40rem){main{padding:.6rem}td,th{display:block;border:0;padding:.15rem 0}tr{display:block;border-bottom:1px solid #e3e9ef;padding:.4rem 0}.month td,.month th{display:table-cell}.month tr{display:table-row}}
`;

export interface Screen {
  id: string;
  title: string;
  href: string;
  adminOnly?: boolean;
}

export const SCREENS: Screen[] = [
  { id: 'now', title: 'Maintenant', href: '/' },
  { id: 'calendar', title: 'Calendrier', href: '/calendrier' },
  { id: 'messages', title: 'Messages', href: '/messages' },
  { id: 'voicemail', title: 'Messagerie', href: '/messagerie' },
  { id: 'calls', title: 'Appels', href: '/appels' },
  { id: 'lines', title: 'Lignes', href: '/lignes', adminOnly: true },
  { id: 'groups', title: 'Groupes', href: '/groupes', adminOnly: true },
  { id: 'numbers', title: 'Numéros', href: '/numeros', adminOnly: true },
];

export function page(opts: { title: string; screen?: string; session?: Session; flash?: string; alert?: string }, body: Html): Html {
  const nav = opts.session
    ? html`<nav>${SCREENS.filter((s) => !s.adminOnly || opts.session?.role === 'admin').map(
        (s) => html`<a href="${s.href}" class="${s.id === opts.screen ? 'here' : ''}">${s.title}</a>`,
      )}</nav>`
    : '';
  const who = opts.session
    ? html`<span>${opts.session.user} (${opts.session.role === 'admin' ? 'administrateur' : 'gestionnaire'})</span>
        <form method="post" action="/deconnexion">${csrfField(opts.session)}<button class="light">Se déconnecter</button></form>`
    : '';
  return html`<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${opts.title} — Accueil</title><link rel="stylesheet" href="/style.css"></head>
<body><header><strong>Accueil</strong>${who}</header>${nav}
<main><h1>${opts.title}</h1>
${opts.flash ? html`<p class="flash" role="status">${opts.flash}</p>` : ''}
${opts.alert ? html`<p class="alert" role="alert">${opts.alert}</p>` : ''}
${body}</main></body></html>`;
}

export const csrfField = (s: Session): Html => html`<input type="hidden" name="csrf" value="${s.csrf}">`;
export const versionField = (version: string): Html => html`<input type="hidden" name="version" value="${version}">`;

/** Errors of one form, by field name ("" = the form as a whole). */
export type FieldErrors = Record<string, string>;

export function fieldError(errors: FieldErrors | undefined, field: string): Html | string {
  const e = errors?.[field];
  return e ? html`<span class="error" id="err-${field}" role="alert">${e}</span>` : '';
}

export const invalid = (errors: FieldErrors | undefined, field: string): string => (errors?.[field] ? 'true' : 'false');
