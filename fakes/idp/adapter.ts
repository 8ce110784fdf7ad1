import type { Adapter, AdapterFactory, AdapterPayload } from 'oidc-provider'

type Entry = { payload: AdapterPayload; expiresAt: number }

/**
 * oidc-provider's storage, in memory and private to one provider instance (the library's own
 * quick-start adapter shares one store between instances and warns on every start).
 */
export function memoryAdapter(): AdapterFactory {
  const entries = new Map<string, Entry>()
  const byUid = new Map<string, string>()
  const byUserCode = new Map<string, string>()
  const read = (key: string): AdapterPayload | undefined => {
    const entry = entries.get(key)
    if (entry === undefined) return undefined
    if (entry.expiresAt <= Date.now()) {
      entries.delete(key)
      return undefined
    }
    return entry.payload
  }
  return (model: string): Adapter => {
    const key = (id: string) => `${model}:${id}`
    return {
      async upsert(id, payload, expiresIn) {
        const expiresAt = typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : Infinity
        entries.set(key(id), { payload, expiresAt })
        if (model === 'Session' && typeof payload.uid === 'string') byUid.set(payload.uid, id)
        if (typeof payload.userCode === 'string') byUserCode.set(payload.userCode, id)
      },
      async find(id) {
        return read(key(id))
      },
      async findByUid(uid) {
        const id = byUid.get(uid)
        return id === undefined ? undefined : read(key(id))
      },
      async findByUserCode(userCode) {
        const id = byUserCode.get(userCode)
        return id === undefined ? undefined : read(key(id))
      },
      async consume(id) {
        const payload = read(key(id))
        if (payload !== undefined) payload.consumed = Math.floor(Date.now() / 1000)
      },
      async destroy(id) {
        entries.delete(key(id))
      },
      async revokeByGrantId(grantId) {
        for (const [k, entry] of entries) {
          if (entry.payload.grantId === grantId) entries.delete(k)
        }
      },
    }
  }
}
