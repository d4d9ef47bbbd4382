// Renders a notification for people (issue 17 item 5): the kind's Handlebars templates in the
// account's language (English when there are none in it), wrapped in one layout that makes the
// text and HTML parts. Handlebars is compiled once per template; the body is rendered as text and
// escaped by the HTML layout, so nothing in an event's data becomes markup.
import Handlebars from 'handlebars';
import { EN, type KindTemplate } from './templates.en';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export interface RenderInput {
  type: string;
  data: Record<string, unknown>;
  occurredAt: string;
  name: string;
  language?: string;
  /** false for security mail, which no preference turns off */
  canUnsubscribe: boolean;
  /** a link the body shows as a paragraph of its own (account mail's console link): a link in the HTML part */
  link?: string;
}

const LANGUAGES: Record<string, Record<string, KindTemplate>> = { en: EN };
export const DEFAULT_LANGUAGE = 'en';

const hbs = Handlebars.create();
const TEXT_LAYOUT = hbs.compile(
  'Hello {{name}},\n\n{{body}}\n\n— Runfleet\n{{#if canUnsubscribe}}\nChoose which emails you get at /v1/notification-preferences.\n{{/if}}',
  { noEscape: true, strict: false },
);
const HTML_LAYOUT = hbs.compile(
  '<!doctype html><html><body style="font-family:sans-serif"><p>Hello {{name}},</p>{{#each paragraphs}}<p>{{#if href}}<a href="{{href}}">{{text}}</a>{{else}}{{text}}{{/if}}</p>{{/each}}<p>— Runfleet</p>{{#if canUnsubscribe}}<p style="color:#666;font-size:small">Choose which emails you get at /v1/notification-preferences.</p>{{/if}}</body></html>',
);

type Compiled = { subject: HandlebarsTemplateDelegate; body: HandlebarsTemplateDelegate };
const compiled = new Map<string, Compiled>();

function templatesFor(language: string, type: string): Compiled | undefined {
  const key = `${language}:${type}`;
  let found = compiled.get(key);
  if (!found) {
    const source = LANGUAGES[language]?.[type];
    if (!source) return undefined;
    found = { subject: hbs.compile(source.subject, { noEscape: true }), body: hbs.compile(source.body, { noEscape: true }) };
    compiled.set(key, found);
  }
  return found;
}

export function hasTemplate(type: string): boolean {
  return templatesFor(DEFAULT_LANGUAGE, type) !== undefined;
}

/** The subject alone: the feed item's title. */
export function renderTitle(type: string, data: Record<string, unknown>, language = DEFAULT_LANGUAGE): string {
  const t = templatesFor(language, type) ?? templatesFor(DEFAULT_LANGUAGE, type);
  if (!t) return type;
  return oneLine(t.subject({ data }));
}

export function renderEmail(input: RenderInput): RenderedEmail {
  const t = templatesFor(input.language ?? DEFAULT_LANGUAGE, input.type) ?? templatesFor(DEFAULT_LANGUAGE, input.type);
  if (!t) throw new Error(`no email template for ${input.type}`);
  const context = { data: input.data, occurredAt: input.occurredAt };
  const body = t.body(context).trim();
  return {
    subject: oneLine(t.subject(context)),
    text: TEXT_LAYOUT({ name: input.name, body, canUnsubscribe: input.canUnsubscribe }),
    html: HTML_LAYOUT({
      name: input.name,
      paragraphs: body.split(/\n{2,}/).map((text) => ({ text, href: input.link !== undefined && text === input.link ? text : null })),
      canUnsubscribe: input.canUnsubscribe,
    }),
  };
}

/** Subjects are headers: no line breaks, whatever the data held. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
