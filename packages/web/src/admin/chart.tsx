import { t } from '../i18n/i18n.js';
import {
  bucketLabel,
  type ChartModel,
  type ChartRangeId,
  describeChart,
  type Frame,
  labelledIndexes,
  layoutChart,
} from './chart-data.js';
import { formatDateTime } from './format.js';

const frame: Frame = { width: 720, height: 240, top: 12, right: 8, bottom: 30, left: 44 };

/**
 * Sign-ins over time as stacked bars, drawn as SVG with classes and presentation attributes only (the CSP
 * allows no style attributes). Screen readers get a title and a one-sentence description; everyone can open
 * the numbers as a table below it.
 */
export function SignInChart(props: {
  model: ChartModel;
  range: ChartRangeId;
  id: string;
  failuresOnly?: boolean;
}) {
  const { model } = props;
  const layout = layoutChart(model, frame);
  const classes = new Map(model.keys.map((key) => [key.key, key.className]));
  const labels = new Map(model.keys.map((key) => [key.key, key.label]));
  const labelled = labelledIndexes(layout.bars.length, 8);
  const titleId = `${props.id}-title`;
  const descId = `${props.id}-desc`;
  const baseline = frame.height - frame.bottom;

  return (
    <figure class="chart">
      <svg
        class="chart-svg"
        viewBox={`0 0 ${frame.width} ${frame.height}`}
        role="img"
        aria-labelledby={`${titleId} ${descId}`}
        preserveAspectRatio="xMidYMid meet"
      >
        <title id={titleId}>
          {t('admin.chart.svgTitle', {
            what: props.failuresOnly ? 'failures' : 'all',
            bucket: model.bucket,
            range: props.range,
          })}
        </title>
        <desc id={descId}>{describeChart(model, props.range)}</desc>
        <g>
          {layout.ticks.map((tick) => (
            <g key={tick.value}>
              <line
                class="chart-grid"
                x1={frame.left}
                x2={frame.width - frame.right}
                y1={tick.y}
                y2={tick.y}
              />
              <text
                class="chart-axis"
                x={frame.left - 8}
                y={tick.y}
                text-anchor="end"
                dominant-baseline="middle"
              >
                {tick.value}
              </text>
            </g>
          ))}
          <line
            class="chart-baseline"
            x1={frame.left}
            x2={frame.width - frame.right}
            y1={baseline}
            y2={baseline}
          />
          {layout.bars.map((bar, index) => (
            <g key={bar.start}>
              {bar.rects.map((rect) => (
                <rect
                  key={rect.key}
                  class={classes.get(rect.key)}
                  x={rect.x}
                  y={rect.y}
                  width={rect.width}
                  height={rect.height}
                >
                  <title>
                    {t('admin.chart.barTitle', {
                      series: labels.get(rect.key) ?? rect.key,
                      value: rect.value,
                      bucket: bucketLabel(bar.start, model.bucket, { withDate: true }),
                    })}
                  </title>
                </rect>
              ))}
              {labelled.has(index) ? (
                <text class="chart-axis" x={bar.centre} y={baseline + 18} text-anchor="middle">
                  {bucketLabel(bar.start, model.bucket, { withDate: index === 0 && model.bucket === 'hour' })}
                </text>
              ) : null}
            </g>
          ))}
        </g>
      </svg>
      <figcaption>
        <ul class="chart-legend" aria-label={t('admin.chart.legend')}>
          {model.keys.map((key) => (
            <li key={key.key}>
              <span class={`swatch ${key.className}`} aria-hidden="true" />
              {key.label} <span class="muted">({key.total})</span>
            </li>
          ))}
        </ul>
      </figcaption>
      <details class="chart-numbers">
        <summary>{t('admin.chart.numbers')}</summary>
        <div class="table-scroll">
          <table class="numbers">
            <thead>
              <tr>
                <th scope="col">{t(model.bucket === 'hour' ? 'admin.chart.hourFrom' : 'admin.chart.day')}</th>
                {model.keys.map((key) => (
                  <th scope="col" key={key.key}>
                    {key.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {model.bars
                .filter((bar) => bar.total > 0)
                .map((bar) => (
                  <tr key={bar.start}>
                    <th scope="row">
                      {model.bucket === 'hour' ? formatDateTime(bar.start) : bucketLabel(bar.start, 'day')}
                    </th>
                    {model.keys.map((key) => (
                      <td key={key.key}>{bar.segments.find((s) => s.key === key.key)?.value ?? 0}</td>
                    ))}
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
