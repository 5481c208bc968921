import { describe, expect, it } from 'vitest';
import { ServiceMonitor } from '../../constructs/service-monitor.ts';
import { validateManifest } from '../../stacks/validate.ts';
import { only, testChart } from '../support/charts.ts';
import { api, apiTargets } from '../support/monitoring-charts.ts';

describe('ServiceMonitor', () => {
  it('gives a ServiceMonitor the job name, path and interval of its target, and it validates', async () => {
    const chart = testChart();
    const [, langmem] = apiTargets(api(chart));
    new ServiceMonitor(chart, 'sm', { target: langmem!, namespace: 'test', selectorLabels: { release: 'kps' } });
    const sm = only(chart, 'ServiceMonitor');
    expect(sm.metadata.labels.release).toBe('kps');
    expect(sm.spec.endpoints[0]).toMatchObject({ port: 'http', path: '/metrics/memory', interval: '30s' });
    expect(sm.spec.endpoints[0].relabelings).toContainEqual({ targetLabel: 'job', replacement: 'langmem' });
    await validateManifest(sm, 'ServiceMonitor langmem');
  });
});
