import { browser } from '#imports'
import { ask, type Overview } from '../utils/messages.ts'
import { useAction } from '../utils/use-request.ts'
import { Notice } from './Notice.tsx'

export const ROLE_NAMES: Record<string, string> = {
  admin: 'Admin',
  workspace_manager: 'Workspace manager',
  devops_engineer: 'DevOps engineer',
  access_reviewer: 'Access reviewer',
  employee: 'Employee',
}

/** Who this browser is signed in as, and signing out (which revokes a sign-in token at the daemon). */
export function SignedInAs({ overview, onSignedOut }: { overview: Overview; onSignedOut: () => void }) {
  const action = useAction()
  const who = overview.identity
  if (who === null) return null
  const signOut = () =>
    action.run(async () => {
      await ask('signOut')
      onSignedOut()
      return null
    })
  return (
    <section class="card stack" aria-labelledby="signed-in-title">
      <h2 id="signed-in-title">Signed in</h2>
      <p data-testid="paired-as">
        {who.email ?? 'A shared token'} · {ROLE_NAMES[who.role] ?? who.role}
        {overview.signedInHere ? '' : ' (pasted token)'}
      </p>
      <div class="row">
        <button type="button" onClick={signOut} disabled={action.busy} data-testid="sign-out">
          Sign out
        </button>
        <button type="button" class="link" onClick={() => void browser.tabs.create({ url: browser.runtime.getURL('/onboarding.html') })}>
          Open my trainings
        </button>
      </div>
      {action.error && <Notice tone="error">{action.error}</Notice>}
    </section>
  )
}
