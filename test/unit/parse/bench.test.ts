import { describe, expect, it } from 'vitest';
import { runParseBench } from '#test/bench/parse-bench.ts';

describe('runParseBench()', () => {
  it('measures the parser and the cheerio floor on the same corpus', { timeout: 300_000 }, async () => {
    // Act: a short run; the real figures come from `npx tsx test/bench/parse-bench.ts`.
    const result = await runParseBench({ minMsPerInput: 0, scalingKb: [50, 100], rounds: 1, large: false });
    // Assess
    expect(result.reports).toBe(7);
    expect(result.parser.reportsPerSecond).toBeGreaterThan(0);
    expect(result.floor.reportsPerSecond).toBeGreaterThan(0);
    expect(result.peakRssMb).toBeGreaterThan(0);
    // The headline is the worst real-size page, not the aggregate; the scaling series is per KB.
    const real = result.perInput.filter((p) => p.realSize);
    expect(real.map((p) => p.name)).toEqual([
      'seed 000',
      'seed 001',
      'seed 002',
      'seed 003',
      'seed 004',
      'template 2019',
      'template 2021',
    ]);
    expect(result.worst.ratio).toBe(Math.max(...real.map((p) => p.ratio)));
    expect(result.scaling.map((s) => s.kb)).toEqual([expect.any(Number), expect.any(Number)]);
    expect(result.scaling[1]!.kb).toBeGreaterThan(result.scaling[0]!.kb);
  });
});
