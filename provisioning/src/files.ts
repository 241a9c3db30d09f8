// The set of FreeSWITCH files Callpoint owns, laid out as in FreeSWITCH's
// configuration directory (/etc/freeswitch on Debian packages, or
// /usr/local/freeswitch/conf), so the output directory can be copied over it.
import type { Config } from '../../daemon/src/config/schema.js';
import { coreVarsXml } from './core-vars.js';
import type { DeviceSecrets } from './device-secrets.js';
import { staticDialplanXml } from './dialplan.js';
import { staticDirectoryXml } from './directory.js';
import { eventSocketConf } from './event-socket.js';
import { GATEWAYS_FILE, gatewaysXml } from './gateways.js';
import { xmlCurlConf } from './xml-curl-conf.js';

export interface GeneratedFile {
  /** Relative to the FreeSWITCH configuration directory, with forward slashes. */
  path: string;
  content: string;
  what: string;
}

/** Every file, generated in full before anything is written: a configuration problem writes nothing. */
export function freeswitchFiles(config: Config, secrets: DeviceSecrets): GeneratedFile[] {
  return [
    { path: 'autoload_configs/event_socket.conf.xml', content: eventSocketConf(config, secrets), what: 'event socket on 127.0.0.1 with the per-device password' },
    { path: 'autoload_configs/xml_curl.conf.xml', content: xmlCurlConf(config, secrets), what: 'directory and dialplan fetched from the daemon' },
    { path: 'callpoint-vars.xml', content: coreVarsXml(), what: 'system commands disabled (include from vars.xml)' },
    { path: 'directory/default.xml', content: staticDirectoryXml(config, secrets), what: `${config.phones.length} phone${config.phones.length === 1 ? '' : 's'} (fallback copy)` },
    { path: 'dialplan/callpoint.xml', content: staticDialplanXml(config), what: `contexts callpoint and callpoint-inbound, ${config.points.length} call point${config.points.length === 1 ? '' : 's'} (fallback: emergency, dispatch, extensions)` },
    { path: GATEWAYS_FILE, content: gatewaysXml(config), what: `${config.trunks.length} trunk gateway${config.trunks.length === 1 ? '' : 's'} on the external SIP profile` },
  ];
}
