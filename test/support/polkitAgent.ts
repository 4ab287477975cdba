// A polkit authentication agent that dismisses every request, the way a desktop agent does when
// its user presses Cancel: BeginAuthentication answers org.freedesktop.PolicyKit1.Error.Cancelled,
// which polkitd reports as dismissed and pkexec as "Request dismissed" (rc 126). pkttyagent cannot
// do this: on EOF or Ctrl-C it dies, and a refused identity choice is a failure ("Not authorized").
// Written against dbus-python (Debian python3-dbus, python3-gi) and run as the test user.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { registerCleanup, type TestUser } from './testUser';

const PYTHON = '/usr/bin/python3';

const AGENT = String.raw`
import json, sys
import dbus, dbus.service, dbus.mainloop.glib
from gi.repository import GLib

pid = int(sys.argv[1])
dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
bus = dbus.SystemBus()
IFACE = 'org.freedesktop.PolicyKit1.AuthenticationAgent'
PATH = '/io/github/vscode_netns/DismissingAgent'

class Dismissed(dbus.DBusException):
    _dbus_error_name = 'org.freedesktop.PolicyKit1.Error.Cancelled'

class Agent(dbus.service.Object):
    @dbus.service.method(IFACE, in_signature='sssa{ss}sa(sa{sv})', out_signature='')
    def BeginAuthentication(self, action_id, message, icon_name, details, cookie, identities):
        print('asked ' + json.dumps({'action': str(action_id), 'message': str(message), 'details': {str(k): str(v) for k, v in details.items()}}), flush=True)
        raise Dismissed('the authentication dialog was dismissed')

    @dbus.service.method(IFACE, in_signature='s', out_signature='')
    def CancelAuthentication(self, cookie):
        pass

Agent(bus, PATH)
with open('/proc/%d/stat' % pid) as f:
    start_time = int(f.read().rsplit(')', 1)[1].split()[19])
subject = dbus.Struct(('unix-process', dbus.Dictionary({'pid': dbus.UInt32(pid), 'start-time': dbus.UInt64(start_time)}, signature='sv')), signature=None)
authority = dbus.Interface(bus.get_object('org.freedesktop.PolicyKit1', '/org/freedesktop/PolicyKit1/Authority'), 'org.freedesktop.PolicyKit1.Authority')
authority.RegisterAuthenticationAgent(subject, 'C', PATH)
print('ready', flush=True)
GLib.MainLoop().run()
`;

/** Why the agent cannot run here, or undefined when it can. */
export function dismissingAgentMissing(): string | undefined {
  const r = spawnSync(PYTHON, ['-c', 'import dbus, dbus.mainloop.glib; from gi.repository import GLib'], { encoding: 'utf8' });
  return r.status === 0 ? undefined : 'needs /usr/bin/python3 with dbus-python and gi (python3-dbus, python3-gi)';
}

export interface DismissingAgent {
  /** What polkitd asked the agent, one entry per BeginAuthentication. */
  asked: { action: string; message: string; details: Record<string, string> }[];
  stop(): void;
}

/** Registers the agent for process `pid` (owned by `user`) and resolves once polkitd accepted it. */
export function startDismissingAgent(user: TestUser, pid: number): Promise<DismissingAgent> {
  const child: ChildProcess = spawn('/usr/sbin/runuser', ['-u', user.name, '--', PYTHON, '-c', AGENT, String(pid)], {
    env: { PATH: '/usr/bin:/bin', HOME: user.home, LC_ALL: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const asked: DismissingAgent['asked'] = [];
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
    }
  };
  registerCleanup(`polkit agent ${child.pid}`, stop);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`the polkit agent did not register: ${stderr}`));
    }, 10_000);
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line === 'ready') {
          clearTimeout(timer);
          resolve({ asked, stop });
        } else if (line.startsWith('asked ')) {
          asked.push(JSON.parse(line.slice(6)) as DismissingAgent['asked'][number]);
        }
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the polkit agent exited (${String(code)}): ${stderr}`));
    });
  });
}
