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
  if (await panel.isVisible()) {
    await wb.runCommand('View: Hide Panel');
  }
  await waitUntil('the panel to be hidden', async () => !(await panel.isVisible()));

  await wb.runCommand('Create New Terminal (With Profile)');
  // The profile list fills in once the terminal backend has answered.
  await wb.quickInputBox.fill('Network Namespace...');
  // The row's accessible name carries the profile's icon too: find it by its text.
  await wb.quickInput.locator('.monaco-list-row').filter({ hasText: 'Network Namespace...' }).first().click();
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
  await wb.settle();
  ctx.log(`screenshot ${await ctx.screenshot('terminal-profile-panel')}`);
  assert.ok(await panel.locator('.xterm').first().isVisible(), 'the terminal is drawn in the panel');
}
