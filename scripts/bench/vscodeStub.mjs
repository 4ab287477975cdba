// Just enough of the `vscode` module for the tree provider to run in plain Node, so the time of its
// own work (getChildren, getTreeItem) at N namespaces can be measured apart from the workbench's
// rendering and messaging. Settings read as their defaults.

export class EventEmitter {
  listeners = new Set();
  event = (l) => {
    this.listeners.add(l);
    return { dispose: () => this.listeners.delete(l) };
  };
  fire(e) {
    for (const l of [...this.listeners]) {
      l(e);
    }
  }
  dispose() {
    this.listeners.clear();
  }
}

export const TreeItemCollapsibleState = { None: 0, Collapsed: 1, Expanded: 2 };

export class TreeItem {
  constructor(label, collapsibleState = TreeItemCollapsibleState.None) {
    this.label = label;
    this.collapsibleState = collapsibleState;
  }
}

export class ThemeIcon {
  constructor(id, color) {
    this.id = id;
    this.color = color;
  }
}

export class ThemeColor {
  constructor(id) {
    this.id = id;
  }
}

export class MarkdownString {
  constructor(value = '', supportThemeIcons = false) {
    this.value = value;
    this.supportThemeIcons = supportThemeIcons;
  }
  appendMarkdown(s) {
    this.value += s;
    return this;
  }
  appendText(s) {
    this.value += s;
    return this;
  }
  appendCodeblock(s) {
    this.value += `\n\`\`\`\n${s}\n\`\`\`\n`;
    return this;
  }
}

export const l10n = {
  t(message, ...args) {
    const text = typeof message === 'string' ? message : message.message;
    const values = args.length === 1 && typeof args[0] === 'object' && args[0] !== null ? args[0] : args;
    return text.replace(/\{(\w+)\}/g, (m, k) => (values[k] !== undefined ? String(values[k]) : m));
  },
};

export const workspace = {
  getConfiguration: () => ({ get: (_key, dflt) => dflt }),
  onDidChangeConfiguration: () => ({ dispose() {} }),
};

/** Row URIs (the check marks' resourceUri): Uri.from and Uri.parse, compared by their text, never opened. */
export class Uri {
  constructor(scheme, path) {
    this.scheme = scheme;
    this.path = path;
  }
  static from({ scheme, path = '' }) {
    return new Uri(scheme, path);
  }
  static parse(text) {
    const i = text.indexOf(':');
    return new Uri(text.slice(0, i), text.slice(i + 1));
  }
  toString() {
    return `${this.scheme}:${this.path}`;
  }
}
