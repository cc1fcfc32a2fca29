import { describe, expect, it } from "vitest";
import { bernoulliExp, discreteGaussian, discreteLaplace, variance } from "../../src/domain/privacy/discrete-gaussian.ts";

const draws = (n: number, draw: () => number) => Array.from({ length: n }, draw);
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

// Statistical checks with bounds at about six standard errors: a correct
// sampler fails them about once in a few hundred million runs, a sampler with
// a wrong scale or a biased sign every time.
describe("exact samplers from cryptographic randomness", () => {
  it("Bernoulli(exp(-γ)) for a fraction and for γ above 1", () => {
    const n = 40_000;
    const half = draws(n, () => (bernoulliExp(1n, 2n) ? 1 : 0));
    expect(Math.abs(mean(half) - Math.exp(-0.5))).toBeLessThan(6 * Math.sqrt(0.24 / n));
    const big = draws(n, () => (bernoulliExp(5n, 2n) ? 1 : 0));
    expect(Math.abs(mean(big) - Math.exp(-2.5))).toBeLessThan(6 * Math.sqrt(0.08 / n));
    expect(bernoulliExp(0n, 7n)).toBe(true);
  });

  it("the discrete Laplace is centred, symmetric and has its scale", () => {
    const xs = draws(20_000, () => Number(discreteLaplace(3n)));
    // P(0) = (1 - e^{-1/t}) / (1 + e^{-1/t})
    const q = Math.exp(-1 / 3);
    const zero = xs.filter((x) => x === 0).length / xs.length;
    expect(Math.abs(zero - (1 - q) / (1 + q))).toBeLessThan(6 * Math.sqrt((0.17 * 0.83) / xs.length));
    expect(Math.abs(mean(xs))).toBeLessThan(6 * Math.sqrt((2 * q) / (1 - q) ** 2 / xs.length));
  });

  it("the discrete Gaussian has mean 0, the variance asked for, and the mass at 0 of its formula", () => {
    const sigma2 = 30.25;
    const xs = draws(20_000, () => discreteGaussian(variance(sigma2)));
    expect(xs.every(Number.isInteger)).toBe(true);
    expect(Math.abs(mean(xs))).toBeLessThan(6 * Math.sqrt(sigma2 / xs.length));
    const v = mean(xs.map((x) => x * x));
    expect(Math.abs(v - sigma2)).toBeLessThan(6 * sigma2 * Math.sqrt(2 / xs.length));
    let normaliser = 0;
    for (let k = -200; k <= 200; k++) normaliser += Math.exp(-(k * k) / (2 * sigma2));
    const p0 = 1 / normaliser;
    const zero = xs.filter((x) => x === 0).length / xs.length;
    expect(Math.abs(zero - p0)).toBeLessThan(6 * Math.sqrt((p0 * (1 - p0)) / xs.length));
    expect(xs.filter((x) => x > 0).length / xs.length).toBeGreaterThan(0.45);
    expect(xs.filter((x) => x < 0).length / xs.length).toBeGreaterThan(0.45);
  });
});
