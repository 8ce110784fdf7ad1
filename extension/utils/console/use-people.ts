import { useEffect, useState } from 'preact/hooks'
import type { ConsoleApi } from '../console-api.ts'
import { toRow, type Row } from './rows.ts'

export const PAGE_SIZE = 5_000

export type PeopleState = { rows: Row[]; done: boolean; error: string | null; reload: () => void }

/**
 * Everybody, page by page (`GET /personnel?limit=&offset=`): the table shows the first page at
 * once and grows as the rest arrive. Each page is one short task, so scrolling stays smooth
 * meanwhile.
 */
export function usePeople(api: ConsoleApi, pageSize = PAGE_SIZE): PeopleState {
  const [generation, setGeneration] = useState(0)
  const [state, setState] = useState<Omit<PeopleState, 'reload'>>({ rows: [], done: false, error: null })
  useEffect(() => {
    let cancelled = false
    const rows: Row[] = []
    setState({ rows: [], done: false, error: null })
    void (async () => {
      try {
        for (let offset = 0; !cancelled; offset += pageSize) {
          const page = await api.personnelPage(offset, pageSize)
          if (cancelled) return
          for (const person of page) rows.push(toRow(person))
          const done = page.length < pageSize
          setState({ rows: rows.slice(), done, error: null })
          if (done) return
        }
      } catch (error) {
        if (!cancelled) setState({ rows: rows.slice(), done: true, error: (error as Error).message })
      }
    })()
    return () => {
      cancelled = true
    }
  }, [api, pageSize, generation])
  return { ...state, reload: () => setGeneration((value) => value + 1) }
}
