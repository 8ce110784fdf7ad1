// Babel plugin for dependency-cruiser (.dependency-cruiser.cjs): preset-typescript drops
// `import type` lines, so turn them into bare imports and type-only dependencies are checked too.
// It works on Program entry: plugins run before presets there, before the preset strips them.
module.exports = function keepTypeImports({ types: t }) {
  const isTypeOnly = (node) =>
    (node.type === 'ImportDeclaration' && node.importKind === 'type') ||
    (node.type === 'ExportNamedDeclaration' && node.exportKind === 'type' && node.source)
  return {
    visitor: {
      Program(program) {
        for (const statement of program.get('body')) {
          if (isTypeOnly(statement.node)) statement.replaceWith(t.importDeclaration([], statement.node.source))
        }
      },
    },
  }
}
