// A terminal opened from the "Network Namespace..." terminal profile, with the panel hidden, shows
// the panel with the new terminal in it (VS Code creates a profile's terminal without always
// revealing it; the extension shows it once it opens).

import * as assert from 'node:assert/strict';
import { waitUntil, Workbench } from '../support/e2eWorkbench';
import type { E2eContext } from './run';

export async function run(ctx: E2eContext): Promise<void> {
  const wb = new Workbench(ctx.page, ctx.log);
  const panel = ctx.page.locator('.part.panel');
  await wb.openContainer(/Network Namespaces/);
  // Focus in the side bar, not in an editor or terminal an earlier module left open.
  await ctx.page.locator('.part.sidebar .composite.title .title-label').first().click();
  if (await panel.isVisible()) {
    await wb.runCommand('View: Hide Panel');
  }
  await waitUntil('the panel to be hidden', async () => !(await panel.isVisible()));

  // The command shows in the palette once the terminal backend is connected, and its profile
  // list fills in once that backend has answered: until then, the palette is closed and opened again.
  const command = wb.quickPickRow('Create New Terminal (With Profile)');
  const row = wb.quickInput.locator('.monaco-list-row').filter({ hasText: 'Network Namespace...' }).first();
  await waitUntil('the terminal profiles, with Network Namespace...', async () => {
    await ctx.page.keyboard.press('F1');
    await wb.quickInputBox.fill('>Create New Terminal (With Profile)');
    if (!(await command.waitFor({ timeout: 2000 }).then(() => true, () => false))) {
      await ctx.page.keyboard.press('Escape');
      return false;
    }
    await command.click();
    if (!(await row.waitFor({ timeout: 2000 }).then(() => true, () => false))) {
      await ctx.page.keyboard.press('Escape');
      return false;
    }
    return true;
  }, 60_000);
  // The row's accessible name carries the profile's icon too: it is found by its text.
  await row.click();
  await wb.rest();
  await wb.pick('Choose the namespace for the new terminal', 'host');
  await waitUntil('the panel to show the host terminal', async () => {
    if (!(await panel.isVisible())) {
      return false;
    }
    const tabs = await panel.locator('.terminal-tabs-entry, .single-terminal-tab, .terminal-tab').allInnerTexts().catch(() => []);
    const title = await panel.locator('.composite.title').innerText().catch(() => '');
    return [...tabs, title].some((t) => /host/i.test(t));
  });
  // The panel keeps the terminals an earlier module opened, hidden behind the one shown.
  await waitUntil('a terminal drawn in the panel', async () => (await panel.locator('.xterm:visible').count()) > 0);
  await wb.settle();
  ctx.log(`screenshot ${await ctx.screenshot('terminal-profile-panel')}`);
  assert.ok((await panel.locator('.xterm:visible').count()) > 0, 'the terminal is drawn in the panel');
}
