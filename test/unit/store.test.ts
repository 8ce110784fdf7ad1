import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Vault } from '../../daemon/secrets/vault.ts'
import { Store } from '../../daemon/store/store.ts'
import { audit } from '../../daemon/store/audit.ts'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'trainproof-store-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('Store', () => {
  it('creates a valid empty db on first open and reads it back', async () => {
    const file = join(dir, 'db.json')
    await Store.open(file)
    const again = await Store.open(file)
    expect(again.data.version).toBe(1)
    expect(Object.keys(again.data.trainings)).toEqual(['security_awareness', 'hipaa', 'ai_awareness'])
  })

  it('runs updates one at a time, in order, and persists each', async () => {
    const store = await Store.open(join(dir, 'db.json'))
    const order: number[] = []
    await Promise.all(
      [1, 2, 3, 4, 5].map((n) =>
        store.update((db) => {
          order.push(n)
          audit(db, 't', `a${n}`, {})
        }),
      ),
    )
    expect(order).toEqual([1, 2, 3, 4, 5])
    const reread = await Store.open(join(dir, 'db.json'))
    expect(reread.data.audit.map((event) => event.action)).toEqual(['a1', 'a2', 'a3', 'a4', 'a5'])
  })

  it('a change that throws before mutating leaves no trace, and later changes still run', async () => {
    const store = await Store.open(join(dir, 'db.json'))
    await expect(
      store.update(() => {
        throw new Error('refused')
      }),
    ).rejects.toThrow('refused')
    await store.update((db) => {
      db.schedule.lastNightlyAt = '2026-01-01T00:00:00.000Z'
    })
    expect(JSON.parse(readFileSync(join(dir, 'db.json'), 'utf8')).schedule.lastNightlyAt).toBe('2026-01-01T00:00:00.000Z')
  })

  // Regression (issue 10, defect 3): the change stayed in memory when the write failed.
  it('keeps memory and disk at the old state when the write fails, and says so with 503 storage_failed', async () => {
    const file = join(dir, 'db.json')
    const store = await Store.open(file)
    await store.update((db) => {
      db.schedule.lastNightlyAt = '2026-01-01T00:00:00.000Z'
    })
    const before = readFileSync(file, 'utf8')
    const revision = store.revision
    mkdirSync(`${file}.tmp`) // the temporary file cannot be created: the write fails
    await expect(
      store.update((db) => {
        db.schedule.lastNightlyAt = '2026-06-01T00:00:00.000Z'
        audit(db, 't', 'lost', {})
      }),
    ).rejects.toMatchObject({ code: 'storage_failed', status: 503 })
    expect(store.data.schedule.lastNightlyAt).toBe('2026-01-01T00:00:00.000Z')
    expect(store.data.audit).toEqual([])
    expect(store.revision).toBeGreaterThan(revision)
    expect(readFileSync(file, 'utf8')).toBe(before)

    rmSync(`${file}.tmp`, { recursive: true })
    await store.update((db) => audit(db, 't', 'kept', {}))
    const saved = JSON.parse(readFileSync(file, 'utf8'))
    expect(saved.schedule.lastNightlyAt).toBe('2026-01-01T00:00:00.000Z')
    expect(saved.audit.map((event: { action: string }) => event.action)).toEqual(['kept'])
  })

  it('gives audit events of an older db file ids on load, after any id in use, and never reuses one', async () => {
    const file = join(dir, 'db.json')
    const store = await Store.open(file)
    await store.update(() => undefined)
    const old = JSON.parse(readFileSync(file, 'utf8'))
    delete old.auditSeq
    old.audit = [
      { at: '2026-01-01T00:00:00.000Z', actor: 'a', action: 'one', detail: {} },
      { at: '2026-01-02T00:00:00.000Z', actor: 'a', action: 'two', detail: {} },
    ]
    writeFileSync(file, JSON.stringify(old))
    const reopened = await Store.open(file)
    expect(reopened.data.audit.map((event) => event.id)).toEqual(['000000000001', '000000000002'])
    await reopened.update((db) => audit(db, 't', 'three', {}))
    const again = await Store.open(file)
    expect(again.data.audit.map((event) => event.id)).toEqual(['000000000001', '000000000002', '000000000003'])
    expect(again.data.auditSeq).toBe(3)
  })

  it('leaves no temporary files behind (writes are temp file + rename)', async () => {
    const store = await Store.open(join(dir, 'db.json'))
    await store.update(() => undefined)
    expect(readdirSync(dir)).toEqual(['db.json'])
  })
})

describe('Vault', () => {
  it('round-trips a secret and binds it to its context', () => {
    const vault = Vault.ephemeral()
    const sealed = vault.seal({ apiToken: 'very-secret' }, 'conn-1')
    expect(sealed).not.toContain('very-secret')
    expect(vault.open(sealed, 'conn-1')).toEqual({ apiToken: 'very-secret' })
    expect(() => vault.open(sealed, 'conn-2')).toThrow(/could not be opened/)
  })

  it('refuses tampered ciphertext', () => {
    const vault = Vault.ephemeral()
    const sealed = vault.seal('x', 'c')
    const parts = sealed.split('.')
    parts[3] = Buffer.from('tampered').toString('base64url')
    expect(() => vault.open(parts.join('.'), 'c')).toThrow(/could not be opened/)
  })

  it('creates its key file 0600 once and reuses it', async () => {
    const first = await Vault.open(dir)
    const sealed = first.seal('x', 'c')
    const second = await Vault.open(dir)
    expect(second.open(sealed, 'c')).toBe('x')
    const { statSync } = await import('node:fs')
    expect(statSync(join(dir, 'secret.key')).mode & 0o777).toBe(0o600)
  })
})
