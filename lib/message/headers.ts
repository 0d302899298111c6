/**
 * An ordered multimap of header fields. It keeps wire order and the received name casing; lookups ignore case.
 * Names and values are byte strings (one char per octet), as they were on the wire.
 */

/** What a `Headers` can be made from: another `Headers` (copied), `[name, value]` pairs in order, or an object whose array values become repeated fields. */
export type HeadersInit = Headers | Iterable<readonly [string, string]> | Record<string, string | readonly string[]>;

/** Header fields in wire order with their received name casing; lookups by name ignore ASCII case. */
export class Headers implements Iterable<[string, string]> {
  // Parallel arrays: allocation per field is just the two strings the parser already made.
  private readonly names: string[];
  private readonly values: string[];

  constructor(init?: HeadersInit) {
    // A copy of a Headers is two array copies (a spread into push() made a list of arguments first).
    this.names = init instanceof Headers ? init.names.slice() : [];
    this.values = init instanceof Headers ? init.values.slice() : [];
    if (init === undefined || init instanceof Headers) return;
    if (Symbol.iterator in init) {
      for (const [name, value] of init as Iterable<readonly [string, string]>) this.append(name, value);
    } else {
      for (const [name, value] of Object.entries(init)) {
        if (typeof value === 'string') this.append(name, value);
        else for (const v of value) this.append(name, v);
      }
    }
  }

  /** The number of field lines; a name that is repeated counts once per line. */
  get size(): number {
    return this.names.length;
  }

  /** Adds a field after the existing ones. */
  append(name: string, value: string): this {
    this.names.push(name);
    this.values.push(value);
    return this;
  }

  /** Replaces every field of that name with one (kept at the place of the first). */
  set(name: string, value: string): this {
    const first = this.indexOf(name);
    if (first < 0) return this.append(name, value);
    this.values[first] = value;
    this.removeFrom(name, first + 1);
    return this;
  }

  /** Removes every field of that name. */
  delete(name: string): this {
    this.removeFrom(name, 0);
    return this;
  }

  /** Whether at least one field has that name (compared ignoring ASCII case). */
  has(name: string): boolean {
    return this.indexOf(name) >= 0;
  }

  /** All values of that name joined with ", " (RFC 9110 §5.3), or undefined. Use getAll for Set-Cookie. */
  get(name: string): string | undefined {
    let out: string | undefined;
    for (let i = 0; i < this.names.length; i++) {
      if (sameName(this.names[i], name)) out = out === undefined ? this.values[i] : `${out}, ${this.values[i]}`;
    }
    return out;
  }

  /** Each value of that name, as separate entries in wire order. */
  getAll(name: string): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.names.length; i++) if (sameName(this.names[i], name)) out.push(this.values[i]);
    return out;
  }

  /** Calls `action` with each field in wire order, names as received (no pair made per field). */
  forEach(action: (value: string, name: string) => void): void {
    for (let i = 0; i < this.names.length; i++) action(this.values[i], this.names[i]);
  }

  /** `[name, value]` pairs in wire order, names as received. */
  *entries(): IterableIterator<[string, string]> {
    for (let i = 0; i < this.names.length; i++) yield [this.names[i], this.values[i]];
  }

  /** Iterates `[name, value]` pairs in wire order, as {@link Headers.entries} does. */
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }

  /** A plain object, lower-case names, repeated fields joined with ", ". */
  toJSON(): Record<string, string> {
    const out: Record<string, string> = {};
    for (let i = 0; i < this.names.length; i++) {
      const key = this.names[i].toLowerCase();
      // Own keys only, and defined rather than assigned: a field named `constructor` or `__proto__` is a field.
      const value = Object.hasOwn(out, key) ? `${out[key]}, ${this.values[i]}` : this.values[i];
      Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }

  private indexOf(name: string): number {
    for (let i = 0; i < this.names.length; i++) if (sameName(this.names[i], name)) return i;
    return -1;
  }

  private removeFrom(name: string, from: number): void {
    let w = from;
    for (let r = from; r < this.names.length; r++) {
      if (sameName(this.names[r], name)) continue;
      this.names[w] = this.names[r];
      this.values[w] = this.values[r];
      w++;
    }
    this.names.length = w;
    this.values.length = w;
  }
}

/** ASCII case-insensitive comparison without allocating lower-case copies. */
function sameName(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y && lower(x) !== lower(y)) return false;
  }
  return true;
}

function lower(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
}
