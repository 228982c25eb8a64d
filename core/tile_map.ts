/**
 * An insertion-ordered map from tile keys to values whose copies share storage: entries live in
 * 64 buckets, a fork shares every bucket, and a write clones only the bucket it touches. So a
 * snapshot of a volume with thousands of tiles costs 64 pointer copies, and the next edit copies
 * ~1/64 of the map instead of all of it. Iteration follows insertion order (Goxel's uthash order:
 * replacing a value keeps its place, delete then insert moves it to the end).
 */

const BUCKET_BITS = 6;
const BUCKETS = 1 << BUCKET_BITS;

interface Entry<V> {
  value: V;
  order: number;
}

function bucketOf(key: number): number {
  // Keys exceed 32 bits; ToInt32 keeps the low bits, which hold z and most of y.
  return Math.imul(key | 0, 0x9e3779b1) >>> (32 - BUCKET_BITS);
}

/** An insertion-ordered, copy-on-write map of tiles. */
export class TileMap<V> {
  /** Buckets are created on first write (an empty map allocates none). */
  #buckets: (Map<number, Entry<V>> | undefined)[];
  #shared: boolean[];
  #next = 0;
  #size = 0;
  #sorted: number[] | null = [];
  /** Whether #sorted may be appended to in place (a fork shares it). */
  #ownsSorted = true;

  /** An empty map, or (for fork) one that shares `buckets`, all marked shared. */
  constructor(buckets?: (Map<number, Entry<V>> | undefined)[]) {
    this.#buckets = buckets ?? new Array(BUCKETS);
    this.#shared = new Array(BUCKETS).fill(buckets !== undefined);
  }

  /** Number of entries. */
  get size(): number {
    return this.#size;
  }

  /** Returns a map with the same entries; both sides copy a bucket before changing it. */
  fork(): TileMap<V> {
    const other = new TileMap<V>(this.#buckets.slice());
    this.#shared.fill(true);
    other.#next = this.#next;
    other.#size = this.#size;
    other.#sorted = this.#sorted;
    other.#ownsSorted = false;
    this.#ownsSorted = false;
    return other;
  }

  /** Returns the value of a key. */
  get(key: number): V | undefined {
    return this.#buckets[bucketOf(key)]?.get(key)?.value;
  }

  /** True when the key is present. */
  has(key: number): boolean {
    return this.#buckets[bucketOf(key)]?.has(key) ?? false;
  }

  /** Sets a value; a new key goes last in the order, an existing one keeps its place. */
  set(key: number, value: V): void {
    const b = bucketOf(key);
    const bucket = this.#writable(b);
    const entry = bucket.get(key);
    if (entry) {
      bucket.set(key, { value, order: entry.order });
      return;
    }
    bucket.set(key, { value, order: this.#next++ });
    this.#size++;
    if (this.#sorted) {
      if (!this.#ownsSorted) {
        this.#sorted = this.#sorted.slice();
        this.#ownsSorted = true;
      }
      this.#sorted.push(key);
    }
  }

  /** Removes a key. */
  delete(key: number): boolean {
    const b = bucketOf(key);
    if (!this.#buckets[b]?.has(key)) return false;
    this.#writable(b).delete(key);
    this.#size--;
    this.#sorted = null;
    return true;
  }

  /** The keys in insertion order. */
  keys(): readonly number[] {
    if (!this.#sorted) {
      this.#sorted = this.#sortKeys();
      this.#ownsSorted = true;
    }
    return this.#sorted;
  }

  /** Iterates [key, value] in insertion order. */
  *entries(): IterableIterator<[number, V]> {
    for (const key of this.keys()) yield [key, this.get(key)!];
  }

  /** Iterates the values in no particular order (fastest). */
  *values(): IterableIterator<V> {
    for (const bucket of this.#buckets) {
      if (bucket) {
        for (const e of bucket.values()) yield e.value;
      }
    }
  }

  /**
   * Calls `fn` for every key whose value is not the same object as in `base`: changed keys with
   * both values, removed keys with `value` undefined, then added keys (in insertion order) with
   * `before` undefined. Buckets `base` still shares are skipped, so a fork's diff after a small
   * edit costs about one bucket.
   */
  diffFrom(
    base: TileMap<V>,
    fn: (key: number, value: V | undefined, before: V | undefined) => void,
  ): void {
    const added: [number, number, V][] = [];
    for (let b = 0; b < BUCKETS; b++) {
      const now = this.#buckets[b], old = base.#buckets[b];
      if (now === old) continue;
      if (now) {
        for (const [key, e] of now) {
          const prev = old?.get(key);
          if (!prev) added.push([e.order, key, e.value]);
          else if (prev.value !== e.value) fn(key, e.value, prev.value);
        }
      }
      if (old) { for (const [key, e] of old) if (!now?.has(key)) fn(key, undefined, e.value); }
    }
    added.sort((a, b) => a[0] - b[0]);
    for (const [, key, value] of added) fn(key, value, undefined);
  }

  #sortKeys(): number[] {
    const all: [number, number][] = [];
    for (const bucket of this.#buckets) {
      if (bucket) { for (const [k, e] of bucket) all.push([e.order, k]); }
    }
    all.sort((a, b) => a[0] - b[0]);
    return all.map((p) => p[1]);
  }

  #writable(b: number): Map<number, Entry<V>> {
    const bucket = this.#buckets[b];
    if (bucket && !this.#shared[b]) return bucket;
    this.#shared[b] = false;
    return this.#buckets[b] = bucket ? new Map(bucket) : new Map();
  }
}
