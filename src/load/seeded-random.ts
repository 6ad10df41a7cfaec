/** A small, fast, seedable PRNG (mulberry32): the same seed gives the same run. Values in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Weights<T extends string> = [T, number][];

/** Picks a key with probability proportional to its weight. */
export function pickWeighted<T extends string>(weights: Weights<T>, random: () => number): T {
  const total = weights.reduce((sum, [, w]) => sum + w, 0);
  let threshold = random() * total;
  for (const [key, weight] of weights) {
    threshold -= weight;
    if (threshold < 0) return key;
  }
  return weights[weights.length - 1]![0];
}
