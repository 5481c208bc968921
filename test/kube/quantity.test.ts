import { describe, expect, it } from 'vitest';
import { parseQuantity, quantityBytes } from '../../kube/quantity.ts';
import { Size } from 'cdk8s';
import { binaryQuantity, sizeOf } from '../../kube/quantity.ts';

describe('parseQuantity', () => {
  it('reads binary, decimal, milli and exponent suffixes', () => {
    expect(parseQuantity('512Mi')).toBe(512 * 2 ** 20);
    expect(parseQuantity('1.5Gi')).toBe(1.5 * 2 ** 30);
    expect(parseQuantity('512M')).toBe(512e6);
    expect(parseQuantity('250m')).toBe(0.25);
    expect(parseQuantity('1e9')).toBe(1e9);
    expect(parseQuantity(2)).toBe(2);
  });

  it('gives undefined for what Kubernetes would refuse', () => {
    for (const bad of ['1GB', 'lots', '1 Gi', '', 'Gi', undefined, {}]) expect(parseQuantity(bad)).toBeUndefined();
  });
});

describe('quantityBytes', () => {
  it('throws, quoting the text, on a non-quantity', () => {
    expect(quantityBytes('2Gi')).toBe(2 * 2 ** 30);
    expect(() => quantityBytes('2GB')).toThrow('not a Kubernetes quantity: "2GB"');
  });
});

describe('binaryQuantity', () => {
  it('spells sizes the way Kubernetes reads them', () => {
    expect([binaryQuantity(Size.gibibytes(10)), binaryQuantity(Size.mebibytes(1536))]).toEqual(['10Gi', '1536Mi']);
    expect(binaryQuantity(sizeOf('45Gi'))).toBe('45Gi');
  });
});
