// The daily trend: conversations with the bot-resolved share, and the first response (average
// and p90 against the target). ECharts, its SVG renderer, tree-shaken to what is drawn here;
// only period labels and fixed series names reach the chart, never text a person typed.
import { useEffect, useMemo, useRef } from 'preact/hooks';
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import type { ReportRow } from './types';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, SVGRenderer]);

type Option = echarts.EChartsCoreOption;

const percent = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 10);
const BASE = {
  animation: false,
  grid: { left: 48, right: 56, top: 40, bottom: 28 },
  tooltip: { trigger: 'axis' },
  legend: { top: 4 },
  textStyle: { fontFamily: 'inherit' },
};

function volumeOption(rows: ReportRow[]): Option {
  return {
    ...BASE,
    xAxis: { type: 'category', data: rows.map((r) => r.period) },
    yAxis: [
      { type: 'value', name: '会话', minInterval: 1 },
      { type: 'value', name: '%', max: 100, min: 0, splitLine: { show: false } },
    ],
    series: [
      { name: '会话数', type: 'bar', data: rows.map((r) => r.conversations), itemStyle: { color: '#2e90fa' } },
      {
        name: '机器人解决率',
        type: 'line',
        yAxisIndex: 1,
        data: rows.map((r) => percent(r.bot_resolved_share)),
        connectNulls: true,
        itemStyle: { color: '#12b76a' },
        tooltip: { valueFormatter: (v: unknown) => (v === null || v === undefined ? '—' : `${v}%`) },
      },
    ],
  };
}

function responseOption(rows: ReportRow[], targetS: number): Option {
  const seconds = (v: unknown) => (v === null || v === undefined ? '—' : `${v}秒`);
  return {
    ...BASE,
    xAxis: { type: 'category', data: rows.map((r) => r.period) },
    yAxis: { type: 'value', name: '秒' },
    series: [
      {
        name: '平均首次响应',
        type: 'line',
        data: rows.map((r) => r.first_response_avg_s),
        connectNulls: true,
        itemStyle: { color: '#7a5af8' },
        tooltip: { valueFormatter: seconds },
        markLine: {
          silent: true,
          symbol: 'none',
          label: { formatter: `目标 ${targetS}秒` },
          lineStyle: { color: '#f04438', type: 'dashed' },
          data: [{ yAxis: targetS }],
        },
      },
      {
        name: '首次响应P90',
        type: 'line',
        data: rows.map((r) => r.first_response_p90_s),
        connectNulls: true,
        itemStyle: { color: '#f79009' },
        tooltip: { valueFormatter: seconds },
      },
    ],
  };
}

function Chart({ option, testid, label }: { option: Option; testid: string; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  useEffect(() => {
    if (!box.current) return;
    const instance = echarts.init(box.current, undefined, { renderer: 'svg' });
    chart.current = instance;
    const onResize = () => instance.resize();
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      instance.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption(option, true);
  }, [option]);
  return <div class="report-chart" ref={box} role="img" aria-label={label} data-testid={testid} />;
}

export function TrendCharts({ rows, targetS }: { rows: ReportRow[]; targetS: number }) {
  const volume = useMemo(() => volumeOption(rows), [rows]);
  const response = useMemo(() => responseOption(rows, targetS), [rows, targetS]);
  return (
    <div class="report-charts">
      <section class="panel">
        <h2>会话量与机器人解决率</h2>
        <Chart option={volume} testid="report-chart-volume" label="会话数与机器人解决率趋势图" />
      </section>
      <section class="panel">
        <h2>首次响应时间</h2>
        <Chart option={response} testid="report-chart-response" label="平均与P90首次响应时间趋势图" />
      </section>
    </div>
  );
}
