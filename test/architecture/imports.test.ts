import { spawnSync } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const CLI = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs')
const CONFIG = join(ROOT, '.dependency-cruiser.cjs')
// A glob, not folders: with TypeScript 7 dependency-cruiser doesn't list .ts files when scanning a folder.
const SOURCES = '{daemon,extension,shared,fakes,cli}/**/*.{ts,tsx}'

interface Violation {
  from: string
  to: string
  rule: { name: string; severity: 'error' | 'warn' | 'info' }
}
interface Cruise {
  summary: { violations: Violation[]; totalCruised: number; totalDependenciesCruised: number }
}

/** Runs the repo's rules over `glob`, resolved from `cwd`. */
function cruise(cwd: string, glob: string): Cruise {
  const run = spawnSync(process.execPath, [CLI, '--config', CONFIG, '--output-type', 'json', glob], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
  if (!run.stdout) throw new Error(`dependency-cruiser failed: ${run.stderr}`)
  return JSON.parse(run.stdout) as Cruise
}

const errorsOf = (result: Cruise) => result.summary.violations.filter((v) => v.rule.severity === 'error')
const describeAll = (violations: Violation[]) => violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).join('\n')

describe('import rules (.dependency-cruiser.cjs)', () => {
  // One cruise of ~200 modules through Babel: ~20 s on the 2-core machine, ~30 s under load (past the 20 s default).
  it('the sources break none of the error rules', { timeout: 120_000 }, () => {
    const result = cruise(ROOT, SOURCES)
    // Guards against a cruise that silently read nothing (e.g. .ts no longer parsed).
    expect(result.summary.totalCruised).toBeGreaterThan(100)
    expect(result.summary.totalDependenciesCruised).toBeGreaterThan(300)
    const errors = errorsOf(result)
    expect(errors, `import rules broken:\n${describeAll(errors)}`).toEqual([])
  })

  describe('the rules bite', () => {
    let tree: string
    const files: Record<string, string> = {
      'extension/popup.tsx': "import { sync } from '../daemon/sync/run.ts'\nexport const Popup = () => <p>{String(sync)}</p>\n",
      'daemon/sync/run.ts': "import { a } from '../a.ts'\nexport const sync = a\n",
      'daemon/a.ts': "import { b } from './b.ts'\nexport const a = 1 + b\n",
      'daemon/b.ts': "import type { A } from './a.ts'\nexport const b = 2\nexport type B = A\n",
      'daemon/providers/acme/index.ts': "import type { Config } from '../../config.ts'\nexport type C = Config\n",
      'daemon/config.ts': 'export interface Config { port: number }\n',
      'daemon/certificates/build.ts': "import { sync } from '../sync/run.ts'\nexport const build = sync\n",
      'daemon/sync/plan.ts': "import type { Evaluated } from './evaluate.ts'\nexport type P = Evaluated\n",
      'daemon/sync/evaluate.ts': 'export type Evaluated = { records: number }\n',
      'shared/domain.ts': "import { Popup } from '../extension/popup.tsx'\nexport const p = Popup\n",
      'fakes/kb4.ts': "import { a } from '../daemon/a.ts'\nexport const f = a\n",
      'daemon/routes/people.ts': "import type { Vault } from '../secrets/vault.ts'\nexport type V = Vault\n",
      'daemon/secrets/vault.ts': 'export interface Vault { seal(value: unknown): string }\n',
    }

    beforeAll(async () => {
      tree = await mkdtemp(join(tmpdir(), 'import-rules-'))
      for (const [path, text] of Object.entries(files)) {
        await mkdir(dirname(join(tree, path)), { recursive: true })
        await writeFile(join(tree, path), text)
      }
    })
    afterAll(async () => {
      await rm(tree, { recursive: true, force: true })
    })

    it('reports each broken rule, type-only imports and .tsx included', () => {
      const broken = errorsOf(cruise(tree, '{daemon,extension,shared,fakes}/**/*.{ts,tsx}'))
      const found = new Set(broken.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`))
      for (const expected of [
        'extension-stays-a-client: extension/popup.tsx → daemon/sync/run.ts',
        'shared-depends-on-no-side: shared/domain.ts → extension/popup.tsx',
        'providers-know-no-store-config-routes-sync: daemon/providers/acme/index.ts → daemon/config.ts',
        'certificates-before-sync: daemon/certificates/build.ts → daemon/sync/run.ts',
        'sync-plan-imports-only-earlier-stages: daemon/sync/plan.ts → daemon/sync/evaluate.ts',
        'fakes-speak-the-wire: fakes/kb4.ts → daemon/a.ts',
        'no-daemon-cycles: daemon/a.ts → daemon/b.ts',
        'routes-know-no-store-or-vault: daemon/routes/people.ts → daemon/secrets/vault.ts',
      ]) {
        expect(found, `missing: ${expected}\nreported:\n${describeAll(broken)}`).toContain(expected)
      }
    })
  })
})
