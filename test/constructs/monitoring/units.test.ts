import { Duration, Size } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { binaryQuantity, promDuration, prometheusSize, sizeOf } from '../../../constructs/monitoring/units.ts';

describe('units', () => {
  it('spells durations and sizes the way Prometheus and Kubernetes read them', () => {
    expect([promDuration(Duration.hours(200)), promDuration(Duration.seconds(90)), promDuration(Duration.days(14)), promDuration(Duration.minutes(5))]).toEqual(['200h', '90s', '14d', '5m']);
    expect([binaryQuantity(Size.gibibytes(10)), binaryQuantity(Size.mebibytes(1536))]).toEqual(['10Gi', '1536Mi']);
    expect([prometheusSize(Size.gibibytes(9)), prometheusSize(Size.mebibytes(1536))]).toEqual(['9GB', '1536MB']);
    expect(binaryQuantity(sizeOf('45Gi'))).toBe('45Gi');
  });
});
