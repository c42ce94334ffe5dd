// `net.summary()`: the network described as text, in the spirit of Keras's model.summary().
import type { Architecture, Backend } from '../model/options.js';
import type { ParameterLayout } from '../model/layout.js';
import type { OptimizerConfig } from '../registry/optimizers.js';
import { preprocessingSummary } from '../preprocessing/architecture.js';

/** What a summary shows, gathered by the network. */
export interface SummaryFacts {
  architecture: Architecture;
  layout: ParameterLayout;
  optimizer: OptimizerConfig;
  backend: Backend;
  threads: number;
  epoch: number;
}

/** A table of the layers (shape, normalization and activation, dropout, parameters), then totals and the training setup. */
export function summaryText({ architecture, layout, optimizer, backend, threads, epoch }: SummaryFacts): string {
  const rows = [['Layer', 'Shape', 'Activation', 'Dropout', 'Parameters']];
  layout.layers.forEach((layer, i) => {
    const dropout = architecture.dropout[i] ?? 0; // the rate of this layer's outputs; none on the output layer
    rows.push([`dense ${i}`, `${layer.inputs} → ${layer.outputs}`, layer.normalization ? `${layer.normalization} → ${layer.activation}` : layer.activation, dropout > 0 ? String(dropout) : '-',
      layer.size.toLocaleString('en-US')]);
  });
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((cell, c) => (c === r.length - 1 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ');
  const rule = '─'.repeat(line(rows[0]).length);
  const bytes = layout.parameterCount * (architecture.dtype === 'float64' ? 8 : 4);
  const { type, ...settings } = optimizer;
  const options = Object.entries(settings).filter(([, v]) => v !== null).map(([k, v]) => `${k} ${v}`).join(', ');
  return [
    `MLP ${architecture.layers.join('-')}`,
    ...preprocessingSummary(architecture),
    rule, line(rows[0]), rule, ...rows.slice(1).map(line), rule,
    `Parameters: ${layout.parameterCount.toLocaleString('en-US')} (${bytes.toLocaleString('en-US')} bytes as ${architecture.dtype})`,
    `Loss: ${architecture.loss}`,
    `Optimizer: ${type} (${options})`,
    `Backend: ${backend}, ${threads === 1 ? '1 thread' : `up to ${threads} threads`}; epochs trained: ${epoch}`,
  ].join('\n');
}
