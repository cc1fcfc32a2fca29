import { randomBytes } from "node:crypto";

// Exact sampling of the discrete Gaussian (Canonne, Kamath and Steinke,
// "The Discrete Gaussian for Differential Privacy", 2020, algorithms 1 to 3):
// integers only, rational parameters, no floating point anywhere a rounding
// could shape the tails (the floating-point Laplace's weakness, Mironov 2012).

/** A uniform integer in [0, bound), from some source of randomness. */
export type UniformSource = (bound: bigint) => bigint;

// Random bytes drawn ahead in blocks: one system call per few hundred draws.
let pool = Buffer.alloc(0);
let offset = 0;
function randomByte(): number {
  if (offset >= pool.length) {
    pool = randomBytes(4096);
    offset = 0;
  }
  return pool[offset++]!;
}

/** Cryptographic randomness, by rejection: every value below the bound equally likely. */
export const cryptoUniform: UniformSource = (bound) => {
  if (bound <= 0n) throw new RangeError("the bound must be positive");
  const bits = bound.toString(2).length;
  const mask = (1n << BigInt(bits)) - 1n;
  const bytes = Math.ceil(bits / 8);
  for (;;) {
    let value = 0n;
    for (let i = 0; i < bytes; i++) value = (value << 8n) | BigInt(randomByte());
    value &= mask;
    if (value < bound) return value;
  }
};

/** True with probability exp(-n/d), for n/d in [0, 1]. */
function bernoulliExpFraction(n: bigint, d: bigint, uniform: UniformSource): boolean {
  let k = 1n;
  while (uniform(d * k) < n) k++;
  return k % 2n === 1n;
}

/** True with probability exp(-n/d), for any n/d >= 0. */
export function bernoulliExp(n: bigint, d: bigint, uniform: UniformSource = cryptoUniform): boolean {
  let rest = n;
  while (rest > d) {
    if (!bernoulliExpFraction(1n, 1n, uniform)) return false;
    rest -= d;
  }
  return bernoulliExpFraction(rest, d, uniform);
}

/** P(x) proportional to exp(-|x| / t), for an integer scale t >= 1. */
export function discreteLaplace(t: bigint, uniform: UniformSource = cryptoUniform): bigint {
  for (;;) {
    const u = uniform(t);
    if (!bernoulliExp(u, t, uniform)) continue;
    let v = 0n;
    while (bernoulliExp(1n, 1n, uniform)) v++;
    const x = u + t * v;
    const negative = uniform(2n) === 1n;
    if (negative && x === 0n) continue;
    return negative ? -x : x;
  }
}

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = n;
  let y = (x + 1n) / 2n;
  while (y < x) {
    x = y;
    y = (x + n / x) / 2n;
  }
  return x;
}

/** The variance σ² as an exact fraction a/b (millionths of the number given). */
export interface Variance {
  a: bigint;
  b: bigint;
}

export const variance = (sigma2: number): Variance => {
  if (!(sigma2 > 0) || !Number.isFinite(sigma2)) throw new RangeError("the variance must be positive");
  return { a: BigInt(Math.round(sigma2 * 1e6)), b: 1_000_000n };
};

/** P(x) proportional to exp(-x² / 2σ²) over the integers. */
export function discreteGaussian({ a, b }: Variance, uniform: UniformSource = cryptoUniform): number {
  const t = isqrt(a / b) + 1n;
  for (;;) {
    const y = discreteLaplace(t, uniform);
    const abs = y < 0n ? -y : y;
    // Accept with probability exp(-(|y| - σ²/t)² / 2σ²), written over integers.
    const gap = abs * t * b - a;
    if (bernoulliExp(gap * gap, 2n * a * b * t * t, uniform)) return Number(y);
  }
}
