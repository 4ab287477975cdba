// The side bar's title when the Network Namespaces view is the only view of its container: it
// reads once ("NETWORK NAMESPACES"), not "NETWORK NAMESPACES: NAMESPACES".

import * as assert from 'node:assert/strict';
import { Workbench, waitUntil } from '../support/e2eWorkbench';
import type { E2eContext } from './run';

export async function run(ctx: E2eContext): Promise<void> {
  const wb = new Workbench(ctx.page, ctx.log);
  await wb.openContainer(/Network Namespaces/);
  const title = ctx.page.locator('.part.sidebar .composite.title .title-label');
  // The title changes a moment after the click: wait until it is this container's, then read it whole.
  const text = await waitUntil('the side bar title of Network Namespaces', async () => {
    const t = (await title.innerText()).trim();
    return /^network namespaces/i.test(t) ? t : false;
  });
  assert.equal(text.toUpperCase(), 'NETWORK NAMESPACES', `the title reads "${text}"`);
}
