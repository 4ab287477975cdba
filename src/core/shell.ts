// Quoting for POSIX shells: for command lines shown to users and for the small scripts the project
// writes (the installed launcher, the askpass wrapper). Nothing is ever run through a shell by the
// helper.

/** Quotes one word for a POSIX shell: only when needed, or `always` (as the scripts the project writes do). */
export function shellQuote(word: string, always = false): string {
  if (!always && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) {
    return word;
  }
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Words joined into one shell command line. */
export function shellLine(words: readonly string[]): string {
  return words.map((w) => shellQuote(w)).join(' ');
}
