// The topology view in the real workbench, for the UI tests: its webview's inner frame, what the
// page says it has drawn, and the colour theme switched as a user does.

import type { Frame, Page } from 'playwright-core';
import type { DrawnState } from '../../src/core/topology/messages';
import { waitUntil, type Workbench } from './e2eWorkbench';

/** The webview's inner frame: the one whose page has the topology script running. */
export async function topologyFrame(page: Page, timeoutMs?: number): Promise<Frame> {
  return waitUntil('the topology webview frame', async () => {
    for (const f of page.frames()) {
      const ok = await f.evaluate(() => typeof (globalThis as unknown as { netnsTopology?: unknown }).netnsTopology === 'object').catch(() => false);
      if (ok) {
        return f;
      }
    }
    return false;
  }, timeoutMs);
}

/** What the page has drawn (nodes, edges, positions, zoom, selection). */
export function drawn(frame: Frame): Promise<DrawnState> {
  return frame.evaluate(() => (globalThis as unknown as { netnsTopology: { state(): DrawnState } }).netnsTopology.state());
}

/** Switches the colour theme as a user does: "Preferences: Color Theme", its name, Enter. */
export async function colorTheme(wb: Workbench, name: string): Promise<void> {
  await wb.runCommand('Preferences: Color Theme');
  await wb.quickInputBox.fill(name);
  await wb.quickPickRow(name).waitFor();
  await wb.quickInputBox.press('Enter');
  await wb.waitQuickInputClosed();
  await wb.rest();
}
