// Uploading 2-D points: rows x,y,label with an optional header. The points are rescaled into the
// plane's square; labels that are all 0 or 1 classify, other numbers regress (rescaled to [−1, 1]).

/** Parses CSV text into { points, kind } or throws an Error whose message names the row. */
export function parsePoints(text) {
  const rows = text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
  if (rows.length > 0 && rows[0].split(/[,;\t]/).some((cell) => cell.trim() !== '' && !Number.isFinite(Number(cell)))) rows.shift();
  if (rows.length < 4) throw new Error(`CSV: at least 4 rows of x,y,label are needed, got ${rows.length}`);
  if (rows.length > 5000) throw new Error(`CSV: at most 5000 rows, got ${rows.length}`);
  const raw = rows.map((line, i) => {
    const cells = line.split(/[,;\t]/).map((cell) => Number(cell.trim()));
    if (cells.length !== 3 || cells.some((v) => !Number.isFinite(v))) throw new Error(`CSV row ${i + 1}: expected three numbers x,y,label, got '${line.slice(0, 40)}'`);
    return cells;
  });
  const classification = raw.every(([, , label]) => label === 0 || label === 1);
  const scale = (k) => {
    const values = raw.map((r) => r[k]);
    const min = Math.min(...values);
    const max = Math.max(...values);
    const span = max - min || 1;
    // A margin of 5% keeps points off the plane's edge.
    return (v) => (((v - min) / span) * 2 - 1) * 0.9;
  };
  const [sx, sy, sz] = [scale(0), scale(1), scale(2)];
  const sl = classification ? (v) => v : (v) => sz(v) / 0.9;
  return { kind: classification ? 'classification' : 'regression', points: raw.map(([x, y, label]) => [sx(x), sy(y), sl(label)]) };
}

/** Reads the chosen file and hands over its points, or a message for the file field. */
export function setUpCsvUpload({ onData, onError }) {
  const input = document.getElementById('csv-file');
  input.addEventListener('change', async () => {
    const file = input.files?.[0];
    if (!file) return;
    try {
      onData(parsePoints(await file.text()));
    } catch (error) {
      onError(error.message);
    }
  });
}
