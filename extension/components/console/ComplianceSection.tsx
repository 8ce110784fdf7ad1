import { useEffect, useMemo, useRef, useState } from 'preact/hooks'
import { TRAINING_IDS, type TrainingId } from '../../../shared/constants.ts'
import { trainingName } from '../../utils/format.ts'
import type { ConsoleApi } from '../../utils/console-api.ts'
import type { HistoryPoint } from '../../utils/console-schemas.ts'
import { deriveHistory, share } from '../../utils/console/history.ts'
import type { PeopleState } from '../../utils/console/use-people.ts'
import { useRequest } from '../../utils/use-request.ts'
import { Notice } from '../Notice.tsx'
import { ComplianceChart } from './ComplianceChart.tsx'

type History = { training: TrainingId; points: HistoryPoint[] }

/**
 * Compliance per training over time: the daemon's history where it keeps one, else derived from
 * the people's `compliantAt` once they have all loaded.
 */
export function ComplianceSection({ api, people }: { api: ConsoleApi; people: PeopleState }) {
  const fromDaemon = useRequest(async () => Promise.all(TRAINING_IDS.map((training) => api.history(training))), [api])
  const host = useRef<HTMLDivElement>(null)
  const [width, setWidth] = useState(800)
  useEffect(() => {
    const element = host.current
    if (!element) return
    const observer = new ResizeObserver(() => setWidth(Math.max(320, Math.floor(element.clientWidth))))
    observer.observe(element)
    return () => observer.disconnect()
  }, [])
  const derived = fromDaemon.value?.every((history) => history === null) === true
  const histories: History[] = useMemo(() => {
    if (!fromDaemon.value) return []
    const list = derived
      ? people.done
        ? TRAINING_IDS.map((training) => ({ training, points: deriveHistory(people.rows, training) }))
        : []
      : fromDaemon.value.filter((history): history is History => history !== null)
    // A training nobody is counted for (not configured) has no curve.
    return list.filter((history) => (history.points.at(-1)?.total ?? 0) > 0)
  }, [fromDaemon.value, derived, people.done, people.rows])
  return (
    <div class="stack" ref={host}>
      <h2>Compliance over time</h2>
      {fromDaemon.error && <Notice tone="error">{fromDaemon.error}</Notice>}
      {derived && (
        <p class="muted" data-testid="history-source">
          Worked out from when each person became compliant; resets and people who left are not shown.
        </p>
      )}
      {derived && !people.done && <p class="muted">Waiting for everyone to load…</p>}
      {fromDaemon.value && (!derived || people.done) && histories.length === 0 && <p class="muted">No history yet: nobody is compliant.</p>}
      {histories.length > 0 && (
        <>
          <ComplianceChart histories={histories} width={width} />
          <table class="summary" aria-label="Compliance now">
            <thead>
              <tr>
                <th>Training</th>
                <th>Compliant</th>
                <th>Of</th>
                <th>Share</th>
              </tr>
            </thead>
            <tbody>
              {histories.map(({ training, points }) => {
                const last = points.at(-1)!
                return (
                  <tr key={training} data-training={training}>
                    <td>{trainingName(training)}</td>
                    <td>{last.compliant.toLocaleString('en-GB')}</td>
                    <td>{last.total.toLocaleString('en-GB')}</td>
                    <td>{share(last)} %</td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </>
      )}
    </div>
  )
}
