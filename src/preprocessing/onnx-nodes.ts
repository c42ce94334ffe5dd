// The input stage as ONNX nodes, ahead of the network's first Gemm, so an ONNX host feeds raw
// rows as `predict` does:
// - a stage of numeric columns only: the input stays batch × columns of the network's dtype,
//   then Sub (offsets: mean, min or 0) and Div (scales: std, max − min, or 1);
// - a stage with categorical columns: the input is batch × columns of strings, the raw cells as
//   text. Each column is taken with Gather; a numeric one is parsed by Cast, a one-hot one goes
//   through ai.onnx.ml's OneHotEncoder (zeros = 1 for handleUnknown 'ignore', else an unknown
//   category is an error, as in predict), an ordinal one through a OneHotEncoder that refuses
//   unknown categories and a MatMul with the indices 0…C−1. The parts are concatenated, then
//   scaled by the same Sub and Div.
import type { DType, FloatArray } from '../model/options.js';
import { columnOffset, columnScale, columnWidth, isCategorical, type InputStage } from './stage.js';

/** What the ONNX writer lends: its node and initializer lists and its float tensor builder. */
export interface OnnxGraph {
  nodes: object[];
  initializers: object[];
  tensor(name: string, dims: number[], values: FloatArray, dtype: DType): object;
}

/** ai.onnx.ml, the domain of OneHotEncoder (version 1 defines it). */
export const ONNX_ML_OPSET = { domain: 'ai.onnx.ml', version: 1 };
const STRING = 8;
const INT64 = 7;
const ELEMENT_TYPE: Record<DType, number> = { float32: 1, float64: 11 };
const INT = 2;
const STRINGS = 8;

/** True when the graph's input is text: the stage has a categorical column. */
export function takesText(stage: InputStage): boolean {
  return stage.columns.some((c) => isCategorical(c.type));
}

/** The graph input for a network with an input stage: batch × raw columns, of text or of the dtype. */
export function stageInputInfo(stage: InputStage, dtype: DType) {
  const elemType = takesText(stage) ? STRING : ELEMENT_TYPE[dtype];
  return { name: 'input', type: { tensorType: { elemType, shape: { dim: [{ dimParam: 'batch' }, { dimValue: stage.columns.length }] } } } };
}

/** Appends the stage's nodes reading graph input `from`; returns the name of the encoded batch × width tensor. */
export function inputStageNodes(g: OnnxGraph, stage: InputStage, from: string, dtype: DType): string {
  const encoded = takesText(stage) ? textColumns(g, stage, from, dtype) : from;
  const offsets = Float64Array.from(stage.columns.flatMap((c) => new Array<number>(columnWidth(c)).fill(columnOffset(c))));
  const scales = Float64Array.from(stage.columns.flatMap((c) => new Array<number>(columnWidth(c)).fill(columnScale(c))));
  g.initializers.push(g.tensor('input.offset', [stage.width], offsets, dtype), g.tensor('input.scale', [stage.width], scales, dtype));
  node(g, 'Sub', [encoded, 'input.offset'], 'input.centred', 'input.sub');
  node(g, 'Div', ['input.centred', 'input.scale'], 'input.encoded', 'input.div');
  return 'input.encoded';
}

/** Every column of a text input as numbers (batch × width, the dtype): parsed, one-hot or ordinal. */
function textColumns(g: OnnxGraph, stage: InputStage, from: string, dtype: DType): string {
  g.initializers.push(int64('input.axis1', [1], [1]));
  const parts = stage.columns.map((c, j) => {
    const at = `input.${j}`;
    g.initializers.push(int64(`${at}.index`, [], [j]));
    const cells = node(g, 'Gather', [from, `${at}.index`], `${at}.cells`, `${at}.gather`, [{ name: 'axis', type: INT, i: 1 }]);
    if (!isCategorical(c.type)) {
      const parsed = node(g, 'Cast', [cells], `${at}.parsed`, `${at}.cast`, [{ name: 'to', type: INT, i: ELEMENT_TYPE[dtype] }]);
      return node(g, 'Unsqueeze', [parsed, 'input.axis1'], `${at}.value`, `${at}.unsqueeze`);
    }
    const categories = c.type === 'one-hot' || c.type === 'ordinal' ? c.categories : [];
    const ignore = c.type === 'one-hot' && c.handleUnknown === 'ignore';
    const hot = node(g, 'OneHotEncoder', [cells], `${at}.onehot`, `${at}.encoder`, [
      { name: 'cats_strings', type: STRINGS, strings: categories.map((s) => new TextEncoder().encode(s)) },
      { name: 'zeros', type: INT, i: ignore ? 1 : 0 },
    ], ONNX_ML_OPSET.domain);
    // OneHotEncoder writes float; a double graph computes on in double.
    const typed = dtype === 'float32' ? hot : node(g, 'Cast', [hot], `${at}.double`, `${at}.cast`, [{ name: 'to', type: INT, i: ELEMENT_TYPE[dtype] }]);
    if (c.type === 'one-hot') return typed;
    g.initializers.push(g.tensor(`${at}.codes`, [categories.length, 1], Float64Array.from(categories, (_, k) => k), dtype));
    return node(g, 'MatMul', [typed, `${at}.codes`], `${at}.value`, `${at}.matmul`);
  });
  return node(g, 'Concat', parts, 'input.columns', 'input.concat', [{ name: 'axis', type: INT, i: 1 }]);
}

function node(g: OnnxGraph, opType: string, input: string[], output: string, name: string, attribute?: object[], domain?: string): string {
  g.nodes.push({ input, output: [output], name, opType, ...(attribute && { attribute }), ...(domain && { domain }) });
  return output;
}

function int64(name: string, dims: number[], values: number[]) {
  return { name, dims, dataType: INT64, rawData: new Uint8Array(BigInt64Array.from(values, BigInt).buffer) };
}
