// Step-by-step migrations of the configuration file. Each step takes a file
// of version N to N+1 by editing the YAML document in place, so comments and
// key order survive. A file without `version` is taken to be current.
//
// Version 1 was the pre-release format: `http.listen: "host:port"` and
// `freeswitch.pass`. Version 2 splits the listen address (as in
// ARCHITECTURE.md) and names the password `password`.
import type { Document } from 'yaml';
import { isMap } from 'yaml';

export interface MigrationStep {
  from: number;
  describe: string;
  apply(doc: Document): void;
}

export const migrations: MigrationStep[] = [
  {
    from: 1,
    describe: 'http.listen "host:port" → http.host + http.port; freeswitch.pass → freeswitch.password',
    apply(doc) {
      const listen = doc.getIn(['http', 'listen']);
      if (typeof listen === 'string') {
        const m = /^(.*):(\d+)$/.exec(listen);
        doc.deleteIn(['http', 'listen']);
        if (m) {
          doc.setIn(['http', 'host'], m[1]);
          doc.setIn(['http', 'port'], Number(m[2]));
        } else {
          doc.setIn(['http', 'host'], listen);
        }
      }
      const fs = doc.get('freeswitch');
      if (isMap(fs) && fs.has('pass')) {
        fs.set('password', fs.get('pass'));
        fs.delete('pass');
      }
    },
  },
];
