/**
 * A list of serials as a person pastes it: one a line, or separated by commas, semicolons, tabs or spaces (a
 * spreadsheet column, a mail). Kept in the order given, each once; the repeats are named, since the API refuses a
 * list that names a serial twice and a person wants to know which line was doubled.
 */
export function parseSerialList(text: string): { serials: string[]; repeated: string[] } {
  const serials: string[] = [];
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const raw of text.split(/[\s,;]+/)) {
    const s = raw.trim();
    if (s === '') continue;
    if (seen.has(s)) repeated.add(s);
    else {
      seen.add(s);
      serials.push(s);
    }
  }
  return { serials, repeated: [...repeated] };
}

/** A list of serials in a URL parameter (one a line), so that a pasted list has a deep link. */
export const serialsParam = (serials: readonly string[]): string => serials.join('\n');
