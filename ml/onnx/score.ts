import * as ort from 'onnxruntime-node';

/** Rows per onnxruntime call: large enough to amortize the call, small enough to bound the tensor memory. */
const DEFAULT_CHUNK_ROWS = 65_536;

export interface ScorerOptions {
  /** onnxruntime intra-op threads; default 0 = onnxruntime's choice (the cores) */
  threads?: number;
}

/**
 * One loaded ONNX regression model (a single float input [N, nFeatures], a single output [N, 1]). Create once per
 * model version and reuse: loading parses the whole tree ensemble.
 */
export class OnnxScorer {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly nFeatures: number,
  ) {}

  static async create(bytes: Uint8Array, options: ScorerOptions = {}): Promise<OnnxScorer> {
    const session = await ort.InferenceSession.create(bytes, {
      ...(options.threads ? { intraOpNumThreads: options.threads } : {}),
      graphOptimizationLevel: 'all',
      // Idle pool threads sleep instead of spinning: the worker shares its cores with other activities, and on a
      // busy 2-core machine spinning threads halved the throughput (bench:ml).
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    });
    const input = session.inputMetadata[0];
    const shape = input?.isTensor ? input.shape : [];
    const nFeatures = shape[1];
    if (session.inputNames.length !== 1 || session.outputNames.length !== 1 || typeof nFeatures !== 'number') {
      await session.release();
      throw new RangeError('OnnxScorer: expected one float input [N, nFeatures] and one output');
    }
    return new OnnxScorer(session, nFeatures);
  }

  /** Scores nRows row-major rows (NaN = missing) chunk by chunk; returns one prediction per row. */
  async score(features: Float32Array, nRows: number, chunkRows = DEFAULT_CHUNK_ROWS): Promise<Float64Array> {
    const nf = this.nFeatures;
    if (features.length !== nRows * nf) {
      throw new RangeError(`OnnxScorer: features hold ${features.length} values, expected nRows (${nRows}) × ${nf}`);
    }
    const out = new Float64Array(nRows);
    const inputName = this.session.inputNames[0]!;
    const outputName = this.session.outputNames[0]!;
    for (let start = 0; start < nRows; start += chunkRows) {
      const rows = Math.min(chunkRows, nRows - start);
      const tensor = new ort.Tensor('float32', features.subarray(start * nf, (start + rows) * nf), [rows, nf]);
      const result = await this.session.run({ [inputName]: tensor });
      out.set(result[outputName]!.data as Float32Array, start);
    }
    return out;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
