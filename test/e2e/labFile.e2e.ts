// A lab file in the workbench: opened from the view's Labs group, applied from its CodeLens (the plan
// beside the file, then the confirmation), the kernel read back, the Labs group showing it
// applied, and destroyed from its CodeLens, leaving nothing in the kernel.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cleanupOnExit, cleanupPrefix, ip, netnsNames, uniquePrefix } from '../support/kernel';
import { waitUntil, Workbench } from '../support/e2eWorkbench';
import type { E2eContext } from './run';

export async function run(ctx: E2eContext): Promise<void> {
  const P = uniquePrefix();
  const prefix = `${P}-`;
  cleanupOnExit(P);
  const file = path.join(ctx.workspace, 'router.netns.yaml');
  const example = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'examples', 'labs', 'router.netns.yaml'), 'utf8');
  fs.writeFileSync(file, example.replace(/^prefix: .*$/m, `prefix: ${prefix}`).replace(/^name: .*$/m, `name: ${P}router`));
  const wb = new Workbench(ctx.page, ctx.log);
  const shot = async (name: string) => {
    await wb.settle();
    ctx.log(`screenshot ${await ctx.screenshot(name)}`);
  };
  const lens = (title: string) => ctx.page.locator('.contentWidgets .codelens-decoration a', { hasText: new RegExp(`^\\S*\\s*${title}$`) }).first();
  try {
    await wb.openContainer(/Network Namespaces/);
    await wb.widenSideBar(300);
    // The Labs group lists the file; a click on its row opens it.
    const labRow = { label: new RegExp(`^Lab ${P}router,`), name: `${P}router` };
    await (await wb.findRow(labRow)).click();
    await wb.rest();
    await waitUntil('the Apply CodeLens', () => lens('Apply').isVisible(), 30_000);
    await lens('Apply').click();
    await waitUntil('the confirmation', () => wb.dialog.isVisible());
    assert.match(await wb.dialog.innerText(), /Apply \d+ changes of the lab/);
    const plan = ctx.page.locator('.monaco-editor .view-lines').filter({ hasText: /Plan.for.the.lab/ });
    await waitUntil('the plan beside the file', async () => /ip.netns.add/.test((await plan.first().textContent()) ?? ''));
    await shot('lab-file-plan');
    await wb.dialog.getByRole('button', { name: 'Apply', exact: true }).click();
    await wb.notification(/is applied/, 30_000);

    // The kernel, read back: the router's wiring.
    const [a, r] = [`${prefix}a`, `${prefix}r`];
    assert.ok([a, r, `${prefix}b`].every((n) => netnsNames().includes(n)));
    assert.equal(ip(['netns', 'exec', r, 'cat', '/proc/sys/net/ipv4/ip_forward']).trim(), '1');
    const routes = JSON.parse(ip(['-n', a, '-j', 'route', 'show'])) as { dst: string; gateway?: string }[];
    assert.ok(routes.some((x) => x.dst === 'default' && x.gateway === '10.0.1.1'), JSON.stringify(routes));
    // The Labs group and the CodeLens say it is applied.
    const row = await wb.findRow(labRow);
    await waitUntil('the Labs row saying applied', async () => /applied: the kernel matches/.test((await row.getAttribute('aria-label')) ?? ''), 15_000);
    // Away from the text: the pointer resting on a key shows its hover.
    await ctx.page.mouse.move(1100, 650);
    await shot('lab-file-applied');

    await lens('Destroy').click();
    await waitUntil('the confirmation', () => wb.dialog.isVisible());
    assert.match(await wb.dialog.innerText(), new RegExp(`${a}, ${r}`));
    await wb.dialog.getByRole('button', { name: 'Destroy', exact: true }).click();
    await waitUntil('the lab gone from the kernel', () => !netnsNames().some((n) => n.startsWith(prefix)), 30_000);
  } finally {
    // The next module finds the workbench as this one found it.
    await wb.runCommand('View: Close All Editors').catch(() => undefined);
    fs.rmSync(file, { force: true });
    cleanupPrefix(P);
  }
}
