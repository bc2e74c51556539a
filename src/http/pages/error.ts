import type { FastifyRequest } from 'fastify';
import type { AppError } from '../../errors.ts';
import { html } from './html.ts';
import { chooseLang } from './i18n.ts';
import { layout, pageEnv } from './layout.ts';

const HEADINGS: Record<string, Record<'fr' | 'nl' | 'de' | 'en', string>> = {
  '404': { fr: 'Page introuvable', nl: 'Pagina niet gevonden', de: 'Seite nicht gefunden', en: 'Page not found' },
  '4xx': { fr: 'Demande impossible', nl: 'Verzoek niet mogelijk', de: 'Anfrage nicht möglich', en: 'Request not possible' },
  '5xx': { fr: 'Erreur du serveur', nl: 'Serverfout', de: 'Serverfehler', en: 'Server error' },
};

/** An error as a portal page, in the reader's language; the message itself is English (lang="en"). */
export function errorPage(req: FastifyRequest, e: AppError): string {
  const query = Object.fromEntries(Object.entries((req.query ?? {}) as Record<string, unknown>).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
  const { lang, explicit } = chooseLang(query.lang, req.headers['accept-language']);
  const { pathname } = new URL(req.url, 'http://localhost');
  const env = pageEnv(pathname, query, lang, explicit, '/index.json');
  const heading = HEADINGS[e.status === 404 ? '404' : e.status >= 500 ? '5xx' : '4xx'][lang];
  return layout(env, {
    title: heading,
    body: html`<h1>${heading}</h1><p lang="en">${e.message}</p><p><a href="${env.href('/')}">${env.t.home}</a></p>`,
  }).toString();
}
