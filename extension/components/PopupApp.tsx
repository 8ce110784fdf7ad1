import { browser } from '#imports'
import { useEffect, useState } from 'preact/hooks'
import type { Overview } from '../utils/messages.ts'
import { ask } from '../utils/messages.ts'
import { employeeCheck } from '../utils/check.ts'
import { AdminView } from './AdminView.tsx'
import { EmployeeView } from './EmployeeView.tsx'
import { Notice } from './Notice.tsx'

const ROLE_NAMES: Record<string, string> = {
  admin: 'Admin',
  workspace_manager: 'Workspace manager',
  devops_engineer: 'DevOps engineer',
  access_reviewer: 'Access reviewer',
  employee: 'Employee',
}

export function PopupApp() {
  const [overview, setOverview] = useState<Overview | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    ask('overview').then(setOverview, (caught: Error) => setError(caught.message))
    // Draw what we know at once, then what the daemon says now.
    ask('refresh').then(
      (check) => setOverview((current) => (current ? { ...current, check } : current)),
      () => undefined,
    )
  }, [])
  const openOptions = () => void browser.runtime.openOptionsPage()
  const who = overview?.identity
  return (
    <main class="popup">
      <header class="top">
        <div class="logo" aria-label="trainproof">
          train<span>proof</span>
        </div>
        <div class="row">
          {who && (
            <small data-testid="who">
              {ROLE_NAMES[who.role] ?? who.role}
              {who.email ? ` · ${who.email}` : ''}
            </small>
          )}
          <button type="button" class="link" onClick={openOptions}>
            Options
          </button>
        </div>
      </header>
      {error && <Notice tone="error">{error}</Notice>}
      {overview && !who && (
        <div class="stack">
          <p>This browser isn't paired with trainproof yet.</p>
          <button type="button" class="primary" onClick={openOptions}>
            Pair with the daemon
          </button>
        </div>
      )}
      {overview && who?.role === 'employee' && (
        <EmployeeView check={overview.check} onChange={(trainings) => setOverview({ ...overview, check: employeeCheck(trainings) })} />
      )}
      {overview && who && who.role !== 'employee' && <AdminView overview={overview} readOnly={who.role === 'access_reviewer'} />}
    </main>
  )
}
