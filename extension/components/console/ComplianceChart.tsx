import { useEffect, useRef } from 'preact/hooks'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'
import type { TrainingId } from '../../../shared/domain.ts'
import { trainingName } from '../../utils/format.ts'
import type { HistoryPoint } from '../../utils/console-schemas.ts'
import { alignHistories } from '../../utils/console/history.ts'

const LINE_VARIABLES = ['--accent', '--ok', '--chart-3']

const cssVariable = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888'

/** Per cent compliant per training over time, one line each (uPlot on a canvas). */
export function ComplianceChart({ histories, width }: { histories: { training: TrainingId; points: HistoryPoint[] }[]; width: number }) {
  const host = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (!host.current || histories.length === 0) return
    const { x, series } = alignHistories(histories)
    const axis = {
      stroke: cssVariable('--muted'),
      grid: { stroke: cssVariable('--border'), width: 1 },
      ticks: { stroke: cssVariable('--border') },
    }
    const chart = new uPlot(
      {
        width,
        height: 320,
        scales: { x: { time: true }, y: { range: [0, 100] } },
        axes: [axis, { ...axis, size: 64, values: (_chart, ticks) => ticks.map((tick) => `${tick} %`) }],
        series: [
          { label: 'Date' },
          ...histories.map((history, index) => ({
            label: trainingName(history.training),
            stroke: cssVariable(LINE_VARIABLES[index % LINE_VARIABLES.length]!),
            width: 2,
            value: (_chart: uPlot, value: number | null) => (value === null ? '–' : `${value} %`),
          })),
        ],
      },
      [x, ...series] as uPlot.AlignedData,
      host.current,
    )
    return () => chart.destroy()
  }, [histories, width])
  return <div ref={host} class="chart" data-testid="compliance-chart" />
}
