// The import rule of the code (README, "Architecture"): imports run one way, down the data flow.
//
//   cli/ → workflows/ → dashboards/, reports/ → transforms/ → sources/ → warehouse/
//
// - dashboards/ and reports/ are siblings: neither imports the other.
// - warehouse/ is plumbing (connection, migrations, snapshots, typed access): it imports nothing above it.
// - demo/ (the seeded demo city) may import sources/ and
//   warehouse/, and only cli/ (generate, start), test/ and bench/ import it.
// - shared/ (what the site and the reports both use: number formats, the font, tar) imports nothing
//   of the project, so any layer may import it.
// - test/ and bench/ may import anything. No module imports itself back through a cycle.
//
// Checked in `npm test` by test/layers.test.ts; `npx depcruise --config .dependency-cruiser.cjs cli`
// (or any folder) shows the same from the command line.

/** Each layer: the paths that belong to it, and the layers it may import besides itself and shared/. */
const LAYERS = {
  cli: { path: '^cli/', imports: ['workflows', 'dashboards', 'reports', 'transforms', 'sources', 'warehouse', 'demo'] },
  workflows: { path: '^workflows/', imports: ['dashboards', 'reports', 'transforms', 'sources', 'warehouse'] },
  dashboards: { path: '^dashboards/', imports: ['transforms', 'sources', 'warehouse'] },
  reports: { path: '^reports/', imports: ['transforms', 'sources', 'warehouse'] },
  transforms: { path: '^transforms/', imports: ['sources', 'warehouse'] },
  sources: { path: '^sources/', imports: ['warehouse'] },
  warehouse: { path: '^warehouse/', imports: [] },
  demo: { path: '^demo/', imports: ['sources', 'warehouse'] },
  shared: { path: '^shared/', imports: [] },
};

/** Every folder of the project's own code: an import of one of these is checked against the layers. */
const PROJECT = '^(bin|cli|workflows|dashboards|reports|transforms|sources|warehouse|demo|shared|test|bench)/';

const group = (paths) => `(${paths.join('|')})`;

const layerRules = Object.entries(LAYERS).map(([name, layer]) => {
  const allowed = [name, 'shared', ...layer.imports].map((other) => LAYERS[other].path);
  return {
    name: `${name}-imports-${layer.imports.length ? `only-${layer.imports.join('-')}` : 'no-other-layer'}`,
    comment: `${name}/ may import ${layer.imports.length ? `${layer.imports.join(', ')}/ and ` : ''}shared/ only (imports run one way: .dependency-cruiser.cjs)`,
    severity: 'error',
    from: { path: layer.path },
    to: { path: PROJECT, pathNot: group(allowed) },
  };
});

module.exports = {
  forbidden: [
    ...layerRules,
    {
      // Cycles of imports that run: a cycle closed only by an `import type` (five in the demo
      // generator's planning modules today) is erased before the code runs and is not reported.
      name: 'no-circular',
      comment: 'a module reaches itself again through its imports',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'an import the checker cannot resolve is an import it cannot check',
      severity: 'error',
      from: { path: PROJECT },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Framework's cache and build output are generated, not our code
    exclude: { path: '(^|/)[.]observablehq/|^dashboards/dist/' },
    // type-only imports tie the layers together too
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
