// Every command of the extension, registered from these tables. Each takes the command context
// (and the tree view, if it acts on the view) and whatever VS Code or the caller passed (see the
// argument shapes at the top of each file).

import * as vscode from 'vscode';
import type { TreeNode } from '../tree/nodes';
import type { CommandContext } from './context';
import { addToBridge } from './bridges/addToBridge';
import { createBridge } from './bridges/createBridge';
import { removeFromBridge } from './bridges/removeFromBridge';
import { copyIpCommand } from './common/copyIpCommand';
import { installHelper } from './common/installHelper';
import { refresh } from './common/refresh';
import { showLog } from './common/showLog';
import { showPrivilegesHelp } from './common/showPrivilegesHelp';
import { startHelper } from './common/startHelper';
import { uninstallHelper } from './common/uninstallHelper';
import { addAddress } from './interfaces/addAddress';
import { clearLinkImpairment } from './interfaces/clearLinkImpairment';
import { setLinkImpairment } from './interfaces/setLinkImpairment';
import { createDummyInterface } from './interfaces/createDummyInterface';
import { createVethPair } from './interfaces/createVethPair';
import { createVlanInterface } from './interfaces/createVlanInterface';
import { deleteInterface } from './interfaces/deleteInterface';
import { moveInterface } from './interfaces/moveInterface';
import { removeAddress } from './interfaces/removeAddress';
import { revealInterface, revealPeer } from './interfaces/revealInterface';
import { setInterfaceDown, setInterfaceUp } from './interfaces/setInterfaceState';
import { pingAddress } from './diagnose/pingAddress';
import { inspectNamespace, showFirewall, showNamespaceFiles, showNeighbours, showRoutingRules, showSockets, showSysctls } from './inspect/inspectNamespace';
import { checkConnectivity } from './diagnose/checkConnectivity';
import { checkVethLinks } from './diagnose/checkVethLinks';
import { clearCheckMarks } from './diagnose/clearCheckMarks';
import { clearCaptures, openCapture, openCaptureInWireshark, showCapture } from './capture/openCapture';
import { startCapture, startCaptureWithFilter } from './capture/startCapture';
import { stopAllCaptures, stopCapture } from './capture/stopCapture';
import { createExampleLab } from './labs/createExampleLab';
import { applyLab } from './labs/applyLab';
import { destroyLab } from './labs/destroyLab';
import { diffLab } from './labs/diffLab';
import { exportLabScript } from './labs/exportLabScript';
import { exportStateAsLab } from './labs/exportStateAsLab';
import { removeLab } from './labs/removeLab';
import { attachProcessNamespace } from './namespaces/attachProcessNamespace';
import { createNamespace } from './namespaces/createNamespace';
import { deleteNamespace } from './namespaces/deleteNamespace';
import { openTerminal } from './namespaces/openTerminal';
import { addRoute } from './routes/addRoute';
import { deleteRoute } from './routes/deleteRoute';
import { disableForwarding, enableForwarding } from './namespaces/setForwarding';
import { exportTopology } from './topology/exportTopology';
import { showTopology } from './topology/showTopology';
import { fromTopologyContext } from '../topology/contextArgs';

type Command = (ctx: CommandContext, ...args: unknown[]) => Promise<unknown>;
type ViewCommand = (ctx: CommandContext, view: vscode.TreeView<TreeNode>, ...args: unknown[]) => Promise<unknown>;

export const COMMANDS: Readonly<Record<string, Command>> = {
  'netns.createNamespace': createNamespace,
  'netns.deleteNamespace': deleteNamespace,
  'netns.attachProcessNamespace': attachProcessNamespace,
  'netns.openTerminal': openTerminal,
  'netns.createVethPair': createVethPair,
  'netns.moveInterface': moveInterface,
  'netns.setInterfaceUp': setInterfaceUp,
  'netns.setInterfaceDown': setInterfaceDown,
  'netns.addAddress': addAddress,
  'netns.removeAddress': removeAddress,
  'netns.deleteInterface': deleteInterface,
  'netns.addRoute': addRoute,
  'netns.deleteRoute': deleteRoute,
  'netns.enableForwarding': enableForwarding,
  'netns.disableForwarding': disableForwarding,
  'netns.setLinkImpairment': setLinkImpairment,
  'netns.clearLinkImpairment': clearLinkImpairment,
  'netns.createBridge': createBridge,
  'netns.createDummyInterface': createDummyInterface,
  'netns.createVlanInterface': createVlanInterface,
  'netns.addToBridge': addToBridge,
  'netns.removeFromBridge': removeFromBridge,
  'netns.ping': pingAddress,
  'netns.inspectNamespace': inspectNamespace,
  'netns.showSockets': showSockets,
  'netns.showNeighbours': showNeighbours,
  'netns.showRoutingRules': showRoutingRules,
  'netns.showFirewall': showFirewall,
  'netns.showSysctls': showSysctls,
  'netns.showNamespaceFiles': showNamespaceFiles,
  'netns.checkConnectivity': checkConnectivity,
  'netns.checkVethLinks': checkVethLinks,
  'netns.clearCheckMarks': clearCheckMarks,
  'netns.startCapture': startCapture,
  'netns.startCaptureWithFilter': startCaptureWithFilter,
  'netns.stopCapture': stopCapture,
  'netns.stopAllCaptures': stopAllCaptures,
  'netns.showCapture': showCapture,
  'netns.openCapture': openCapture,
  'netns.openCaptureInWireshark': openCaptureInWireshark,
  'netns.clearCaptures': clearCaptures,
  'netns.createExampleLab': createExampleLab,
  'netns.removeLab': removeLab,
  'netns.applyLab': applyLab,
  'netns.diffLab': diffLab,
  'netns.destroyLab': destroyLab,
  'netns.exportStateAsLab': exportStateAsLab,
  'netns.exportLabScript': exportLabScript,
  'netns.showTopology': showTopology,
  'netns.exportTopology': exportTopology,
  'netns.copyIpCommand': copyIpCommand,
  'netns.refresh': refresh,
  'netns.showLog': showLog,
  'netns.showPrivilegesHelp': showPrivilegesHelp,
  'netns.installHelper': installHelper,
  'netns.uninstallHelper': uninstallHelper,
};

export const VIEW_COMMANDS: Readonly<Record<string, ViewCommand>> = {
  'netns.revealInterface': revealInterface,
  'netns.revealPeer': revealPeer,
  'netns.startHelper': startHelper,
};

export function registerCommands(ctx: CommandContext, view: vscode.TreeView<TreeNode>): vscode.Disposable[] {
  return [
    // A command from the topology view's context menu gets the element's context: the tree's node instead.
    ...Object.entries(COMMANDS).map(([id, run]) => vscode.commands.registerCommand(id, (...args: unknown[]) => run(ctx, ...fromTopologyContext(ctx, args)))),
    ...Object.entries(VIEW_COMMANDS).map(([id, run]) => vscode.commands.registerCommand(id, (...args: unknown[]) => run(ctx, view, ...fromTopologyContext(ctx, args)))),
  ];
}
