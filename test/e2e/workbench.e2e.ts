// Smoke test of the e2e harness: the workbench is drawn in the browser (the runner has already
// waited for the extension's activity bar entry) with the test workspace open in the Explorer, and
// a screenshot of it lands in test-results/screenshots/workbench.png.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { E2eContext } from './run';

export async function run(ctx: E2eContext): Promise<void> {
  const { page } = ctx;
  const explorer = page.getByRole('tab', { name: /Explorer/ });
  await explorer.waitFor({ state: 'visible' });
  // The Explorer's root row names the workspace folder.
  const folder = path.basename(ctx.workspace);
  await page.locator('.explorer-folders-view, .pane-header').filter({ hasText: new RegExp(folder, 'i') }).first().waitFor({ state: 'visible' });
  assert.match(await page.title(), new RegExp(folder));
  const file = await ctx.screenshot('workbench');
  assert.ok(fs.statSync(file).size > 10_000, 'the screenshot is empty');
  ctx.log(`screenshot ${file}`);
}
