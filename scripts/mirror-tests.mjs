#!/usr/bin/env node
// Moves test/ into a layout that mirrors the source folders (issue 11, item 5):
// daemon/http/pacer.ts → test/daemon/http/pacer.test.ts, extension/utils/badge.ts →
// test/extension/utils/badge.test.ts, and so on. Kept as they are: test/e2e, test/helpers,
// test/fixtures, test/architecture, and test/security (the threat-model suite, run alone by
// `npm run soak`, cutting across daemon, fakes and vault). The per-provider harnesses become one
// file per provider in test/helpers/ (knowbe4.ts, huntress.ts).
//
//   node scripts/mirror-tests.mjs --dry-run   # print the plan, change nothing
//   node scripts/mirror-tests.mjs             # move (git mv), merge the harnesses, rewrite paths
//
// Every relative string literal in test/ that names an existing file or folder is rewritten to
// the new place: import/export specifiers, import(), vi.mock(), new URL(…, import.meta.url) and
// join(import.meta.dirname, …). Mentions of a moved file's path in docs and comments
// (`test/api/tokens.test.ts`) are rewritten too. It refuses to start when a target exists, and
// refuses to merge harnesses whose top-level names collide in a way its rename table does not cover.
// Plain Node and regexes over string literals (no TypeScript parser is installed: TypeScript 7
// exports no compiler API); check the result with `npx tsc --noEmit` and the tests.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, posix, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const dryRun = process.argv.includes('--dry-run')

