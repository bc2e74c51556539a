/**
 * JSON values as the readers need them: numbers keep the text the file wrote (so 12345678901234567890
 * and 1.50 stay exactly that), objects keep their members in order (duplicates too; the last wins
 * when read, as with JSON.parse). Built from stream-json tokens, one value (row, feature) at a time.
 */
import type { Token } from './source.ts';

export class JsonNumber {
  constructor(readonly text: string) {}
  get value(): number {
    return Number(this.text);
  }
}

export class JsonObject {
  readonly entries: [string, JsonValue][] = [];
  /** The value of the last member with this key, undefined when there is none. */
  get(key: string): JsonValue | undefined {
    for (let i = this.entries.length - 1; i >= 0; i--) if (this.entries[i][0] === key) return this.entries[i][1];
    return undefined;
  }
  has(key: string): boolean {
    return this.entries.some((e) => e[0] === key);
  }
}

export type JsonValue = null | boolean | string | JsonNumber | JsonObject | JsonValue[];

/** Assembles one value from tokens; push returns true when the value is complete (then read `value`). */
export class ValueAssembler {
  value: JsonValue = null;
  private readonly stack: (JsonObject | JsonValue[])[] = [];
  private key: string | null = null;
  /** Tokens taken so far, for callers that stop assembling past a budget. */
  tokens = 0;

  push(t: Token): boolean {
    this.tokens++;
    switch (t.name) {
      case 'keyValue':
        this.key = t.value;
        return false;
      case 'startObject':
        return this.open(new JsonObject());
      case 'startArray':
        return this.open([]);
      case 'endObject':
      case 'endArray': {
        const done = this.stack.pop()!;
        return this.stack.length === 0 ? this.finish(done) : false;
      }
      case 'stringValue':
        return this.add(t.value);
      case 'numberValue':
        return this.add(new JsonNumber(t.value));
      case 'nullValue':
        return this.add(null);
      case 'trueValue':
        return this.add(true);
      case 'falseValue':
        return this.add(false);
      default:
        return false;
    }
  }

  private open(container: JsonObject | JsonValue[]): boolean {
    if (this.stack.length) this.attach(container);
    this.stack.push(container);
    return false;
  }

  private add(v: JsonValue): boolean {
    if (this.stack.length === 0) return this.finish(v);
    this.attach(v);
    return false;
  }

  private attach(v: JsonValue) {
    const top = this.stack[this.stack.length - 1];
    if (Array.isArray(top)) top.push(v);
    else top.entries.push([this.key!, v]);
  }

  private finish(v: JsonValue): true {
    this.value = v;
    this.key = null;
    return true;
  }

  /** Ready for the next value. */
  reset() {
    this.stack.length = 0;
    this.key = null;
    this.value = null;
    this.tokens = 0;
  }
}

/** Compact JSON text of a value, numbers as the source wrote them. */
export function toJsonText(v: JsonValue): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof JsonNumber) return v.text;
  if (Array.isArray(v)) return `[${v.map(toJsonText).join(',')}]`;
  return `{${v.entries.map(([k, x]) => `${JSON.stringify(k)}:${toJsonText(x)}`).join(',')}}`;
}

/** What a value is, for messages: "a string", "an array", ... */
export function kindOf(v: JsonValue): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return 'a boolean';
  if (typeof v === 'string') return 'a string';
  if (v instanceof JsonNumber) return 'a number';
  if (Array.isArray(v)) return 'an array';
  return 'an object';
}

/** A short JSON preview of a value for messages. */
export function preview(v: JsonValue, max = 60): string {
  const text = toJsonText(v);
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}
