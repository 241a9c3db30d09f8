// A configuration and device secrets for generator and endpoint tests.
import { configFrom } from '../../../daemon/src/config/load.js';
import { type Config, type ConfigInput } from '../../../daemon/src/config/schema.js';
import type { DeviceSecrets } from '../../src/device-secrets.js';

/** 64 characters at most (the schema's limit): XML specials, a CDATA end, FreeSWITCH expansions. */
export const HOSTILE_NAME = `<A> & "B" 'C' ]]> \${system(id)} $\${default_password}`;

export function testConfig(over: Partial<ConfigInput> = {}): Config {
  return configFrom({
    site: 'tunnel-a',
    node: 'cabinet-3',
    dataDir: '/nonexistent',
    http: { host: '0.0.0.0', port: 8080 },
    points: [
      { id: 'east-km0-6', input: 'gpio17', label: 'SOS km 0.6 east', zone: 'east-bore', escalation: { targets: [{ extension: '8000' }] } },
      { id: 'west-km1-2', input: 'gpio27', label: 'SOS km 1.2 west', zone: 'west-bore', escalation: { targets: [{ extension: '8000' }] } },
    ],
    phones: [
      { number: '8000', name: 'Traffic control', zone: 'control' },
      { number: '2001', name: HOSTILE_NAME, zone: 'east-bore', secret: 'configured-secret-2001' },
    ],
    ...over,
  });
}

export function testSecrets(): DeviceSecrets {
  return {
    eslPassword: 'esl-generated-0123456789abcdef',
    xmlCurlSecret: 'curl-generated-0123456789abcdef',
    phoneSecrets: { '8000': 'phone-generated-8000-xyz' },
  };
}
