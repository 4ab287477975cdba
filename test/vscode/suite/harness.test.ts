// Smoke test of the harness itself: the suite runs inside a real VS Code 1.100 extension host,
// with the test workspace open and this extension loaded in development mode.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';

describe('vscode test harness', () => {
  it('runs inside a VS Code 1.100 extension host', () => {
    assert.match(vscode.version, new RegExp(`^${(process.env.NETNS_TEST_VSCODE_VERSION ?? '1.100').replace(/\./g, '\\.')}`));
    assert.equal(typeof vscode.window.createTreeView, 'function');
    assert.equal(typeof vscode.commands.executeCommand, 'function');
  });

  it('has the test workspace folder open', () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 1);
    const dir = folders[0].uri.fsPath;
    assert.ok(fs.statSync(dir).isDirectory());
    if (process.env.NETNS_TEST_WORKSPACE) {
      assert.equal(dir, process.env.NETNS_TEST_WORKSPACE);
    }
  });

  it('loads the extension under test', () => {
    const ext = vscode.extensions.getExtension('vscode-netns.vscode-netns');
    assert.ok(ext, 'vscode-netns.vscode-netns is not loaded');
    if (process.env.NETNS_TEST_EXTENSION_PATH) {
      assert.equal(ext.extensionPath, process.env.NETNS_TEST_EXTENSION_PATH);
    }
  });
});
