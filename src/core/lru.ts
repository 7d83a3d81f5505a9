/**
 * A map that holds at most `max` entries and drops the least recently used first. Every cache keyed
 * by what a request carries is one of these, so no stream of requests can grow memory.
 *
 * It keeps two generations (the "hashlru" scheme): new and recently read entries go to the young
 * one; when that is half full it becomes the old one and the previous old one is dropped. An entry
 * read while old moves back to the young generation. A hit on a young entry is one Map lookup, so a
 * hot cache (the permission check) costs no more than a plain Map.
 */
export class LruMap<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();
  private readonly half: number;

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 2) throw new RangeError("An LruMap holds at least two entries.");
    this.half = Math.ceil(max / 2);
  }

  get size(): number {
    return this.young.size + this.old.size;
  }

  has(key: K): boolean {
    return this.young.has(key) || this.old.has(key);
  }

  /** The value (now recently used), or undefined when absent. */
  get(key: K): V | undefined {
    const value = this.young.get(key);
    if (value !== undefined || this.young.has(key)) return value;
    if (!this.old.has(key)) return undefined;
    const old = this.old.get(key) as V;
    this.old.delete(key);
    this.add(key, old);
    return old;
  }

  set(key: K, value: V): this {
    if (this.young.has(key)) this.young.set(key, value);
    else {
      this.old.delete(key);
      this.add(key, value);
    }
    return this;
  }

  delete(key: K): boolean {
    const young = this.young.delete(key);
    return this.old.delete(key) || young;
  }

  clear(): void {
    this.young = new Map();
    this.old = new Map();
  }

  private add(key: K, value: V): void {
    this.young.set(key, value);
    if (this.young.size >= this.half) {
      this.old = this.young;
      this.young = new Map();
    }
  }
}
