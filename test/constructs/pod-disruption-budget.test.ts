import { describe, expect, it } from 'vitest';
import { PodDisruptionBudget, type PodDisruptionBudgetProps } from '../../constructs/pod-disruption-budget.ts';
import { only, testChart } from '../support/charts.ts';

const base: PodDisruptionBudgetProps = { name: 'api', component: 'api', selector: { app: 'api' }, minReplicas: 3 };

function render(props: Partial<PodDisruptionBudgetProps>) {
  const chart = testChart();
  new PodDisruptionBudget(chart, 'pdb', { ...base, ...props });
  return only(chart, 'PodDisruptionBudget');
}

describe('PodDisruptionBudget', () => {
  it('allows one pod down at a time by default', () => {
    const pdb = render({});
    expect(pdb.apiVersion).toBe('policy/v1');
    expect(pdb.spec).toEqual({ selector: { matchLabels: { app: 'api' } }, maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
  });

  it('renders minAvailable alone when it is given', () => {
    const pdb = render({ minAvailable: 2 });
    expect(pdb.spec.minAvailable).toBe(2);
    expect(pdb.spec.maxUnavailable).toBeUndefined();
  });

  it('refuses both settings at once', () => {
    expect(() => render({ minAvailable: 1, maxUnavailable: 1 })).toThrowError(
      'PodDisruptionBudget api: set minAvailable (1) or maxUnavailable (1), not both',
    );
  });

  it('refuses a budget that blocks every node drain', () => {
    expect(() => render({ maxUnavailable: 0 })).toThrowError('PodDisruptionBudget api: maxUnavailable 0 blocks every node drain');
    expect(() => render({ minAvailable: 3 })).toThrowError(
      'PodDisruptionBudget api: minAvailable 3 leaves no pod of 3 evictable; use at most 2',
    );
  });
});
