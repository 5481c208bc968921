import { describe, expect, it } from 'vitest';
import { SettingsConfigMap } from '../../constructs/settings-config-map.ts';
import { only, testChart } from '../support/charts.ts';

describe('SettingsConfigMap', () => {
  it('renders its settings sorted, whatever order they were given in', () => {
    const chart = testChart();
    new SettingsConfigMap(chart, 'cm', { name: 'settings', component: 'config', data: { B: '2', A: '1' } });
    expect(Object.keys(only(chart, 'ConfigMap').data)).toEqual(['A', 'B']);
  });

  it('changes its checksum exactly when a value changes', () => {
    const sum = (data: Record<string, string>) => new SettingsConfigMap(testChart(), 'cm', { name: 's', component: 'c', data }).checksum;
    expect(sum({ A: '1', B: '2' })).toBe(sum({ B: '2', A: '1' }));
    expect(sum({ A: '1', B: '2' })).not.toBe(sum({ A: '1', B: '3' }));
  });

  it('refuses keys that look like secrets', () => {
    expect(() => new SettingsConfigMap(testChart(), 'cm', { name: 's', component: 'c', data: { DB_PASSWORD: 'x', OPENAI_API_KEY: 'y' } })).toThrowError(
      'SettingsConfigMap s: DB_PASSWORD, OPENAI_API_KEY look secret; secrets go through an ExternalSecret, not a ConfigMap',
    );
  });
});
