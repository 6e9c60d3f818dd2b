// "Did you mean …?" for a name typed on the command line (an event type): the known name the
// fewest single-character edits away, so even a type missing its whole suffix gets a suggestion.

/**
 * The name of `known` closest to `typed`: the same letters in another case first, then the
 * smallest Levenshtein distance (ties: the first listed). `undefined` only when `known` is empty.
 *
 * @example
 * ```ts
 * nearestName('compliance.decision', ['compliance.status_changed', 'compliance.decision_made']);
 * // 'compliance.decision_made'
 * ```
 */
export function nearestName(typed: string, known: readonly string[]): string | undefined {
  const lower = typed.toLowerCase();
  const sameLetters = known.find((name) => name.toLowerCase() === lower);
  if (sameLetters !== undefined) return sameLetters;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const name of known) {
    const distance = levenshtein(lower, name.toLowerCase());
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  return best;
}

/** Insertions, deletions and substitutions, each costing 1 (UTF-16 code units). */
export function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(
        Math.min(
          (previous[j] as number) + 1,
          (current[j - 1] as number) + 1,
          (previous[j - 1] as number) + cost,
        ),
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}
