// How much privacy a release spends, and when releases happen. Accounting is
// in zero-concentrated differential privacy (zCDP, Bun and Steinke 2016):
// the discrete Gaussian with variance σ² on figures of L2 sensitivity Δ is
// ρ-zCDP with ρ = Δ² / 2σ², and ρ adds up over releases.

export const YEAR_SECONDS = 365.25 * 86_400;

export interface PrivacyPolicy {
  /** Seconds between two releases. */
  releaseSeconds: number;
  /** The most one release may cost one collectivity, in zCDP's ρ. */
  rhoPerRelease: number;
  /** Squared L2 sensitivity of one release to one collectivity. */
  sensitivitySquared: number;
}

/** The (ε, δ) guarantee that ρ-zCDP implies (Bun and Steinke, proposition 1.3). */
export const epsilonOf = (rho: number, delta: number): number => rho + 2 * Math.sqrt(rho * Math.log(1 / delta));

/** δ of the (ε, δ) figures this service states. */
export const DELTA = 1e-6;

export function releasePlan(policy: PrivacyPolicy) {
  const releasesPerYear = Math.ceil(YEAR_SECONDS / policy.releaseSeconds - 1e-9);
  const { rhoPerRelease } = policy;
  const rhoPerYear = rhoPerRelease * releasesPerYear;
  const sigma2 = policy.sensitivitySquared / (2 * rhoPerRelease);
  return {
    releasesPerYear,
    rhoPerRelease,
    rhoPerYear,
    sigma2,
    epsilonPerRelease: epsilonOf(rhoPerRelease, DELTA),
    epsilonPerYear: epsilonOf(rhoPerYear, DELTA),
  };
}

/** Releases happen at multiples of the period since the epoch: the one now belongs to, and the next. */
export function releaseWindow(now: Date, releaseSeconds: number): { opened: Date; next: Date } {
  const period = releaseSeconds * 1000;
  const opened = Math.floor(now.getTime() / period) * period;
  return { opened: new Date(opened), next: new Date(opened + period) };
}
