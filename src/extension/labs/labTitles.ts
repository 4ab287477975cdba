// What the example labs are called and what they hold, in the user's language.

import * as vscode from 'vscode';
import type { ExampleLabId } from '../../core/labs/examples';

export function labTitle(id: string): string {
  switch (id as ExampleLabId) {
    case 'veth':
      return vscode.l10n.t('Two namespaces joined by a veth pair');
    case 'bridge':
      return vscode.l10n.t('Three namespaces on a bridge');
    case 'router':
      return vscode.l10n.t('Two subnets joined by a router namespace');
    default:
      return id;
  }
}

export function labDetail(id: string): string {
  switch (id as ExampleLabId) {
    case 'veth':
      return vscode.l10n.t('ns1 (10.0.0.1/24) and ns2 (10.0.0.2/24), as in the ip netns walkthrough');
    case 'bridge':
      return vscode.l10n.t('h1, h2, h3 in 10.0.1.0/24, each with a veth to bridge br0 in namespace sw');
    case 'router':
      return vscode.l10n.t('a (10.0.1.0/24) and b (10.0.2.0/24), routed through r with IPv4 forwarding on');
    default:
      return '';
  }
}
