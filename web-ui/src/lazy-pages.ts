// The pages whose code is fetched when someone first opens them (a chunk
// each, see lazy-page.tsx). The first load carries only what a sign-in lands
// on: the login page, the dashboard, the alarms and faults pages.
import { lazyPage } from './lazy-page';

export const Settings = lazyPage(() => import('./settings/Settings').then((m) => m.Settings));
export const RoutingPages = lazyPage(() => import('./routing/RoutingPages').then((m) => m.RoutingPages));
export const Wallboard = lazyPage(() => import('./desk/Wallboard').then((m) => m.Wallboard));
export const WalkPages = lazyPage(() => import('./walk/WalkPages').then((m) => m.WalkPages));
export const Board = lazyPage(() => import('./views/Board').then((m) => m.Board));
export const Lines = lazyPage(() => import('./views/Lines').then((m) => m.Lines));
export const Calls = lazyPage(() => import('./views/Calls').then((m) => m.Calls));
export const Live = lazyPage(() => import('./views/Live').then((m) => m.Live));
export const Users = lazyPage(() => import('./views/Users').then((m) => m.Users));
export const Account = lazyPage(() => import('./views/Account').then((m) => m.Account));
export const Setup = lazyPage(() => import('./views/Setup').then((m) => m.Setup));
// The operations pages share one chunk (ops/pages.ts): a page set opened together on a service visit.
export const Audit = lazyPage(() => import('./ops/pages').then((m) => m.Audit));
export const Logs = lazyPage(() => import('./ops/pages').then((m) => m.Logs));
export const Phones = lazyPage(() => import('./ops/pages').then((m) => m.Phones));
export const Maintenance = lazyPage(() => import('./ops/pages').then((m) => m.Maintenance));
