/** Looking up the support window of what a rendered object names. */
import { describe, expect, it } from 'vitest';
import { SupportIndex } from '../../policies/support-windows.ts';

const window = { endOfSupport: '2027-05-01', source: 'https://example.com/eol' };
const index = new SupportIndex(
  [
    { repository: 'quay.io/x/app', tag: 'v1.2.0', support: window },
    { repository: 'quay.io/x/broken', tag: 'v1', support: { endOfSupport: 'soon', source: '' } },
  ],
  [{ repoURL: 'https://charts.example.com', chart: 'x', version: '1.0.0', support: window }],
  { version: 'v3.5.1' },
  { version: '1.36', support: window },
);

describe('SupportIndex', () => {
  it('finds images by repository and tag, whatever their digest', () => {
    expect(index.image('quay.io/x/app:v1.2.0@sha256:' + 'a'.repeat(64))).toEqual({ name: 'quay.io/x/app:v1.2.0', support: window });
  });

  it('treats another tag of a pinned repository, or malformed data, as no support data', () => {
    expect(index.image('quay.io/x/app:v1.3.0')).toEqual({ name: 'quay.io/x/app:v1.3.0' });
    expect(index.image('quay.io/x/broken:v1')).toEqual({ name: 'quay.io/x/broken:v1' });
    expect(index.argoCd).toEqual({ name: 'Argo CD v3.5.1' });
  });

  it('ignores repositories nothing pins, and matches charts on repository, name and version', () => {
    expect(index.image('registry.example.com/shop/api:1.0.0')).toBeUndefined();
    expect(index.chart('https://charts.example.com', 'x', '1.0.0').support).toEqual(window);
    expect(index.chart('https://other.example.com', 'x', '1.0.0').support).toBeUndefined();
  });

  it('knows the window of the Kubernetes target only, whatever the label says', () => {
    expect(index.kubernetes('v1.36')).toEqual({ name: 'Kubernetes 1.36', support: window });
    expect(index.kubernetes('v1.35')).toEqual({ name: 'Kubernetes 1.35' });
  });
});
