import { describe, expect, it } from 'vitest';
import { Construct } from 'constructs';
import { claimedStorageClasses, reportClaim } from '../../constructs/storage-claims.ts';
import { dataVolumeClaim } from '../../constructs/stateful-parts.ts';
import { objects, testChart } from '../support/charts.ts';

describe('storage claims', () => {
  it('collects the classes the constructs of a tree report, once each and sorted, and renders nothing', () => {
    const chart = testChart();
    const a = new Construct(chart, 'a');
    const b = new Construct(a, 'b');
    reportClaim(b, 'st1');
    reportClaim(a, 'gp3');
    reportClaim(chart, 'gp3');
    reportClaim(chart, undefined);
    expect(claimedStorageClasses(chart)).toEqual(['gp3', 'st1']);
    expect(claimedStorageClasses(b)).toEqual(['st1']);
    expect(objects(chart)).toEqual([]);
  });

  it('a StatefulSet\'s data claim is reported by the construct that builds it', () => {
    const chart = testChart();
    const owner = new Construct(chart, 'store');
    const claim = dataVolumeClaim(owner, { app: 'x' }, '1Gi', 'io2');
    expect(claim.spec?.storageClassName).toBe('io2');
    expect(claimedStorageClasses(chart)).toEqual(['io2']);
  });
});
