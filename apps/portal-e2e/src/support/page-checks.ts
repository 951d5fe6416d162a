/// <reference lib="dom" />
// Functions passed to page.evaluate run in the browser: the DOM types are theirs.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';

const AXE_PATH = require.resolve('axe-core/axe.min.js');
export const PAGE_BUDGET_BYTES = 150 * 1024;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown }>;
}

/**
 * axe-core's scan of the page as it stands (WCAG 2.x A and AA rules and best practices),
 * the serious and critical violations only. Injected with addScriptTag: the page's
 * context must bypass the CSP for that (the portal allows no inline script).
 */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe !== 'undefined'))) {
    await page.addScriptTag({ content: readFileSync(AXE_PATH, 'utf8') });
  }
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** The page's scripts and stylesheets, gzip-compressed, in bytes (fetched again from the page's own origin). */
export async function scriptAndStyleBytes(page: Page): Promise<{ bytes: number; urls: string[] }> {
  const urls = await page.evaluate(() => [
    ...Array.from(document.querySelectorAll('script[src]')).map((s) => (s as HTMLScriptElement).src),
    ...Array.from(document.querySelectorAll('link[rel="stylesheet"]')).map((l) => (l as HTMLLinkElement).href),
  ]);
  let bytes = 0;
  for (const url of urls) {
    const res = await page.request.get(url);
    bytes += gzipSync(await res.body()).length;
  }
  return { bytes, urls };
}

/** Whether the page fits the viewport's width (no sideways scrolling at phone width). */
export async function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
}
