// Babel settings dependency-cruiser uses to read .ts/.tsx (TypeScript 7 has no compiler API for it).
// Nothing is built with this; it only turns sources into JavaScript whose imports can be listed.
module.exports = {
  babelrc: false,
  configFile: false,
  plugins: [
    require.resolve('./keep-type-imports.cjs'),
    [require.resolve('@babel/plugin-transform-react-jsx'), { runtime: 'automatic', importSource: 'preact' }],
  ],
  presets: [[require.resolve('@babel/preset-typescript'), { onlyRemoveTypeImports: true }]],
}
