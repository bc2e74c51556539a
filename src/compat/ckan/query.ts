/**
 * The part of Solr's query syntax that CKAN clients send in package_search's `q` and `fq`:
 * `field:value`, `field:"a phrase"`, `field:[from TO to]` (`*` open, `{}` exclusive),
 * `field:(a OR b)`, `field:*`, `*:*`, bare words, AND / OR / NOT, `+` / `-`, parentheses.
 * Clauses side by side must all match, as in CKAN (its Solr runs with q.op=AND).
 */
import { ckanError } from './errors.ts';

export type TermValue =
  | { type: 'word'; text: string; prefix: boolean }
  | { type: 'phrase'; text: string }
  | { type: 'range'; from: string | null; to: string | null; fromInclusive: boolean; toInclusive: boolean }
  | { type: 'any' };

export type QueryExpr =
  | { kind: 'all' }
  | { kind: 'and'; items: QueryExpr[] }
  | { kind: 'or'; items: QueryExpr[] }
  | { kind: 'not'; item: QueryExpr }
  /** field undefined: the dataset's text (titles, descriptions, keywords). */
  | { kind: 'term'; field?: string; value: TermValue };

const SPECIAL = new Set(['(', ')', '"', '[', ']', '{', '}', ':']);

/** Parses one q or fq text; `what` names the parameter in error messages. */
export function parseQuery(text: string, what: string): QueryExpr {
  const p = new Parser(text, what);
  const expr = p.parseOr(undefined);
  p.skipSpace();
  if (!p.atEnd()) p.fail(`unexpected "${p.rest().slice(0, 20)}"`);
  return simplify(expr);
}

class Parser {
  pos = 0;
  constructor(readonly text: string, readonly what: string) {}

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }
  rest(): string {
    return this.text.slice(this.pos);
  }
  peek(): string {
    return this.text[this.pos] ?? '';
  }
  skipSpace(): void {
    while (!this.atEnd() && /\s/.test(this.peek())) this.pos++;
  }
  fail(why: string): never {
    throw ckanError('search_query', `${this.what} "${this.text}" cannot be read: ${why} (at character ${this.pos + 1}). Write clauses like organization:namur-92094 tags:"budget" metadata_modified:[2024-01-01T00:00:00Z TO *], joined by AND, OR, NOT.`);
  }

  /** A keyword (AND, OR, NOT) stands alone: followed by a space, a parenthesis, or the end. */
  keyword(word: 'AND' | 'OR' | 'NOT' | 'TO'): boolean {
    if (!this.text.startsWith(word, this.pos)) return false;
    const after = this.text[this.pos + word.length];
    if (after !== undefined && !/[\s(]/.test(after)) return false;
    this.pos += word.length;
    return true;
  }

  parseOr(field: string | undefined): QueryExpr {
    const items = [this.parseAnd(field)];
    for (;;) {
      this.skipSpace();
      if (this.keyword('OR') || this.symbol('||')) items.push(this.parseAnd(field));
      else break;
    }
    return items.length === 1 ? items[0] : { kind: 'or', items };
  }

  symbol(s: string): boolean {
    if (!this.text.startsWith(s, this.pos)) return false;
    this.pos += s.length;
    return true;
  }

  parseAnd(field: string | undefined): QueryExpr {
    const items: QueryExpr[] = [];
    for (;;) {
      this.skipSpace();
      if (this.atEnd() || this.peek() === ')') break;
      const save = this.pos;
      if (this.keyword('OR') || this.symbol('||')) {
        this.pos = save;
        break;
      }
      if (items.length > 0 && (this.keyword('AND') || this.symbol('&&'))) this.skipSpace();
      items.push(this.parseUnary(field));
    }
    if (items.length === 0) this.fail('a clause is missing');
    return items.length === 1 ? items[0] : { kind: 'and', items };
  }

  parseUnary(field: string | undefined): QueryExpr {
    this.skipSpace();
    if (this.keyword('NOT') || this.symbol('-') || this.symbol('!')) return { kind: 'not', item: this.parseUnary(field) };
    if (this.symbol('+')) return this.parseUnary(field);
    return this.parsePrimary(field);
  }

  parsePrimary(field: string | undefined): QueryExpr {
    this.skipSpace();
    if (this.symbol('(')) {
      const inner = this.parseOr(field);
      this.skipSpace();
      if (!this.symbol(')')) this.fail('a closing parenthesis is missing');
      return inner;
    }
    if (this.text.startsWith('*:*', this.pos)) {
      this.pos += 3;
      return { kind: 'all' };
    }
    const m = /^([A-Za-z_][A-Za-z0-9_.]*):/.exec(this.rest());
    if (m) {
      this.pos += m[0].length;
      if (/\s/.test(this.peek()) || this.atEnd()) this.fail(`the value of ${m[1]} is missing`);
      return this.parseValue(m[1]);
    }
    return this.parseValue(field);
  }

  parseValue(field: string | undefined): QueryExpr {
    const c = this.peek();
    if (c === '(') {
      this.pos++;
      const inner = this.parseOr(field);
      this.skipSpace();
      if (!this.symbol(')')) this.fail('a closing parenthesis is missing');
      return inner;
    }
    if (c === '"') return { kind: 'term', field, value: { type: 'phrase', text: this.quoted() } };
    if (c === '[' || c === '{') return { kind: 'term', field, value: this.range() };
    const word = this.word();
    if (word === '*') return field ? { kind: 'term', field, value: { type: 'any' } } : { kind: 'all' };
    const prefix = word.endsWith('*');
    return { kind: 'term', field, value: { type: 'word', text: prefix ? word.slice(0, -1) : word, prefix } };
  }

  quoted(): string {
    this.pos++;
    let out = '';
    while (!this.atEnd() && this.peek() !== '"') {
      if (this.peek() === '\\' && this.pos + 1 < this.text.length) this.pos++;
      out += this.text[this.pos++];
    }
    if (!this.symbol('"')) this.fail('a closing quote is missing');
    return out;
  }

  word(): string {
    let out = '';
    while (!this.atEnd() && !/\s/.test(this.peek()) && !SPECIAL.has(this.peek())) {
      if (this.peek() === '\\' && this.pos + 1 < this.text.length) this.pos++;
      out += this.text[this.pos++];
    }
    if (!out) this.fail(`"${this.peek()}" is not expected here`);
    return out;
  }

  range(): TermValue {
    const fromInclusive = this.text[this.pos++] === '[';
    this.skipSpace();
    const from = this.bound();
    this.skipSpace();
    if (!this.keyword('TO')) this.fail('a range is written [from TO to]');
    this.skipSpace();
    const to = this.bound();
    this.skipSpace();
    const close = this.text[this.pos++];
    if (close !== ']' && close !== '}') this.fail('a range ends with ] or }');
    return { type: 'range', from, to, fromInclusive, toInclusive: close === ']' };
  }

  bound(): string | null {
    if (this.peek() === '"') return this.quoted();
    let out = '';
    while (!this.atEnd() && !/[\s\]}]/.test(this.peek())) out += this.text[this.pos++];
    if (!out) this.fail('a range bound is missing');
    return out === '*' ? null : out;
  }
}

