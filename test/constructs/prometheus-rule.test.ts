import { describe, expect, it } from 'vitest';
import { PrometheusRule } from '../../constructs/prometheus-rule.ts';
import { testChart } from '../support/charts.ts';

describe('PrometheusRule', () => {
  it('refuses an empty PrometheusRule', () => {
    expect(() => new PrometheusRule(testChart(), 'r', { name: 'alerts', groups: [] })).toThrowError('PrometheusRule alerts: needs at least one rule group');
  });
});
