// "Did you mean …?": the valid names nearest to a name that is not one, for error messages.
// A name is near when it differs only in case, `_`/`-` or spelling by an edit or two (the
// misspellings people make: `epoch`, `batch_size`, `patiense`), is the initials of a
// camelCase name (`lr` for learningRate), or contains one (`lossFunction`, `workers`).

/** Names often typed for ours, from other libraries (brain.js, Keras, PyTorch). */
const ALIASES: Readonly<Record<string, string>> = {
  iterations: 'epochs', nepochs: 'epochs', numepochs: 'epochs', lr: 'learningRate', eta: 'learningRate',
  acc: 'accuracy', valacc: 'val_accuracy', meanabsoluteerror: 'mae', valmeanabsoluteerror: 'val_mae',
};

/**
 * The valid names nearest to `name` (several only when equally near), or none when nothing is
 * near. `strict` (for values such as 'relu' or 'adam', where a different valid-looking name is
 * usually meant as itself: 'adamax', 'float16') allows one edit and no containment.
 */
export function nearestNames(name: string, valid: readonly string[], strict = false): string[] {
  const key = normalise(name);
  const same = valid.filter((v) => normalise(v) === key);
  if (same.length) return same;
  const alias = ALIASES[key];
  if (alias !== undefined && valid.includes(alias)) return [alias];
  const initials = valid.filter((v) => key.length >= 2 && initialsOf(v) === key);
  if (initials.length) return initials;
  const limit = strict ? 1 : Math.max(1, Math.min(3, Math.floor(key.length / 3)));
  let best: string[] = [];
  let bestDistance = limit + 1;
  for (const v of valid) {
    const d = editDistance(key, normalise(v));
    if (d > limit) continue;
    if (d < bestDistance) [best, bestDistance] = [[v], d];
    else if (d === bestDistance) best.push(v);
  }
  if (best.length || strict) return best;
  return valid.filter((v) => normalise(v).length >= 3 && (key.includes(normalise(v)) || (key.length >= 3 && normalise(v).startsWith(key))));
}

/** "did you mean 'epochs'?" (or "'beta1' or 'beta2'"), or '' when nothing is near. */
export function didYouMean(name: string, valid: readonly string[], strict = false): string {
  const near = nearestNames(name, valid, strict);
  return near.length ? `did you mean ${near.map((v) => `'${v}'`).join(' or ')}?` : '';
}

function normalise(name: string): string {
  return name.toLowerCase().replace(/[_\-\s]/g, '');
}

function initialsOf(name: string): string {
  return (name[0] + name.slice(1).replace(/[^A-Z]/g, '')).toLowerCase();
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}
