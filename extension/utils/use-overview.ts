import { browser } from '#imports'
import { useCallback, useEffect, useState } from 'preact/hooks'
import { ask, type Overview } from './messages.ts'
import { setKnownProviders } from './providers.ts'

/**
 * The background's state for a page, kept current: pages redraw when the background signs the
 * person in or out (a revoked token, a sign-in finished in another window) or stores a new check.
 */
export function useOverview(options: { refresh?: boolean } = {}) {
  const [overview, setOverview] = useState<Overview | null>(null)
  const [error, setError] = useState<string | null>(null)
  const reload = useCallback(
    () =>
      ask('overview').then(
        (next) => {
          setKnownProviders(next.providers)
          setOverview(next)
        },
        (caught: Error) => setError(caught.message),
      ),
    [],
  )
  useEffect(() => {
    void reload()
    // Draw what we know at once, then what the daemon says now.
    if (options.refresh) void ask('refresh').then(reload, () => undefined)
    const onChanged = (_changes: unknown, area: string) => void (area === 'local' && reload())
    browser.storage.onChanged.addListener(onChanged)
    return () => browser.storage.onChanged.removeListener(onChanged)
  }, [])
  return { overview, setOverview, error, reload }
}
