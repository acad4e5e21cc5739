import { describe, expect, it } from 'vitest';
import { runParseBench } from '#test/bench/parse-bench.ts';

describe('runParseBench()', () => {
  it('measures the parser and the cheerio floor on the same corpus', async () => {
    // Act: a short run; the real figures come from `npx tsx test/bench/parse-bench.ts`.
    const result = await runParseBench({ minMsPerInput: 5 });
    // Assess
    expect(result.reports).toBe(9);
    expect(result.perInput.map((p) => p.name)).toContain('large prose (003 ×40)');
    expect(result.parser.reportsPerSecond).toBeGreaterThan(0);
    expect(result.floor.reportsPerSecond).toBeGreaterThan(0);
    expect(result.peakRssMb).toBeGreaterThan(0);
  });
});
