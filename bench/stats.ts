import { fork, type ChildProcess } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url))
export const OUT_DIR = join(BENCH_DIR, 'out')

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  if (sorted.length === 0) return Number.NaN
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

/** Medians of every numeric field of a list of runs (non-numeric fields are taken from the first run). */
export function medians<T extends Record<string, unknown>>(runs: readonly T[]): T {
  const first = runs[0] ?? ({} as T)
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(first)) {
    out[key] = typeof value === 'number' ? round(median(runs.map((run) => run[key] as number))) : value
  }
  return out as T
}

export function round(value: number, digits = 3): number {
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}

export function machine() {
  return {
    cores: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    /** The machine is shared: the 1-minute load average when the part started says how much. */
    loadAverage: round(loadavg()[0] ?? 0, 1),
    date: new Date().toISOString(),
  }
}

export async function writeResult(name: string, data: unknown): Promise<string> {
  await mkdir(OUT_DIR, { recursive: true })
  const file = join(OUT_DIR, `${name}.json`)
  await writeFile(file, `${JSON.stringify(data, null, 2)}\n`)
  return file
}

export const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6

/** Starts a bench script in its own Node process (TypeScript through tsx), with IPC. */
export function forkScript(script: string, args: readonly string[] = [], execArgv: readonly string[] = []): ChildProcess {
  return fork(join(BENCH_DIR, script), [...args], {
    execArgv: ['--import', 'tsx', ...execArgv],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
}

/** The next IPC message from a child; rejects if it exits first. */
export function nextMessage<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: unknown) => {
      child.off('exit', onExit)
      resolve(message as T)
    }
    const onExit = (code: number | null) => {
      child.off('message', onMessage)
      reject(new Error(`bench child exited (${code}) before answering`))
    }
    child.once('message', onMessage)
    child.once('exit', onExit)
  })
}

/** Sends a request to a child and waits for its answer (children answer in order). */
export async function ask<T>(child: ChildProcess, message: unknown): Promise<T> {
  const answer = nextMessage<T>(child)
  child.send(message as object)
  return answer
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  await exited
}

export function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`)
}
