// Import rules that encode the architecture (issue 11, item 5). Checked by
// test/architecture/imports.test.ts, so `npm test` (and CI) fails when one is broken.
// TypeScript 7 ships no compiler API for dependency-cruiser, so .ts/.tsx are read through Babel
// (test/architecture/babel.depcruise.cjs), which keeps `import type` lines: type-only imports count.

/**
 * The one-way sync (issue 11, item 2), one module per stage, in order. Each stage imports only the
 * stages before it, and never the code that runs them (service, recheck, scheduler, sessions).
 */
const SYNC_STAGES = [
  ['fetch', '^daemon/sync/fetch\\.ts$'],
  ['normalise', '^daemon/sync/normalise\\.ts$'],
  ['plan', '^daemon/sync/plan\\.ts$'],
  ['evaluate', '^daemon/sync/evaluate\\.ts$'],
  ['certificates', '^daemon/certificates/'],
  ['commit', '^daemon/sync/commit\\.ts$'],
]
const SYNC_RUNNERS = '^daemon/sync/(service|recheck|scheduler|session|budget)\\.ts$'

function syncStageRules() {
  return SYNC_STAGES.map(([stage, path], index) => ({
    name: `sync-${stage}-imports-only-earlier-stages`,
    severity: 'error',
    from: { path },
    to: { path: [...SYNC_STAGES.slice(index + 1).map(([, later]) => later), SYNC_RUNNERS] },
  }))
}

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      // The extension talks to the daemon over HTTP only; shared/ is the contract between them.
      name: 'extension-stays-a-client',
      severity: 'error',
      from: { path: '^extension/' },
      to: { path: '^(daemon|fakes|bench|cli|scripts)/' },
    },
    {
      // shared/ is imported by both sides, so it must not depend on either side's code.
      name: 'shared-depends-on-no-side',
      severity: 'error',
      from: { path: '^shared/' },
      to: { path: '^(daemon|extension|fakes)/' },
    },
    {
      // Providers translate a wire API into records; persistence, config and HTTP belong to the callers.
      name: 'providers-know-no-store-config-routes-sync',
      severity: 'error',
      from: { path: '^daemon/providers/', pathNot: '^daemon/providers/registry\\.ts$' },
      to: { path: '^daemon/(store/|config\\.ts$|routes/|sync/)' },
    },
    {
      // Known exception: the registry is the seam that builds adapters, typed by StoredConnection.
      // It does not read config.ts: config.ts reads each provider's own variables through it.
      name: 'provider-registry-reads-only-config-and-connection-types',
      severity: 'error',
      from: { path: '^daemon/providers/registry\\.ts$' },
      to: { path: '^daemon/(store/(?!schema\\.ts$)|config\\.ts$|routes/|sync/)' },
    },
    {
      // Certificates are stage 5 of the sync and know nothing of the stages around them: their
      // input is typed by the store's record, their output goes back to whoever called.
      name: 'certificates-before-sync',
      severity: 'error',
      from: { path: '^daemon/certificates/' },
      to: { path: '^daemon/sync/' },
    },
    ...syncStageRules(),
    {
      // Production code never depends on the extension, the fakes, tests or benchmarks.
      name: 'daemon-ships-alone',
      severity: 'error',
      from: { path: '^daemon/' },
      to: { path: '^(extension|fakes|test|bench)/' },
    },
    {
      // Fakes speak the providers' wire contract, not our code, so they can catch our misreadings. Holds today.
      name: 'fakes-speak-the-wire',
      severity: 'error',
      from: { path: '^fakes/' },
      to: { path: '^daemon/' },
    },
    {
      // Cycles make load order matter and hide which layer owns what. None exist today (type imports included).
      name: 'no-daemon-cycles',
      severity: 'error',
      from: { path: '^daemon/' },
      to: { path: '^daemon/', circular: true },
    },
    {
      // Only services (daemon/services/) touch the store and the vault; routes validate, call a service
      // and answer. Types come from shared/ or from the services.
      name: 'routes-know-no-store-or-vault',
      severity: 'error',
      from: { path: '^daemon/routes/' },
      to: { path: '^daemon/(store|secrets)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|\\.output|\\.wxt)/' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.mjs'] },
    // Absolute, so the rules also run from another directory (the fixture test cruises a temp dir).
    babelConfig: { fileName: require('node:path').join(__dirname, 'test/architecture/babel.depcruise.cjs') },
  },
}
