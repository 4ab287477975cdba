// What a lab's schema cannot say: names that clash, an interface declared in two places, a port
// or a VLAN parent that is not there, a route whose gateway no connected prefix of its namespace
// reaches. Each problem names its place in the lab, for the editor.

import { msg } from '../messages';
import type { Interface, Namespace } from '../model';
import { netemProblem } from '../netem';
import { gatewayProblem } from '../routeCheck';
import { parseAddress, parseCidr, parseRouteDestination, validateInterfaceName, validateNamespaceName } from '../validate';
import { autoEndName, labNetnsName, labPrefix, type LabInterfaceSettings, type LabSpec } from './lab';

export interface LabCheckProblem {
  path: (string | number)[];
  message: string;
  severity?: 'error' | 'warning';
}

interface Declared extends LabInterfaceSettings {
  netns: string;
  name: string;
  kind: string;
  path: (string | number)[];
}

function where(path: (string | number)[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('').replace(/^\./, '');
}

export function checkLab(spec: LabSpec): LabCheckProblem[] {
  const out: LabCheckProblem[] = [];
  const prefix = labPrefix(spec);
  const namespaces = new Map<string, number>();
  spec.namespaces.forEach((n, i) => {
    const path = ['namespaces', i, 'name'];
    if (namespaces.has(n.name)) {
      out.push({ path, message: msg('The namespace "{0}" is declared twice (also at namespaces[{1}]).', n.name, namespaces.get(n.name)!) });
      return;
    }
    namespaces.set(n.name, i);
    const problem = validateNamespaceName(labNetnsName(prefix, n.name));
    if (problem) {
      out.push({ path, message: problem });
    }
  });

  const declared: Declared[] = [];
  (spec.veths ?? []).forEach((v, i) => {
    declared.push({ ...v.a, name: v.a.name ?? autoEndName(v.b.netns), kind: 'veth', path: ['veths', i, 'a'] });
    declared.push({ ...v.b, name: v.b.name ?? autoEndName(v.a.netns), kind: 'veth', path: ['veths', i, 'b'] });
  });
  for (const kind of ['bridges', 'dummies', 'vlans'] as const) {
    (spec[kind] ?? []).forEach((d, i) => declared.push({ ...d, kind, path: [kind, i] }));
  }
  const byKey = new Map<string, Declared>();
  for (const d of declared) {
    if (!namespaces.has(d.netns)) {
      out.push({ path: [...d.path, 'netns'], message: msg('"{0}" is not one of the lab\'s namespaces ({1}).', d.netns, [...namespaces.keys()].join(', ')) });
      continue;
    }
    const nameProblem = validateInterfaceName(d.name) ?? (d.name === 'lo' ? msg('"lo" is the namespace\'s own loopback; choose another name.') : undefined);
    if (nameProblem) {
      out.push({ path: [...d.path, 'name'], message: nameProblem });
      continue;
    }
    const key = `${d.netns}/${d.name}`;
    const first = byKey.get(key);
    if (first) {
      out.push({ path: [...d.path, 'name'], message: msg('{0} in {1} is declared twice (also at {2}).', d.name, d.netns, where(first.path)) });
      continue;
    }
    byKey.set(key, d);
    (d.addresses ?? []).forEach((a, j) => {
      const c = parseCidr(a);
      if (typeof c === 'string') {
        out.push({ path: [...d.path, 'addresses', j], message: c });
      }
    });
    if (d.netem) {
      const p = netemProblem(d.netem);
      if (p) {
        out.push({ path: [...d.path, 'netem'], message: p });
      }
    }
  }

  const portOf = new Map<string, string>();
  (spec.bridges ?? []).forEach((br, i) => {
    (br.ports ?? []).forEach((port, j) => {
      const path = ['bridges', i, 'ports', j];
      const key = `${br.netns}/${port}`;
      if (port === br.name) {
        out.push({ path, message: msg('A bridge cannot be a port of itself.') });
      } else if (!byKey.has(key)) {
        out.push({ path, message: msg('{0} is not an interface of {1} in this lab; declare it (a veth end, a dummy...) in {1}.', port, br.netns) });
      } else if (portOf.has(key)) {
        out.push({ path, message: msg('{0} is already a port of {1}; an interface has one master.', port, portOf.get(key)!) });
      } else {
        portOf.set(key, br.name);
      }
    });
  });
  (spec.vlans ?? []).forEach((v, i) => {
    if (v.parent === v.name || !byKey.has(`${v.netns}/${v.parent}`)) {
      out.push({ path: ['vlans', i, 'parent'], message: msg('{0} is not another interface of {1} in this lab; a VLAN needs its parent in the same namespace.', v.parent, v.netns) });
    }
  });

  // Routes, against the namespace as the lab makes it.
  const byNetns = new Map<string, Declared[]>();
  for (const d of byKey.values()) {
    const list = byNetns.get(d.netns) ?? [];
    list.push(d);
    byNetns.set(d.netns, list);
  }
  spec.namespaces.forEach((n, i) => {
    if (!n.routes?.length) {
      return;
    }
    const model: Namespace = {
      name: n.name,
      path: '',
      inode: 0,
      id: '',
      isRoot: false,
      interfaces: (byNetns.get(n.name) ?? []).map((d, k): Interface => ({
        ifindex: k + 1,
        name: d.name,
        kind: d.kind,
        operState: 'UP',
        flags: d.up === false ? [] : ['UP'],
        mtu: 1500,
        addresses: (d.addresses ?? []).flatMap((a) => {
          const c = parseCidr(a);
          return typeof c === 'string' ? [] : [c];
        }),
      })),
    };
    (n.routes ?? []).forEach((r, j) => {
      const path = ['namespaces', i, 'routes', j];
      const to = r.to.trim() === 'default' ? undefined : parseRouteDestination(r.to);
      if (typeof to === 'string') {
        out.push({ path: [...path, 'to'], message: to });
        return;
      }
      if (r.dev !== undefined && r.dev !== 'lo' && !byKey.has(`${n.name}/${r.dev}`)) {
        out.push({ path: [...path, 'dev'], message: msg('{0} is not an interface of {1} in this lab.', r.dev, n.name) });
        return;
      }
      if (r.via !== undefined) {
        const via = parseAddress(r.via);
        const problem = typeof via === 'string' ? via : gatewayProblem(model, r.via, r.dev);
        if (problem) {
          out.push({ path: [...path, 'via'], message: problem });
        }
      } else if (r.dev === undefined) {
        out.push({ path, message: msg('A route needs a gateway ("via"), an interface ("dev"), or both.') });
      }
    });
  });
  return out;
}
