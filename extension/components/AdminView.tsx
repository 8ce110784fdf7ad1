import { browser } from '#imports'
import { useState } from 'preact/hooks'
import type { Overview } from '../utils/messages.ts'
import { AccessPanel } from './AccessPanel.tsx'
import { ConnectionsPanel } from './ConnectionsPanel.tsx'
import { TabList } from './TabList.tsx'
import { Notice } from './Notice.tsx'
import { PeoplePanel } from './PeoplePanel.tsx'
import { TrainingsPanel } from './TrainingsPanel.tsx'

const TABS = [
  { id: 'connections', label: 'Connections' },
  { id: 'trainings', label: 'Trainings' },
  { id: 'people', label: 'People' },
  { id: 'access', label: 'Access' },
] as const
type TabId = (typeof TABS)[number]['id']

/** The popup for staff. Access reviewers get the same screens with every control disabled. */
export function AdminView({ overview, readOnly }: { overview: Overview; readOnly: boolean }) {
  const [tab, setTab] = useState<TabId>('connections')
  return (
    <div>
      {readOnly && <Notice testId="read-only">You are signed in as an access reviewer: you can see everything, and change nothing.</Notice>}
      <div class="spread console-link">
        <small class="muted">Thousands of people, the audit log, evidence and retraining:</small>
        <button
          type="button"
          class="primary"
          data-testid="open-console"
          onClick={() => void browser.tabs.create({ url: browser.runtime.getURL('/console.html') })}
        >
          Open console
        </button>
      </div>
      <TabList label="Admin sections" tabs={TABS} current={tab} onSelect={setTab} />
      <section role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === 'connections' && <ConnectionsPanel readOnly={readOnly} oauth={overview.oauth} />}
        {tab === 'trainings' && <TrainingsPanel readOnly={readOnly} />}
        {tab === 'people' && <PeoplePanel readOnly={readOnly} />}
        {tab === 'access' && <AccessPanel readOnly={readOnly} />}
      </section>
    </div>
  )
}
