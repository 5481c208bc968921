/** "Did you mean": the closest candidate by edit distance, within a bound. */
import { describe, expect, it } from 'vitest';
import { editDistance, nearestWord } from '../../tools/nearest-word.ts';

describe('nearestWord', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect([editDistance('kitten', 'sitting'), editDistance('', 'abc'), editDistance('same', 'same')]).toEqual([3, 3, 0]);
    expect([editDistance('Replicas', 'replicas'), editDistance('Replicas', 'replicas', true)]).toEqual([1, 0]);
  });

  it('picks the closest candidate, the first on a tie, and none beyond the bound', () => {
    expect(nearestWord('enviroment', ['environments', 'environment', 'check'])).toBe('environment');
    expect(nearestWord('ab', ['ax', 'ay'])).toBe('ax');
    expect(nearestWord('check', ['environment'])).toBeUndefined();
    expect(nearestWord('ingres', ['ingress'], { maxDistance: 0 })).toBeUndefined();
    expect(nearestWord('INGRESS', ['ingress'], { ignoreCase: true, maxDistance: 0 })).toBe('ingress');
  });
});
