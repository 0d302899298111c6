/**
 * The name among `names` that `given` most likely misspells, or undefined when none is close: at most one
 * edit per three letters (at least one, at most three), counting a swap of two neighbours as one edit and
 * ignoring case. What ky and compilers do to say "did you mean".
 */
export function closestName(given: string, names: Iterable<string>): string | undefined {
  const limit = Math.min(3, Math.max(1, Math.ceil(given.length / 3)));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const name of names) {
    const distance = editDistance(given.toLowerCase(), name.toLowerCase());
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  return best;
}

/** Insertions, deletions, substitutions and swaps of neighbours that turn `a` into `b` (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  // Three rows of the table: two back (for swaps), the previous one and the current one.
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let distance = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) distance = Math.min(distance, before[j - 2] + 1);
      current.push(distance);
    }
    before = previous;
    previous = current;
  }
  return previous[b.length];
}
