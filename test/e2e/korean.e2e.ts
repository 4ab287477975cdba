// The extension in Korean, in a workbench whose display language is Korean: a code-server of its
// own started with `--locale ko` (and the smallest language pack that makes ko a display language;
// the workbench's own strings stay English), two namespaces and a veth pair between them made with
// ip, and then what a Korean user reads: the view's title, a command in the palette, the
// validation message of an invalid name, the tree's descriptions and a tooltip, a context menu and
// an error the helper sends back. Every check is on the text in the DOM; the screenshots are
// test-results/screenshots/ko-*.png.

import * as assert from 'node:assert/strict';
import { startCodeServer, type CodeServer } from '../support/codeserver';
import { waitUntil, Workbench, type RowRef } from '../support/e2eWorkbench';
import { cleanupOnExit, cleanupPrefix, ip, linkNames, uniquePrefix } from '../support/kernel';
import { extensionPath, waitForWorkbench, type E2eContext } from './run';

export const ownWorkbench = true;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const HOST: RowRef = { label: /^호스트\(루트 네임스페이스\)/, name: '호스트' };
const nsRow = (name: string): RowRef => ({ label: new RegExp(`^네임스페이스 ${escapeRe(name)},`), name });
const ifRow = (name: string): RowRef => ({ label: new RegExp(`^인터페이스 ${escapeRe(name)},`), name });
const HANGUL = /[\uac00-\ud7a3]/;

