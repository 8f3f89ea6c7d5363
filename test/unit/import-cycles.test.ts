// No import cycles between the files of src/ (type-only imports count too), and billing/ and
// organizations/ in src/server/ never import each other both ways: bringing an account up to date
// lives in account-cycle/, which uses both.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const src = path.join(__dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Each file's relative imports (and re-exports), resolved to files. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(src)) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = importedFiles
      .filter(({ fileName }) => fileName.startsWith('.'))
      .flatMap(({ fileName }) => {
        const base = path.resolve(path.dirname(file), fileName).replace(/\.js$/, '');
        const found = [`${base}.ts`, path.join(base, 'index.ts')].find((c) => existsSync(c) && statSync(c).isFile());
        return found ? [found] : [];
      });
    graph.set(file, targets);
  }
  return graph;
}

/** One cycle per strongly connected group of files (Tarjan), each as a list of paths relative to src/. */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, next);
    low.set(file, next++);
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) low.set(file, Math.min(low.get(file)!, index.get(target)!));
    }
    if (low.get(file) !== index.get(file)) return;
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      group.push(path.relative(src, member));
    } while (member !== file);
    if (group.length > 1 || (graph.get(file) ?? []).includes(file)) found.push(group);
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return found;
}

describe('import cycles', () => {
  const graph = importGraph();

  it('no file of src/ imports itself through others', () => {
    assert.ok(graph.size > 100, 'the source files were read');
    assert.deepEqual(cycles(graph), []);
  });

  it('src/server/billing/ and src/server/organizations/ do not import each other both ways', () => {
    const folderOf = (file: string) => path.relative(path.join(src, 'server'), file).split(path.sep)[0];
    const imports = (from: string, to: string) =>
      [...graph].some(([file, targets]) => folderOf(file) === from && targets.some((t) => folderOf(t) === to));
    assert.ok(!(imports('billing', 'organizations') && imports('organizations', 'billing')), 'billing ⇄ organizations');
  });
});
