import { Command, INETProtocol, IPv4Address, IPv4ProxyAddress, IPv6Address, IPv6ProxyAddress, Peer, TransportProtocol, V1ProxyProtocol, V2ProxyProtocol } from 'proxy-protocol-js';
import { readProxyHeader } from './proxy-protocol';

const HELLO = Buffer.from([0x16, 0x03, 0x01, 0x00, 0x05]);
const v2 = (address: IPv4ProxyAddress | IPv6ProxyAddress, command = Command.PROXY): Buffer =>
  Buffer.from(new V2ProxyProtocol(command, TransportProtocol.STREAM, address).build());
const v2From = (source: number[]) => v2(new IPv4ProxyAddress(IPv4Address.createFrom(source), 40_000, IPv4Address.createFrom([10, 0, 0, 2]), 8443));

describe('readProxyHeader', () => {
  it('reads a v2 header (IPv4) and hands back what follows it', () => {
    const read = readProxyHeader(Buffer.concat([v2From([203, 0, 113, 7]), HELLO]));
    expect(read).toEqual({ kind: 'header', source: '203.0.113.7', rest: HELLO });
  });

  it('reads a v2 header (IPv6)', () => {
    const source = IPv6Address.createFrom([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x09]);
    const header = v2(new IPv6ProxyAddress(source, 1, IPv6Address.createWithEmptyAddress(), 8443));
    expect(readProxyHeader(header)).toEqual({ kind: 'header', source: '2001:db8:0:0:0:0:0:9', rest: Buffer.alloc(0) });
  });

  it('skips the TLVs a v2 header may carry (its length covers them)', () => {
    const header = v2From([198, 51, 100, 1]);
    const tlv = Buffer.from([0x01, 0x00, 0x02, 0x68, 0x32]); // PP2_TYPE_ALPN "h2"
    const withTlv = Buffer.concat([header, tlv]);
    withTlv.writeUInt16BE(header.readUInt16BE(14) + tlv.length, 14);
    expect(readProxyHeader(Buffer.concat([withTlv, HELLO]))).toEqual({ kind: 'header', source: '198.51.100.1', rest: HELLO });
  });

  it("a v2 LOCAL header (the balancer's own health check) names no client", () => {
    const local = v2(new IPv4ProxyAddress(IPv4Address.createWithEmptyAddress(), 0, IPv4Address.createWithEmptyAddress(), 0), Command.LOCAL);
    expect(readProxyHeader(local)).toEqual({ kind: 'header', source: undefined, rest: Buffer.alloc(0) });
  });

  it('reads a v1 line, TCP4, TCP6 and UNKNOWN', () => {
    const tcp4 = new V1ProxyProtocol(INETProtocol.TCP4, new Peer('192.0.2.10', 5000), new Peer('10.0.0.2', 8443)).build();
    expect(readProxyHeader(Buffer.concat([Buffer.from(tcp4), HELLO]))).toEqual({ kind: 'header', source: '192.0.2.10', rest: HELLO });
    expect(readProxyHeader(Buffer.from('PROXY TCP6 2001:db8::1 2001:db8::2 5000 8443\r\n'))).toMatchObject({ kind: 'header', source: '2001:db8::1' });
    expect(readProxyHeader(Buffer.from('PROXY UNKNOWN\r\n'))).toEqual({ kind: 'header', source: undefined, rest: Buffer.alloc(0) });
  });

  it('waits for the rest of a header split across reads, byte by byte', () => {
    for (const whole of [Buffer.concat([v2From([203, 0, 113, 8]), HELLO]), Buffer.concat([Buffer.from('PROXY TCP4 192.0.2.11 10.0.0.2 5000 8443\r\n'), HELLO])]) {
      const headerEnd = whole.length - HELLO.length;
      for (let n = 1; n < headerEnd; n++) expect(readProxyHeader(whole.subarray(0, n))).toEqual({ kind: 'incomplete' });
      expect(readProxyHeader(whole)).toMatchObject({ kind: 'header', rest: HELLO });
    }
  });

  it.each([
    ['a TLS handshake with no header', HELLO],
    ['plain HTTP', Buffer.from('GET / HTTP/1.1\r\n\r\n')],
    ['a v1 line without CRLF', Buffer.from(`PROXY TCP4 ${'1'.repeat(120)}`)],
    ['a v1 line with a bad address', Buffer.from('PROXY TCP4 999.0.0.1 10.0.0.2 5000 8443\r\n')],
    ['a v2 header claiming 64 KiB', Buffer.concat([v2From([1, 2, 3, 4]).subarray(0, 14), Buffer.from([0xff, 0xff])])],
    ['a v2 header of a wrong version', Buffer.concat([v2From([1, 2, 3, 4]).subarray(0, 12), Buffer.from([0x31]), v2From([1, 2, 3, 4]).subarray(13)])],
  ])('refuses %s', (_name, bytes) => {
    expect(readProxyHeader(bytes)).toMatchObject({ kind: 'invalid' });
  });
});
