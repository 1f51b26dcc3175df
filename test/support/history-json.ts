import { createRequire } from 'node:module';
import type { History } from '@temporalio/common/lib/proto-utils.js';

/**
 * Workflow histories as ProtoJSON, the format `temporal workflow show --output json` and the Web UI
 * download: what `historyToJSON`/`historyFromJSON` of @temporalio/common write and read.
 *
 * Why not those two: with this project's lockfile they throw "type must be a Type". @grpc/proto-loader
 * puts protobufjs 7 at the top of node_modules, so @temporalio/proto and @temporalio/common each get
 * their own nested copy of protobufjs 8, and common's ProtoJSON codec rejects the History type built
 * by proto's copy (an instanceof check). `Worker.runReplayHistory` with a JSON history goes through
 * `historyFromJSON` and fails the same way, so replay is given decoded History messages instead.
 * The codec below is the one of the protobufjs copy that @temporalio/proto itself loads.
 */
interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options?: { ignoreUnknownFields?: boolean }): History | null;
}

interface MessageType {
  fromObject(object: unknown): unknown;
}

const requireHere = createRequire(import.meta.url);
const requireFromProto = createRequire(requireHere.resolve('@temporalio/proto'));
const protojson = requireFromProto('protobufjs/ext/protojson') as ProtoJson;
const historyType = (requireHere('@temporalio/proto') as { lookupType(name: string): MessageType }).lookupType(
  'temporal.api.history.v1.History',
);

export function historyToJson(history: History): string {
  return `${JSON.stringify(protojson.toJson(historyType, historyType.fromObject(history)), null, 2)}\n`;
}

/** Fields unknown to this SDK (a newer server's) are ignored, as historyFromJSON does. */
export function historyFromJson(json: string): History {
  const history = protojson.fromJson(historyType, JSON.parse(json), { ignoreUnknownFields: true });
  if (!history?.events?.length) throw new TypeError('not a workflow history: no events');
  return history;
}
