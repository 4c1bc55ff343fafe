/**
 * Renders resources/icon.svg to resources/icon.png (1024 px) with Debian's
 * Chromium; electron-builder turns that PNG into .icns and .ico. Run after
 * changing the SVG: `npx tsx scripts/render-icon.ts`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { openBrowser } from '../test/support/browser';

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '..');
  const svg = readFileSync(path.join(root, 'resources/icon.svg'), 'utf8').replace('width="64" height="64"', 'width="1024" height="1024"');
  const b = await openBrowser();
  await b.page.setViewportSize({ width: 1024, height: 1024 });
  await b.page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
  await b.page.locator('svg').screenshot({ path: path.join(root, 'resources/icon.png'), omitBackground: true });
  await b.close();
}

void main();