/** Flattens nested ANDs and ORs, and drops `*:*` inside an AND. */
function simplify(e: QueryExpr): QueryExpr {
  if (e.kind === 'not') return { kind: 'not', item: simplify(e.item) };
  if (e.kind !== 'and' && e.kind !== 'or') return e;
  const items: QueryExpr[] = [];
  for (const item of e.items.map(simplify)) {
    if (item.kind === e.kind) items.push(...item.items);
    else if (!(e.kind === 'and' && item.kind === 'all')) items.push(item);
  }
  if (e.kind === 'or' && items.some((i) => i.kind === 'all')) return { kind: 'all' };
  if (items.length === 0) return { kind: 'all' };
  return items.length === 1 ? items[0] : { kind: e.kind, items };
}

/** The fields a query names, to load what their conditions need (licences, themes) once. */
export function fieldsOf(e: QueryExpr, out = new Set<string>()): Set<string> {
  if (e.kind === 'term') out.add(e.field ?? 'text');
  else if (e.kind === 'not') fieldsOf(e.item, out);
  else if (e.kind === 'and' || e.kind === 'or') for (const i of e.items) fieldsOf(i, out);
  return out;
}

/**
 * A Solr date as an ISO instant: full or partial ISO dates, NOW, and NOW with date math
 * (NOW-7DAYS, NOW/DAY), which harvesters use for "modified since".
 */
export function solrDate(text: string, now: Date, what: string): string {
  const m = /^NOW((?:[+-]\d+(?:YEARS?|MONTHS?|DAYS?|HOURS?|MINUTES?|SECONDS?))*)(?:\/(YEAR|MONTH|DAY|HOUR))?$/i.exec(text);
  if (m) {
    const d = new Date(now);
    for (const step of m[1].matchAll(/([+-]\d+)([A-Z]+)/gi)) {
      const n = Number(step[1]);
      const unit = step[2].toUpperCase().replace(/S$/, '');
      if (unit === 'YEAR') d.setUTCFullYear(d.getUTCFullYear() + n);
      else if (unit === 'MONTH') d.setUTCMonth(d.getUTCMonth() + n);
      else if (unit === 'DAY') d.setUTCDate(d.getUTCDate() + n);
      else if (unit === 'HOUR') d.setUTCHours(d.getUTCHours() + n);
      else if (unit === 'MINUTE') d.setUTCMinutes(d.getUTCMinutes() + n);
      else d.setUTCSeconds(d.getUTCSeconds() + n);
    }
    const round = m[2]?.toUpperCase();
    if (round === 'YEAR') d.setUTCMonth(0, 1);
    else if (round === 'MONTH') d.setUTCDate(1);
    if (round === 'HOUR') d.setUTCMinutes(0, 0, 0);
    else if (round) d.setUTCHours(0, 0, 0, 0);
    return d.toISOString();
  }
  // Solr writes instants with Z; CKAN's harvester adds it to a Python isoformat() (microseconds).
  const iso = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?)?)?Z?$/.exec(text);
  if (iso) {
    const [, y, mo = '01', da = '01', h = '00', mi = '00', s = '00', frac = ''] = iso;
    const ms = frac ? Math.floor(Number(`0${frac}`) * 1000) : 0;
    const d = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(da), Number(h), Number(mi), Number(s), ms));
    if (!Number.isNaN(d.getTime()) && d.getUTCMonth() === Number(mo) - 1) return d.toISOString();
  }
  throw ckanError('search_query', `${what}: "${text}" is not a date. Write it as 2024-01-31T00:00:00Z (or 2024-01-31), NOW, or NOW-7DAYS.`);
}
