/**
 * The reading of netpol-analyzer's CSV, without the analyzer: address fragments merge back into the
 * ipBlock a person wrote, port lists split into single ports, and an unexpected header is refused.
 */
import { describe, expect, it } from 'vitest';
import { ipBlockText, parseConnlist } from './connectivity.ts';

const PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '100.64.0.0/10'];

describe('netpol-analyzer output', () => {
  it('writes an ipBlock with exceptions as merged ranges', () => {
    expect(ipBlockText('0.0.0.0/0')).toBe('0.0.0.0-255.255.255.255');
    expect(ipBlockText('0.0.0.0/0', PRIVATE)).toBe(
      '0.0.0.0-9.255.255.255,11.0.0.0-100.63.255.255,100.128.0.0-169.253.255.255,169.255.0.0-172.15.255.255,172.32.0.0-192.167.255.255,192.169.0.0-255.255.255.255',
    );
  });

  it('merges the fragments of one peer and splits port lists', () => {
    const csv = [
      'src,dst,conn',
      'ns/a[Deployment],0.0.0.0-9.255.255.255,"TCP 443,6443"',
      'ns/a[Deployment],10.0.0.0-10.255.255.255,"TCP 443,6443"',
      'ns/a[Deployment],11.0.0.0-255.255.255.255,"TCP 443,6443"',
      'ns/a[Deployment],kube-system/coredns[Pod],"TCP 53,UDP 53"',
      '0.0.0.0-255.255.255.255,ns/b[StatefulSet],All Connections',
    ].join('\n');
    expect(parseConnlist(csv).map((f) => `${f.from} > ${f.to} : ${f.port}`).sort()).toEqual([
      '0.0.0.0-255.255.255.255 > ns/b : all',
      'ns/a > 0.0.0.0-255.255.255.255 : TCP 443',
      'ns/a > 0.0.0.0-255.255.255.255 : TCP 6443',
      'ns/a > kube-system/coredns : TCP 53',
      'ns/a > kube-system/coredns : UDP 53',
    ]);
  });

  it('keeps ranges apart when a gap remains', () => {
    const csv = 'src,dst,conn\nns/a[Deployment],0.0.0.0-9.255.255.255,TCP 443\nns/a[Deployment],11.0.0.0-255.255.255.255,TCP 443\n';
    expect(parseConnlist(csv)[0]!.to).toBe(ipBlockText('0.0.0.0/0', ['10.0.0.0/8']));
  });

  it('refuses output it does not know', () => {
    expect(() => parseConnlist('source,destination\n')).toThrow(/unexpected netpol-analyzer output header: source,destination/);
  });
});
