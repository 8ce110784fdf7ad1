import { spawn } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { gzipSync } from 'node:zlib'
import { BENCH_DIR, log, median } from './stats.ts'

/**
 * The extension's JavaScript as the browser loads it: `wxt build` (Chrome MV3) into a temp dir,
 * then every .js gzipped (level 9) and summed, with and without the console's chart library
 * (uplot, a chunk of its own). Sizes are in KB of 1,000 bytes.
 */

const ROOT = join(BENCH_DIR, '..')
/** Issue 13's target for the extension's own JS (the chart library aside). */
export const TARGET_KB = 40

type Build = { buildSeconds: number; totalKB: number; withoutChartKB: number; files: Record<string, number> }

async function build(outDir: string): Promise<number> {
  const started = performance.now()
  await new Promise<void>((resolve, reject) => {
    const child = spawn(join(ROOT, 'node_modules/.bin/wxt'), ['build'], {
      cwd: ROOT,
      env: { ...process.env, TRAINPROOF_EXT_OUT_DIR: outDir },
      stdio: ['ignore', 'ignore', 'inherit'],
    })
    child.on('error', reject)
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`wxt build exited with ${code}`))))
  })
  return (performance.now() - started) / 1000
}

async function jsFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return entries.filter((entry) => entry.isFile() && entry.name.endsWith('.js')).map((entry) => join(entry.parentPath, entry.name))
}

async function measure(outDir: string): Promise<Build> {
  const buildSeconds = await build(outDir)
  const extDir = join(outDir, 'chrome-mv3')
  const files: Record<string, number> = {}
  for (const file of await jsFiles(extDir)) files[relative(extDir, file)] = gzipSync(await readFile(file), { level: 9 }).length
  const sum = (names: string[]) => names.reduce((total, name) => total + (files[name] ?? 0), 0) / 1000
  const names = Object.keys(files).sort()
  return {
    buildSeconds,
    totalKB: sum(names),
    withoutChartKB: sum(names.filter((name) => !/(^|\/)uplot-[^/]*\.js$/.test(name))),
    files,
  }
}

export async function benchExtensionSize(runs: number) {
  const builds: Build[] = []
  for (let run = 0; run < runs; run++) {
    const outDir = await mkdtemp(join(tmpdir(), 'trainproof-ext-size-'))
    try {
      builds.push(await measure(outDir))
    } finally {
      await rm(outDir, { recursive: true, force: true })
    }
    log(
      `extension build ${run + 1}/${runs}: ${builds.at(-1)?.totalKB} KB gzip, ${builds.at(-1)?.withoutChartKB} KB without the chart library`,
    )
  }
  const last = builds.at(-1)
  const withoutChartKB = median(builds.map((b) => b.withoutChartKB))
  return {
    runs: builds.map(({ files: _files, ...rest }) => rest),
    files: last?.files ?? {},
    median: {
      buildSeconds: median(builds.map((b) => b.buildSeconds)),
      totalKB: median(builds.map((b) => b.totalKB)),
      withoutChartKB,
    },
    targets: { withoutChartKB: { target: TARGET_KB, met: withoutChartKB <= TARGET_KB } },
  }
}
