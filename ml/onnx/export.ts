import onnxProto from 'onnx-proto';
import type { GbdtModel } from '../gbdt/types.js';

const { onnx } = onnxProto;
const AttributeType = onnx.AttributeProto.AttributeType;

export interface OnnxExportOptions {
  /** name of the float input [N, nFeatures]; default "features" */
  inputName?: string;
  /** name of the float output [N, 1]; default "predictions" */
  outputName?: string;
  /** stored as the model's `feature_names` metadata (JSON array), in input column order */
  featureNames?: readonly string[];
}

/**
 * The model as one `ai.onnx.ml` TreeEnsembleRegressor (opset 3, which onnxruntime has run for years). Node rules:
 * BRANCH_LT (x < threshold goes to the true branch = our left), and `nodes_missing_value_tracks_true` = 1 where
 * NaN goes left, so onnxruntime follows the learned default direction. The base score goes into `base_values`.
 *
 * The float input is cast to double first: onnxruntime sums the leaf values in the input's type, and a float sum of
 * hundreds of leaves around a base of thousands of seconds is off by ~1e-3 s, too much relative error on short
 * activities; in double it matches predict() (which sums in float64) up to the output's float rounding.
 */
export function toOnnx(model: GbdtModel, options: OnnxExportOptions = {}): Uint8Array {
  const inputName = options.inputName ?? 'features';
  const outputName = options.outputName ?? 'predictions';
  if (options.featureNames && options.featureNames.length !== model.nFeatures) {
    throw new RangeError(
      `toOnnx: ${options.featureNames.length} feature names for a model of ${model.nFeatures} features`,
    );
  }
  const cast = onnx.NodeProto.create({
    name: 'to_double',
    opType: 'Cast',
    input: [inputName],
    output: [`${inputName}_f64`],
    attribute: [
      onnx.AttributeProto.create({ name: 'to', type: AttributeType.INT, i: onnx.TensorProto.DataType.DOUBLE }),
    ],
  });
  const ensemble = onnx.NodeProto.create({
    name: 'time_estimator',
    opType: 'TreeEnsembleRegressor',
    domain: 'ai.onnx.ml',
    input: [`${inputName}_f64`],
    output: [outputName],
    attribute: ensembleAttributes(model),
  });
  const graph = onnx.GraphProto.create({
    name: 'gbdt',
    node: [cast, ensemble],
    input: [tensorInfo(inputName, model.nFeatures)],
    output: [tensorInfo(outputName, 1)],
  });
  const proto = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'athlete-feature-store',
    producerVersion: '1',
    opsetImport: [
      { domain: '', version: 17 },
      { domain: 'ai.onnx.ml', version: 3 },
    ],
    graph,
    metadataProps: [
      { key: 'trees', value: String(model.trees.length) },
      { key: 'base_score', value: String(model.baseScore) },
      ...(options.featureNames ? [{ key: 'feature_names', value: JSON.stringify(options.featureNames) }] : []),
    ],
  });
  return onnx.ModelProto.encode(proto).finish();
}

/** The flat node and leaf ("target") lists TreeEnsembleRegressor wants, tree by tree, nodes in our order. */
function ensembleAttributes(model: GbdtModel): InstanceType<typeof onnx.AttributeProto>[] {
  const n = { treeIds: [] as number[], nodeIds: [] as number[], featureIds: [] as number[], modes: [] as string[] };
  const branch = {
    values: [] as number[],
    trueIds: [] as number[],
    falseIds: [] as number[],
    missingTrue: [] as number[],
  };
  const leaf = { treeIds: [] as number[], nodeIds: [] as number[], weights: [] as number[] };
  model.trees.forEach((tree, t) => {
    for (let i = 0; i < tree.feature.length; i++) {
      const isLeaf = tree.feature[i]! < 0;
      n.treeIds.push(t);
      n.nodeIds.push(i);
      n.featureIds.push(isLeaf ? 0 : tree.feature[i]!);
      n.modes.push(isLeaf ? 'LEAF' : 'BRANCH_LT');
      branch.values.push(isLeaf ? 0 : tree.threshold[i]!);
      branch.trueIds.push(isLeaf ? 0 : tree.left[i]!);
      branch.falseIds.push(isLeaf ? 0 : tree.right[i]!);
      branch.missingTrue.push(isLeaf ? 0 : tree.missingLeft[i]!);
      if (isLeaf) {
        leaf.treeIds.push(t);
        leaf.nodeIds.push(i);
        leaf.weights.push(tree.value[i]!);
      }
    }
  });
  return [
    ints('n_targets', [1], true),
    strings('aggregate_function', ['SUM'], true),
    strings('post_transform', ['NONE'], true),
    onnx.AttributeProto.create({
      name: 'base_values_as_tensor',
      type: AttributeType.TENSOR,
      t: { dims: [1], dataType: onnx.TensorProto.DataType.DOUBLE, doubleData: [model.baseScore] },
    }),
    ints('nodes_treeids', n.treeIds),
    ints('nodes_nodeids', n.nodeIds),
    ints('nodes_featureids', n.featureIds),
    strings('nodes_modes', n.modes),
    floats('nodes_values', branch.values),
    ints('nodes_truenodeids', branch.trueIds),
    ints('nodes_falsenodeids', branch.falseIds),
    ints('nodes_missing_value_tracks_true', branch.missingTrue),
    ints('target_treeids', leaf.treeIds),
    ints('target_nodeids', leaf.nodeIds),
    ints(
      'target_ids',
      leaf.treeIds.map(() => 0),
    ),
    floats('target_weights', leaf.weights),
  ];
}

function ints(name: string, values: number[], scalar = false) {
  return scalar
    ? onnx.AttributeProto.create({ name, type: AttributeType.INT, i: values[0] })
    : onnx.AttributeProto.create({ name, type: AttributeType.INTS, ints: values });
}

function floats(name: string, values: number[]) {
  return onnx.AttributeProto.create({ name, type: AttributeType.FLOATS, floats: values });
}

function strings(name: string, values: string[], scalar = false) {
  const bytes = values.map((v) => new TextEncoder().encode(v));
  return scalar
    ? onnx.AttributeProto.create({ name, type: AttributeType.STRING, s: bytes[0] })
    : onnx.AttributeProto.create({ name, type: AttributeType.STRINGS, strings: bytes });
}

/** A float tensor [N, columns] with a symbolic batch dimension. */
function tensorInfo(name: string, columns: number) {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: [{ dimParam: 'N' }, { dimValue: columns }] },
      },
    },
  });
}
