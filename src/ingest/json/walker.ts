/**
 * Walks the tokens of one JSON value without building it: the handler says, for each value met at
 * a path (JSON Pointer segments), whether to read it as a table (an array whose elements are
 * assembled one at a time), to descend into it, to assemble it whole, or to skip it. Memory holds
 * one element at a time, whatever the size of the file.
 */
import { JsonNumber, ValueAssembler, type JsonValue } from './value.ts';
import type { Token } from './source.ts';

export type Path = string[];
export type ValueKind = 'object' | 'array' | 'scalar';
export type Action = 'table' | 'descend' | 'assemble' | 'skip';

export interface WalkHandler {
  action(path: Path, kind: ValueKind): Action;
  /** An element of a table array (index 0-based). */
  element?(path: Path, index: number, value: JsonValue): void;
  /** A value the handler asked to assemble (scalars too). */
  value?(path: Path, value: JsonValue): void;
  tableEnd?(path: Path, count: number): void;
}

interface Frame {
  kind: 'object' | 'array' | 'table';
  path: Path;
  key: string | null;
  index: number;
}

export class JsonWalker {
  /** Nesting depth of the token stream (0 between top-level values). */
  depth = 0;
  /** Top-level values started so far. */
  topValues = 0;
  private readonly frames: Frame[] = [];
  private skipDepth = 0;
  private asm: ValueAssembler | null = null;
  private spare: ValueAssembler | null = null;
  private asmTarget: { path: Path; index: number | null } | null = null;

  constructor(private readonly handler: WalkHandler) {}

  push(t: Token) {
    const name = t.name;
    const opens = name === 'startObject' || name === 'startArray';
    const closes = name === 'endObject' || name === 'endArray';
    if (this.depth === 0 && isValueStart(t)) this.topValues++;
    if (opens) this.depth++;
    else if (closes) this.depth--;

    if (this.asm) {
      if (this.asm.push(t)) this.deliver(this.asm.value);
      return;
    }
    if (this.skipDepth > 0) {
      if (opens) this.skipDepth++;
      else if (closes) this.skipDepth--;
      return;
    }
    if (name === 'keyValue') {
      this.frames[this.frames.length - 1].key = t.value;
      return;
    }
    if (closes) {
      const frame = this.frames.pop()!;
      if (frame.kind === 'table') this.handler.tableEnd?.(frame.path, frame.index);
      return;
    }
    if (name === 'whitespace') return;

    const parent = this.frames[this.frames.length - 1];
    if (parent?.kind === 'table') {
      const index = parent.index++;
      if (opens) this.startAssembly(t, parent.path, index);
      else this.handler.element?.(parent.path, index, scalarOf(t));
      return;
    }
    const path = !parent ? [] : parent.kind === 'object' ? [...parent.path, parent.key!] : [...parent.path, String(parent.index++)];
    const kind: ValueKind = name === 'startObject' ? 'object' : name === 'startArray' ? 'array' : 'scalar';
    const action = this.handler.action(path, kind);
    if (kind === 'scalar') {
      if (action !== 'skip') this.handler.value?.(path, scalarOf(t));
      return;
    }
    if (action === 'table' && kind === 'array') this.frames.push({ kind: 'table', path, key: null, index: 0 });
    else if (action === 'descend' || action === 'table') this.frames.push({ kind, path, key: null, index: 0 });
    else if (action === 'assemble') this.startAssembly(t, path, null);
    else this.skipDepth = 1;
  }

  private startAssembly(t: Token, path: Path, index: number | null) {
    this.asm = this.spare ?? new ValueAssembler();
    this.asm.reset();
    this.asmTarget = { path, index };
    this.asm.push(t);
  }

  private deliver(v: JsonValue) {
    const target = this.asmTarget!;
    this.spare = this.asm;
    this.asm = null;
    this.asmTarget = null;
    if (target.index === null) this.handler.value?.(target.path, v);
    else this.handler.element?.(target.path, target.index, v);
  }
}

export function scalarOf(t: Token): JsonValue {
  switch (t.name) {
    case 'stringValue':
      return t.value;
    case 'numberValue':
      return new JsonNumber(t.value);
    case 'trueValue':
      return true;
    case 'falseValue':
      return false;
    default:
      return null;
  }
}

export function isValueStart(t: Token): boolean {
  return t.name !== 'keyValue' && t.name !== 'endObject' && t.name !== 'endArray' && t.name !== 'whitespace';
}

/** RFC 6901: "" is the whole document, "/a/b" member b of member a; "~1" is "/", "~0" is "~". */
export function parsePointer(pointer: string): Path | null {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) return null;
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function formatPointer(path: Path): string {
  return path.map((s) => `/${s.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

export function samePath(a: Path, b: Path): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

/** True when `a` is a proper prefix of `b`. */
export function isPrefix(a: Path, b: Path): boolean {
  return a.length < b.length && a.every((s, i) => s === b[i]);
}
