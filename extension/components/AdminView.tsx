import { browser } from '#imports'
import { useRef, useState } from 'preact/hooks'
import type { Overview } from '../utils/messages.ts'
import { AccessPanel } from './AccessPanel.tsx'
import { ConnectionsPanel } from './ConnectionsPanel.tsx'
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
  const tabs = useRef<(HTMLButtonElement | null)[]>([])
  const onKey = (event: KeyboardEvent, index: number) => {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0
    if (step === 0) return
    const next = (index + step + TABS.length) % TABS.length
    setTab(TABS[next]!.id)
    tabs.current[next]?.focus()
  }
  return (
    <div>
      {readOnly && (
        <Notice testId="read-only">
          You are signed in as an access reviewer: you can see everything, and change nothing.
        </Notice>
      )}
      <div class="spread console-link">
        <small class="muted">Thousands of people, the audit log, evidence and retraining:</small>
        <button type="button" class="primary" data-testid="open-console" onClick={() => void browser.tabs.create({ url: browser.runtime.getURL('/console.html') })}>
          Open console
        </button>
      </div>
      <div role="tablist" aria-label="Admin sections">
        {TABS.map((item, index) => (
          <button
            key={item.id}
            ref={(element) => void (tabs.current[index] = element)}
            role="tab"
            type="button"
            id={`tab-${item.id}`}
            aria-selected={tab === item.id}
            aria-controls={`panel-${item.id}`}
            tabIndex={tab === item.id ? 0 : -1}
            onClick={() => setTab(item.id)}
            onKeyDown={(event) => onKey(event, index)}
          >
            {item.label}
          </button>
        ))}
      </div>
      <section role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === 'connections' && <ConnectionsPanel readOnly={readOnly} oauth={overview.oauth} />}
        {tab === 'trainings' && <TrainingsPanel readOnly={readOnly} />}
        {tab === 'people' && <PeoplePanel readOnly={readOnly} />}
        {tab === 'access' && <AccessPanel readOnly={readOnly} />}
      </section>
    </div>
  )
}
