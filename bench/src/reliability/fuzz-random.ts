/**
 * The fuzzer's source of randomness: a small seeded generator (Marsaglia's xorshift128 over four
 * 32-bit words, its state spread from the seed by an integer hash), so that one seed always gives
 * the same cases. Each case draws from a generator of its own, made from (seed, case number):
 * which case a worker picks up first does not change what any case holds.
 */

/** Spreads the bits of a 32-bit integer (the finalizer of a multiplicative hash). */
function scramble(value: number): number {
  let h = value >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

export class Random {
  #x: number;
  #y: number;
  #z: number;
  #w: number;

  constructor(seed: number) {
    const base = scramble(seed ^ 0x5eed);
    this.#x = scramble(base + 1);
    this.#y = scramble(base + 2);
    this.#z = scramble(base + 3);
    this.#w = scramble(base + 4) || 1;
  }

  /** The generator of case `index` of the run with `seed`. */
  static forCase(seed: number, index: number): Random {
    return new Random(scramble(seed) ^ scramble(index + 0x9e3779b9));
  }

  uint32(): number {
    const t = this.#x ^ (this.#x << 11);
    this.#x = this.#y;
    this.#y = this.#z;
    this.#z = this.#w;
    this.#w = (this.#w ^ (this.#w >>> 19) ^ (t ^ (t >>> 8))) >>> 0;
    return this.#w;
  }

  /** A float in [0, 1). */
  float(): number {
    return this.uint32() / 4_294_967_296;
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.float() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from nothing');
    return items[Math.floor(this.float() * items.length)] as T;
  }

  /** One of the choices, each as likely as its weight. */
  weighted<T>(choices: readonly (readonly [number, T])[]): T {
    const total = choices.reduce((sum, [weight]) => sum + weight, 0);
    let at = this.float() * total;
    for (const [weight, value] of choices) {
      at -= weight;
      if (at < 0) return value;
    }
    return (choices[choices.length - 1] as readonly [number, T])[1];
  }

  hex(digits: number): string {
    let text = '';
    while (text.length < digits) text += this.uint32().toString(16).padStart(8, '0');
    return text.slice(0, digits);
  }

  /** A UUIDv7 with a time between 2020 and 2030: well-formed, and almost surely of no row. */
  uuidV7(): string {
    const ms = this.int(1_577_836_800_000, 1_893_456_000_000);
    const time = ms.toString(16).padStart(12, '0');
    const variant = this.pick(['8', '9', 'a', 'b']);
    return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${this.hex(3)}-${variant}${this.hex(3)}-${this.hex(12)}`;
  }

  /** A version-4 UUID: well-formed, but not the version the API takes. */
  uuidV4(): string {
    return `${this.hex(8)}-${this.hex(4)}-4${this.hex(3)}-${this.pick(['8', '9', 'a', 'b'])}${this.hex(3)}-${this.hex(12)}`;
  }
}
