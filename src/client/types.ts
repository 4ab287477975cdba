// What the extension sees of the helper: typed requests, change events, and the connection state.
// No vscode import here, so the client can be driven from plain Node tests.

import { localParts, msg } from '../core/messages';
import type { CaptureEvent, ChangeEvent, ErrorBody, HelloResult, Op, Params, Result } from '../core/protocol';

export type PrivilegeMethod = 'auto' | 'pkexec' | 'sudo';

export type HelperState =
  | { kind: 'stopped' }
  | { kind: 'starting' }
  | { kind: 'running'; hello: HelloResult; via: 'root' | 'pkexec' | 'sudo' | 'unprivileged'; installed?: string }
  | { kind: 'failed'; error: LaunchError };

/** Why the helper could not be started, each told apart so the user gets the right advice. */
export type LaunchFailure =
  | 'no-escalation' // neither pkexec nor sudo is installed
  | 'no-polkit' // polkit cannot be reached (no system D-Bus or polkitd), and sudo could not ask either
  | 'no-polkit-agent' // pkexec found no authentication agent, and sudo could not ask either
  | 'not-authorized' // polkit or sudoers said no
  | 'wrong-password' // sudo did not accept the password typed (three times)
  | 'cancelled' // the user dismissed the authentication prompt
  | 'password-required' // sudo needs a password and none may be asked for (askPassword is off)
  | 'helper-missing' // the helper file (or the installed one) is missing or not root-owned
  | 'exited' // it started, then died before answering hello
  | 'protocol'; // it answered something that is not our helper

export class LaunchError extends Error {
  constructor(
    readonly failure: LaunchFailure,
    message: string,
    readonly detail?: string,
  ) {
    super(message);
  }
}

/** A request that failed inside the helper, with the helper's code and user-facing message. */
export class HelperError extends Error {
  readonly code: ErrorBody['code'];
  readonly detail?: string;
  constructor(body: ErrorBody) {
    // The helper sends its message in parts too, so it can be shown in the user's language.
    super(body.parts ? localParts(body.parts) : body.message);
    this.code = body.code;
    this.detail = body.detail;
  }
}

/** The helper died while this request was in flight: it may or may not have been carried out. */
export class HelperLostError extends Error {
  constructor(readonly op: Op) {
    super(
      msg(
        'The privileged helper stopped while "{0}" was running; it may or may not have taken effect. The view will refresh; check the result before trying again.',
        op,
      ),
    );
  }
}

export interface NetnsClient {
  readonly state: HelperState;
  /** Starts the helper if it is not running (authenticating at most once per window). */
  start(): Promise<HelloResult>;
  request<O extends Op>(op: O, params: Params<O>): Promise<Result<O>>;
  /**
   * Turns change events on or off. On: the running helper is asked to watch (resolving to its
   * answer; undefined when none runs) and every helper started later is asked too. Off: a helper
   * that watches is asked to stop.
   */
  setWatching(on: boolean): Promise<Result<'watch'> | undefined>;
  onEvent(listener: (e: ChangeEvent) => void): { dispose(): void };
  /** Packets and ends of the captures this client started (startCapture). */
  onCapture(listener: (e: CaptureEvent) => void): { dispose(): void };
  onStateChange(listener: (s: HelperState) => void): { dispose(): void };
  dispose(): void;
}