/** old path → new path, both relative to the root. A source missing today is skipped with a note. */
const MOVES = {
  // unit tests of one module each
  'test/unit/errors.test.ts': 'test/daemon/errors.test.ts',
  'test/unit/evaluator.test.ts': 'test/shared/evaluator.test.ts',
  'test/unit/evidence-rows.test.ts': 'test/daemon/evidence/rows.test.ts',
  'test/unit/knowbe4-map.test.ts': 'test/daemon/providers/knowbe4/map.test.ts',
  'test/unit/knowbe4-schemas.test.ts': 'test/daemon/providers/knowbe4/schemas.test.ts',
  'test/unit/log.test.ts': 'test/daemon/log.test.ts',
  'test/unit/oidc-claims.test.ts': 'test/daemon/auth/oidc/claims.test.ts',
  'test/unit/pacer.test.ts': 'test/daemon/http/pacer.test.ts',
  'test/unit/recurrence.test.ts': 'test/shared/recurrence.test.ts',
  'test/unit/status-words.test.ts': 'test/shared/status-words.test.ts',
  'test/unit/store.test.ts': 'test/daemon/store/store.test.ts',
  'test/unit/people-index.test.ts': 'test/daemon/compliance/people-index.test.ts',
  'test/api/personnel-index.test.ts': 'test/daemon/routes/personnel-index.test.ts',
  'test/providers/contract.test.ts': 'test/daemon/providers/contract.test.ts',
  // the HTTP API, through the app or a running daemon
  'test/api/access-matrix.test.ts': 'test/daemon/routes/access-matrix.test.ts',
  'test/api/core.test.ts': 'test/daemon/routes/core.test.ts',
  'test/api/openapi-lint.test.ts': 'test/daemon/routes/openapi-lint.test.ts',
  'test/api/tokens.test.ts': 'test/daemon/routes/tokens.test.ts',
  'test/api/oidc-sign-in.test.ts': 'test/daemon/auth/oidc/sign-in.test.ts',
  'test/api/deploy-config.test.ts': 'test/daemon/deploy-config.test.ts',
  'test/api/startup.test.ts': 'test/daemon/startup.test.ts',
  // audit season
  'test/audit/cli.test.ts': 'test/cli/cli.test.ts',
  'test/audit/evidence-pack.test.ts': 'test/daemon/evidence/pack.test.ts',
  'test/audit/history.test.ts': 'test/daemon/compliance/history.test.ts',
  'test/audit/recurrence.test.ts': 'test/daemon/recurrence/recurrence.test.ts',
  'test/audit/harness.ts': 'test/helpers/audit.ts',
  // the extension's logic
  'test/extension/answers.test.ts': 'test/extension/utils/answers.test.ts',
  'test/extension/badge.test.ts': 'test/extension/utils/badge.test.ts',
  'test/extension/console-logic.test.ts': 'test/extension/utils/console/console-logic.test.ts',
  'test/extension/daemon-client.test.ts': 'test/extension/utils/daemon-client.test.ts',
  'test/extension/format.test.ts': 'test/extension/utils/format.test.ts',
  'test/extension/oauth-redirect.test.ts': 'test/extension/utils/oauth-redirect.test.ts',
  'test/extension/protocol.test.ts': 'test/extension/utils/protocol.test.ts',
  'test/extension/settings.test.ts': 'test/extension/utils/settings.test.ts',
  'test/extension/summary.test.ts': 'test/extension/utils/summary.test.ts',
  // (test/extension/web-ext-lint.test.ts stays: it lints the whole build)
  // the fakes' own contract
  'test/fakes/huntress-api.test.ts': 'test/fakes/huntress/api.test.ts',
  'test/fakes/huntress-oauth.test.ts': 'test/fakes/huntress/oauth.test.ts',
  'test/fakes/idp.test.ts': 'test/fakes/idp/idp.test.ts',
  'test/fakes/knowbe4-fake.test.ts': 'test/fakes/knowbe4/fake.test.ts',
  'test/fakes/knowbe4-fake-limits.test.ts': 'test/fakes/knowbe4/limits.test.ts',
  // provider adapters against their fakes
  'test/providers/huntress-connect.test.ts': 'test/daemon/providers/huntress/connect.test.ts',
  'test/providers/huntress-session.test.ts': 'test/daemon/providers/huntress/session.test.ts',
  'test/providers/knowbe4-adapter.test.ts': 'test/daemon/providers/knowbe4/adapter.test.ts',
  'test/providers/knowbe4-connect.test.ts': 'test/daemon/providers/knowbe4/connect.test.ts',
  'test/providers/knowbe4-faults.test.ts': 'test/daemon/providers/knowbe4/faults.test.ts',
  // whole syncs through a daemon and the fakes
  'test/integration/knowbe4-sync.test.ts': 'test/daemon/sync/knowbe4-sync.test.ts',
  'test/integration/huntress-sync.test.ts': 'test/daemon/sync/huntress-sync.test.ts',
  'test/integration/knowbe4-rate-limit.test.ts': 'test/daemon/sync/knowbe4-rate-limit.test.ts',
  'test/integration/sync-changes.test.ts': 'test/daemon/sync/sync-changes.test.ts',
  'test/integration/sync-integrity.test.ts': 'test/daemon/sync/sync-integrity.test.ts',
  'test/integration/scheduler.test.ts': 'test/daemon/sync/scheduler.test.ts',
  'test/integration/recheck.test.ts': 'test/daemon/sync/recheck.test.ts',
  'test/integration/huntress-recheck.test.ts': 'test/daemon/sync/huntress-recheck.test.ts',
  'test/integration/knowbe4-evidence.test.ts': 'test/daemon/certificates/knowbe4-evidence.test.ts',
  'test/integration/huntress-evidence.test.ts': 'test/daemon/certificates/huntress-evidence.test.ts',
  'test/integration/huntress-oauth.test.ts': 'test/daemon/providers/huntress/oauth.test.ts',
  'test/integration/huntress-tokens.test.ts': 'test/daemon/providers/huntress/tokens.test.ts',
  'test/integration/demo.test.ts': 'test/scripts/demo.test.ts',
}

/**
 * One harness per provider. Each part keeps its code; `renames` gives its top-level names that
 * would collide in the merged file a new name (exports are imported under their old local name,
 * so the tests themselves do not change).
 */
const MERGES = {
  'test/helpers/knowbe4.ts': [
    { from: 'test/integration/knowbe4-harness.ts', title: 'A daemon synced against the KnowBe4 fake', renames: {} },
    {
      from: 'test/providers/knowbe4-harness.ts',
      title: 'The KnowBe4 adapter over real HTTP, without a daemon',
      renames: { FAST_RETRY: 'FAST_HTTP_RETRY', started: 'startedForAdapter' },
    },
    {
      from: 'test/fakes/knowbe4-fake-harness.ts',
      title: "The KnowBe4 fake's own wire contract",
      renames: { start: 'startWireFake', get: 'wireGet', json: 'wireJson', started: 'startedForWire' },
    },
  ],
  'test/helpers/huntress.ts': [
    { from: 'test/integration/huntress-harness.ts', title: 'A daemon connected to the Huntress fake', renames: {} },
  ],
}

const KEEP = ['test/e2e/', 'test/helpers/', 'test/fixtures/', 'test/architecture/', 'test/security/', 'test/extension/web-ext-lint.test.ts']

