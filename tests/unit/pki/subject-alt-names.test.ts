import { describe, expect, it } from 'vitest';
import { parseSubjectAltNames, type SubjectAltName } from '../../../src/pki/subject-alt-names.js';

describe('parseSubjectAltNames', () => {
  const parsed: Array<[string | undefined, SubjectAltName[]]> = [
    [undefined, []],
    ['', []],
    ['DNS:localhost', [{ type: 'DNS', value: 'localhost' }]],
    [
      'URI:spiffe://demo/partner/city, DNS:localhost, IP Address:127.0.0.1',
      [
        { type: 'URI', value: 'spiffe://demo/partner/city' },
        { type: 'DNS', value: 'localhost' },
        { type: 'IP Address', value: '127.0.0.1' },
      ],
    ],
    // Node's JSON quoting (CVE-2021-44532): the comma belongs to the value
    [
      'URI:"spiffe://a\\u002c URI:spiffe://b", DNS:x',
      [
        { type: 'URI', value: 'spiffe://a, URI:spiffe://b' },
        { type: 'DNS', value: 'x' },
      ],
    ],
    ['URI:"http://\\u00fc"', [{ type: 'URI', value: 'http://ü' }]],
    ['URI:"a\\\\", DNS:y', [{ type: 'URI', value: 'a\\' }, { type: 'DNS', value: 'y' }]],
    // as Node 20 prints a directoryName SAN
    [
      'URI:spiffe://demo/partner/city, DirName:"CN=x\\u002cO=Org\\\\\\u002c With Comma\\u002cC=CN", Registered ID:1.2.3.4',
      [
        { type: 'URI', value: 'spiffe://demo/partner/city' },
        { type: 'DirName', value: 'CN=x,O=Org\\, With Comma,C=CN' },
        { type: 'Registered ID', value: '1.2.3.4' },
      ],
    ],
    ['email:a@b, othername:1.2.3;UTF8:x', [{ type: 'email', value: 'a@b' }, { type: 'othername', value: '1.2.3;UTF8:x' }]],
  ];
  it.each(parsed)('parses %j', (text, names) => {
    expect(parseSubjectAltNames(text)).toEqual({ value: names });
  });

  it.each(['DNS', ':x', 'DNS:a, ', 'DNS:a,DNS:b', 'URI:"unterminated', 'URI:"a"b', 'URI:"\\q"', 'A,B:x', "DNS:it's"])('refuses %j', (text) => {
    expect(parseSubjectAltNames(text).error).toBeTypeOf('string');
  });
});
