import { describe, expect, it } from 'vitest';
import { durationSeconds } from '../../kube/duration.ts';
import { Duration } from 'cdk8s';
import { promDuration } from '../../kube/duration.ts';

describe('durationSeconds', () => {
  it('adds up whole units, days included', () => {
    expect(durationSeconds('15s')).toBe(15);
    expect(durationSeconds('5m')).toBe(300);
    expect(durationSeconds('1h30m')).toBe(5400);
    expect(durationSeconds('200h')).toBe(720_000);
    expect(durationSeconds('7d')).toBe(604_800);
  });

  it('refuses what it would misread, quoting it', () => {
    for (const bad of ['1.5h', '10', '5 m', '100ms', 'm5', '']) expect(() => durationSeconds(bad), bad).toThrow(`"${bad}"`);
  });
});

describe('promDuration', () => {
  it('spells durations the way Prometheus reads them', () => {
    expect([promDuration(Duration.hours(200)), promDuration(Duration.seconds(90)), promDuration(Duration.days(14)), promDuration(Duration.minutes(5))]).toEqual(['200h', '90s', '14d', '5m']);
  });
});
