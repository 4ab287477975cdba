// netns.clearCheckMarks
//   ()   removes the marks of the last connectivity check from the tree's rows; returns how many.

import type { CommandContext } from '../context';

export async function clearCheckMarks(ctx: CommandContext): Promise<number> {
  return ctx.checkMarks.clear();
}
