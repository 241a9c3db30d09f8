// The operations pages, one chunk: lazy-pages.ts loads it with import() the first
// time one of them is shown. One chunk rather than one per page: esbuild puts
// the code each set of chunks shares in a chunk of its own, and every such
// chunk the app shares is one more request on the first load.
export { Audit } from '../views/Audit';
export { Logs } from './Logs';
export { Maintenance } from './Maintenance';
export { Phones } from './Phones';
