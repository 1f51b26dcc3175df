/**
 * No folder imports another that imports it back: the folder import graph, read from the sources (type imports
 * included), has no cycle. A cycle means two folders are one idea, or something they share needs its own home
 * (shared/ for deterministic code workflows may use, lib/ for Node-side helpers).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../lib/project-root.js';

const SKIPPED = new Set(['node_modules', '.tools', '.git', 'data', 'dist']);
const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s+['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIPPED.has(entry.name)) return [];
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Top-level folder of a path inside the project ('' for files at the root). */
function folderOf(file: string): string {
  const parts = path.relative(projectRoot, file).split(path.sep);
  return parts.length > 1 ? parts[0]! : '';
}

/** folder → folders it imports, with one importing file per edge for the message. */
function folderGraph(files: string[]): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const file of files) {
    const from = folderOf(file);
    for (const match of fs.readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const to = folderOf(path.resolve(path.dirname(file), (match[1] ?? match[2])!));
      if (to === from) continue;
      if (!graph.has(from)) graph.set(from, new Map());
      if (!graph.get(from)!.has(to)) graph.get(from)!.set(to, path.relative(projectRoot, file));
    }
  }
  return graph;
}

/** Every cycle's folders, found by depth-first search (each reported once, from its first folder reached). */
function cycles(graph: Map<string, Map<string, string>>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (folder: string) => {
    state.set(folder, 'open');
    stack.push(folder);
    for (const next of graph.get(folder)?.keys() ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(folder, 'done');
  };
  for (const folder of [...graph.keys()].sort()) if (!state.has(folder)) visit(folder);
  return found;
}

describe('folder imports', () => {
  it('form no cycle: no folder imports another that imports it back', () => {
    const graph = folderGraph(sourceFiles(projectRoot));
    const described = cycles(graph).map((cycle) =>
      cycle
        .slice(1)
        .map((to, i) => `${cycle[i]} → ${to} (${graph.get(cycle[i]!)!.get(to)})`)
        .join(', '),
    );
    expect(described).toEqual([]);
  });

  it('finds a cycle when there is one', () => {
    const graph = new Map([
      [
        'ingest',
        new Map([
          ['generator', 'ingest/synthetic.ts'],
          ['shared', 'ingest/validate.ts'],
        ]),
      ],
      ['generator', new Map([['ingest', 'generator/activity.ts']])],
    ]);
    expect(cycles(graph)).toEqual([['generator', 'ingest', 'generator']]);
  });
});