// --- plan ---------------------------------------------------------------------------------------
const exists = (path) => existsSync(join(ROOT, path))
const notes = []
const moves = new Map()
for (const [from, to] of Object.entries(MOVES)) {
  if (!exists(from)) notes.push(`skipped (no longer exists): ${from}`)
  else moves.set(from, to)
}
/** part path → { target, renames } */
const parts = new Map()
for (const [target, list] of Object.entries(MERGES)) {
  for (const part of list) {
    if (!exists(part.from)) notes.push(`harness part missing, left out of ${target}: ${part.from}`)
    else parts.set(part.from, { target, renames: part.renames })
  }
}
const targets = [...moves.values(), ...Object.keys(MERGES)]
const taken = targets.filter((path) => exists(path))
if (taken.length > 0) fail(`targets already exist (was it run already?):\n  ${taken.join('\n  ')}`)
const dupes = targets.filter((path, index) => targets.indexOf(path) !== index)
if (dupes.length > 0) fail(`two files would move to: ${dupes.join(', ')}`)

const allTestFiles = walk('test').filter((path) => /\.(ts|tsx|mjs|cjs)$/.test(path))
const leftOver = allTestFiles.filter(
  (path) => !moves.has(path) && !parts.has(path) && !KEEP.some((kept) => path.startsWith(kept)) && !isMirrored(path),
)
for (const path of leftOver) notes.push(`not in the table, left where it is: ${path}`)

/** Where a file is after the move (itself when it stays). */
const newPathOf = (path) => moves.get(path) ?? parts.get(path)?.target ?? path

// --- rewrite every test file's relative literals ---------------------------------------------------
const outputs = new Map() // new path → text
const literalNotes = []
// Files outside test/ that import test code (bench/ uses test/helpers) are rewritten, never moved.
const importers = [...walk('bench'), ...walk('scripts')].filter(
  (path) => /\.(ts|tsx|mjs)$/.test(path) && path !== 'scripts/mirror-tests.mjs',
)
for (const path of [...allTestFiles, ...importers]) {
  if (parts.has(path)) continue
  const text = rewriteLiterals(path, newPathOf(path), read(path))
  if (text !== read(path) || newPathOf(path) !== path) outputs.set(newPathOf(path), text)
}
for (const [target, list] of Object.entries(MERGES)) {
  const present = list.filter((part) => parts.has(part.from))
  if (present.length > 0) outputs.set(target, mergeHarness(target, present))
}

// --- report / apply ----------------------------------------------------------------------------
console.log(`moves: ${moves.size}, harness parts merged: ${parts.size} into ${Object.keys(MERGES).length} files`)
for (const [from, to] of moves) console.log(`  ${from} → ${to}`)
for (const [from, { target }] of parts) console.log(`  ${from} ⇒ ${target}`)
for (const note of [...notes, ...literalNotes]) console.log(`note: ${note}`)
if (dryRun) {
  console.log('dry run: nothing changed')
  process.exit(0)
}

const git = (...args) => execFileSync('git', args, { cwd: ROOT, stdio: 'pipe' })
const inGit = (() => {
  try {
    git('rev-parse', '--is-inside-work-tree')
    return true
  } catch {
    return false
  }
})()
for (const [from, to] of moves) {
  mkdirSync(dirname(join(ROOT, to)), { recursive: true })
  if (inGit) git('mv', from, to)
  else renameSync(join(ROOT, from), join(ROOT, to))
}
for (const from of parts.keys()) {
  if (inGit) git('rm', '-q', from)
  else rmSync(join(ROOT, from))
}
for (const [path, text] of outputs) {
  mkdirSync(dirname(join(ROOT, path)), { recursive: true })
  writeFileSync(join(ROOT, path), text)
}
if (inGit) git('add', ...outputs.keys())
removeEmptyDirs('test')
rewriteMentions()
console.log('done: now run npx tsc --noEmit && npx vitest run')

// --- helpers -----------------------------------------------------------------------------------
function fail(message) {
  console.error(`mirror-tests: ${message}`)
  process.exit(1)
}

function read(path) {
  return readFileSync(join(ROOT, path), 'utf8')
}

function walk(dir) {
  if (!exists(dir)) return []
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : walk(path)
    return [path]
  })
}

function removeEmptyDirs(dir) {
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    if (entry.isDirectory()) removeEmptyDirs(`${dir}/${entry.name}`)
  }
  if (dir !== 'test' && readdirSync(join(ROOT, dir)).length === 0) rmSync(join(ROOT, dir), { recursive: true })
}

