// User-facing messages made outside the extension (name rules, the helper's errors, the launcher)
// are English templates with {0}-style holes. `msg` formats one with the current translator: plain
// English by default, VS Code's l10n once the extension sets it. A message the helper makes also
// travels as its parts (template and arguments) so the extension can translate what it shows.

export interface MessagePart {
  template: string;
  args: string[];
}

export type Translator = (template: string, args: string[]) => string;

export const english: Translator = (template, args) => template.replace(/\{(\d+)\}/g, (_, i: string) => args[Number(i)] ?? '');

let translate: Translator = english;

/** The extension passes vscode.l10n here; the helper never does. */
export function setTranslator(t: Translator): void {
  translate = t;
}

export function msg(template: string, ...args: (string | number)[]): string {
  return translate(template, args.map(String));
}

/** A message part for the helper's answers: English text now, the parts for translation later. */
export function part(template: string, ...args: (string | number)[]): MessagePart {
  return { template, args: args.map(String) };
}

/** The parts in the current language (what the extension shows). */
export function localParts(parts: MessagePart[]): string {
  return renderParts(parts, translate);
}

export function renderParts(parts: MessagePart[], t: Translator = english): string {
  return parts.map((p) => t(p.template, p.args)).join(' ');
}
