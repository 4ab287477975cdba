// The askpass program sudo runs (`sudo -A`, via SUDO_ASKPASS) when it needs the user's password.
// It runs as the user, asks the extension over a private unix socket (path and a one-time token
// in the environment, set by the extension's wrapper), and prints the password on stdout for sudo. Exit 1 with no output tells sudo
// the user cancelled. The password is never written anywhere else.
//
//   argv[2]: sudo's prompt, e.g. "[sudo] password for alice: "

import * as net from 'node:net';

export const ASKPASS_SOCKET_ENV = 'NETNS_ASKPASS_SOCKET';
export const ASKPASS_TOKEN_ENV = 'NETNS_ASKPASS_TOKEN';

/** What the extension answers: a password, or a cancel. */
export type AskpassAnswer = { password: string } | { cancel: true };

function main(): void {
  const socketPath = process.env[ASKPASS_SOCKET_ENV];
  const token = process.env[ASKPASS_TOKEN_ENV];
  if (!socketPath || !token) {
    process.stderr.write('askpass: started without the extension; nothing to ask\n');
    process.exit(1);
  }
  const sock = net.createConnection(socketPath);
  let buf = '';
  let done = false;
  const finish = (code: number, out?: string) => {
    if (done) {
      return;
    }
    done = true;
    sock.destroy();
    if (out === undefined) {
      process.exit(code);
    }
    process.stdout.write(out, () => process.exit(code));
  };
  sock.setEncoding('utf8');
  sock.on('connect', () => {
    sock.write(JSON.stringify({ token, prompt: process.argv[2] ?? '' }) + '\n');
  });
  sock.on('data', (d: string) => {
    buf += d;
    const nl = buf.indexOf('\n');
    if (nl === -1) {
      return;
    }
    let answer: AskpassAnswer;
    try {
      answer = JSON.parse(buf.slice(0, nl)) as AskpassAnswer;
    } catch {
      finish(1);
      return;
    }
    if ('password' in answer && typeof answer.password === 'string') {
      finish(0, answer.password + '\n');
    } else {
      finish(1);
    }
  });
  sock.on('error', (e) => {
    process.stderr.write(`askpass: cannot reach the extension: ${e.message}\n`);
    finish(1);
  });
  sock.on('close', () => finish(1));
}

if (require.main === module) {
  main();
}
