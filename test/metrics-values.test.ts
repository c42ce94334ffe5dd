// Dataset-wide metrics (r2, precision, recall, f1) against values worked out by hand with
// sklearn's definitions, tallied in any chunking; and through evaluate, fit and early stopping.
import { describe, expect, it } from 'vitest';
import { MLP, ValueError, type Activation, type Loss } from '../src/index.js';
import { MetricTally, type Metric } from '../src/training/metrics.js';
import { checkCreateOptions } from '../src/model/create-options.js';

const arch = (outputs: number, head: Activation, loss: Loss) =>
  checkCreateOptions('test', { layers: [2, outputs], activations: [head], loss }).architecture;

function tally(metrics: Metric[], a: ReturnType<typeof arch>, out: number[][], y: number[][], split = out.length) {
  const t = new MetricTally(metrics, a);
  for (let start = 0; start < out.length; start += split) {
    const o = Float64Array.from(out.slice(start, start + split).flat());
    const targets = Float64Array.from(y.slice(start, start + split).flat());
    t.add(o, targets, Math.min(split, out.length - start));
  }
  return t.values();
}

describe('MetricTally', () => {
  it('r2 is 1 − SS_res/SS_tot per output, averaged over outputs, in any chunking', () => {
    // Output 0: y 1,2,3,4 and ŷ 1.5,2,2.5,4.5: SS_res 0.75, SS_tot 5, R² 0.85.
    // Output 1: y 0,0,2,2 and ŷ 0,1,1,2: SS_res 2, SS_tot 4, R² 0.5.
    const out = [[1.5, 0], [2, 1], [2.5, 1], [4.5, 2]];
    const y = [[1, 0], [2, 0], [3, 2], [4, 2]];
    for (const split of [4, 3, 1]) expect(tally(['r2'], arch(2, 'linear', 'mse'), out, y, split).r2).toBeCloseTo((0.85 + 0.5) / 2, 14);
  });

  it('precision, recall and f1 are macro averages over classes of the argmax prediction', () => {
    // True 0,0,1,1,2,2 and predicted 0,1,1,1,2,0:
    // class 0: TP 1 FP 1 FN 1 → P ½ R ½ F1 ½; class 1: TP 2 FP 1 FN 0 → P ⅔ R 1 F1 ⅘;
    // class 2: TP 1 FP 0 FN 1 → P 1 R ½ F1 ⅔.
    const predicted = [0, 1, 1, 1, 2, 0];
    const actual = [0, 0, 1, 1, 2, 2];
    const oneHot = (c: number) => [0, 1, 2].map((j) => (j === c ? 1 : 0));
    const out = predicted.map((c) => oneHot(c).map((v) => 0.2 + 0.6 * v));
    const y = actual.map(oneHot);
    for (const split of [6, 4, 1]) {
      const v = tally(['accuracy', 'precision', 'recall', 'f1'], arch(3, 'softmax', 'cross-entropy'), out, y, split);
      expect(v.accuracy).toBeCloseTo(4 / 6, 14);
      expect(v.precision).toBeCloseTo((1 / 2 + 2 / 3 + 1) / 3, 14);
      expect(v.recall).toBeCloseTo((1 / 2 + 1 + 1 / 2) / 3, 14);
      expect(v.f1).toBeCloseTo((1 / 2 + 4 / 5 + 2 / 3) / 3, 14);
    }
  });

  it('a single sigmoid output is binary (the positive class), a class never predicted scores 0', () => {
    // y 1,1,0,0,1 and ŷ>0.5 at 1,0,1,0,1: TP 2 FP 1 FN 1 → P ⅔ R ⅔ F1 ⅔.
    const out = [[0.9], [0.2], [0.7], [0.1], [0.6]];
    const y = [[1], [1], [0], [0], [1]];
    const v = tally(['precision', 'recall', 'f1'], arch(1, 'sigmoid', 'binary-cross-entropy'), out, y);
    expect([v.precision, v.recall, v.f1].map((x) => x!.toFixed(12))).toEqual([2 / 3, 2 / 3, 2 / 3].map((x) => x.toFixed(12)));
    const never = tally(['precision', 'recall'], arch(1, 'sigmoid', 'binary-cross-entropy'), [[0.1], [0.2]], [[1], [0]]);
    expect(never).toEqual({ precision: 0, recall: 0 });
  });
});

describe('in evaluate, fit and early stopping', () => {
  it('evaluate reports them over every chunk of a set larger than one chunk, as one tally of predict', async () => {
    const net = await MLP.create({ layers: [2, 8, 3], activations: ['tanh', 'softmax'], loss: 'cross-entropy', seed: 2 });
    const X = Array.from({ length: 2500 }, (_, i) => [Math.sin(i), Math.cos(1.3 * i)]);
    const labels = X.map(([a, b]) => (a > 0.3 ? 0 : b > 0 ? 1 : 2));
    net.fit(X, labels, { epochs: 2 });
    const metrics: Metric[] = ['accuracy', 'precision', 'recall', 'f1', 'r2', 'mse'];
    const got = net.evaluate(X, labels, { metrics }).metrics;
    const whole = new MetricTally(metrics, net.architecture);
    whole.add(Float64Array.from((net.predict(X) as number[][]).flat()), Float64Array.from(labels.flatMap((c) => [0, 1, 2].map((j) => Number(j === c)))), X.length);
    const expected = whole.values();
    for (const m of metrics) expect(got[m]).toBeCloseTo(expected[m]!, 5);
    expect(got.f1).toBeGreaterThan(0);
    net.dispose();
  });

  it("fit logs them per epoch and early stopping maximises 'val_f1'", async () => {
    const net = await MLP.create({ layers: [2, 8, 3], activations: ['tanh', 'softmax'], loss: 'cross-entropy', seed: 2 });
    const X = Array.from({ length: 300 }, (_, i) => [Math.sin(i), Math.cos(1.3 * i)]);
    const labels = X.map(([a, b]) => (a > 0.3 ? 0 : b > 0 ? 1 : 2));
    const history = net.fit(X, labels, { epochs: 30, learningRate: 0.05, validationSplit: 0.2, metrics: ['f1', 'r2'], earlyStopping: { monitor: 'val_f1', patience: 3, restoreBest: true } });
    expect(history.valMetrics.f1!.length).toBe(history.epochs);
    const best = Math.max(...history.valMetrics.f1!);
    expect(history.valMetrics.f1!.indexOf(best)).toBe(history.bestEpoch);
    net.dispose();
  });

  it('refuses a class metric on one non-sigmoid output, and a misspelt metric with a suggestion', async () => {
    const net = await MLP.create({ layers: [2, 4, 1], activations: ['relu', 'linear'], seed: 1 });
    expect(() => net.evaluate([[1, 2]], [[3]], { metrics: ['f1'] })).toThrow(new ValueError("evaluate: options.metrics has 'f1', which needs a sigmoid output (threshold 0.5) or several outputs (argmax); this network has 1 'linear' output"));
    expect(() => net.evaluate([[1, 2]], [[3]], { metrics: ['R2' as Metric] })).toThrow(/did you mean 'r2'/);
    expect(net.evaluate([[1, 2], [2, 1]], [[3], [1]], { metrics: ['r2'] }).metrics.r2).toBeLessThanOrEqual(1);
    net.dispose();
  });
});
