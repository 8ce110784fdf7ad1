import { browser } from '#imports'
import { useMemo, useState } from 'preact/hooks'
import { createConsoleApi } from '../../utils/console-api.ts'
import { usePeople } from '../../utils/console/use-people.ts'
import { useRequest } from '../../utils/use-request.ts'
import { TabList } from '../TabList.tsx'
import { Notice } from '../Notice.tsx'
import { AuditSection } from './AuditSection.tsx'
import { ComplianceSection } from './ComplianceSection.tsx'
import { ConnectionsSection } from './ConnectionsSection.tsx'
import { EvidenceSection } from './EvidenceSection.tsx'
import { PeopleSection } from './PeopleSection.tsx'
import { RecurrenceSection } from './RecurrenceSection.tsx'

const SECTIONS = [
  { id: 'people', label: 'People' },
  { id: 'compliance', label: 'Compliance' },
  { id: 'retraining', label: 'Retraining' },
  { id: 'evidence', label: 'Evidence' },
  { id: 'audit', label: 'Audit log' },
  { id: 'connections', label: 'Connections' },
] as const
type SectionId = (typeof SECTIONS)[number]['id']

const initialSection = (): SectionId => {
  const asked = new URLSearchParams(location.search).get('section')
  return SECTIONS.find((section) => section.id === asked)?.id ?? 'people'
}

/** The full-page admin console: the same daemon and token as the popup, built for thousands of people. */
export function ConsoleApp() {
  const api = useMemo(() => createConsoleApi(), [])
  const me = useRequest(() => api.me(), [api])
  const people = usePeople(api)
  const [section, setSection] = useState<SectionId>(initialSection)
  const role = me.value?.role
  const readOnly = role === 'access_reviewer'
  const staff = role !== undefined && role !== 'employee'
  return (
    <main class="console">
      <header class="top">
        <div class="logo">
          train<span>proof</span> <small>console</small>
        </div>
        <div class="row">
          {me.value && <small data-testid="who">{me.value.email ?? me.value.role.replace('_', ' ')}</small>}
          <button type="button" class="link" onClick={() => void browser.runtime.openOptionsPage()}>
            Options
          </button>
        </div>
      </header>
      {me.error && <Notice tone="error">{me.error}</Notice>}
      {me.value && !staff && (
        <Notice tone="warn">The console is for admins and access reviewers. This browser is paired as an employee.</Notice>
      )}
      {readOnly && <Notice testId="read-only">You are signed in as an access reviewer: you can see everything, and change nothing.</Notice>}
      {staff && (
        <>
          <TabList label="Console sections" tabs={SECTIONS} current={section} onSelect={setSection} />
          <section role="tabpanel" id={`panel-${section}`} aria-labelledby={`tab-${section}`}>
            {section === 'people' && <PeopleSection api={api} people={people} />}
            {section === 'compliance' && <ComplianceSection api={api} people={people} />}
            {section === 'retraining' && <RecurrenceSection api={api} readOnly={readOnly} onChanged={people.reload} />}
            {section === 'evidence' && <EvidenceSection api={api} />}
            {section === 'audit' && <AuditSection api={api} />}
            {section === 'connections' && <ConnectionsSection api={api} readOnly={readOnly} onChanged={people.reload} />}
          </section>
        </>
      )}
    </main>
  )
}
