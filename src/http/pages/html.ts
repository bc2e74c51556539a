/**
 * A tagged template for HTML that escapes every interpolated value unless it is already SafeHtml
 * (made by this tag, or trusted explicitly with raw()). Escaping is the default so that a
 * publisher's title can never become markup.
 */
export class SafeHtml {
  constructor(private readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for element content and quoted attribute values alike. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

function render(v: HtmlValue): string {
  if (v instanceof SafeHtml) return v.toString();
  if (Array.isArray(v)) return v.map(render).join('');
  // false and nullish render nothing, so `cond && html`...`` reads naturally.
  if (v === null || v === undefined || v === false) return '';
  return escapeHtml(String(v));
}

/** Builds HTML from a template; interpolations are escaped, arrays are concatenated. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new SafeHtml(out);
}

/** Marks a string as trusted HTML. Only for markup the code itself wrote, never for data. */
export function raw(s: string): SafeHtml {
  return new SafeHtml(s);
}
