import * as fs from 'fs';
import * as ts from 'typescript';

/**
 * The names a barrel module (`lib/index.ts`) exports, read from its `export { ... } from` and
 * `export type { ... } from` lines. It refuses what it cannot list by reading: `export *`.
 */
export function exportedNames(file: string): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022);
  return source.statements.flatMap((statement) => {
    if (!ts.isExportDeclaration(statement)) return [];
    const clause = statement.exportClause;
    if (!clause || !ts.isNamedExports(clause)) throw new Error(`${file}: list the names instead of ${statement.getText(source)}`);
    return clause.elements.map((e) => e.name.text);
  });
}