/** Already under a folder named like a source folder (test/daemon/…, test/shared/…). */
function isMirrored(path) {
  return /^test\/(daemon|shared|extension|fakes|cli|scripts|bench)\//.test(path) && !/^test\/(extension|fakes)\/[^/]+$/.test(path)
}

/** The literal for `target` (a root-relative path) as written from a file in `fromDir`. */
function specifier(fromDir, target) {
  const rel = posix.relative(fromDir, target) || '.'
  return rel.startsWith('.') ? rel : `./${rel}`
}

/**
 * Rewrites the relative string literals of a file moving from `oldPath` to `newPath` that name an
 * existing file or folder; imports of merged harness parts get their renames as `new as old`.
 */
function rewriteLiterals(oldPath, newPath, text) {
  const oldDir = posix.dirname(oldPath)
  const newDir = posix.dirname(newPath)
  // Imports of a merged harness part: renamed exports keep their old local names (`new as old`).
  const renamed = text.replace(/import\s+(type\s+)?\{([^}]*)\}\s+from\s+(['"])([^'"]+)\3/g, (whole, typeOnly, names, quote, spec) => {
    const renames = parts.get(posix.normalize(posix.join(oldDir, spec)))?.renames
    if (!renames || Object.keys(renames).length === 0) return whole
    const list = names
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean)
      .map((name) => {
        const match = /^(type\s+)?([\w$]+)(?:\s+as\s+([\w$]+))?$/.exec(name)
        if (!match || !renames[match[2]]) return name
        return `${match[1] ?? ''}${renames[match[2]]} as ${match[3] ?? match[2]}`
      })
    return `import ${typeOnly ?? ''}{ ${list.join(', ')} } from ${quote}${spec}${quote}`
  })
  return renamed.replace(/(['"])(\.{1,2}\/[^'"\n]*)\1/g, (whole, quote, literal, offset, all) => {
    const resolved = posix.normalize(posix.join(oldDir, literal))
    if (!exists(resolved)) return whole
    const target = newPathOf(resolved)
    const written = literal.endsWith('/') ? `${specifier(newDir, target)}/` : specifier(newDir, target)
    const before = all.slice(Math.max(0, offset - 40), offset)
    if (written !== literal && !/(\bfrom\s*|\bimport\s*\(?\s*|\bmock\(\s*)$/.test(before)) {
      // Not an import: a path built from the file's place (new URL, join(import.meta.dirname, …)).
      literalNotes.push(`${newPath}: path literal ${literal} → ${written} (check it)`)
    }
    return `${quote}${written}${quote}`
  })
}

/** One harness from several parts: imports merged per module, bodies kept, colliding names renamed. */
function mergeHarness(target, list) {
  const imports = new Map() // specifier → { named: Set, typeOnlyNamed: Set, other: Set }
  const bodies = []
  const declared = new Map() // name → part
  for (const part of list) {
    const text = rewriteLiterals(part.from, target, read(part.from))
    const importPattern = /^import\s+([\s\S]*?)\s+from\s+(['"])([^'"]+)\2\s*\n/gm
    let body = text.replace(importPattern, (_whole, clause, _quote, spec) => {
      if (spec === `./${posix.basename(target)}`) return '' // a part importing another part
      const entry = imports.get(spec) ?? { named: new Set(), other: new Set() }
      const typeOnly = clause.startsWith('type ')
      const named = /\{([^}]*)\}/.exec(clause)
      if (named) {
        for (const name of named[1]
          .split(',')
          .map((n) => n.trim())
          .filter(Boolean)) {
          entry.named.add(typeOnly && !name.startsWith('type ') ? `type ${name}` : name)
        }
      }
      const rest = clause
        .replace(/^type\s+/, '')
        .replace(/,?\s*\{[^}]*\}/, '')
        .trim()
      if (rest) entry.other.add(rest)
      imports.set(spec, entry)
      return ''
    })
    body = renameIdentifiers(body, part.renames)
    for (const match of body.matchAll(/^(?:export\s+)?(?:async\s+)?(?:function|const|let|class|type|interface)\s+([\w$]+)/gm)) {
      const name = match[1]
      if (declared.has(name)) fail(`${target}: "${name}" is declared by ${declared.get(name)} and ${part.from}; add a rename to MERGES`)
      declared.set(name, part.from)
    }
    bodies.push(`// --- ${part.title} (was ${part.from}) ---\n\n${body.trim()}\n`)
  }
  const importLines = []
  for (const [spec, entry] of imports) {
    // A value import wins over a type-only import of the same name.
    const names = [...entry.named].filter((name) => !(name.startsWith('type ') && entry.named.has(name.slice(5))))
    for (const name of names) {
      const local = (/\bas\s+([\w$]+)$/.exec(name) ?? /([\w$]+)$/.exec(name))[1]
      if (declared.has(local))
        fail(`${target}: "${local}" is imported from ${spec} and declared by ${declared.get(local)}; add a rename to MERGES`)
    }
    for (const other of entry.other) importLines.push(`import ${other} from '${spec}'`)
    if (names.length > 0) {
      const allTypes = names.every((name) => name.startsWith('type '))
      const shown = allTypes ? names.map((name) => name.slice(5)) : names
      importLines.push(`import ${allTypes ? 'type ' : ''}{ ${shown.join(', ')} } from '${spec}'`)
    }
  }
  const header = `/** Test harness for one provider, merged by scripts/mirror-tests.mjs from ${list.length} file(s). */\n`
  return `${importLines.join('\n')}\n\n${header}\n${bodies.join('\n')}`
}

/** Renames identifiers in code (not in strings, comments or after a dot, nor as object keys). */
function renameIdentifiers(code, renames) {
  if (Object.keys(renames).length === 0) return code
  let out = ''
  let index = 0
  const stack = [] // 'template' or brace depth counters for ${ … }
  let depth = 0
  while (index < code.length) {
    const char = code[index]
    const next = code[index + 1]
    if (char === '/' && next === '/') {
      const end = code.indexOf('\n', index)
      const stop = end < 0 ? code.length : end
      out += code.slice(index, stop)
      index = stop
    } else if (char === '/' && next === '*') {
      const stop = code.indexOf('*/', index + 2) + 2
      out += code.slice(index, stop)
      index = stop
    } else if (char === "'" || char === '"') {
      let stop = index + 1
      while (stop < code.length && code[stop] !== char) stop += code[stop] === '\\' ? 2 : 1
      out += code.slice(index, stop + 1)
      index = stop + 1
    } else if (char === '`') {
      let stop = index + 1
      while (stop < code.length && code[stop] !== '`' && !(code[stop] === '$' && code[stop + 1] === '{'))
        stop += code[stop] === '\\' ? 2 : 1
      out += code.slice(index, code[stop] === '$' ? stop + 2 : stop + 1)
      if (code[stop] === '$') {
        stack.push(depth)
        depth = 0
      }
      index = code[stop] === '$' ? stop + 2 : stop + 1
    } else if (char === '}' && depth === 0 && stack.length > 0) {
      // end of a ${ … } inside a template: continue the template
      depth = stack.pop()
      let stop = index + 1
      while (stop < code.length && code[stop] !== '`' && !(code[stop] === '$' && code[stop + 1] === '{'))
        stop += code[stop] === '\\' ? 2 : 1
      out += code.slice(index, code[stop] === '$' ? stop + 2 : stop + 1)
      if (code[stop] === '$') {
        stack.push(depth)
        depth = 0
      }
      index = code[stop] === '$' ? stop + 2 : stop + 1
    } else if (/[A-Za-z_$]/.test(char)) {
      const match = /^[\w$]+/.exec(code.slice(index))[0]
      const before = code.slice(0, index).trimEnd().at(-1)
      const after = code.slice(index + match.length).trimStart()[0]
      const isKey = after === ':' && (before === '{' || before === ',')
      out += renames[match] && before !== '.' && !isKey ? renames[match] : match
      index += match.length
    } else {
      if (char === '{') depth++
      if (char === '}') depth--
      out += char
      index++
    }
  }
  return out
}

/** Rewrites mentions of moved paths (`test/api/tokens.test.ts`) in docs, configs and comments. */
function rewriteMentions() {
  const renamed = new Map([...moves, ...[...parts].map(([from, { target }]) => [from, target])])
  const files = (inGit ? git('ls-files').toString().split('\n') : []).filter(
    (path) => /\.(md|ts|tsx|mjs|cjs|json|jsonc)$/.test(path) && path !== 'scripts/mirror-tests.mjs' && !(path in MERGES) && exists(path),
  )
  let changed = 0
  for (const path of files) {
    if (!statSync(join(ROOT, path)).isFile()) continue
    const text = read(path)
    let out = text
    for (const [from, to] of renamed) out = out.split(from).join(to)
    if (out !== text) {
      writeFileSync(join(ROOT, path), out)
      changed++
      console.log(`mentions rewritten: ${path}`)
    }
  }
  if (changed === 0) console.log('no mentions of moved paths outside test/')
}
