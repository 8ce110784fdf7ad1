import { useCallback, useEffect, useState } from 'preact/hooks'

export type Loaded<T> = { value: T | null; error: string | null; loading: boolean; reload: () => Promise<void> }

/** Loads something from the background when a component mounts (and again on `reload`). */
export function useRequest<T>(load: () => Promise<T>, deps: readonly unknown[] = []): Loaded<T> {
  const [value, setValue] = useState<T | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [loading, setLoading] = useState(true)
  const reload = useCallback(async () => {
    setLoading(true)
    try {
      setValue(await load())
      setError(null)
    } catch (caught) {
      setError((caught as Error).message)
    } finally {
      setLoading(false)
    }
  }, deps)
  useEffect(() => void reload(), [reload])
  return { value, error, loading, reload }
}

/** Runs one action at a time and keeps its outcome sentence. */
export function useAction() {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [done, setDone] = useState<string | null>(null)
  const run = useCallback(async (action: () => Promise<string | null>) => {
    setBusy(true)
    setError(null)
    setDone(null)
    try {
      setDone(await action())
    } catch (caught) {
      setError((caught as Error).message)
    } finally {
      setBusy(false)
    }
  }, [])
  /** Clears the last outcome, e.g. when a new action starts that isn't run through `run`. */
  const reset = useCallback(() => {
    setError(null)
    setDone(null)
  }, [])
  return { busy, error, done, run, reset }
}
