import type { ClickHouse } from '../../clickhouse/client.js';
import { OnnxScorer } from '../onnx/score.js';
import { readOnnx, readVersion, type InputSchema } from '../registry/registry.js';

export interface LoadedModel {
  model: string;
  version: number;
  sha256: string;
  inputSchema: InputSchema;
  scorer: OnnxScorer;
}

/** Parsed models of this worker process, by name, version and content (two databases may both have a v1). */
const loaded = new Map<string, Promise<LoadedModel>>();
const KEEP = 4;

/** The model version, loaded once per worker and reused by every batch that scores with it. */
export async function loadModel(ch: ClickHouse, model: string, version: number): Promise<LoadedModel> {
  const stored = await readVersion(ch, model, version);
  if (!stored) throw new Error(`${model} v${version} is not registered`);
  const key = `${model}@${version}#${stored.sha256}`;
  let entry = loaded.get(key);
  if (!entry) {
    entry = (async () => ({
      model,
      version,
      sha256: stored.sha256,
      inputSchema: stored.inputSchema,
      scorer: await OnnxScorer.create(await readOnnx(ch, model, version)),
    }))();
    loaded.set(key, entry);
    entry.catch(() => loaded.delete(key));
    await evictBeyond(KEEP);
  }
  return entry;
}

/** How many model versions this process holds (tests check the cache). */
export const loadedModelCount = () => loaded.size;

async function evictBeyond(keep: number): Promise<void> {
  while (loaded.size > keep) {
    const [oldest, entry] = loaded.entries().next().value!;
    loaded.delete(oldest);
    await (await entry).scorer.release();
  }
}
