/**
 * "Did you mean" for a mistyped name: the candidate closest to it by edit distance (Levenshtein),
 * if one is close enough. Used for unknown keys of environment files and unknown command-line
 * options alike.
 */

/** Options of {@link nearestWord}. */
export interface NearestWordOptions {
  /** The most edits a candidate may be away. @default 2 */
  readonly maxDistance?: number;
  /** Compare letters without regard to case (`Replicas` is 0 edits from `replicas`). @default false */
  readonly ignoreCase?: boolean;
}

/** Insertions, deletions and substitutions that turn `a` into `b`. */
export function editDistance(a: string, b: string, ignoreCase = false): number {
  const [x, y] = ignoreCase ? [a.toLowerCase(), b.toLowerCase()] : [a, b];
  const row = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= x.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= y.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (x[i - 1] === y[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[y.length]!;
}

/** The first of the closest `candidates` to `word`, or undefined when none is within `maxDistance`. */
export function nearestWord(word: string, candidates: readonly string[], options: NearestWordOptions = {}): string | undefined {
  const max = options.maxDistance ?? 2;
  return candidates
    .map((c) => ({ c, d: editDistance(word, c, options.ignoreCase) }))
    .filter((x) => x.d <= max)
    .sort((x, y) => x.d - y.d)[0]?.c;
}
