/** Timing helpers: ratios of peers measured side by side, alternating, medians of rounds. */

/** Records one bench row: ours against the peer, with the goal its ratio must meet. */
export type RecordRow = (
  metric: string,
  ours: number,
  peer: number,
  unit: string,
  goal: string,
  met: (ratio: number) => boolean,
  ratio?: number,
) => void;

export interface Pair {
  ours: number;
  peer: number;
}

/** The middle value (the upper of the two middles for an even count). */
export const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

/** Operations per second of `fn` over about `ms` milliseconds (after a short warm-up). */
export const opsPerSecond = (fn: (i: number) => unknown, ms = 200): number => {
  for (let i = 0; i < 2_000; i++) fn(i);
  let ops = 0;
  const start = process.hrtime.bigint();
  const budget = BigInt(ms) * 1_000_000n;
  let elapsed = 0n;
  while (elapsed < budget) {
    for (let i = 0; i < 1_000; i++) fn(ops + i);
    ops += 1_000;
    elapsed = process.hrtime.bigint() - start;
  }
  return (ops / Number(elapsed)) * 1e9;
};

/** Same, for work slow enough (fsync) to be counted one call at a time. */
export const opsPerSecondSlow = (fn: (i: number) => unknown, ms = 1_000): number => {
  fn(-1);
  let ops = 0;
  const start = performance.now();
  while (performance.now() - start < ms) fn(ops++);
  return (ops / (performance.now() - start)) * 1000;
};

/** `opsPerSecond` for work that answers with a promise: each call awaited before the next. */
export const opsPerSecondAsync = async (fn: (i: number) => Promise<unknown>, ms = 200): Promise<number> => {
  for (let i = 0; i < 2_000; i++) await fn(i);
  let ops = 0;
  const start = performance.now();
  while (performance.now() - start < ms) await fn(ops++);
  return (ops / (performance.now() - start)) * 1000;
};

/** `opsPerSecondSlow` for work that answers with a promise. */
export const opsPerSecondSlowAsync = async (
  fn: (i: number) => Promise<unknown>,
  ms = 1_000,
): Promise<number> => {
  await fn(-1);
  let ops = 0;
  const start = performance.now();
  while (performance.now() - start < ms) await fn(ops++);
  return (ops / (performance.now() - start)) * 1000;
};

/** Runs ours and the peer in alternation, `rounds` times, and returns the median rate of each. */
export const compare = (ours: () => number, peer: () => number, rounds = 5): Pair => {
  const o: number[] = [];
  const p: number[] = [];
  for (let r = 0; r < rounds; r++) {
    o.push(ours());
    p.push(peer());
  }
  return { ours: median(o), peer: median(p) };
};

export const compareAsync = async (ours: () => Promise<number>, peer: () => Promise<number>, rounds = 2) => {
  const o: number[] = [];
  const p: number[] = [];
  for (let r = 0; r < rounds; r++) {
    o.push(await ours());
    p.push(await peer());
  }
  return { ours: median(o), peer: median(p) };
};
