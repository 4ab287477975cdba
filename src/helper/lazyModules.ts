// Node modules that the helper's first answers (hello, names, snapshots) do not use, loaded on
// first use: at the top of the bundle each would cost every start a few milliseconds (crypto about
// 6, child_process about 3, on a 2-core machine).

import type * as ChildProcess from 'node:child_process';
import type * as Crypto from 'node:crypto';

/* eslint-disable @typescript-eslint/no-require-imports */
export const childProcess = (): typeof ChildProcess => require('node:child_process') as typeof ChildProcess;
export const crypto = (): typeof Crypto => require('node:crypto') as typeof Crypto;
