import { browser } from '#imports'
import { employeeCheck } from '../utils/check.ts'
import { useOverview } from '../utils/use-overview.ts'
import { AdminView } from './AdminView.tsx'
import { EmployeeView } from './EmployeeView.tsx'
import { Notice } from './Notice.tsx'
import { ROLE_NAMES } from './SignedInAs.tsx'
import { SignInCard } from './SignInCard.tsx'

export function PopupApp() {
  const { overview, setOverview, error, reload } = useOverview({ refresh: true })
  const openOptions = () => void browser.runtime.openOptionsPage()
  const who = overview?.identity
  return (
    <main class="popup">
      <header class="top">
        <div class="logo">
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
            {who ? 'Account' : 'Options'}
          </button>
        </div>
      </header>
      {error && <Notice tone="error">{error}</Notice>}
      {overview && !who && <SignInCard overview={overview} onSignedIn={() => void reload()} />}
      {overview && who?.role === 'employee' && (
        <EmployeeView
          check={overview.check}
          supportContact={overview.settings.supportContact}
          onChange={(trainings) => setOverview({ ...overview, check: employeeCheck(trainings) })}
        />
      )}
      {overview && who && who.role !== 'employee' && <AdminView overview={overview} readOnly={who.role === 'access_reviewer'} />}
    </main>
  )
}
