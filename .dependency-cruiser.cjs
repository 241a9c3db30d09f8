// The import graph's rules, checked by `make lint` (dependency-cruiser).
//
// daemon/src is layered (daemon/README.md, "Layers"): a folder may import from
// its own layer and the ones below, never from above. The layer order:
const LAYERS = [
  ['contracts'], // the wire records: imports zod and nothing of ours
  ['log', 'lifecycle', 'paths\\.ts'], // process plumbing
  ['store', 'config', 'events', 'health'], // state and infrastructure
  ['pbx'], // adapters (with hardware/ for devices)
  ['alarms', 'lines', 'accounts', 'routing', 'desk', 'media', 'cti', 'notify'], // domain services
  ['api', 'uplink'], // the edges people and central talk to
  ['sim', 'daemon\\.ts'], // simulation wiring and the composition root
  ['cli'], // the command line
];

const folder = (names) => `^daemon/src/(${names.join('|')})(/|$)`;
const layerRules = LAYERS.slice(0, -1).map((here, i) => ({
  name: `layer-${i}-no-upward`,
  comment: `daemon/src/{${here.join(',')}} may not import from a higher layer (${LAYERS.slice(i + 1).flat().join(', ')})`,
  severity: 'error',
  from: { path: folder(here) },
  to: { path: folder(LAYERS.slice(i + 1).flat()) },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'no import cycles anywhere',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...layerRules,
    {
      name: 'contracts-import-only-zod',
      comment: 'contracts sit at the bottom: nothing of ours, no Node built-ins (the web UI type-checks them)',
      severity: 'error',
      from: { path: '^daemon/src/contracts/' },
      to: { pathNot: ['^daemon/src/contracts/', '^node_modules/zod/'] },
    },
    {
      name: 'below-adapters-no-hardware',
      comment: 'contracts, plumbing, store, config, events and health do not touch devices',
      severity: 'error',
      from: { path: folder(LAYERS.slice(0, 3).flat()) },
      to: { path: '^hardware/' },
    },
    {
      name: 'hardware-imports-nothing-of-the-daemon',
      comment: 'hardware/ is the model house: drivers and simulators, nothing above them',
      severity: 'error',
      from: { path: '^hardware/src/' },
      to: { path: '^(daemon|provisioning|web-ui)/' },
    },
    {
      name: 'web-ui-only-contracts',
      comment: 'the UI knows the daemon only through its contracts',
      severity: 'error',
      from: { path: '^web-ui/src/' },
      to: { path: '^(daemon|hardware|provisioning)/', pathNot: '^daemon/src/contracts/' },
    },
    {
      name: 'web-ui-contracts-type-only',
      comment: 'the UI imports contract types only (no zod in the bundle); plain values come from contracts/values.ts, the phrasebooks from contracts/phrases/',
      severity: 'error',
      from: { path: '^web-ui/src/' },
      to: { path: '^daemon/src/contracts/', pathNot: '^daemon/src/contracts/(values\\.ts|phrases/)', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'plain-contracts-no-zod',
      comment: 'values.ts and phrases/ are bundled by the web UI: plain data, no zod and nothing that imports it',
      severity: 'error',
      from: { path: '^daemon/src/contracts/(values\\.ts|phrases/)' },
      to: { path: ['^node_modules/zod/', '^daemon/src/contracts/(?!values\\.ts|phrases/)'], dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules|\\.tap)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.check.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'] },
  },
};