export async function run(ctx: E2eContext): Promise<void> {
  const P = uniquePrefix();
  const ns1 = `${P}ns1`;
  const ns2 = `${P}ns2`;
  const vethA = `${P}a`;
  const vethB = `${P}b`;
  cleanupOnExit(P);
  let server: CodeServer | undefined;
  const { page } = ctx;
  const wb = new Workbench(page, ctx.log);
  const shot = async (name: string) => {
    await wb.settle();
    ctx.log(`screenshot ${await ctx.screenshot(name)}`);
  };
  try {
    ip(['netns', 'add', ns1]);
    ip(['netns', 'add', ns2]);
    ip(['link', 'add', vethA, 'netns', ns1, 'type', 'veth', 'peer', 'name', vethB, 'netns', ns2]);
    ip(['-n', ns1, 'addr', 'add', '10.77.0.1/24', 'dev', vethA]);
    ip(['-n', ns1, 'link', 'set', vethA, 'up']);

    server = await startCodeServer({ folder: ctx.workspace, extensions: [extensionPath], locale: 'ko' });
    await page.goto(server.workbenchUrl());
    await waitForWorkbench(page, 60_000, 'ko');
    assert.equal(await page.evaluate(() => (globalThis as { _VSCODE_NLS_LANGUAGE?: string })._VSCODE_NLS_LANGUAGE), 'ko');

    // The view: its container's title in the activity bar and the side bar, the view's own title.
    await wb.openContainer(/네트워크 네임스페이스/);
    await wb.widenSideBar(480);
    const sideBarTitle = (await page.locator('.part.sidebar .composite.title').innerText()).trim();
    assert.match(sideBarTitle, /네트워크 네임스페이스/i, `side bar title: ${sideBarTitle}`);
    const header = (await page.locator('.part.sidebar .pane-header').first().innerText()).trim();
    assert.match(header, /네임스페이스/, `view title: ${header}`);

    // The tree: the host row and each namespace with its count, the interfaces with their state
    // and the veth peer.
    await wb.findRow(HOST);
    const host = await (await wb.findRow(HOST)).getAttribute('aria-label');
    assert.match(host ?? '', /^호스트\(루트 네임스페이스\), 루트 네임스페이스 · 인터페이스 \d+개/);
    const ns1Label = await (await wb.findRow(nsRow(ns1))).getAttribute('aria-label');
    assert.match(ns1Label ?? '', new RegExp(`^네임스페이스 ${escapeRe(ns1)}, 인터페이스 \\d+개`));
    await wb.expand(nsRow(ns1));
    await wb.expand(nsRow(ns2));
    const rowA = await wb.findRow(ifRow(vethA));
    const descA = (await rowA.locator('.label-description').innerText()).trim();
    ctx.log(`${vethA}: ${descA}`);
    assert.equal(descA, `캐리어 없음 · 10.77.0.1/24 · ↔ ${vethB} (${ns2})`);
    const descB = (await (await wb.findRow(ifRow(vethB))).locator('.label-description').innerText()).trim();
    assert.equal(descB, `비활성 · ↔ ${vethA} (${ns1})`);

    // The tooltip of veth-a: its labels and the link to its peer.
    const hover = page.locator('.monaco-hover, .workbench-hover').filter({ hasText: vethA }).first();
    const tooltip = await waitUntil(`the tooltip of ${vethA}`, async () => {
      await rowA.hover();
      await hover.waitFor({ state: 'visible', timeout: 3000 }).catch(() => undefined);
      return (await hover.isVisible()) ? hover.innerText() : false;
    });
    ctx.log(`tooltip: ${tooltip.replace(/\s+/g, ' ')}`);
    for (const label of ['네임스페이스', '상태', '플래그', '종류', '주소', '상대편']) {
      assert.ok(tooltip.includes(label), `the tooltip has no "${label}": ${tooltip}`);
    }
    await shot('ko-01-tree');
    await wb.rest();
    await page.keyboard.press('Escape');

    // A command in the palette, under its Korean title.
    await page.keyboard.press('F1');
    await wb.quickInputBox.waitFor({ state: 'visible' });
    await wb.quickInputBox.fill('>Netns: 네임스페이스');
    const create = wb.quickPickRow('Netns: 네임스페이스 만들기...');
    await create.waitFor({ state: 'visible' });
    const palette = await wb.quickInput.locator('.monaco-list-row').allInnerTexts();
    ctx.log(`palette: ${palette.map((t) => t.replace(/\s+/g, ' ')).join(' | ')}`);
    assert.ok(palette.some((t) => t.includes('Netns: 네임스페이스 삭제')), 'the palette has no "Netns: 네임스페이스 삭제"');
    await shot('ko-02-palette');

    // Creating a namespace with an invalid name: the input box says why, in Korean.
    await create.click();
    await wb.waitForQuickInput('네트워크 네임스페이스 만들기');
    assert.ok(await wb.quickInputShows('새 네트워크 네임스페이스 이름(/run/netns의 파일)'), 'the prompt is not in Korean');
    await wb.quickInputBox.fill('a/b');
    const invalid = await wb.inputMessage(/슬래시\("\/"\)를 쓸 수 없습니다/);
    assert.equal(invalid, '네임스페이스 이름은 /run/netns의 파일 이름이 되므로 슬래시("/")를 쓸 수 없습니다. 지우세요.');
    await shot('ko-03-invalid-name');
    await page.keyboard.press('Escape');
    await wb.waitQuickInputClosed();

    // The context menu of a namespace.
    const menuItems = page.locator('.context-view .monaco-menu .action-label');
    await waitUntil(`the context menu of ${ns1}`, async () => {
      await (await wb.findRow(nsRow(ns1))).click({ button: 'right', timeout: 2000 });
      await menuItems.first().waitFor({ state: 'visible', timeout: 5000 });
      return true;
    });
    const menu = (await menuItems.allInnerTexts()).map((t) => t.trim()).filter(Boolean);
    ctx.log(`context menu: ${menu.join(' | ')}`);
    for (const item of ['네임스페이스에서 터미널 열기', '네임스페이스 삭제', 'ip 명령 복사']) {
      assert.ok(menu.includes(item), `the context menu has no "${item}": ${menu.join(' | ')}`);
    }
    await page.waitForTimeout(300);
    ctx.log(`screenshot ${await ctx.screenshot('ko-04-context-menu')}`);
    await page.keyboard.press('Escape');

    // An error the helper sends back, its parts translated: veth-b is moved from a view that no
    // longer matches the kernel.
    const moveB = `${vethB}을(를) 어느 네임스페이스로 옮길까요?`;
    await wb.menuAction(ifRow(vethB), '네임스페이스로 이동...', () => wb.quickInputShows(moveB));
    ip(['-n', ns2, 'link', 'set', 'dev', vethB, 'netns', ns1]);
    await wb.pick(moveB, '호스트');
    const error = (await wb.notification(/오류:/)).replace(/\s+/g, ' ');
    assert.ok(error.includes(`${vethB}을(를) 호스트(으)로 이동 중 오류:`), error);
    ctx.log(`stale move: ${error}`);
    assert.ok(error.includes(`"${vethB}"은(는) 네임스페이스 "${ns2}"에 없습니다(이동되었거나 삭제되었을 수 있습니다).`), error);
    assert.ok(error.includes(`지금은 네임스페이스 "${ns1}"에 있습니다.`), error);
    assert.doesNotMatch(error, /is not in|It is now|failed/, 'English in the error');
    assert.ok(error.includes('Source: 네트워크 네임스페이스'), 'the source is not the Korean display name');
    assert.ok(HANGUL.test(error));
    assert.ok(linkNames(ns1).includes(vethB), `${vethB} was moved after all`);
    await shot('ko-05-helper-error');
  } finally {
    await server?.stop();
    cleanupPrefix(P);
  }
}
