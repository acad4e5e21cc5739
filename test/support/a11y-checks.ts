import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/**
 * The accessibility check of the dashboard's browser tests: axe-core (Deque's rules for WCAG 2.0/2.1/2.2
 * A and AA and best practice) evaluated in the page, its violations that axe rates serious or critical.
 * The script is evaluated through the DevTools protocol, which the page's Content-Security-Policy does
 * not govern, so the pages are checked as served, CSP and all.
 */
export interface A11yViolation {
  rule: string;
  impact: 'serious' | 'critical';
  /** CSS selector of each offending element (the first five). */
  target: string;
  /** axe's summary of what to fix, for the first offending element. */
  detail: string;
}

let source: Promise<string> | undefined;

/** axe.min.js as installed (node_modules/axe-core), read once. */
function axeSource(): Promise<string> {
  source ??= readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  return source;
}

interface AxeResult {
  violations: Array<{
    id: string;
    impact?: string | null;
    help: string;
    nodes: Array<{ target: unknown[]; failureSummary?: string }>;
  }>;
}

/** The serious and critical violations axe finds in the page as it stands (empty: none found). */
export async function a11yViolations(page: Page): Promise<A11yViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(await axeSource());
  const result = (await page.evaluate(() =>
    (window as unknown as { axe: { run(ctx: Document, o: object): Promise<unknown> } }).axe.run(document, {
      resultTypes: ['violations'],
    }),
  )) as AxeResult;
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      rule: v.id,
      impact: v.impact as 'serious' | 'critical',
      target: v.nodes
        .slice(0, 5)
        .map((n) => n.target.join(' '))
        .join(', '),
      detail: `${v.help} (${v.nodes.length} element(s)): ${v.nodes[0]?.failureSummary ?? ''}`,
    }));
}
