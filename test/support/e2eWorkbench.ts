// What a user does in the workbench, as playwright steps: the command palette, QuickPicks and
// InputBoxes, the Network Namespaces tree (rows, expansion, context menus, drag and drop),
// notifications, dialogs and the terminal. Selectors are the workbench's own roles and classes.

import type { Locator, Page } from 'playwright-core';

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Polls `check` until it returns a value other than undefined/false; throws `what` on timeout. */
export async function waitUntil<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) {
        return v;
      }
    } catch (e) {
      last = e;
    }
    if (Date.now() > until) {
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? ` (${(last as Error).message})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * A tree row: its accessible label, and the name typed to find it in the tree: the start of the
 * row's visible label, without spaces (a space typed into the tree toggles the focused row).
 */
export interface RowRef {
  label: RegExp;
  name: string;
}

/** One visible row of a tree, as the workbench exposes it to screen readers. */
export interface TreeRow {
  index: number;
  level: number;
  label: string;
  expanded?: boolean;
}

export class Workbench {
  constructor(
    readonly page: Page,
    private readonly log: (...args: unknown[]) => void = () => undefined,
  ) {}

  /** Moves the pointer to an empty spot of the editor area, so no hover lingers in screenshots. */
  rest(): Promise<void> {
    return this.page.mouse.move(700, 450);
  }

  // ---- command palette, QuickPick, InputBox ----------------------------------------------------

  get quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  get quickInputBox(): Locator {
    return this.quickInput.locator('.quick-input-box input');
  }

  /** Runs a command from the palette (F1), clicking the entry with exactly this title. */
  async runCommand(title: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      await this.page.keyboard.press('F1');
      if (!(await this.quickInputBox.waitFor({ state: 'visible', timeout: 5000 }).then(() => true, () => false))) {
        // Focus was somewhere that kept the key (a terminal, a webview): out of it, then again.
        await this.page.keyboard.press('Escape');
        await this.page.locator('.part.statusbar').click({ position: { x: 600, y: 10 } });
        await this.page.keyboard.press('Control+Shift+P');
        await this.quickInputBox.waitFor({ state: 'visible' });
      }
      // A terminal or webview that takes the focus just after closes the palette again, before
      // the text is in or before the row is clicked: then all of it once more.
      const timeout = attempt < 3 ? 5000 : undefined;
      const done = await this.quickInputBox
        .fill(`>${title}`, { timeout })
        .then(() => this.quickPickRow(title).click({ timeout }))
        .then(() => true, (e: Error) => (attempt < 3 ? false : Promise.reject(e)));
      if (done) {
        break;
      }
      this.log(`runCommand: the palette closed before "${title}" was picked; opening it again`);
    }
    await this.rest();
  }

  /**
   * A QuickPick row whose label is `label` (the aria-label adds ", description"), and whose
   * description holds `within` when given: another namespace of the machine may have the same address.
   */
  quickPickRow(label: string, within?: string): Locator {
    const rest = within === undefined ? '(,|$)' : `, .*${escapeRe(within)}`;
    return this.quickInput.getByRole('option', { name: new RegExp(`^${escapeRe(label)}${rest}`) });
  }

  /** Waits until the open quick input shows `text` (title, prompt, placeholder or message). */
  async waitForQuickInput(text: string): Promise<void> {
    await waitUntil(`the quick input to show "${text}"`, () => this.quickInputShows(text));
  }

  /**
   * Picks the row labelled `label` in the QuickPick that shows `expect`, typing the label first
   * as a user would: the list draws only the rows in view, and it may be long.
   */
  async pick(expect: string, label: string, within?: string): Promise<void> {
    await this.waitForQuickInput(expect);
    await this.quickInputBox.fill(label);
    await this.quickPickRow(label, within).click();
    await this.rest();
  }

  /** Types into the InputBox that shows `expect` and presses Enter. */
  async answer(expect: string, text: string): Promise<void> {
    await this.waitForQuickInput(expect);
    await this.quickInputBox.fill(text);
    await this.quickInputBox.press('Enter');
  }

  /**
   * The message under the input box once it matches `re` (validation runs in the extension host,
   * so the prompt stays a moment after typing).
   */
  async inputMessage(re: RegExp): Promise<string> {
    const msg = this.quickInput.locator('.quick-input-message');
    return waitUntil(`an input message matching ${re}`, async () => {
      const text = (await msg.isVisible()) ? (await msg.innerText()).trim() : '';
      return re.test(text) ? text : false;
    });
  }

  async waitQuickInputClosed(): Promise<void> {
    await this.quickInput.waitFor({ state: 'hidden' });
  }

  // ---- views ----------------------------------------------------------------------------------

  /** Clicks the activity bar entry and moves the pointer away so its hover does not linger. */
  async openContainer(title: RegExp): Promise<void> {
    const tab = this.page.getByRole('tab', { name: title });
    if ((await tab.getAttribute('aria-selected')) !== 'true') {
      await tab.click();
    }
    await this.rest();
  }

  /** Drags the sash at the side bar's edge so rows and their descriptions fit. */
  async widenSideBar(width: number): Promise<void> {
    const box = await this.page.locator('.part.sidebar').boundingBox();
    if (!box || Math.abs(box.width - width) < 5) {
      return;
    }
    const y = box.y + box.height / 2;
    await this.page.mouse.move(box.x + box.width - 1, y);
    await this.page.mouse.down();
    await this.page.mouse.move(box.x + width, y, { steps: 5 });
    await this.page.mouse.up();
    await this.rest();
  }

  // ---- the tree -------------------------------------------------------------------------------

  get sideBar(): Locator {
    return this.page.locator('.part.sidebar');
  }

  private get tree(): Locator {
    return this.sideBar.locator('.monaco-list[role=tree]').first();
  }

  /** The row's locator (whether or not the tree has drawn it). */
  row(ref: RowRef): Locator {
    return this.sideBar.getByRole('treeitem', { name: ref.label });
  }

  /** The rows the side bar's tree has drawn, top to bottom. */
  async rows(): Promise<TreeRow[]> {
    const rows = await this.sideBar.locator('[role=treeitem]').evaluateAll((els) =>
      els.map((e) => ({
        index: Number(e.getAttribute('data-index')),
        level: Number(e.getAttribute('aria-level')),
        label: e.getAttribute('aria-label') ?? '',
        expanded: e.hasAttribute('aria-expanded') ? e.getAttribute('aria-expanded') === 'true' : undefined,
      })),
    );
    return rows.sort((a, b) => a.index - b.index);
  }

  /** Labels of the drawn rows directly under the (expanded) row `parent`. */
  async childrenOf(parent: RowRef): Promise<string[]> {
    const rows = await this.rows();
    const at = rows.findIndex((r) => parent.label.test(r.label));
    if (at < 0) {
      throw new Error(`no row matches ${parent.label}; rows: ${rows.map((r) => r.label).join(' | ')}`);
    }
    const out: string[] = [];
    for (const r of rows.slice(at + 1)) {
      if (r.level <= rows[at].level) {
        break;
      }
      if (r.level === rows[at].level + 1) {
        out.push(r.label);
      }
    }
    return out;
  }

  /**
   * Returns the row, bringing it on screen first if the tree has not drawn it: the list draws
   * only the rows in view, and other namespaces on the machine (hundreds, at times) may push ours
   * far down. Like a user, it types the row's name into the focused tree, whose type navigation
   * focuses and reveals the first row starting with it. While namespaces come and go by the
   * hundred, each refresh of the tree can cut that short; then it pages through the tree from the
   * top instead (focus moves survive refreshes).
   */
  async findRow(ref: RowRef, timeoutMs = 30_000): Promise<Locator> {
    if (/\s/.test(ref.name)) {
      throw new Error(`findRow: "${ref.name}" has a space, which would toggle the focused row when typed`);
    }
    const row = this.row(ref);
    const found = async () => (await row.count()) > 0;
    let attempt = 0;
    await waitUntil(`a tree row matching ${ref.label}`, async () => {
      if (await found()) {
        return true;
      }
      if (!(await this.focusTree())) {
        return false;
      }
      if (attempt++ % 2 === 0) {
        await this.page.keyboard.type(ref.name, { delay: 20 });
        await this.page.waitForTimeout(300);
      } else {
        await this.page.keyboard.press('Home');
        let last: string | undefined;
        for (let i = 0; i < 500 && !(await found()); i++) {
          if (!(await this.focusTree())) {
            return false;
          }
          await this.page.keyboard.press('PageDown');
          const { focused } = await this.marked();
          if (focused === last) {
            break; // the end of the tree
          }
          last = focused;
        }
      }
      await this.rest(); // no hover tooltip over the rows
      return found();
    }, timeoutMs);
    return row;
  }

  /** Gives the tree keyboard focus; false when it did not take it (keys then go nowhere). */
  private async focusTree(): Promise<boolean> {
    await this.tree.focus();
    return this.tree.evaluate((e) => e.contains(e.ownerDocument.activeElement));
  }

  /** The tree's focused row and selected rows (their labels). */
  private async marked(): Promise<{ focused?: string; selected: string[] }> {
    return this.tree.evaluate((tree) => ({
      focused: tree.querySelector('.monaco-list-row.focused')?.getAttribute('aria-label') ?? undefined,
      selected: [...tree.querySelectorAll('.monaco-list-row[aria-selected=true]')].map((e) => e.getAttribute('aria-label') ?? ''),
    }));
  }

  /** Scrolls so the row is near the top of the tree and the rows below it (its children) are drawn. */
  async scrollToTop(ref: RowRef): Promise<void> {
    const row = await this.findRow(ref);
    const [r, t] = await Promise.all([row.boundingBox(), this.tree.boundingBox()]);
    if (r && t && r.y - t.y > 22) {
      await this.page.mouse.move(t.x + t.width / 2, t.y + t.height / 2);
      await this.page.mouse.wheel(0, r.y - t.y);
      await this.page.waitForTimeout(100);
      await this.rest();
    }
  }

  /**
   * Expands (or collapses) a row through its twistie. Rows move when other namespaces come and
   * go, so a click that hit another row is simply repeated.
   */
  async expand(ref: RowRef, expanded = true): Promise<void> {
    const want = String(expanded);
    await waitUntil(`${ref.label} to ${expanded ? 'expand' : 'collapse'}`, async () => {
      const row = await this.findRow(ref);
      if ((await row.getAttribute('aria-expanded')) === want) {
        return true;
      }
      await row.locator('.monaco-tl-twistie').click({ timeout: 2000 });
      await this.page.waitForTimeout(200);
      return (await row.getAttribute('aria-expanded')) === want;
    });
  }

  async collapse(ref: RowRef): Promise<void> {
    await this.expand(ref, false);
  }

  /** Clicks the first row and Ctrl+clicks the others until exactly these rows are selected. */
  async select(refs: RowRef[]): Promise<void> {
    await waitUntil(`a selection of ${refs.map((r) => r.name).join(', ')}`, async () => {
      for (const [i, ref] of refs.entries()) {
        await (await this.findRow(ref)).click({ modifiers: i === 0 ? [] : ['Control'], timeout: 2000 });
      }
      const { selected } = await this.marked();
      return selected.length === refs.length && refs.every((r) => selected.some((s) => r.label.test(s)));
    });
  }

  /**
   * Right-clicks the row and chooses `item` from its context menu. The menu is used only once
   * the tree shows that row focused: rows move when other namespaces come and go, and a
   * right-click that landed on another row (eth0, say) must not act on it.
   */
  async contextMenu(ref: RowRef, item: string): Promise<void> {
    const entry = this.page.getByRole('menuitem', { name: item, exact: true });
    await waitUntil(`a context menu on ${ref.label}`, async () => {
      await (await this.findRow(ref)).click({ button: 'right', timeout: 2000 });
      await entry.waitFor({ state: 'visible', timeout: 5000 });
      const { focused } = await this.marked();
      if (focused !== undefined && ref.label.test(focused)) {
        return true;
      }
      await this.page.keyboard.press('Escape');
      await entry.waitFor({ state: 'hidden', timeout: 5000 });
      return false;
    });
    // A click that lands while the menu is still being laid out is ignored: repeat until it closes.
    await waitUntil(`the context menu entry "${item}" to run`, async () => {
      if (!(await entry.isVisible())) {
        return true;
      }
      await this.page.waitForTimeout(200);
      await entry.click({ timeout: 2000 }).catch(() => undefined);
      return false;
    });
    await this.rest();
  }

  /**
   * Runs a context menu action and waits until `done()` sees its outcome (a QuickPick with the
   * expected text, a dialog, a terminal). When the namespace list changes at that very moment
   * (hundreds of namespaces coming and going), the workbench may hand the command no row at all,
   * and the command then asks which item to act on; that question is cancelled and the action
   * done again from the row.
   */
  async menuAction(ref: RowRef, item: string, done: () => Promise<boolean>): Promise<void> {
    await waitUntil(`"${item}" on ${ref.label} to take effect`, async () => {
      await this.contextMenu(ref, item);
      const outcome = await waitUntil(`the outcome of "${item}"`, async () => {
        if (await done()) {
          return 'done';
        }
        return (await this.quickInput.isVisible()) ? 'asked' : false;
      });
      if (outcome === 'done') {
        return true;
      }
      this.log(`"${item}" reached the command without its row (the tree was being refreshed); doing it again`);
      await this.page.keyboard.press('Escape');
      await this.waitQuickInputClosed();
      return false;
    }, 60_000);
  }

  /** True when the open quick input shows `text` (title, prompt, placeholder or message). */
  async quickInputShows(text: string): Promise<boolean> {
    if (!(await this.quickInput.isVisible())) {
      return false;
    }
    const placeholder = (await this.quickInputBox.getAttribute('placeholder')) ?? '';
    return placeholder.includes(text) || (await this.quickInput.innerText()).includes(text);
  }

  /**
   * Drags one row onto another with the HTML5 drag events the tree listens to (dragstart on the
   * source; dragenter, dragover, drop and dragend on the target; one DataTransfer), so the drop
   * goes through the view's drag and drop controller. Each event goes to the row found by its
   * label at that moment, not to coordinates: rows move when other namespaces come and go, and a
   * pointer drag that picked up the row above (eth0, say) would move the wrong interface. In
   * between, the target is brought on screen as a user would.
   */
  async dragRow(source: RowRef, target: RowRef): Promise<void> {
    const dispatch = (types: string[], pattern: string): Promise<string | undefined> =>
      this.tree.evaluate(
        (tree, { types, pattern }) => {
          // The page's DOM, typed here without the DOM library (the tests compile for Node).
          const page = globalThis as unknown as {
            DataTransfer: new () => object;
            DragEvent: new (type: string, init: object) => object;
            netnsDrag?: object;
          };
          const re = new RegExp(pattern);
          const row = [...tree.querySelectorAll('[role=treeitem]')].find((e) => re.test(e.getAttribute('aria-label') ?? ''));
          if (!row) {
            return undefined;
          }
          if (types[0] === 'dragstart') {
            page.netnsDrag = new page.DataTransfer();
          }
          const r = row.getBoundingClientRect();
          const init = { bubbles: true, cancelable: true, dataTransfer: page.netnsDrag, clientX: r.x + 20, clientY: r.y + r.height / 2 };
          for (const type of types) {
            row.dispatchEvent(new page.DragEvent(type, init) as Parameters<typeof row.dispatchEvent>[0]);
          }
          return row.getAttribute('aria-label') ?? '';
        },
        { types, pattern },
      );
    await this.findRow(source);
    if ((await dispatch(['dragstart'], source.label.source)) === undefined) {
      throw new Error(`no row matching ${source.label} to drag`);
    }
    await this.findRow(target);
    if ((await dispatch(['dragenter', 'dragover', 'drop', 'dragend'], target.label.source)) === undefined) {
      throw new Error(`no row matching ${target.label} to drop on`);
    }
  }

  // ---- notifications, dialogs ----------------------------------------------------------------

  /** Waits for a notification toast whose text matches and returns its text. */
  async notification(text: RegExp, timeoutMs = 15_000): Promise<string> {
    const toast = this.page.locator('.notifications-toasts .notification-toast').filter({ hasText: text }).first();
    await toast.waitFor({ state: 'visible', timeout: timeoutMs });
    return toast.innerText();
  }

  /**
   * Waits until no progress notification is running and toasts have finished fading in or out,
   * so a screenshot shows the outcome rather than the work.
   */
  async settle(): Promise<void> {
    const running = this.page.locator('.notifications-toasts .notification-toast .monaco-progress-container.active');
    await waitUntil('progress notifications to end', async () => (await running.count()) === 0, 10_000).catch(() => undefined);
    await this.page.waitForTimeout(400);
  }

  async clearNotifications(): Promise<void> {
    await this.runCommand('Notifications: Clear All Notifications');
    await this.page
      .locator('.notifications-toasts .notification-toast')
      .first()
      .waitFor({ state: 'hidden', timeout: 5000 })
      .catch(() => undefined);
  }

  get dialog(): Locator {
    return this.page.locator('.monaco-dialog-box');
  }

  // ---- terminal -------------------------------------------------------------------------------

  get terminalText(): Locator {
    return this.page.locator('.terminal-wrapper.active .xterm-rows').first();
  }

  /** Waits for the active terminal's shell prompt, then types `line` and Enter. */
  async typeInTerminal(line: string): Promise<void> {
    const term = this.page.locator('.terminal-wrapper.active .xterm').first();
    await term.waitFor({ state: 'visible' });
    await waitUntil('a shell prompt in the terminal', async () => /[$#] *$/m.test(await this.terminalText.innerText()));
    await term.click();
    await this.page.keyboard.type(line);
    await this.page.keyboard.press('Enter');
  }

  /** Waits until the active terminal shows text matching `re`; returns all its text. */
  async terminalShows(re: RegExp, timeoutMs = 15_000): Promise<string> {
    return waitUntil(`the terminal to show ${re}`, async () => {
      const t = await this.terminalText.innerText();
      return re.test(t) ? t : false;
    }, timeoutMs);
  }
}
