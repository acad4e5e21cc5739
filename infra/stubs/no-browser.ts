/**
 * Stand-in for `@sparticuz/chromium` and `playwright-core` in the bundles of functions that never render
 * a page (every one but crawl). shared/crawl/browser.ts imports both at module load, and neither can be
 * bundled by esbuild (playwright-core reads its own package.json at load), so without this alias every
 * function would have to ship ~80 MB of Chromium. A launch here is a wiring bug and says so.
 */
const absent = (): never => {
  throw new Error('this function has no browser: only the crawl function ships Chromium');
};

export const chromium = { launch: absent };

export default { args: [] as string[], executablePath: absent };
